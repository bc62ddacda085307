"""Whole messages of the CSR pre-flight that other tests assert only in part: a passing self-signature,
one placeholder (the certificate is issued "in it", not "in them"), and a placeholder in a field the guide
does not ask for (L), for which the message asks for "your own value"."""

from __future__ import annotations

from cryptography import x509
from cryptography.x509.oid import NameOID

from tests import pki as mk
from validator_py import Report, Status, validate

COMMAND = "openssl req -new -utf8 -key nuvy-client-<env>.key -out nuvy-client-<env>.csr -subj"


def _check_csr(csr: mk.CSR) -> Report:
    return validate(csr.pem, [], selected="", at=mk.NOW)


def test_a_valid_self_signature_is_said_in_full() -> None:
    result = _check_csr(mk.make_csr(o="ACME Pagamentos", cn="acme-api")).check("csr.signature")
    assert result.status is Status.PASS
    assert result.message == "The CSR's self-signature verifies, so it was made with the key it contains."


def test_one_placeholder_is_named_in_the_singular() -> None:
    result = _check_csr(mk.make_csr(o="ACME Pagamentos", cn="client-name")).check("subject.placeholder")
    assert result.status is Status.FAIL
    assert result.message == (
        "CN is 'client-name': the guide's placeholder (step 3), not your name, and Nuvy would issue the "
        "certificate in it. Put the client identifier agreed with Nuvy in CN, then make the CSR again (with "
        f'-utf8, so accented letters survive): {COMMAND} "/C=BR/O=ACME Pagamentos/OU=Production/CN=<the '
        'client identifier agreed with Nuvy>".'
    )


def test_a_placeholder_in_a_field_the_guide_does_not_ask_for() -> None:
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "Example Client"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ACME Pagamentos"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Production"),
            x509.NameAttribute(NameOID.COMMON_NAME, "acme-api"),
        ]
    )
    result = _check_csr(mk.make_csr(subject=subject)).check("subject.placeholder")
    assert result.status is Status.FAIL
    assert result.message == (
        "L is 'Example Client': the guide's placeholder (step 3), not your name, and Nuvy would issue the "
        "certificate in it. Put your own value in L, then make the CSR again (with -utf8, so accented "
        f'letters survive): {COMMAND} "/C=BR/L=<your own value>/O=ACME Pagamentos/OU=Production/CN=acme-api".'
    )
