"""Links that cannot be verified never count as verified, and a mutated signed part never passes.

A chain whose intermediate is signed with MD5 or an algorithm the validator does not take must fail
``signature.valid`` naming that link, and must not reach the environment; a certificate, CSR or CRL whose
signed bytes or signature were changed must never get a passing signature check (Hypothesis, derandomized
so every run draws the same examples).
"""

from __future__ import annotations

import functools

import pytest
from asn1crypto import algos
from asn1crypto import crl as a_crl
from asn1crypto import csr as a_csr
from asn1crypto import x509 as a_x509
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import pki as mk
from validator_py import Environment, InputError, Report, Status, validate

P, W, F, NA = Status.PASS, Status.WARN, Status.FAIL, Status.NOT_APPLICABLE
QA = "the QA CA (qa)"


@functools.cache
def _root() -> mk.Issued:
    return mk.make_ca("Nuvy QA CA", key_slot=100)


def _envs(crl: str | None = None) -> list[Environment]:
    return [Environment("qa", "QA", _root().pem, crl)]


def _relabel(der: bytes, algorithm: str) -> bytes:
    cert = a_x509.Certificate.load(der)
    tbs = cert["tbs_certificate"]
    tbs["signature"] = algos.SignedDigestAlgorithm({"algorithm": algorithm})
    return bytes(a_x509.Certificate({
        "tbs_certificate": a_x509.TbsCertificate.load(tbs.dump(force=True)),
        "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": algorithm}),
        "signature_value": cert["signature_value"],
    }).dump())


def _pem(der: bytes) -> str:
    import base64

    return "-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der).decode() + "-----END CERTIFICATE-----\n"


LINKS = {
    "md5": (lambda: mk.make_ca("Nuvy Issuing CA", parent=_root(), key_type="rsa2048", key_slot=172,
                               hash_alg=mk.MD5).pem, "MD5 is broken and cannot be verified safely"),
    "unknown": (
        lambda: _pem(_relabel(mk.make_ca("Nuvy Issuing CA", parent=_root(), key_type="rsa2048",
                                         key_slot=172).der, "1.2.3.4.5")),
        "the signature algorithm 1.2.3.4.5 (1.2.3.4.5) is not one Nuvy accepts (RSA, RSA-PSS, ECDSA or "
        "Ed25519)",
    ),
}


@pytest.mark.parametrize("case", LINKS)
def test_an_unverifiable_intermediate_link_is_not_verified(case: str) -> None:
    make, reason = LINKS[case]
    inter_pem = make()
    good_inter = mk.make_ca("Nuvy Issuing CA", parent=_root(), key_type="rsa2048", key_slot=172)
    leaf = mk.make_client(good_inter, key_slot=1)
    report = validate(leaf.pem + inter_pem, _envs(), selected="qa", at=mk.NOW)
    signatures = report.check("signature.valid")
    assert signatures.status is F
    # Not checkable is not forged: the message gives the reason and never says the link does not verify.
    assert signatures.message == (
        "The signature of intermediate certificate 1 (Nuvy Issuing CA) could not be checked with the key of "
        f"{QA} ({reason}). A signature that cannot be checked is not trusted either: ask for a certificate "
        "signed with RSA, or ECDSA on P-256, P-384 or P-521, and SHA-256, then confirm with `openssl verify "
        "-CAfile nuvy-ca-<env>.crt -untrusted intermediates.crt nuvy-client-<env>.crt`."
    )
    environment = report.check("environment.issuer")
    assert (environment.status, environment.message) == (
        F, f"The issuer name is that of {QA}, but which CA signed it could not be confirmed: {reason}. "
        "Ask Nuvy for a certificate signed with SHA-256."
    )
    assert report.check("path.build").status is P  # the names chain; the signature does not
    assert report.verdict is F
    assert report.details["issued_by_environment"] is None


