"""The input boundary: every format a user pastes or drops, the private-key guard, the bounds, and errors."""

from __future__ import annotations

import base64
import re

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7

from tests import pki as mk
from tests.conftest import NuvyPKI
from validator_py import Environment, InputError, Report, validate
from validator_py.inputs import MAX_DEPTH, WHAT_TO_PASTE

BEGIN, END = "-----BEGIN ", "-----END "


def envs(p: NuvyPKI) -> list[Environment]:
    return [Environment("qa", "QA", p.qa.pem), Environment("production", "Production", p.production.pem)]


def run(p: NuvyPKI, data: str | bytes | list[str | bytes]) -> Report:
    return validate(data, envs(p), selected="qa", at=p.now)


def refused(p: NuvyPKI, data: str | bytes | list[str | bytes], code: str) -> InputError:
    with pytest.raises(InputError) as caught:
        run(p, data)
    assert caught.value.code == code, caught.value.message
    return caught.value


@pytest.fixture(scope="module")
def leaf(pki: NuvyPKI) -> mk.Issued:
    return mk.make_client(pki.qa)


def _armour(label: str, der: bytes) -> str:
    body = base64.b64encode(der).decode()
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return f"{BEGIN}{label}-----\n{lines}\n{END}{label}-----\n"


# Accepted formats ------------------------------------------------------------------------------------


def test_pem(pki: NuvyPKI, leaf: mk.Issued) -> None:
    assert run(pki, leaf.pem).verdict.value == "pass"


def test_pem_bytes_crlf_and_text_around(pki: NuvyPKI, leaf: mk.Issued) -> None:
    pasted = "Hi, here is the cert:\r\n\r\n" + leaf.pem.replace("\n", "\r\n") + "\r\nThanks!\r\n"
    assert run(pki, pasted.encode()).verdict.value == "pass"


def test_legacy_x509_certificate_label(pki: NuvyPKI, leaf: mk.Issued) -> None:
    assert run(pki, _armour("X509 CERTIFICATE", leaf.der)).kind == "certificate"


def test_raw_der_and_bare_base64(pki: NuvyPKI, leaf: mk.Issued) -> None:
    assert run(pki, leaf.der).kind == "certificate"
    assert run(pki, base64.b64encode(leaf.der).decode()).kind == "certificate"
    wrapped = "\n".join(base64.encodebytes(leaf.der).decode().split())
    assert run(pki, wrapped).kind == "certificate"


def test_leaf_plus_configured_ca_is_a_certificate_check(pki: NuvyPKI, leaf: mk.Issued) -> None:
    report = run(pki, pki.qa.pem + leaf.pem)
    assert report.kind == "certificate"
    assert report.details["subject"] == "CN=client-name,OU=Production,O=CLIENT_NAME,C=BR"


def test_pkcs7_pem_and_der(pki: NuvyPKI, leaf: mk.Issued) -> None:
    bundle_der = pkcs7.serialize_certificates([leaf.cert, pki.qa.cert], serialization.Encoding.DER)
    bundle_pem = pkcs7.serialize_certificates([leaf.cert, pki.qa.cert], serialization.Encoding.PEM)
    assert run(pki, bundle_der).kind == "certificate"
    assert run(pki, bundle_pem).kind == "certificate"


