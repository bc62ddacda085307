"""Edges of reading and classifying an input, and of the reports built from it, that issue 17's mutation
sample found unasserted: PKCS#7 and CSR parse errors with their detail, the block bound with CRLs beside
a bundle, the CSR to match, the policy bound, a chain's missing CRL, and the details of a CSR and an
Ed25519 key."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from asn1crypto import cms, keys
from asn1crypto import csr as a_csr
from asn1crypto import x509 as a_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed448
from cryptography.hazmat.primitives.serialization import pkcs7

from tests import pki as mk
from validator_py import InputError, Policy, validate
from validator_py.details import describe_certificate
from validator_py.inputs import WHAT_TO_PASTE
from validator_py.profile import NEW_KEY

from .against_qa import qa_ca, refused, run
from .pathkit import Cert, resign


def _damaged(what: str, detail: str) -> tuple[str, str]:
    return (
        "unparseable",
        f"The DER input looks like {what} but could not be read: the file is damaged or not what it seems. "
        f"{WHAT_TO_PASTE} (Parser detail, for a bug report: {detail}.)",
    )


def test_pkcs7_that_is_not_signed_data() -> None:
    data = cms.ContentInfo({"content_type": "data", "content": b"hello"}).dump()
    assert refused(data) == _damaged("a PKCS#7 bundle", "the PKCS#7 content is not SignedData")


def test_a_csr_of_an_unknown_version() -> None:
    request = a_csr.CertificationRequest.load(mk.make_csr().der)
    info = request["certification_request_info"]
    info["version"] = 1
    der = a_csr.CertificationRequest({
        "certification_request_info": a_csr.CertificationRequestInfo.load(info.dump(force=True)),
        "signature_algorithm": request["signature_algorithm"],
        "signature": request["signature"],
    }).dump()
    assert refused(der) == _damaged("a CSR", "unknown CSR version 1")


def test_crls_count_towards_the_block_bound_of_a_bundle() -> None:
    """Two CRLs and a bundle of nine certificates are eleven blocks."""
    bundle = pkcs7.serialize_certificates([mk.make_client(qa_ca()).cert for _ in range(9)],
                                          serialization.Encoding.DER)
    crl = mk.make_crl(qa_ca(), []).pem
    assert refused([crl, crl, bundle]) == (
        "too_many_blocks",
        "The input holds 11 blocks; the validator takes at most 10. A client certificate chain is rarely "
        "more than 4 certificates: paste only the leaf and its CA certificates.",
    )


def test_the_csr_to_match_is_exactly_one() -> None:
    two = mk.make_csr().pem + mk.make_csr(cn="other-name").pem
    assert refused(mk.make_client(qa_ca()).pem, csr=two) == (
        "unsupported", "The CSR to match must be exactly one CERTIFICATE REQUEST."
    )


def test_a_csr_with_several_certificates_isrefused() -> None:
    root = mk.make_ca("Partner Root", key_slot=40)
    inter = mk.make_ca("Partner Issuing CA", parent=root, key_type="rsa2048", key_slot=41)
    data = mk.pem_bundle(mk.make_client(inter, key_slot=42), inter) + mk.make_csr().pem
    assert refused(data) == (
        "unsupported",
        "The input holds a CSR and several certificates. Check the CSR against one certificate, or check "
        "the chain on its own.",
    )


def test_a_policy_below_rsa_1024_isrefused() -> None:
    with pytest.raises(ValueError, match=r"\Amin_rsa_bits below 1024 is not a meaningful policy\Z"):
        Policy(min_rsa_bits=512)
    with pytest.raises(ValueError, match=r"\Amin_rsa_bits below 1024 is not a meaningful policy\Z"):
        Policy(min_rsa_bits=1023)
    assert Policy(min_rsa_bits=1024).min_rsa_bits == 1024  # the bound itself is a policy


def test_the_details_of_a_csr() -> None:
    request = mk.make_csr()
    details = validate(request.pem, [], selected="", at=mk.NOW).details
    assert sorted(details) == ["public_key", "public_key_sha256", "signature_algorithm", "subject",
                               "subject_openssl"]
    assert (details["public_key"], details["signature_algorithm"]) == (
        "RSA 2048-bit", "RSA PKCS#1 v1.5 with SHA-256"
    )


def test_a_ca_file_nested_too_deep_is_named_as_the_certificate() -> None:
    """The site's build hook describes each CA file: its depth error names "the certificate"."""
    der = b"\x05\x00"
    for _ in range(32):
        der = b"\x30" + (bytes([len(der)]) if len(der) < 128 else b"\x82" + len(der).to_bytes(2, "big")) + der
    with pytest.raises(InputError) as caught:
        describe_certificate(der)
    assert (caught.value.code, caught.value.message) == (
        "too_deep",
        "The certificate is nested more than 32 levels deep, which no certificate is. The file is damaged or "
        f"crafted; {WHAT_TO_PASTE}",
    )


def test_a_chain_without_a_crl_says_so() -> None:
    root = mk.make_ca("Partner Root", key_slot=40)
    inter = mk.make_ca("Partner Issuing CA", parent=root, key_type="rsa2048", key_slot=41)
    report = validate(mk.pem_bundle(mk.make_client(inter, key_slot=42), inter, root), [], selected="",
                      at=mk.NOW)
    assert report.check("revocation.crl_signature").message == "No CRL was given for the chain."
    assert report.check("revocation.status").message == (
        "No CRL was given for the chain, so revocation was not checked. Nuvy may revoke certificates at "
        "any time (guide step 9)."
    )


