"""The CA environments of `extra.environments`: load each CA file, describe it, and refuse bad ones.

A bad CA is a build error, not a warning: the download page and the validator would otherwise hand
clients a file that cannot work (not a CA, expired) or one nobody approved (pin mismatch).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from validator_py import InputError
from validator_py.details import describe_certificate


class CaConfigError(ValueError):
    """A configured environment or its CA file is wrong; the message says which file and what to do."""


@dataclass(frozen=True)
class CaEnvironment:
    """One environment with the facts the pages show about its CA certificate."""

    id: str
    name: str
    host: str
    ca_path: str  # relative to docs/, as written in mkdocs.yml
    ca_pem: str
    sha256: str  # colon-separated uppercase hex, as `openssl x509 -fingerprint -sha256` prints it
    subject: str  # RFC 4514
    serial: str  # colon-separated uppercase hex, as the validator page shows it
    not_before: dt.datetime
    not_after: dt.datetime
    # The fingerprint Nuvy publishes for this environment's CA (openssl form), or None if it publishes none
    # yet. Only a release build requires the file to match it (hooks/release.py).
    published_sha256: str | None = None

    @property
    def demo(self) -> bool:
        return "demo" in self.subject.lower()


def colon_fingerprint(der: bytes) -> str:
    """Return the SHA-256 of `der` as openssl prints it: AB:CD:..."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def normalise_pin(pin: str) -> str:
    """Accept a pin with or without colons, any case, and return the openssl form."""
    hex_only = pin.replace(":", "").replace(" ", "").upper()
    return ":".join(hex_only[i : i + 2] for i in range(0, len(hex_only), 2))


_REQUIRED_KEYS = ("id", "name", "ca", "host")
_SHA256_HEX_DIGITS = 64


def _published_fingerprint(index: int, entry: Mapping[str, Any]) -> str | None:
    """`published_sha256` in the openssl form; None when absent or null (Nuvy publishes none yet)."""
    value = entry.get("published_sha256")
    if value is None:
        return None
    hex_only = str(value).replace(":", "").replace(" ", "")
    if len(hex_only) != _SHA256_HEX_DIGITS or any(c not in "0123456789abcdefABCDEF" for c in hex_only):
        raise CaConfigError(
            f"mkdocs.yml: extra.environments[{index}].published_sha256 {value!r} is not a SHA-256 "
            "fingerprint (64 hex digits, colons allowed); copy it exactly as Nuvy publishes it, or write null"
        )
    return normalise_pin(hex_only)


def _entry_problem(index: int, entry: object) -> str | None:
    if not isinstance(entry, Mapping):
        return f"extra.environments[{index}] must be a mapping with keys {', '.join(_REQUIRED_KEYS)}"
    missing = [key for key in _REQUIRED_KEYS if not isinstance(entry.get(key), str) or not entry.get(key)]
    if missing:
        return f"extra.environments[{index}] is missing {', '.join(missing)} in mkdocs.yml"
    return None


def _read_certificate(path: Path, shown: str) -> x509.Certificate:
    if not path.is_file():
        raise CaConfigError(f"{shown}: CA file not found; put the environment's public CA certificate there")
    data = path.read_bytes()
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError as error:
        raise CaConfigError(
            f"{shown}: not a readable X.509 certificate ({error}); replace it with the CA certificate in PEM"
        ) from error


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    return constraints.ca


# Each guard returns a problem sentence or None; the build stops at the first problem of each CA.
Guard = Callable[[x509.Certificate, Mapping[str, Any], dt.datetime], str | None]


def _pin_guard(certificate: x509.Certificate, entry: Mapping[str, Any], now: dt.datetime) -> str | None:
    pin = entry.get("sha256")
    if not pin:
        return None
    actual = colon_fingerprint(certificate.public_bytes(serialization.Encoding.DER))
    if normalise_pin(str(pin)) == actual:
        return None
    return (
        f"SHA-256 fingerprint {actual} does not match the pin {pin} of environment '{entry['id']}' "
        "in mkdocs.yml; if this CA file is the intended one, update the pin, otherwise restore the file"
    )


def _ca_guard(certificate: x509.Certificate, entry: Mapping[str, Any], now: dt.datetime) -> str | None:
    if _is_ca(certificate):
        return None
    return (
        "is not a CA certificate (it has no basicConstraints CA:TRUE); "
        "put the issuing CA certificate here, not a client or server certificate"
    )


def _expiry_guard(certificate: x509.Certificate, entry: Mapping[str, Any], now: dt.datetime) -> str | None:
    if certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        return None
    if now < certificate.not_valid_before_utc:
        return f"is not valid yet (notBefore {certificate.not_valid_before_utc.isoformat()}); check the file"
    return (
        f"expired on {certificate.not_valid_after_utc.isoformat()}; "
        "replace it with the current CA certificate of this environment"
    )


GUARDS: tuple[Guard, ...] = (_pin_guard, _ca_guard, _expiry_guard)


def load_environment(
    entry: Mapping[str, Any], docs_dir: Path, now: dt.datetime, published_sha256: str | None = None
) -> CaEnvironment:
    shown = f"docs/{entry['ca']}"
    certificate = _read_certificate(docs_dir / str(entry["ca"]), shown)
    for guard in GUARDS:
        problem = guard(certificate, entry, now)
        if problem:
            raise CaConfigError(f"{shown}: {problem}")
    der = certificate.public_bytes(serialization.Encoding.DER)
    facts = _describe(der, shown)
    return CaEnvironment(
        id=str(entry["id"]),
        name=str(entry["name"]),
        host=str(entry["host"]),
        ca_path=str(entry["ca"]),
        ca_pem=certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        sha256=colon_fingerprint(der),
        subject=str(facts["subject"]),
        serial=str(facts["serial"]),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        published_sha256=published_sha256,
    )


def _describe(der: bytes, shown: str) -> dict[str, Any]:
    # The validator's own description, so the download page and the validator word a CA the same way.
    try:
        facts = describe_certificate(der)
    except InputError as error:
        raise CaConfigError(f"{shown}: the validator cannot read this certificate: {error}") from error
    missing = [key for key in ("subject", "serial") if not isinstance(facts.get(key), str)]
    if missing:
        raise CaConfigError(
            f"{shown}: validator_py.details.describe_certificate returned no {', '.join(missing)}; "
            "the hook and the validator disagree on the details format (see ARCHITECTURE.md)"
        )
    return facts


def load_environments(raw: object, docs_dir: Path, now: dt.datetime) -> tuple[CaEnvironment, ...]:
    """Validate `extra.environments` and every CA it names; raise CaConfigError on the first problem."""
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise CaConfigError(
            "mkdocs.yml: extra.environments must be a non-empty list of "
            "{id, name, ca, host, sha256?, published_sha256?}"
        )
    environments = []
    for index, entry in enumerate(raw):
        problem = _entry_problem(index, entry)
        if problem:
            raise CaConfigError(f"mkdocs.yml: {problem}")
        published = _published_fingerprint(index, entry)
        environments.append(load_environment(entry, docs_dir, now, published))
    ids = [environment.id for environment in environments]
    if len(set(ids)) != len(ids):
        raise CaConfigError(f"mkdocs.yml: extra.environments has duplicate ids {ids}; make each id unique")
    return tuple(environments)
