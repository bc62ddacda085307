"""The catalogue of generated certificates: one per defect the validator must catch, plus good ones.

Each entry names the check that must react, its status and the message (a regex), so the check tests
and the openssl / pyca/cryptography agreement tests share one table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cryptography import x509

from tests import pki
from tests.conftest import NuvyPKI
from validator_py import Status

P, W, F, NA = Status.PASS, Status.WARN, Status.FAIL, Status.NOT_APPLICABLE
OTHER_KEY_SLOT = 77  # a key that belongs to no configured CA


@dataclass(frozen=True)
class Defect:
    name: str
    make: Callable[[NuvyPKI], pki.Issued]
    check_id: str
    status: Status
    message: str  # regex searched in the check's message
    selected: str = "qa"


def _ec_ca() -> pki.Issued:
    return pki.make_ca("Nuvy EC CA", key_type="ec384")


def _ed_ca() -> pki.Issued:
    return pki.make_ca("Nuvy Ed25519 CA", key_type="ed25519")


UNKNOWN_CRITICAL = x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.99999.1"), b"\x05\x00")

DEFECTS: list[Defect] = [
    Defect(
        "good",
        lambda p: pki.make_client(p.qa),
        "signature.valid",
        P,
        r"verifies with the public key of the QA CA \(qa\)",
    ),
    Defect("good-pss", lambda p: pki.make_client(p.qa, pss=True), "signature.valid", P, "verifies"),
    Defect(
        "good-sha384", lambda p: pki.make_client(p.qa, hash_alg=pki.SHA384), "signature.hash", P, "SHA-384"
    ),
    Defect(
        "good-ec-client",
        lambda p: pki.make_client(p.qa, key_type="ec256"),
        "ku.key_encipherment",
        NA,
        "only applies to RSA keys; this key is EC P-256",
    ),
    Defect(
        "wrong-environment",
        lambda p: pki.make_client(p.qa),
        "environment.issuer",
        F,
        r"issued by the QA CA \(qa\), not by the Production CA \(production\) you selected\. "
        r"Use it against QA, or ask Nuvy for a Production certificate",
        selected="production",
    ),
    Defect(
        "wrong-environment-signature",
        lambda p: pki.make_client(p.qa),
        "path.build",
        F,
        r"This certificate was not issued by the CA you selected: check the environment "
        r"\(see environment\.issuer\), or ask Nuvy",
        selected="production",
    ),
    Defect(
        "wrong-environment-issuer",
        lambda p: pki.make_client(p.qa),
        "path.build",
        F,
        r"The issuer of the leaf certificate \(client-name\) is CN=Nuvy QA CA,O=Nuvy Test,C=BR, "
        r"but that is not the Production CA \(production\), "
        r"CN=Nuvy Production CA",
        selected="production",
    ),
    Defect(
        "forged-issuer-name",
        lambda p: pki.make_client(p.qa, signing_key=pki.private_key("rsa4096", OTHER_KEY_SLOT)),
        "signature.valid",
        F,
        r"issuer name matches the QA CA \(qa\), but the signature does not verify with its public key, "
        r"so it was not issued by this CA",
    ),
    Defect(
        "forged-no-environment",
        lambda p: pki.make_client(p.qa, signing_key=pki.private_key("rsa4096", OTHER_KEY_SLOT)),
        "environment.issuer",
        F,
        r"None of the configured CAs \(the QA CA \(qa\), the Production CA",
    ),
    Defect(
        "not-yet-valid",
        lambda p: pki.make_client(p.qa, not_before=pki.NOW + pki.DAY),
        "validity.period",
        F,
        r"is not valid yet: valid from 2026-06-16 12:00 UTC",
    ),
    Defect(
        "expired",
        lambda p: pki.make_client(p.qa, not_before=pki.NOW - pki.YEAR, not_after=pki.NOW - pki.DAY),
        "validity.period",
        F,
        r"expired on 2026-06-14 12:00 UTC .*guide step 9",
    ),
    Defect(
        "expiring-soon",
        lambda p: pki.make_client(p.qa, not_after=pki.NOW + 10 * pki.DAY),
        "validity.expiring_soon",
        W,
        r"Expires on 2026-06-25 12:00 UTC, in 10 days\. Plan the rotation",
    ),
    Defect(
        "server-auth-only",
        lambda p: pki.make_client(p.qa, eku=(pki.SERVER_AUTH,)),
        "eku.client_auth",
        F,
        "lists serverAuth but not clientAuth",
    ),
    Defect(
        "no-eku",
        lambda p: pki.make_client(p.qa, eku=None),
        "eku.client_auth",
        F,
        "no Extended Key Usage extension",
    ),
    Defect(
        "no-digital-signature",
        lambda p: pki.make_client(p.qa, key_usage_flags={"key_encipherment": True}),
        "ku.digital_signature",
        F,
        "lacks digitalSignature",
    ),
    Defect(
        "no-key-usage",
        lambda p: pki.make_client(p.qa, key_usage_flags={}),
        "ku.digital_signature",
        F,
        "no Key Usage extension",
    ),
    Defect(
        "no-key-encipherment",
        lambda p: pki.make_client(p.qa, key_usage_flags={"digital_signature": True}),
        "ku.key_encipherment",
        W,
        "lacks keyEncipherment",
    ),
    Defect(
        "ca-true",
        lambda p: pki.make_client(p.qa, basic_constraints_ca=True),
        "basic_constraints.not_ca",
        F,
        "CA:TRUE",
    ),
    Defect(
        "key-cert-sign",
        lambda p: pki.make_client(p.qa, key_usage_flags={"digital_signature": True, "key_cert_sign": True}),
        "basic_constraints.not_ca",
        F,
        "keyCertSign",
    ),
    Defect(
        "rsa-1024",
        lambda p: pki.make_client(p.qa, key_type="rsa1024"),
        "key.strength",
        F,
        "RSA 1024-bit; Nuvy requires at least 2048 bits",
    ),
    Defect(
        "sha1",
        lambda p: pki.make_client(p.qa, hash_alg=pki.SHA1),
        "signature.hash",
        F,
        "RSA PKCS#1 v1.5 with SHA-1. Nuvy accepts only SHA-256 or stronger",
    ),
    Defect("md5", lambda p: pki.make_client(p.qa, hash_alg=pki.MD5), "signature.hash", F, "with MD5"),
    Defect(
        "md5-signature",
        lambda p: pki.make_client(p.qa, hash_alg=pki.MD5),
        "signature.valid",
        F,
        "MD5 is broken and cannot be verified safely",
    ),
    Defect(
        "md5-environment",
        lambda p: pki.make_client(p.qa, hash_alg=pki.MD5),
        "environment.issuer",
        F,
        r"issuer name is that of the QA CA \(qa\), but which CA signed it could not be confirmed: MD5",
    ),
    Defect(
        "unknown-critical",
        lambda p: pki.make_client(p.qa, extra_extensions=[(UNKNOWN_CRITICAL, True)]),
        "extensions.critical_known",
        F,
        r"the unknown critical extension 1\.3\.6\.1\.4\.1\.99999\.1",
    ),
    Defect("no-cn", lambda p: pki.make_client(p.qa, cn=None), "subject.cn", F, "no Common Name"),
    Defect("no-c", lambda p: pki.make_client(p.qa, c=None), "subject.c", W, r"no C \(two-letter"),
    Defect("lowercase-c", lambda p: pki.make_client(p.qa, c="br"), "subject.c", W, "two-letter upper-case"),
    Defect("no-o", lambda p: pki.make_client(p.qa, o=None), "subject.o", W, r"no O \(company name\)"),
    Defect("no-ou", lambda p: pki.make_client(p.qa, ou=None), "subject.ou", W, r"no OU \(environment"),
]

# Certificates from other CA key types, checked against their own single environment.
OTHER_CAS: dict[str, Callable[[], pki.Issued]] = {"ec": _ec_ca, "ed25519": _ed_ca}