def test_the_same_chain_with_a_good_link_passes() -> None:
    inter = mk.make_ca("Nuvy Issuing CA", parent=_root(), key_type="rsa2048", key_slot=172)
    leaf = mk.make_client(inter, key_slot=1)
    report = validate(leaf.pem + inter.pem, _envs(), selected="qa", at=mk.NOW)
    assert report.check("signature.valid").message == "All 2 signatures on the path verify."
    assert report.check("environment.issuer").status is P
    assert report.details["issued_by_environment"] == "qa"


# ---------------------------------------------------------------------------------------------------
# Fuzzing: a mutated signed part (or signature) never passes.

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def _seeds() -> dict[str, tuple[bytes, int, int]]:
    """DER, and the span of bytes (signed part and signature) a mutation may touch."""
    leaf = mk.make_client(_root()).der
    ec_leaf = mk.make_client(_root(), key_type="ec256").der
    csr = mk.make_csr().der
    crl = mk.make_crl(_root(), [1, 2]).der
    out = {}
    for name, der, loader, part in (
        ("leaf", leaf, a_x509.Certificate, "tbs_certificate"),
        ("ec-leaf", ec_leaf, a_x509.Certificate, "tbs_certificate"),
        ("csr", csr, a_csr.CertificationRequest, "certification_request_info"),
        ("crl", crl, a_crl.CertificateList, "tbs_cert_list"),
    ):
        signed = loader.load(der)[part].dump()
        start = der.index(signed)
        out[name] = (der, start, len(der))
    return out


def _mutated(name: str, position: int, xor: int) -> bytes:
    der, start, end = _seeds()[name]
    data = bytearray(der)
    data[start + position % (end - start)] ^= xor
    return bytes(data)


def _report(data: bytes, crl: str | None = None) -> Report | None:
    try:
        return validate(data, _envs(crl), selected="qa", at=mk.NOW)
    except InputError:
        return None


@SETTINGS
@given(name=st.sampled_from(["leaf", "ec-leaf"]), position=st.integers(0, 1 << 16), xor=st.integers(1, 255))
def test_a_mutated_certificate_never_passes_signature_valid(name: str, position: int, xor: int) -> None:
    report = _report(_mutated(name, position, xor))
    if report is not None and report.kind == "certificate":
        assert report.check("signature.valid").status is not P
        assert report.check("environment.issuer").status is not P


@SETTINGS
@given(position=st.integers(0, 1 << 16), xor=st.integers(1, 255))
def test_a_mutated_csr_never_passes_csr_signature(position: int, xor: int) -> None:
    report = _report(_mutated("csr", position, xor))
    if report is not None:
        assert report.check("csr.signature").status is not P


@SETTINGS
@given(position=st.integers(0, 1 << 16), xor=st.integers(1, 255))
def test_a_mutated_crl_never_passes_crl_signature(position: int, xor: int) -> None:
    import base64

    crl = _mutated("crl", position, xor)
    crl_pem = "-----BEGIN X509 CRL-----\n" + base64.encodebytes(crl).decode() + "-----END X509 CRL-----\n"
    try:
        report = validate(mk.make_client(_root()).pem, _envs(crl_pem), selected="qa", at=mk.NOW)
    except InputError:
        return
    assert report.check("revocation.crl_signature").status is not P
    assert report.check("revocation.status").status is not P


def test_the_unmutated_seeds_pass() -> None:
    """The fuzz tests above are meaningful only if the seeds themselves pass."""
    import base64

    for name in ("leaf", "ec-leaf"):
        report = _report(_seeds()[name][0])
        assert report is not None
        assert report.check("signature.valid").status is P
    csr_report = _report(_seeds()["csr"][0])
    assert csr_report is not None
    assert csr_report.check("csr.signature").status is P
    crl_pem = "-----BEGIN X509 CRL-----\n" + base64.encodebytes(_seeds()["crl"][0]).decode()
    report = validate(mk.make_client(_root()).pem, _envs(crl_pem + "-----END X509 CRL-----\n"),
                      selected="qa", at=mk.NOW)
    assert report.check("revocation.crl_signature").status is P
