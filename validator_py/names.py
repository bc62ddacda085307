"""Distinguished names as the user sees them (RFC 4514 and OpenSSL's ``/C=BR/O=...`` form) and as compared."""

from __future__ import annotations

import re
from typing import Any

from asn1crypto import core

from .record import record

# OpenSSL's short names, so the subject shown matches what `openssl x509 -subject` prints.
_SHORT = {
    "common_name": "CN",
    "country_name": "C",
    "organization_name": "O",
    "organizational_unit_name": "OU",
    "locality_name": "L",
    "state_or_province_name": "ST",
    "email_address": "emailAddress",
    "serial_number": "serialNumber",
    "domain_component": "DC",
    "user_id": "UID",
    "street_address": "street",
    "given_name": "GN",
    "surname": "SN",
    "title": "title",
}


@record
class NameInfo:
    key: str  # asn1crypto's normalised form: equal for names RFC 5280 says are equal
    rfc4514: str
    openssl: str
    attributes: tuple[tuple[str, str], ...]  # (short name, value) in DER order
    rdns: tuple[str, ...] = ()  # asn1crypto's normalised key of each RDN, for directoryName constraints
    types: tuple[str, ...] = ()  # the ASN.1 string type of each attribute, as ``attributes`` (DER order)

    def get(self, short: str) -> list[str]:
        return [value for name, value in self.attributes if name == short]

    def __str__(self) -> str:
        return self.rfc4514 or "(empty name)"


# RFC 4514 §2.4: these are escaped wherever they stand, NUL as the hex pair \00.
_RFC4514_SPECIAL = frozenset(',+"\\<>;\x00')


def _escape_rfc4514(value: str) -> str:
    # Most values need no escaping; telling so takes no per-character Python loop.
    if _RFC4514_SPECIAL.isdisjoint(value) and value[:1] not in (" ", "#") and not value.endswith(" "):
        return value
    out = []
    for index, char in enumerate(value):
        leading = index == 0 and char in " #"
        trailing = index == len(value) - 1 and char == " "
        if char == "\x00":
            out.append("\\00")
        else:
            out.append("\\" + char if char in _RFC4514_SPECIAL or leading or trailing else char)
    return "".join(out)


# RFC 4518's string preparation (what asn1crypto's ``NameTypeAndValue.prepped_value`` computes, and what
# names are compared by) spends most of a check's parsing time mapping each character through
# ``stringprep``'s tables. For ASCII, which nearly every name is, its steps reduce to this one table:
# tab, LF, VT, FF and CR become spaces, the other C0 controls and DEL are removed, A-Z are case-folded;
# normalisation (NFKC) leaves ASCII unchanged and no ASCII character is prohibited or right-to-left.
# tests/fastpaths/test_name_prep.py checks it against asn1crypto's own on every ASCII character and on
# random strings.
_ASCII_PREP = str.maketrans(
    {
        **{chr(code): None for code in (*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F)},
        **dict.fromkeys("\t\n\v\f\r", " "),
        **{chr(code): chr(code + 32) for code in range(ord("A"), ord("Z") + 1)},
    }
)
_SPACES = re.compile(" +")


def _prepared(attribute: Any) -> str:
    """One attribute's value as RFC 5280 §7.1 compares it; asn1crypto prepares anything but ASCII text."""
    value = attribute["value"].native
    if isinstance(value, str) and value.isascii():
        # The insignificant-space step, exactly as asn1crypto writes it.
        return " " + _SPACES.sub("  ", value.translate(_ASCII_PREP)).strip() + " "
    return str(attribute.prepped_value)


def rdn_key(rdn: Any) -> str:
    """asn1crypto's ``RelativeDistinguishedName.hashable``: equal for RDNs that RFC 5280 says are equal."""
    values = {str(attribute["type"].native): _prepared(attribute) for attribute in rdn}
    # The unit separator cannot survive preparation, so it cannot occur inside a value.
    return "\x1f".join(f"{key}: {values[key]}" for key in sorted(values))


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def name_info(name: Any) -> NameInfo:
    """Build a ``NameInfo`` from an asn1crypto ``Name``; raises on damaged names (the boundary catches it)."""
    rdns: list[list[tuple[str, str]]] = []
    types: list[str] = []
    for rdn in name.chosen:
        attrs = []
        for attribute in rdn:
            oid = attribute["type"]
            short = _SHORT.get(str(oid.native), oid.dotted)
            value = attribute["value"]
            attrs.append((short, _text(value.native)))
            # A DirectoryString is a choice ("utf8_string", "teletex_string", ...); others have one type.
            types.append(str(value.name) if isinstance(value, core.Choice) else type(value).__name__)
        rdns.append(attrs)
    flat = tuple(pair for rdn in rdns for pair in rdn)
    rfc4514 = ",".join(
        "+".join(f"{short}={_escape_rfc4514(value)}" for short, value in rdn) for rdn in reversed(rdns)
    )
    openssl = "".join("/" + "+".join(f"{short}={value}" for short, value in rdn) for rdn in rdns)
    keys = tuple(rdn_key(rdn) for rdn in name.chosen)
    # asn1crypto's ``Name.hashable``: the RDNs' keys joined by the record separator.
    return NameInfo(
        key="\x1e".join(keys),
        rfc4514=rfc4514,
        openssl=openssl,
        attributes=flat,
        rdns=keys,
        types=tuple(types),
    )
