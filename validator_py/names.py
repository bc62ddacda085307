"""Distinguished names as the user sees them (RFC 4514 and OpenSSL's ``/C=BR/O=...`` form) and as compared."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class NameInfo:
    key: str  # asn1crypto's normalised form: equal for names RFC 5280 says are equal
    rfc4514: str
    openssl: str
    attributes: tuple[tuple[str, str], ...]  # (short name, value) in DER order
    rdns: tuple[str, ...] = ()  # asn1crypto's normalised key of each RDN, for directoryName constraints

    def get(self, short: str) -> list[str]:
        return [value for name, value in self.attributes if name == short]

    def __str__(self) -> str:
        return self.rfc4514 or "(empty name)"


def _escape_rfc4514(value: str) -> str:
    out = []
    for index, char in enumerate(value):
        leading = index == 0 and char in " #"
        trailing = index == len(value) - 1 and char == " "
        out.append("\\" + char if char in ',+"\\<>;' or leading or trailing else char)
    return "".join(out)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def name_info(name: Any) -> NameInfo:
    """Build a ``NameInfo`` from an asn1crypto ``Name``; raises on damaged names (the boundary catches it)."""
    rdns: list[list[tuple[str, str]]] = []
    for rdn in name.chosen:
        attrs = []
        for attribute in rdn:
            oid = attribute["type"]
            short = _SHORT.get(str(oid.native), oid.dotted)
            attrs.append((short, _text(attribute["value"].native)))
        rdns.append(attrs)
    flat = tuple(pair for rdn in rdns for pair in rdn)
    rfc4514 = ",".join(
        "+".join(f"{short}={_escape_rfc4514(value)}" for short, value in rdn) for rdn in reversed(rdns)
    )
    openssl = "".join("/" + "+".join(f"{short}={value}" for short, value in rdn) for rdn in rdns)
    return NameInfo(
        key=str(name.hashable),
        rfc4514=rfc4514,
        openssl=openssl,
        attributes=flat,
        rdns=tuple(str(rdn.hashable) for rdn in name.chosen),
    )