@pytest.mark.parametrize("label", ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"])
def test_csr_labels(pki: NuvyPKI, label: str) -> None:
    csr = mk.make_csr()
    assert run(pki, _armour(label, csr.der)).kind == "csr"
    assert run(pki, csr.der).kind == "csr"


def test_lookalike_dashes_in_armour(pki: NuvyPKI, leaf: mk.Issued) -> None:
    assert run(pki, leaf.pem.replace("-----", "\u2013\u2013\u2013\u2013\u2013")).kind == "certificate"


def test_several_files_as_parts(pki: NuvyPKI, leaf: mk.Issued) -> None:
    assert run(pki, [leaf.der, pki.qa.pem]).kind == "certificate"


# The private-key guard -------------------------------------------------------------------------------

KEY_MESSAGE = (
    r"must never be shared with anyone, including Nuvy .*nothing was kept or sent\. If you pasted or sent "
    r"this key anywhere else .*treat it as compromised"
)


def _key_forms() -> dict[str, str | bytes]:
    key = mk.private_key("rsa2048")
    ec_key = mk.private_key("ec256")
    nopass = serialization.NoEncryption()
    der = serialization.Encoding.DER
    return {
        "pkcs8-pem": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, nopass),
        "rsa-pem": key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, nopass
        ),
        "ec-pem": ec_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, nopass
        ),
        "encrypted-pem": key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        ),
        "pkcs8-der": key.private_bytes(der, serialization.PrivateFormat.PKCS8, nopass),
        "rsa-der": key.private_bytes(der, serialization.PrivateFormat.TraditionalOpenSSL, nopass),
        "ec-der": ec_key.private_bytes(der, serialization.PrivateFormat.TraditionalOpenSSL, nopass),
        "encrypted-der": key.private_bytes(
            der, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"secret")
        ),
        "pkcs8-bare-base64": base64.b64encode(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, nopass)
        ).decode(),
        "openssh": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, nopass),
        "label-only": f"{BEGIN}PRIVATE KEY-----\nnot even base64\n{END}PRIVATE KEY-----\n",
    }


@pytest.mark.parametrize("form", sorted(_key_forms()))
def test_private_keys_are_refused(pki: NuvyPKI, form: str) -> None:
    error = refused(pki, _key_forms()[form], "private_key")
    assert re.search(KEY_MESSAGE, error.message), error.message


def test_private_key_next_to_a_certificate_is_refused(pki: NuvyPKI, leaf: mk.Issued) -> None:
    refused(pki, leaf.pem + leaf.key_pem, "private_key")


def test_private_key_is_refused_before_parsing(pki: NuvyPKI, monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*_args: object) -> None:
        raise AssertionError("the parser saw the key")

    monkeypatch.setattr("validator_py.model.parse", never)
    monkeypatch.setattr("validator_py.pipeline.parse", never)
    refused(pki, _key_forms()["pkcs8-der"], "private_key")


# Bounds -----------------------------------------------------------------------------------------------


def test_empty(pki: NuvyPKI) -> None:
    error = refused(pki, "  \n ", "empty")
    assert "Nothing to check: the input is empty" in error.message


def test_too_large(pki: NuvyPKI, leaf: mk.Issued) -> None:
    error = refused(pki, leaf.pem + "x" * 70_000, "too_large")
    assert "takes at most 64 KiB" in error.message


def test_too_many_blocks(pki: NuvyPKI, leaf: mk.Issued) -> None:
    error = refused(pki, leaf.pem * 11, "too_many_blocks")
    assert "holds 11 blocks; the validator takes at most 10" in error.message


def test_the_block_bound_counts_across_parts(pki: NuvyPKI, leaf: mk.Issued) -> None:
    """Dropped files are parts of one input: ten one-block parts are taken, an eleventh is refused."""
    assert run(pki, [leaf.pem] * 10).kind == "certificate"
    error = refused(pki, [leaf.pem] * 11, "too_many_blocks")
    assert error.message == (
        "The input holds 11 blocks; the validator takes at most 10. A client certificate chain is rarely "
        "more than 4 certificates: paste only the leaf and its CA certificates."
    )


def test_der_that_is_no_certificate_is_named_as_der(pki: NuvyPKI) -> None:
    error = refused(pki, bytes.fromhex("3003020100"), "unparseable")
    assert error.message == f"The DER input is not a certificate. {WHAT_TO_PASTE}"


def test_pkcs7_with_too_many_certificates(pki: NuvyPKI, leaf: mk.Issued) -> None:
    certs = [mk.make_client(pki.qa).cert for _ in range(11)]
    refused(pki, pkcs7.serialize_certificates(certs, serialization.Encoding.DER), "too_many_blocks")


def _nested(depth: int) -> bytes:
    der = b"\x05\x00"
    for _ in range(depth - 1):
        der = b"\x30" + _length(len(der)) + der
    return der


def _length(size: int) -> bytes:
    return bytes([size]) if size < 128 else b"\x82" + size.to_bytes(2, "big")


