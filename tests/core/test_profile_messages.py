"""The client-certificate profile's messages in full (Key Usage, key strength, subject fields), which issue
17's mutation sample found asserted by status or by a fragment only."""

from __future__ import annotations

import pytest
from asn1crypto import keys as a_keys
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID

from tests import pki as mk
from tests.conftest import NuvyPKI
from tests.core import pathkit as kit
from validator_py import Environment, Policy, Report, Status, validate
from validator_py.csr_checks import CSRContext
from validator_py.pipeline import read
from validator_py.profile import NEW_KEY, subject_checks
from validator_py.runner import run_checks

P, W, F = Status.PASS, Status.WARN, Status.FAIL


def _run(p: NuvyPKI, leaf: mk.Issued) -> Report:
    return validate(leaf.pem, [Environment("qa", "QA", p.qa.pem)], selected="qa", at=p.now)


@pytest.mark.parametrize(
    ("options", "check_id", "status", "message"),
    [
        (
            {"key_usage_flags": {}}, "ku.digital_signature", F,
            "The certificate has no Key Usage extension; Nuvy's profile sets digitalSignature (guide step "
            "5). Ask Nuvy to re-issue it.",
        ),
        (
            {"key_usage_flags": {"key_encipherment": True}}, "ku.digital_signature", F,
            "Key Usage lacks digitalSignature, which a TLS client needs to prove it holds the key. Ask Nuvy "
            "to re-issue the certificate (guide step 5).",
        ),
        (
            {}, "ku.key_encipherment", P,
            "Key Usage includes keyEncipherment, as Nuvy's profile sets for RSA keys.",
        ),
        ({"key_type": "ed25519"}, "key.strength", P, "The key is Ed25519."),
        (
            {"key_type": "rsa1024"}, "key.strength", F,
            "The key is RSA 1024-bit; Nuvy requires at least 2048 bits, because shorter keys can be "
            f"factored. {NEW_KEY}.",
        ),
        (
            {"cn": None}, "subject.cn", F,
            'The certificate has no Common Name (CN). The CN is your unique client identifier (guide step 3: '
            '-subj "/C=BR/O=CLIENT_NAME/OU=Production/CN=client-name").',
        ),
        (
            {"o": None}, "subject.o", W,
            "The certificate has no O (company name); the guide's subject is "
            "/C=BR/O=CLIENT_NAME/OU=Production/CN=client-name.",
        ),
        (
            {"ou": None}, "subject.ou", W,
            "The certificate has no OU (environment, e.g. Production); the guide's subject is "
            "/C=BR/O=CLIENT_NAME/OU=Production/CN=client-name.",
        ),
        (
            {"cn": " client-name"}, "subject.cn", F,
            "The CN ' client-name' has leading or trailing spaces; remove them.",
        ),
        (
            {"key_usage_flags": {"digital_signature": True}}, "ku.key_encipherment", W,
            "Key Usage lacks keyEncipherment, which Nuvy's profile sets for RSA keys (guide step 5). Modern "
            "TLS does not need it, but if Nuvy issued this it is not the expected profile: ask Nuvy.",
        ),
        ({}, "basic_constraints.not_ca", P, "Not a CA certificate (no CA:TRUE, no keyCertSign)."),
        (
            {"basic_constraints_ca": True}, "basic_constraints.not_ca", F,
            "The certificate says CA:TRUE in Basic Constraints: it could issue other certificates, and "
            "servers refuse CA certificates as client certificates. Ask Nuvy for a client (CA:FALSE) one.",
        ),
    ],
    ids=[
        "no-key-usage", "no-digital-signature", "key-encipherment", "ed25519", "rsa1024", "no-cn", "no-o",
        "no-ou", "cn-spaces", "no-key-encipherment", "not-ca", "ca-true",
    ],
)
def test_profile_messages(
    pki: NuvyPKI, options: dict[str, object], check_id: str, status: Status, message: str
) -> None:
    result = _run(pki, mk.make_client(pki.qa, **options)).check(check_id)  # type: ignore[arg-type]
    assert (result.status, result.message) == (status, message)


