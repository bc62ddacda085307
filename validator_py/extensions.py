"""A strict reader of certificate extensions, at the input boundary.

asn1crypto is lenient: it keeps the last of two extensions with the same OID, parses extension values
lazily, and accepts values with trailing bytes or non-DER encodings. A TLS server built on a strict
parser (OpenSSL, rustls, pyca/cryptography) rejects such a certificate, so this reader records each
such defect as a finding for the ``extensions.well_formed`` check instead of letting it through.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asn1crypto.core import Void

from .der import der_problem
from .names import rdn_key
from .record import record

# Extensions the validator processes or knows to be harmless when critical. RFC 5280 §4.2: a certificate
# with a critical extension the relying party does not recognise must be rejected.
KNOWN_EXTENSIONS: Mapping[str, str] = {
    "2.5.29.14": "subjectKeyIdentifier",
    "2.5.29.15": "keyUsage",
    "2.5.29.17": "subjectAltName",
    "2.5.29.18": "issuerAltName",
    "2.5.29.19": "basicConstraints",
    "2.5.29.30": "nameConstraints",
    "2.5.29.31": "cRLDistributionPoints",
    "2.5.29.32": "certificatePolicies",
    "2.5.29.33": "policyMappings",
    "2.5.29.35": "authorityKeyIdentifier",
    "2.5.29.36": "policyConstraints",
    "2.5.29.37": "extendedKeyUsage",
    "2.5.29.54": "inhibitAnyPolicy",
    "1.3.6.1.5.5.7.1.1": "authorityInfoAccess",
}

_KEY_USAGE, _NAME_CONSTRAINTS = "2.5.29.15", "2.5.29.30"

# The GeneralName forms name constraints are processed for (RFC 5280 §4.2.1.10), by asn1crypto's name.
NAME_FORMS: Mapping[str, str] = {
    "dns_name": "dns",
    "ip_address": "ip",
    "rfc822_name": "email",
    "uniform_resource_identifier": "uri",
    "directory_name": "dirname",
}


@record
class Extension:
    oid: str
    name: str
    critical: bool


@record
class GeneralName:
    """One name of a SAN or a name-constraint subtree; ``form`` is "dns", "ip", ... or "other"."""

    form: str
    value: str  # dns/email/uri: the text; dirname: RDN keys joined by "\x1e"; other: the asn1crypto form
    raw: bytes = b""  # ip: the address bytes (SAN) or address + mask bytes (constraint)
    rdns: tuple[str, ...] = ()  # dirname: asn1crypto's normalised RDN keys, for prefix matching


@record
class NameConstraints:
    permitted: tuple[GeneralName, ...]
    excluded: tuple[GeneralName, ...]


@record
class ReadExtensions:
    """Everything the checks need from the extensions, read once."""

    listed: tuple[Extension, ...]
    problems: tuple[str, ...]  # sentence fragments: duplicates, malformed values
    values: Mapping[str, Any]  # OID -> the parsed asn1crypto value, for well-formed extensions only


def _well_formed(ext: Any, oid: str) -> tuple[Any, str | None]:
    """Parse one extension's value; return it, or the reason it is malformed."""
    try:
        # Reading the child parses it (asn1crypto follows the OID's spec), so it is inside the ``try``.
        octets = ext["extn_value"]
        parsed = octets.parsed
        if parsed is None:
            return None, "its value is empty"
        parsed.native  # noqa: B018 - parse every field now, not in a check.
    except Exception as error:  # Broad on purpose: asn1crypto raises many types on damaged values.
        return None, f"its value cannot be read ({type(error).__name__})"
    # RFC 5280 §4.1 requires DER of the whole certificate; asn1crypto would accept BER here.
    problem = der_problem(bytes(octets.contents), named_bits=oid == _KEY_USAGE)
    if problem is not None:
        return None, f"its value is not DER-encoded ({problem})"
    if oid == _NAME_CONSTRAINTS and (bad := _bad_ip_subtree(parsed)) is not None:
        return None, bad
    return parsed, None


def _bad_ip_subtree(value: Any) -> str | None:
    """RFC 5280 §4.2.1.10: an iPAddress subtree is an address and a mask of 8 or 32 octets; the mask
    is a prefix (CIDR), or the constraint means nothing sensible (pyca/cryptography refuses it too)."""
    for field in ("permitted_subtrees", "excluded_subtrees"):
        for subtree in [] if value[field].native is None else value[field]:
            base = subtree["base"]
            if base.name != "ip_address":
                continue
            raw = bytes(base.chosen.contents)
            if len(raw) not in (8, 32):
                return f"an iPAddress subtree is {len(raw)} octets, not an address and a mask"
            bits = "".join(f"{byte:08b}" for byte in raw[len(raw) // 2 :])
            if "01" in bits:
                return "an iPAddress subtree's mask is not a prefix (such as 255.255.255.0)"
    return None


def read_extensions(raw: Any) -> ReadExtensions:
    """Read an asn1crypto ``Extensions`` (or a missing one) strictly."""
    listed: list[Extension] = []
    problems: list[str] = []
    values: dict[str, Any] = {}
    seen: set[str] = set()
    # Not ``raw.native``: that would parse every value at once, and one malformed value would hide the rest.
    for ext in [] if isinstance(raw, Void) else raw:
        oid = ext["extn_id"].dotted
        name = KNOWN_EXTENSIONS.get(oid, str(ext["extn_id"].native))
        listed.append(Extension(oid, name, bool(ext["critical"].native)))
        if oid in seen:
            problems.append(f"the {name} extension appears twice")
            values.pop(oid, None)
            continue
        seen.add(oid)
        if oid not in KNOWN_EXTENSIONS:
            continue  # Unknown values are opaque; only their criticality matters (checked elsewhere).
        parsed, problem = _well_formed(ext, oid)
        if problem is not None:
            problems.append(f"the {name} extension is malformed: {problem}")
        else:
            values[oid] = parsed
    return ReadExtensions(tuple(listed), tuple(problems), values)


def general_name(name: Any) -> GeneralName:
    """One asn1crypto ``GeneralName`` as a plain value."""
    form = NAME_FORMS.get(name.name, "other")
    chosen = name.chosen
    if form == "ip":
        return GeneralName("ip", "", raw=bytes(chosen.contents))
    if form == "dirname":
        rdns = tuple(rdn_key(rdn) for rdn in chosen.chosen)
        return GeneralName("dirname", "\x1e".join(rdns), rdns=rdns)
    if form == "other":
        return GeneralName("other", str(name.name))
    return GeneralName(form, str(chosen.native))


def subtrees(value: Any) -> tuple[GeneralName, ...]:
    if value is None or value.native is None:
        return ()
    return tuple(general_name(subtree["base"]) for subtree in value)


def name_constraints(value: Any) -> NameConstraints | None:
    if value is None:
        return None
    return NameConstraints(subtrees(value["permitted_subtrees"]), subtrees(value["excluded_subtrees"]))
