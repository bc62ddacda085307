"""CSR pre-flight (before guide step 4) and matching a certificate to its CSR without the private key."""

from __future__ import annotations

import re

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from tests import pki as mk
from tests.conftest import NuvyPKI
from validator_py import Environment, InputError, Report, Status, validate

P, W, F = Status.PASS, Status.WARN, Status.FAIL


def check_csr(p: NuvyPKI, data: str | bytes) -> Report:
    return validate(data, [], selected="", at=p.now)


def test_good_csr(pki: NuvyPKI) -> None:
    # A subject with real names: the guide's placeholders (tests.pki's defaults) fail subject.placeholder.
    report = check_csr(pki, mk.make_csr(o="São João Pagamentos", cn="sjp-payments").pem)
    assert report.kind == "csr"
    assert report.verdict is P, report.checks
    assert [c.id for c in report.checks] == [
        "csr.signature",
        "key.strength",
        "signature.hash",
        "subject.cn",
        "subject.c",
        "subject.o",
        "subject.ou",
        "subject.encoding",
        "subject.placeholder",
        "csr.not_ca",
    ]
    assert report.details["subject_openssl"] == "/C=BR/O=São João Pagamentos/OU=Production/CN=sjp-payments"
    assert report.details["subject"] == "CN=sjp-payments,OU=Production,O=São João Pagamentos,C=BR"


def _tampered(csr_der: bytes) -> bytes:
    # Change one byte of the CN value: the structure stays valid, the self-signature does not.
    index = csr_der.find(b"client-name")
    return csr_der[:index] + b"C" + csr_der[index + 1 :]


CSR_DEFECTS = [
    (
        "tampered",
        lambda: _tampered(mk.make_csr().der),
        "csr.signature",
        F,
        r"self-signature is not valid \(the signature does not verify\).*Regenerate it: openssl req -new",
    ),
    ("rsa-1024", lambda: mk.make_csr(key_type="rsa1024").pem, "key.strength", F, "RSA 1024-bit"),
    ("sha1", lambda: mk.make_csr(hash_alg=mk.SHA1).pem, "signature.hash", F, "with SHA-1.*-sha256"),
    ("no-cn", lambda: mk.make_csr(cn=None).pem, "subject.cn", F, "no Common Name"),
    ("no-c", lambda: mk.make_csr(c=None).pem, "subject.c", F, r"no C \(two-letter country code\)"),
    ("lowercase-c", lambda: mk.make_csr(c="br").pem, "subject.c", F, "two-letter upper-case"),
    ("no-o", lambda: mk.make_csr(o=None).pem, "subject.o", F, "no O"),
    ("no-ou", lambda: mk.make_csr(ou=None).pem, "subject.ou", F, "no OU"),
    ("padded-cn", lambda: mk.make_csr(cn=" client-name").pem, "subject.cn", F, "leading or trailing spaces"),
    (
        "ca-request",
        lambda: mk.make_csr(basic_constraints_ca=True).pem,
        "csr.not_ca",
        F,
        r"requests a CA certificate \(basicConstraints CA:TRUE\)",
    ),
    (
        "key-cert-sign",
        lambda: (
            mk.make_csr(
                extra_extensions=[(mk.key_usage(key_cert_sign=True, digital_signature=True), True)]
            ).pem
        ),
        "csr.not_ca",
        F,
        "requests keyCertSign",
    ),
    ("ec", lambda: mk.make_csr(key_type="ec256").pem, "key.strength", P, "EC P-256"),
    ("ed25519", lambda: mk.make_csr(key_type="ed25519").pem, "csr.signature", P, "self-signature verifies"),
    ("pss", lambda: mk.make_csr(pss=True).pem, "csr.signature", P, "self-signature verifies"),
    (
        "ec384-sha384",
        lambda: mk.make_csr(key_type="ec384", hash_alg=mk.SHA384).pem,
        "csr.signature",
        P,
        "self-signature verifies",
    ),
]


@pytest.mark.parametrize(
    ("name", "make", "check_id", "status", "message"), CSR_DEFECTS, ids=[d[0] for d in CSR_DEFECTS]
)
def test_csr_defects(
    pki: NuvyPKI, name: str, make: object, check_id: str, status: Status, *, message: str
) -> None:
    del name  # Only the test id.
    report = check_csr(pki, make())  # type: ignore[operator]
    result = report.check(check_id)
    assert result.status is status, result
    assert re.search(message, result.message), result.message


def test_subject_shown_exactly_as_nuvy_sees_it(pki: NuvyPKI) -> None:
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ACME, Inc"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Production"),
            x509.NameAttribute(NameOID.COMMON_NAME, "acme-api"),
        ]
    )
    details = check_csr(pki, mk.make_csr(subject=subject).pem).details
    assert details["subject_openssl"] == "/C=BR/O=ACME, Inc/OU=Production/CN=acme-api"
    assert details["subject"] == r"CN=acme-api,OU=Production,O=ACME\, Inc,C=BR"


def test_several_csrs_are_refused(pki: NuvyPKI) -> None:
    with pytest.raises(InputError, match="check one CSR at a time") as caught:
        check_csr(pki, mk.make_csr().pem + mk.make_csr(key_slot=3).pem)
    assert caught.value.code == "unsupported"


# Match -------------------------------------------------------------------------------------------------


def envs(p: NuvyPKI) -> list[Environment]:
    return [Environment("qa", "QA", p.qa.pem), Environment("production", "Production", p.production.pem)]


def test_certificate_for_the_csr_matches(pki: NuvyPKI) -> None:
    csr = mk.make_csr(key_slot=11)
    cert = mk.make_client(pki.qa, key=csr.key)
    report = validate(cert.pem + csr.pem, envs(pki), selected="qa", at=pki.now)
    assert report.kind == "match"
    assert report.checks[0].id == "match.public_key"
    assert report.checks[0].status is P
    assert "pairs with the private key you kept" in report.checks[0].message
    assert report.check("signature.valid").status is P
    assert report.details["csr"]["subject_openssl"] == "/C=BR/O=CLIENT_NAME/OU=Production/CN=client-name"


def test_certificate_for_another_csr_does_not_match(pki: NuvyPKI) -> None:
    csr = mk.make_csr(key_slot=11)
    other = mk.make_client(pki.qa, key_slot=12)
    report = validate(other.der, envs(pki), selected="qa", at=pki.now, csr=csr.pem)
    assert report.kind == "match"
    result = report.check("match.public_key")
    assert result.status is F
    assert "was issued for another CSR: it will not work with your private key" in result.message
    assert report.verdict is F


def test_match_with_leaf_and_ca_in_the_paste(pki: NuvyPKI) -> None:
    csr = mk.make_csr(key_slot=11)
    cert = mk.make_client(pki.qa, key=csr.key)
    report = validate(pki.qa.pem + cert.pem + csr.pem, envs(pki), selected="qa", at=pki.now)
    assert report.kind == "match"
    assert report.verdict is P


def test_csr_argument_must_be_a_csr(pki: NuvyPKI) -> None:
    cert = mk.make_client(pki.qa)
    with pytest.raises(InputError, match="exactly one CERTIFICATE REQUEST"):
        validate(cert.pem, envs(pki), selected="qa", at=pki.now, csr=cert.pem)
