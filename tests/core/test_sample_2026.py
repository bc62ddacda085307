"""Tests for the survivors of the mutation sample `scripts/mutate.py --sample 300 --seed 2026` (issue 17):
messages, titles and edges that no test asserted. The sample's estimate was recorded before these were
written (tests/mutation_survivors.md)."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from asn1crypto import cms, core
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.x509.oid import NameOID

from tests import pki as mk
from validator_py import Environment, InputError, Report, validate, validate_async
from validator_py._compat._cpython import CryptographyVerifier
from validator_py.cli import main
from validator_py.der import der_problem
from validator_py.inputs import WHAT_TO_PASTE
from validator_py.pipeline import run_sync
from validator_py.signatures import SignatureRequest

from .oracles import our_report
from .path_cases import CASES
from .pathkit import Cert, resign

NOT_A_CA = "Key Usage includes keyCertSign, a CA permission a client certificate must not have."


@functools.cache
def _qa() -> mk.Issued:
    return mk.make_ca("Nuvy QA CA", key_slot=100)


def _run(data: str | bytes, *, chain: bool = False) -> Report:
    envs = [] if chain else [Environment("qa", "QA", _qa().pem)]
    return validate(data, envs, selected="" if chain else "qa", at=mk.NOW)


def _refused(data: str | bytes) -> tuple[str, str]:
    with pytest.raises(InputError) as caught:
        _run(data)
    return caught.value.code, caught.value.message


# The input boundary ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # Latin-1 text (not UTF-8, no UTF-16 mark) is still read as text, and then is no certificate.
        (b"caf\xe9 cr\xe8me", "The input is neither PEM (-----BEGIN CERTIFICATE----- ...), DER nor base64 "
         f"of a certificate. {WHAT_TO_PASTE}"),
        (b"\x30\x80\x00\x00", "The DER input is not valid DER (indefinite length is not DER): the file is "
         f"truncated or damaged. {WHAT_TO_PASTE}"),
    ],
    ids=["latin-1-text", "indefinite-length"],
)
def test_unreadable_inputs(data: bytes, expected: str) -> None:
    assert _refused(data) == ("unparseable", expected)


def test_bytes_after_a_der_certificate() -> None:
    assert _refused(_qa().der + b"\x00") == (
        "unparseable",
        "The DER input is not valid DER (trailing bytes after the DER object): the file is truncated or "
        f"damaged. {WHAT_TO_PASTE}",
    )


def test_only_a_crl_is_refused() -> None:
    assert _refused(mk.make_crl(_qa(), []).pem) == (
        "unsupported",
        "The input is only a CRL. Paste the certificate to check with it (or give the CRL with the "
        "environment: --crl on the command line).",
    )


def test_a_bit_string_with_more_than_seven_unused_bits() -> None:
    assert der_problem(bytes.fromhex("03020800")) == "a BIT STRING with a wrong unused-bits count"


# Reading and naming --------------------------------------------------------------------------------------


def test_the_leaf_is_found_whatever_the_order() -> None:
    """Certificate mode: the leaf is the certificate that issued no other, even when pasted last."""
    inter = mk.make_ca("QA Issuing CA", parent=_qa(), key_type="rsa2048", key_slot=60)
    leaf = mk.make_client(inter, key_slot=61)
    report = _run(inter.pem + leaf.pem)
    assert report.details["subject"] == "CN=client-name,OU=Production,O=CLIENT_NAME,C=BR"
    assert report.check("path.build").message == (
        "The path reaches a trusted CA: the leaf certificate (client-name) → intermediate certificate 1 (QA "
        "Issuing CA) → the QA CA (qa)."
    )


def test_the_leaf_is_the_certificate_that_issued_none() -> None:
    """Even when its issuer is not a CA either (CA:FALSE) and comes first, the leaf is the one that issued
    no other certificate given."""
    not_a_ca = mk.make_ca("Not A CA", parent=_qa(), key_type="rsa2048", key_slot=65, ca=False)
    leaf = mk.make_client(not_a_ca, key_slot=66)
    report = _run(not_a_ca.pem + leaf.pem)
    assert report.details["subject"] == "CN=client-name,OU=Production,O=CLIENT_NAME,C=BR"


def test_a_high_tag_number_is_skipped_as_der() -> None:
    """A [31] tag written in two identifier octets is valid DER: the input is read, and is no certificate."""
    assert _refused(bytes.fromhex("30059f81010100")) == (
        "unparseable", f"The DER input is not a certificate. {WHAT_TO_PASTE}"
    )


def test_a_pkcs7_bundle_holding_something_else() -> None:
    other = cms.CertificateChoices(
        name="other", value={"other_cert_format": "1.2.3.4", "other_cert": core.Null()}
    )
    signed = cms.SignedData({
        "version": "v1", "digest_algorithms": [], "encap_content_info": {"content_type": "data"},
        "certificates": [other], "signer_infos": [],
    })
    assert _refused(cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()) == (
        "unparseable",
        "The DER input looks like a PKCS#7 bundle but could not be read: the file is damaged or not what it "
        f"seems. {WHAT_TO_PASTE} (Parser detail, for a bug report: the PKCS#7 bundle holds an entry of kind "
        "'other', not a certificate.)",
    )


def test_a_multi_valued_rdn_is_joined_with_a_plus() -> None:
    subject = x509.Name([x509.RelativeDistinguishedName([
        x509.NameAttribute(NameOID.COMMON_NAME, "a"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "b"),
    ])])
    assert _run(mk.make_client(_qa(), subject=subject).pem).details["subject"] == "CN=a+OU=b"


def test_report_check_names_the_missing_id() -> None:
    with pytest.raises(KeyError, match=r"no\.such_check"):
        _run(mk.make_client(_qa()).pem).check("no.such_check")


class _Counting:
    def __init__(self) -> None:
        self.requests = 0
        self.backend = CryptographyVerifier()

    async def verify(self, request: SignatureRequest) -> bool | None:
        self.requests += 1
        return await self.backend.verify(request)


def test_a_pair_is_verified_once_across_environments() -> None:
    """The certificate is QA's, checked against Production: both searches try the leaf's intermediate,
    and its signature is verified once for the input, not once per environment."""
    production = mk.make_ca("Nuvy Production CA", key_slot=101)
    inter = mk.make_ca("QA Issuing CA", parent=_qa(), key_type="rsa2048", key_slot=60)
    leaf = mk.make_client(inter, key_slot=61)
    counting = _Counting()
    envs = [Environment("qa", "QA", _qa().pem), Environment("production", "Production", production.pem)]
    report = run_sync(validate_async(leaf.pem + inter.pem, envs, selected="production", at=mk.NOW,
                                     verifier=counting))
    assert report.check("environment.issuer").message == (
        "This certificate was issued by the QA CA (qa), not by the Production CA (production) you selected. "
        "Use it against QA, or ask Nuvy for a Production certificate."
    )
    assert counting.requests == 2  # leaf by intermediate, intermediate by the QA CA


# Messages and titles -------------------------------------------------------------------------------------


def test_the_good_certificate_s_pass_messages() -> None:
    report = _run(mk.make_client(_qa()).pem)
    found = {
        check_id: (report.check(check_id).message, report.check(check_id).title)
        for check_id in ("ku.digital_signature", "extensions.critical_known", "path.name_constraints",
                         "path.path_length", "subject.encoding")
    }
    assert found == {
        "ku.digital_signature": (
            "Key Usage includes digitalSignature, which the TLS client handshake needs.",
            "Key Usage: digitalSignature",
        ),
        "extensions.critical_known": (
            "Every critical extension on the path is one TLS servers understand.", "Critical extensions"
        ),
        "path.name_constraints": ("No certificate on the path has name constraints.", "Name constraints"),
        "path.path_length": ("No path length constraint is exceeded.", "Path length constraints"),
        "subject.encoding": (
            "The subject's text is plain UTF-8, with no sign of a missing -utf8.", "Subject text encoding"
        ),
    }


def test_a_client_certificate_with_key_cert_sign() -> None:
    leaf = mk.make_client(_qa(), key_usage_flags={"digital_signature": True, "key_cert_sign": True})
    result = _run(leaf.pem).check("basic_constraints.not_ca")
    assert (result.status.value, result.message) == (
        "fail", f"{NOT_A_CA} Ask Nuvy to re-issue it with digitalSignature and keyEncipherment only."
    )


def test_a_csr_that_asks_for_a_ca() -> None:
    result = _run(mk.make_csr(basic_constraints_ca=True).pem, chain=True).check("csr.not_ca")
    assert (result.status.value, result.message) == (
        "fail",
        "The CSR requests a CA certificate (basicConstraints CA:TRUE). Nuvy issues client certificates only. "
        "Regenerate it: openssl req -new -utf8 -sha256 -key nuvy-client-<env>.key -out nuvy-client-<env>.csr "
        '-subj "/C=BR/O=CLIENT_NAME/OU=Production/CN=client-name" without a CA extension.',
    )


def test_an_intermediate_of_another_ca() -> None:
    """A chain (its names reach no configured CA) that stops at an intermediate whose issuer is missing."""
    stranger = mk.make_ca("Stranger Root", key_slot=62)
    inter = mk.make_ca("Stranger Issuing CA", parent=stranger, key_type="rsa2048", key_slot=63)
    result = _run(mk.make_client(inter, key_slot=64).pem + inter.pem).check("path.build")
    assert (result.status.value, result.message) == (
        "fail",
        "The chain stops at intermediate certificate 1 (Stranger Issuing CA), issued by CN=Stranger Root,"
        "O=Nuvy Test,C=BR, whose certificate is missing. Add that intermediate or root certificate to the "
        "chain.",
    )


def test_an_intermediate_of_the_other_environment() -> None:
    """Certificate mode, Production selected: the path stops at QA's intermediate."""
    production = mk.make_ca("Nuvy Production CA", key_slot=101)
    inter = mk.make_ca("QA Issuing CA", parent=_qa(), key_type="rsa2048", key_slot=60)
    envs = [Environment("qa", "QA", _qa().pem), Environment("production", "Production", production.pem)]
    report = validate(mk.make_client(inter, key_slot=61).pem + inter.pem, envs, selected="production",
                      at=mk.NOW)
    assert report.check("path.build").message == (
        "The path stops at intermediate certificate 1 (QA Issuing CA), issued by CN=Nuvy QA CA,O=Nuvy Test,"
        "C=BR, which is neither the Production CA (production), CN=Nuvy Production CA,O=Nuvy Test,C=BR nor "
        "a certificate given. Add the missing intermediate, or check the environment."
    )