def test_the_match_report_lists_the_csr_and_groups_the_match() -> None:
    key = mk.private_key("ed25519", 7)
    request = mk.make_csr(key=key)
    report = run(mk.make_client(qa_ca(), key=key).pem, csr=request.pem)
    assert report.kind == "match"
    result = report.check("match.public_key")
    assert (result.status.value, result.group, result.title) == (
        "pass", "match", "Certificate matches the CSR"
    )
    assert report.details["public_key"] == "Ed25519"
    spki = key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)
    digest = ":".join(f"{octet:02X}" for octet in hashlib.sha256(spki).digest())
    csr = report.details["csr"]
    assert (csr["public_key"], csr["public_key_sha256"]) == ("Ed25519", digest)


def test_a_validity_date_from_2050_is_generalized_time() -> None:
    leaf = mk.make_client(qa_ca(), not_after=dt.datetime(2051, 1, 1, tzinfo=dt.UTC))
    result = run(leaf.pem).check("path.time_encoding")
    assert (result.status.value, result.message) == (
        "pass", "Every validity date is encoded as RFC 5280 requires."
    )


# P-256 written out as explicit domain parameters (SEC 1 section 3.1.1), which RFC 5480 forbids.
_P256_SPECIFIED = {
    "version": "ecdpVer1",
    "field_id": {
        "field_type": "prime_field",
        "parameters": 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
    },
    "curve": {
        "a": bytes.fromhex("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC"),
        "b": bytes.fromhex("5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B"),
    },
    "base": bytes.fromhex(
        "046B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296"
        "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5"
    ),
    "order": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "cofactor": 1,
}


def test_an_ec_key_with_explicit_parameters_isrefused() -> None:
    """The key of a CSR whose curve is spelled out rather than named (the signature no longer matches;
    the key check does not depend on it)."""
    request = a_csr.CertificationRequest.load(mk.make_csr(key_type="ec256").der)
    info = request["certification_request_info"]
    info["subject_pk_info"] = keys.PublicKeyInfo({
        "algorithm": {
            "algorithm": "ec", "parameters": keys.ECDomainParameters({"specified": _P256_SPECIFIED})
        },
        "public_key": info["subject_pk_info"]["public_key"],
    })
    der = a_csr.CertificationRequest({
        "certification_request_info": a_csr.CertificationRequestInfo.load(info.dump(force=True)),
        "signature_algorithm": request["signature_algorithm"],
        "signature": request["signature"],
    }).dump()
    result = validate(der, [], selected="", at=mk.NOW).check("key.strength")
    assert (result.status.value, result.message) == (
        "fail",
        f"The key uses the EC curve explicit parameters, which is not P-256, P-384 or P-521. {NEW_KEY}.",
    )


def _resigned(*edits: object) -> bytes:
    leaf = mk.make_client(qa_ca())
    return resign(Cert(der=leaf.der, key=leaf.key, name="client-name"), qa_ca().key, *edits).der  # type: ignore[arg-type]


def test_a_time_that_is_no_date_isrefused() -> None:
    """GeneralizedTime year 0000 parses, but not to a date."""
    def year_zero(tbs: a_x509.TbsCertificate) -> None:
        tbs["validity"]["not_before"] = a_x509.Time.load(b"\x18\x0f00000101000000Z")

    assert refused(_resigned(year_zero)) == _damaged("a certificate", "a time field is not a date")


def test_a_pkcs7_bundle_without_certificates() -> None:
    empty = cms.SignedData({
        "version": "v1", "digest_algorithms": [], "encap_content_info": {"content_type": "data"},
        "signer_infos": [],
    })
    data = cms.ContentInfo({"content_type": "signed_data", "content": empty}).dump()
    assert refused(data) == _damaged("a PKCS#7 bundle", "the PKCS#7 bundle holds no certificate")


def test_a_version_2_certificate_is_read() -> None:
    def version_2(tbs: a_x509.TbsCertificate) -> None:
        tbs["version"] = "v2"
        tbs["extensions"] = None

    report = run(_resigned(version_2))
    assert report.kind == "certificate"
    assert report.check("eku.client_auth").message.startswith("The certificate has no Extended Key Usage")


def test_an_ed448_key_is_named_andrefused() -> None:
    result = run(mk.make_client(qa_ca(), key=ed448.Ed448PrivateKey.generate()).pem).check("key.strength")
    assert (result.status.value, result.message) == (
        "fail", f"The key type Ed448 is not accepted; the guide asks for RSA 2048. {NEW_KEY}."
    )


def test_a_leaf_without_a_cn_is_named_by_its_position() -> None:
    assert run(mk.make_client(qa_ca(), cn=None).pem).check("path.build").message == (
        "The path reaches a trusted CA: the leaf certificate → the QA CA (qa)."
    )


def test_a_trailing_space_is_escaped_in_the_subject() -> None:
    """RFC 4514 section 2.4: a trailing space is escaped, so the name reads back with it."""
    assert run(mk.make_client(qa_ca(), o="ACME ").pem).details["subject"] == (
        "CN=client-name,OU=Production,O=ACME\\ ,C=BR"
    )
