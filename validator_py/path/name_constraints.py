"""Name constraints (RFC 5280 §4.2.1.10 and §6.1.3 (b) and (c)) for the five forms the validator processes.

A name is tested only against subtrees of its own form: a constraint on DNS names says nothing about
e-mail addresses. Permitted subtrees of a form, when present, must contain every name of that form;
excluded subtrees must contain none.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..extensions import GeneralName, NameConstraints
from ..model import Certificate

PROCESSED_FORMS = frozenset({"dns", "ip", "email", "uri", "dirname"})
_FORM_NAMES = {
    "dns": "DNS name",
    "ip": "IP address",
    "email": "e-mail address",
    "uri": "URI",
    "dirname": "subject name",
}


def _dns_within(name: str, base: str) -> bool:
    """§4.2.1.10: a DNS constraint matches the name itself and any name made by adding labels on the left;
    a leading period (a common, pre-RFC form) matches only names with labels added."""
    name, base = name.lower().rstrip("."), base.lower().rstrip(".")
    if not base:
        return True
    if base.startswith("."):
        return name.endswith(base)
    return name == base or name.endswith("." + base)


def _host_within(host: str, base: str) -> bool:
    """§4.2.1.10 for e-mail hosts and URIs: "host" matches that host; ".host" matches its subdomains."""
    host, base = host.lower(), base.lower()
    return host.endswith(base) if base.startswith(".") else host == base


def _email_within(name: str, base: str) -> bool:
    local, at, host = name.rpartition("@")
    if not at:
        return False
    if "@" in base:
        base_local, _, base_host = base.rpartition("@")
        # The local part is case-sensitive, the host is not (§4.2.1.10 defers to RFC 5321).
        return local == base_local and host.lower() == base_host.lower()
    return _host_within(host, base)


def uri_host(uri: str) -> str | None:
    """The host of a URI (RFC 3986 authority without userinfo and port), or None when it has none."""
    _, sep, rest = uri.partition("://")
    if not sep:
        return None
    authority = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rpartition("@")[2]
    if authority.startswith("["):
        return authority[1:].split("]", 1)[0] or None
    return authority.split(":", 1)[0] or None


def _ip_within(address: bytes, base: bytes) -> bool:
    if len(base) != 2 * len(address):
        return False  # IPv4 constraints do not match IPv6 addresses, nor the reverse.
    net, mask = base[: len(address)], base[len(address) :]
    return all((a & m) == (n & m) for a, n, m in zip(address, net, mask, strict=True))


def within(name: GeneralName, base: GeneralName) -> bool:
    """Is ``name`` inside the subtree ``base`` (both of the same form)?"""
    if name.form == "dns":
        return _dns_within(name.value, base.value)
    if name.form == "email":
        return _email_within(name.value, base.value)
    if name.form == "uri":
        host = uri_host(name.value)
        return host is not None and _host_within(host, base.value)
    if name.form == "ip":
        return _ip_within(name.raw, base.raw)
    if name.form == "dirname":
        return name.rdns[: len(base.rdns)] == base.rdns
    return False


def names_of(cert: Certificate) -> Iterator[GeneralName]:
    """Every name of ``cert`` that constraints apply to: the subject DN, its e-mail attributes, the SAN."""
    if cert.subject.rdns:
        yield GeneralName("dirname", cert.subject.key, rdns=cert.subject.rdns)
    for email in cert.subject.get("emailAddress"):
        yield GeneralName("email", email)
    yield from cert.alt_names


def describe(name: GeneralName) -> str:
    if name.form == "ip":
        return _FORM_NAMES["ip"] + " " + _ip_text(name.raw)
    if name.form == "dirname":
        return _FORM_NAMES["dirname"]
    return f"{_FORM_NAMES.get(name.form, name.form)} {name.value}"


def _ip_text(raw: bytes) -> str:
    if len(raw) == 4:
        return ".".join(str(byte) for byte in raw)
    return ":".join(f"{raw[i] << 8 | raw[i + 1]:x}" for i in range(0, len(raw), 2))


def violations(name: GeneralName, constraints: NameConstraints) -> str | None:
    """Why ``name`` breaks ``constraints`` (a sentence fragment), or None when it does not."""
    if name.form not in PROCESSED_FORMS:
        return None
    if any(base.form == name.form and within(name, base) for base in constraints.excluded):
        return f"its {describe(name)} is in an excluded subtree"
    permitted = [base for base in constraints.permitted if base.form == name.form]
    if permitted and not any(within(name, base) for base in permitted):
        return f"its {describe(name)} is outside the permitted subtrees"
    return None


def unsupported_forms(constraints: NameConstraints) -> list[str]:
    return sorted(
        {
            base.value
            for base in (*constraints.permitted, *constraints.excluded)
            if base.form not in PROCESSED_FORMS
        }
    )