def test_a_validity_date_before_2050_as_generalized_time() -> None:
    leaf = mk.make_client(_qa())

    def general_time(tbs: a_x509.TbsCertificate) -> None:
        when = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
        tbs["validity"]["not_after"] = a_x509.Time(name="general_time", value=when)

    signer = _qa().key
    der = resign(Cert(der=leaf.der, key=leaf.key, name="client-name"), signer, general_time).der
    result = _run(der).check("path.time_encoding")
    assert (result.status.value, result.message) == (
        "fail",
        "The leaf certificate (client-name) encodes its notAfter through 2049 as GeneralizedTime. Strict "
        "verifiers reject it; ask the issuer to re-issue it.",
    )


CATALOGUE = {
    "aki-critical-leaf": (
        "path.key_identifiers",
        "The leaf certificate (critical-aki-client) marks its Authority Key Identifier critical, which RFC "
        "5280 forbids. Strict verifiers reject this chain; ask for re-issued certificates.",
    ),
    "bc-intermediate-missing": (
        "path.basic_constraints",
        "Intermediate certificate 1 (No Constraints CA) has no basicConstraints extension. Servers reject "
        "chains through such certificates. Ask for the issuing CA's certificate with a critical "
        "basicConstraints CA:TRUE.",
    ),
}


@pytest.mark.parametrize("name", CATALOGUE)
def test_catalogue_failure_messages(name: str) -> None:
    check_id, message = CATALOGUE[name]
    case = next(c for c in CASES if c.name == name)
    assert our_report(case.build(), case.mode).check(check_id).message == message


def test_cli_messages(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "check certificates, CSRs or chains" in " ".join(capsys.readouterr().out.split())
    assert main(["check", "x.pem", "--env", "qa"]) == 2
    assert capsys.readouterr().err == (
        "error: --env qa: no such environment; configured: none (add --ca LABEL=FILE).\n"
    )
    assert main(["check", "x.pem", "--warn-days", "-1"]) == 2
    assert capsys.readouterr().err == "error: --warn-days must be zero or positive.\n"
