"""The CA environments of `extra.environments`: load each CA file (and CRL), describe it, refuse bad ones.

A bad CA is a build error, not a warning: the download page and the validator would otherwise hand
clients a file that cannot work (not a CA, expired) or one nobody approved (pin mismatch). So is a bad
CRL: one the environment's CA did not sign would make the validator distrust every certificate, and one
past its nextUpdate would publish an out-of-date list of revoked certificates as the current one.
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
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

from validator_py import InputError
from validator_py.details import describe_certificate
from validator_py.pipeline import read as read_validator_input

# The CA key types pyca/cryptography can check a CRL signature with.
CRL_SIGNER_KEYS = (
    rsa.RSAPublicKey,
    dsa.DSAPublicKey,
    ec.EllipticCurvePublicKey,
    ed25519.Ed25519PublicKey,
    ed448.Ed448PublicKey,
)


class CaConfigError(ValueError):
    """A configured environment or its CA file is wrong; the message says which file and what to do."""


@dataclass(frozen=True)
class CaCrl:
    """The environment CA's CRL as the download page shows it and the validator page checks with it."""

    path: str  # relative to docs/, as written in mkdocs.yml
    pem: str
    sha256: str  # fingerprint (of the DER), as `openssl crl -noout -fingerprint -sha256` prints it
    this_update: dt.datetime
    next_update: dt.datetime
    number: int
    revoked: int  # how many certificates it lists


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
    crl: CaCrl | None = None  # `crl:` in mkdocs.yml, if the environment has one

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


def _read_crl(path: Path, shown: str, ca_shown: str) -> tuple[bytes, x509.CertificateRevocationList]:
    if not path.is_file():
        raise CaConfigError(
            f"{shown}: CRL file not found; put the CA's current CRL there (for the demo CAs: run "
            f"`python scripts/make_demo_pki.py`), or remove `crl:` from the environment of {ca_shown}"
        )
    data = path.read_bytes()
    try:
        if b"-----BEGIN" in data:
            return data, x509.load_pem_x509_crl(data)
        return data, x509.load_der_x509_crl(data)
    except ValueError as error:
        raise CaConfigError(
            f"{shown}: not a readable CRL ({error}); replace it with the CA's current CRL in PEM"
        ) from error


# Each CRL guard returns a problem sentence or None; the build stops at the first problem.
CrlGuard = Callable[[x509.CertificateRevocationList, x509.Certificate, str, dt.datetime], str | None]
_CRL_FIX = "Publish the CRL that this CA issued, or fix `crl:` in mkdocs.yml"


def _crl_issuer_guard(
    crl: x509.CertificateRevocationList, ca: x509.Certificate, ca_shown: str, now: dt.datetime
) -> str | None:
    if crl.issuer == ca.subject:
        return None
    return (
        f"was not issued by the environment's CA ({ca_shown}, {ca.subject.rfc4514_string()}): its "
        f"issuer is {crl.issuer.rfc4514_string()}. {_CRL_FIX}"
    )


def _crl_signature_guard(
    crl: x509.CertificateRevocationList, ca: x509.Certificate, ca_shown: str, now: dt.datetime
) -> str | None:
    key = ca.public_key()
    if isinstance(key, CRL_SIGNER_KEYS) and crl.is_signature_valid(key):
        return None
    return (
        f"was not signed by the environment's CA ({ca_shown}): its signature does not verify with that "
        f"CA's key, although it names the CA as its issuer. {_CRL_FIX}"
    )


def _crl_dates_guard(
    crl: x509.CertificateRevocationList, ca: x509.Certificate, ca_shown: str, now: dt.datetime
) -> str | None:
    next_update = crl.next_update_utc
    if next_update is None:
        return "has no nextUpdate, so nobody can tell whether it is current; publish a CRL with a nextUpdate"
    if next_update <= now:
        return (
            f"is past its nextUpdate ({next_update.isoformat()}): certificates revoked since then are not on "
            "it. Publish the CA's current CRL (for the demo CAs, whose keys are gone: run "
            "`python scripts/make_demo_pki.py`, then update the sha256 pins and run `nox -s pin`)"
        )
    if crl.last_update_utc > now:
        return (
            f"is not valid yet (thisUpdate {crl.last_update_utc.isoformat()}); check the file and the clock"
        )
    return None


def _crl_number_guard(
    crl: x509.CertificateRevocationList, ca: x509.Certificate, ca_shown: str, now: dt.datetime
) -> str | None:
    try:
        crl.extensions.get_extension_for_class(x509.CRLNumber)
    except x509.ExtensionNotFound:
        return (
            "has no CRL number (RFC 5280 section 5.2.3), so the validator would refuse it; publish the "
            "CA's CRL with its CRL number"
        )
    return None


CRL_GUARDS: tuple[CrlGuard, ...] = (
    _crl_issuer_guard,
    _crl_signature_guard,
    _crl_dates_guard,
    _crl_number_guard,
)


def load_crl(
    entry: Mapping[str, Any], docs_dir: Path, ca: x509.Certificate, now: dt.datetime
) -> CaCrl | None:
    """The environment's `crl:` file, read and checked against its CA; None when it has none."""
    value = entry.get("crl")
    if value is None:
        return None
    ca_shown = f"docs/{entry['ca']}"
    if not isinstance(value, str) or not value:
        raise CaConfigError(
            f"mkdocs.yml: the `crl:` of environment '{entry['id']}' must be a file path relative to docs/"
        )
    shown = f"docs/{value}"
    data, crl = _read_crl(docs_dir / value, shown, ca_shown)
    for guard in CRL_GUARDS:
        problem = guard(crl, ca, ca_shown, now)
        if problem:
            raise CaConfigError(f"{shown}: {problem}")
    try:
        parsed = read_validator_input(data)
    except InputError as error:
        raise CaConfigError(f"{shown}: the validator cannot read this CRL: {error}") from error
    if len(parsed.crls) != 1 or parsed.certificates or parsed.csrs:
        raise CaConfigError(f"{shown}: must hold exactly one CRL and nothing else")
    next_update = crl.next_update_utc
    assert next_update is not None  # _crl_problem refuses a CRL without one.
    return CaCrl(
        path=value,
        pem=crl.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        sha256=colon_fingerprint(crl.public_bytes(serialization.Encoding.DER)),
        this_update=crl.last_update_utc,
        next_update=next_update,
        number=crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number,
        revoked=len(crl),
    )


def load_environment(
    entry: Mapping[str, Any], docs_dir: Path, now: dt.datetime, published_sha256: str | None = None
) -> CaEnvironment:
    shown = f"docs/{entry['ca']}"
    certificate = _read_certificate(docs_dir / str(entry["ca"]), shown)
    for guard in GUARDS:
        problem = guard(certificate, entry, now)
        if problem:
            raise CaConfigError(f"{shown}: {problem}")
    crl = load_crl(entry, docs_dir, certificate, now)
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
        crl=crl,
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
            "{id, name, ca, host, sha256?, published_sha256?, crl?}"
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