def test_too_deep(pki: NuvyPKI) -> None:
    error = refused(pki, _nested(MAX_DEPTH + 1), "too_deep")
    assert "nested more than 32 levels deep" in error.message


def test_very_deep_input_is_refused_quickly(pki: NuvyPKI) -> None:
    # 20,000 levels would make asn1crypto raise RecursionError; the pre-scan stops it first.
    deep = b"\x30\x80" * 20_000
    refused(pki, deep, "unparseable")
    error = refused(pki, _nested(2000), "too_deep")
    assert "DER input" in error.message


def test_deep_nesting_inside_an_octet_string_is_found(pki: NuvyPKI, leaf: mk.Issued) -> None:
    inner = _nested(40)
    wrapped = b"\x04" + _length(len(inner)) + inner
    outer = b"\x30" + _length(len(wrapped)) + wrapped
    refused(pki, outer, "too_deep")


# Unusable input ---------------------------------------------------------------------------------------


def test_public_key_is_unsupported(pki: NuvyPKI, leaf: mk.Issued) -> None:
    public = leaf.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    error = refused(pki, public, "unsupported")
    assert "This is a public key, not a certificate" in error.message


def test_unknown_label_is_unsupported(pki: NuvyPKI) -> None:
    error = refused(pki, f"{BEGIN}DH PARAMETERS-----\nMAA=\n{END}DH PARAMETERS-----\n", "unsupported")
    assert "does not take 'DH PARAMETERS' blocks" in error.message


def test_cut_off_block(pki: NuvyPKI, leaf: mk.Issued) -> None:
    error = refused(pki, leaf.pem[:-30], "unparseable")
    assert "cut off" in error.message
    assert "including both lines" in error.message


def test_bad_base64(pki: NuvyPKI, leaf: mk.Issued) -> None:
    lines = leaf.pem.splitlines()
    lines[3] = lines[3][:10] + "!" + lines[3][11:]
    error = refused(pki, "\n".join(lines), "unparseable")
    assert "not valid base64" in error.message


def test_truncated_der(pki: NuvyPKI, leaf: mk.Issued) -> None:
    error = refused(pki, leaf.der[:-10], "unparseable")
    assert "not valid DER" in error.message
    assert "Paste the certificate Nuvy sent you" in error.message


def test_plain_text(pki: NuvyPKI) -> None:
    error = refused(pki, "hello, this is my certificate!", "unparseable")
    assert "neither PEM" in error.message


def test_crl_as_input_is_unsupported(pki: NuvyPKI) -> None:
    error = refused(pki, mk.make_crl(pki.qa, []).pem, "unsupported")
    assert "--crl" in error.message


def test_damaged_inside_a_valid_tlv_structure(pki: NuvyPKI, leaf: mk.Issued) -> None:
    # Same length, but the subject's OID bytes are replaced by garbage: TLV-valid, ASN.1-invalid.
    der = bytearray(leaf.der)
    index = der.find(bytes.fromhex("0603550406"))  # OID countryName
    der[index] = 0x02  # an INTEGER where an OID must be
    error = refused(pki, bytes(der), "unparseable")
    assert "could not be read" in error.message


def test_environment_ca_errors_name_the_environment(pki: NuvyPKI, leaf: mk.Issued) -> None:
    with pytest.raises(InputError, match="The CA configuration of environment 'qa' is unusable") as caught:
        validate(leaf.pem, [Environment("qa", "QA", "garbage")], selected="qa", at=pki.now)
    assert caught.value.code == "unparseable"


def test_input_error_codes_are_fixed() -> None:
    with pytest.raises(ValueError, match="unknown InputError code"):
        InputError("bogus", "x")


@pytest.mark.parametrize("label", ["PUBLIC KEY", "FOO", "RSA PUBLIC KEY"])
def test_a_private_key_under_an_unknown_label_is_refused_as_a_key(label: str) -> None:
    der = mk.private_key("ec256", 3).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    body = base64.b64encode(der).decode()
    with pytest.raises(InputError, match="This is a private key") as caught:
        validate(f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n", [], selected="", at=mk.NOW)
    assert caught.value.code == "private_key"