def test_the_subject_checks_have_their_titles(pki: NuvyPKI) -> None:
    report = _run(pki, mk.make_client(pki.qa))
    assert [(c.id, c.title) for c in report.checks if c.id.startswith("subject.")] == [
        ("subject.cn", "Subject CN"),
        ("subject.c", "Subject C"),
        ("subject.o", "Subject O"),
        ("subject.ou", "Subject OU"),
        ("subject.encoding", "Subject text encoding"),
    ]


def _csr_subject_results(subject: x509.Name) -> dict[str, tuple[Status, str]]:
    # csr_checks builds its list once, at its first import; building it here runs subject_checks as the
    # CSR pre-flight does, whichever test imported csr_checks first.
    csr = read(mk.make_csr(subject=subject).pem).csrs[0]
    context = CSRContext(csr=csr, verified=True, policy=Policy())
    results = run_checks(subject_checks(required=True, what="CSR"), context)
    return {result.id: (result.status, result.message) for result in results}


def test_a_csr_without_o_fails() -> None:
    results = _csr_subject_results(mk.subject_name(o=None))
    assert results["subject.o"] == (
        F,
        "The CSR has no O (company name); the guide's subject is "
        "/C=BR/O=CLIENT_NAME/OU=Production/CN=client-name.",
    )


def test_a_garbled_csr_subject_fails_with_the_csr_wording() -> None:
    results = _csr_subject_results(mk.subject_name(cn="JosÃ©"))
    assert results["subject.encoding"] == (
        F,
        "CN is 'JosÃ©', which is 'José' with each UTF-8 byte read as a letter: openssl req writes that when "
        "-subj has accented letters and -utf8 is missing. Nuvy would sign the name as it is. Make the CSR "
        "again with -utf8: openssl req -new -utf8 -key nuvy-client-<env>.key -out "
        'nuvy-client-<env>.csr -subj "/C=BR/O=CLIENT_NAME/OU=Production/CN=José".',
    )


def test_two_legacy_string_types_are_listed_apart(pki: NuvyPKI) -> None:
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "São João", _ASN1Type.BMPString),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Produção", _ASN1Type.UniversalString),
        x509.NameAttribute(NameOID.COMMON_NAME, "sjp"),
    ])
    result = _run(pki, mk.make_client(pki.qa, subject=subject)).check("subject.encoding")
    assert (result.status, result.message) == (
        W,
        "O is stored as a BMPString; OU is stored as a UniversalString, which programs read in "
        "different ways (some refuse it); RFC 5280 asks for UTF8String. Your openssl.cnf sets string_mask to "
        "something other than utf8only: set string_mask = utf8only in its [req] section (OpenSSL's default). "
        "The CSR it was issued from had this mistake. Make a new CSR with -utf8 (openssl req -new -utf8 -key "
        'nuvy-client-<env>.key -out nuvy-client-<env>.csr -subj "/C=BR/O=São João/OU=Produção/CN=sjp") and '
        "ask Nuvy to re-issue the certificate from it.",
    )


def test_an_rsa_key_with_a_zero_modulus_is_zero_bits() -> None:
    # Nothing stops a CA from signing a nonsense key; it is reported with the size it has.
    root = kit.make_ca("Zero Key Root")
    leaf = kit.make_leaf(root)
    zero = a_keys.RSAPublicKey({"modulus": 0, "public_exponent": 65537})
    spki = a_keys.PublicKeyInfo({"algorithm": {"algorithm": "rsa"}, "public_key": zero})

    def edit(tbs: a_x509.TbsCertificate) -> None:
        tbs["subject_public_key_info"] = spki

    forged = kit.resign(leaf, root.key, edit)
    report = validate(forged.pem, [Environment("z", "Z", root.pem)], selected="z", at=mk.NOW)
    result = report.check("key.strength")
    assert (result.status, result.message) == (
        F,
        "The key is RSA 0-bit; Nuvy requires at least 2048 bits, because shorter keys can be factored. "
        f"{NEW_KEY}.",
    )
