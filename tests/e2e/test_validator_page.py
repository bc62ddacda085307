"""The validator page in Chromium, end to end: real site, real CSP header, Pyodide in a module worker.

"Valid" inputs come from the page's own sample buttons (the committed demo certificates the build puts
into the page's data); everything else is generated at run time with ``tests/pki.py``. After every test the
page must not have made a request, stored anything, hit the CSP or logged an error.
"""

from __future__ import annotations

import base64
import hashlib
import textwrap

import pytest
from asn1crypto import algos as a_algos
from asn1crypto import csr as a_csr
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests import pki
from tests.e2e.validator_page import ValidatorPage

# Every test of this module must leave the page private (nothing sent, stored or blocked).
pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("stays_private")]

BEGIN = "-----BEGIN "  # Built at run time so no committed file contains a private-key header.


def pem(der: bytes, label: str = "CERTIFICATE") -> str:
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode("ascii"), 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"


def der_of(pem_text: str) -> bytes:
    return x509.load_pem_x509_certificate(pem_text.encode("ascii")).public_bytes(serialization.Encoding.DER)


def environment_names(vp: ValidatorPage) -> dict[str, str]:
    return {env["id"]: env["name"] for env in vp.data()["environments"]}


def test_valid_sample_passes_with_details(vp: ValidatorPage) -> None:
    sample = vp.data()["samples"]["valid"]
    der = der_of(sample)
    vp.remember(der)
    outcome = vp.sample("valid")
    assert outcome.verdict == "pass", outcome
    assert outcome.kind == "certificate"
    assert outcome.verdict_text is not None
    assert "Pass" in outcome.verdict_text
    for check_id in ("path.build", "signature.valid", "environment.issuer", "validity.period",
                     "eku.client_auth", "basic_constraints.not_ca"):
        assert outcome.status(check_id) == "pass", (check_id, outcome.checks[check_id])
        assert outcome.checks[check_id]["badge"].endswith("Pass")
    assert outcome.input == sample
    details = outcome.details or ""
    fingerprint = hashlib.sha256(der).hexdigest()
    assert fingerprint in details.replace(":", "").lower(), details
    assert "expires in " in details
    assert " days" in details
    certificate = x509.load_der_x509_certificate(der)
    assert certificate.subject.rfc4514_string().split(",")[0] in details


def test_other_environment_fails_and_names_the_right_one(vp: ValidatorPage) -> None:
    data = vp.data()
    names = environment_names(vp)
    default = data["default_environment"]
    other = next(env_id for env_id in names if env_id != default)
    vp.remember(der_of(data["samples"]["other_env"]))
    outcome = vp.sample("other_env")
    assert outcome.verdict == "fail", outcome
    assert outcome.status("environment.issuer") == "fail"
    assert names[other] in outcome.message("environment.issuer"), outcome.message("environment.issuer")
    # Choosing the environment the message names re-checks the same input, which then passes.
    switched = vp.select(other)
    assert switched.verdict == "pass", switched
    assert switched.status("environment.issuer") == "pass"
    back = vp.select(default)
    assert back.verdict == "fail"
    # The report offers the environment that issued the certificate as a one-click re-check.
    assert vp.page.text_content("#nuvy-switch") == f"Check it against {names[other]} instead"
    offered = vp.act(lambda: vp.page.click("#nuvy-switch"))
    assert offered.verdict == "pass"
    assert vp.page.is_checked(f'input[name="nuvy-environment"][value="{other}"]')
    vp.select(default)


def test_tampered_signature_fails(vp: ValidatorPage) -> None:
    der = bytearray(der_of(vp.data()["samples"]["valid"]))
    der[-1] ^= 0x01  # The last byte of a certificate is inside its signature.
    vp.remember(bytes(der))
    outcome = vp.paste(pem(bytes(der)))
    assert outcome.verdict == "fail", outcome
    assert outcome.status("signature.valid") == "fail"
    assert "signature" in outcome.message("signature.valid").lower()


def test_csr_gets_the_csr_report(vp: ValidatorPage) -> None:
    outcome = vp.sample("csr")
    assert outcome.kind == "csr", outcome
    assert outcome.status("csr.signature") == "pass"
    assert "signature.valid" not in outcome.checks
    assert outcome.details is not None
    assert "/CN=" in outcome.details


@pytest.mark.parametrize(
    "label",
    ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "OPENSSH PRIVATE KEY"],
)
def test_private_key_is_refused_and_never_posted(vp: ValidatorPage, label: str) -> None:
    key = pki.private_key("rsa2048").private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    text = pem(key, label).replace("-----BEGIN ", BEGIN)
    vp.pasted.extend(base64.b64encode(key).decode("ascii")[200:240].split())
    posts_before = vp.posts()
    outcome = vp.paste(text)
    assert outcome.notice is not None, outcome
    assert "Never share your private key" in outcome.notice
    assert "Nothing was processed or stored" in outcome.notice
    assert "rotate it" in outcome.notice
    assert "new key and CSR" in outcome.notice
    assert outcome.input == "", "the private key must be cleared from the text box"
    assert outcome.verdict is None
    assert outcome.checks == {}
    assert vp.posts() == posts_before, "the private key was posted to the worker"


def test_private_key_in_the_csr_box_is_refused(vp: ValidatorPage) -> None:
    vp.sample("valid")
    key = pki.private_key("ec256").private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    posts_before = vp.posts()
    outcome = vp.act(lambda: vp.page.fill("#nuvy-csr", key))
    assert outcome.notice is not None
    assert "Never share your private key" in outcome.notice
    assert outcome.csr == ""
    assert vp.posts() == posts_before


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("hello, this is not a certificate", "unparseable"),
        ("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n", "unparseable"),
    ],
)
def test_garbage_gets_a_clear_message(vp: ValidatorPage, text: str, code: str) -> None:
    outcome = vp.paste(text)
    assert outcome.verdict == "error", outcome
    assert outcome.code == code
    assert outcome.error is not None
    assert len(outcome.error) > 30
    assert "Traceback" not in outcome.error
    assert "Error(" not in outcome.error


def test_too_large_input_is_refused_before_the_worker(vp: ValidatorPage) -> None:
    limit = vp.data()["limits"]["max_bytes"]
    posts_before = vp.posts()
    outcome = vp.paste("A" * (limit + 1))
    assert outcome.notice is not None
    assert f"at most {limit:,} bytes" in outcome.notice, outcome.notice
    assert outcome.verdict is None
    assert vp.posts() == posts_before


def test_too_many_blocks_are_refused_before_the_worker(vp: ValidatorPage) -> None:
    limits = vp.data()["limits"]
    block = vp.data()["samples"]["valid"]
    posts_before = vp.posts()
    outcome = vp.paste(block * (limits["max_blocks"] + 1))
    assert outcome.notice is not None
    assert f"{limits['max_blocks'] + 1} PEM blocks" in outcome.notice
    assert f"at most {limits['max_blocks']}" in outcome.notice
    assert vp.posts() == posts_before


def test_picked_pem_file_works_like_a_paste(vp: ValidatorPage) -> None:
    sample = vp.data()["samples"]["valid"]
    outcome = vp.pick_file("nuvy-client.crt", sample.encode("ascii"))
    assert outcome.verdict == "pass", outcome
    assert outcome.input == sample
    assert "nuvy-client.crt" in vp.page.text_content("#nuvy-file-name")


def test_dropped_der_file_works_like_a_paste(vp: ValidatorPage) -> None:
    der = der_of(vp.data()["samples"]["valid"])
    outcome = vp.drop_file("nuvy-client.der", der)
    assert outcome.verdict == "pass", outcome
    assert outcome.status("signature.valid") == "pass"
    assert outcome.input == "", "binary files are not shown in the text box"
    assert "nuvy-client.der" in vp.page.text_content("#nuvy-file-name")
    tampered = bytearray(der)
    tampered[-1] ^= 0x01
    failed = vp.drop_file("tampered.cer", bytes(tampered))
    assert failed.status("signature.valid") == "fail"


def test_chain_offers_the_ca_bundle_download(vp: ValidatorPage) -> None:
    chain = vp.data()["samples"]["chain"]
    certificates = x509.load_pem_x509_certificates(chain.encode("ascii"))
    for certificate in certificates:
        vp.remember(certificate.public_bytes(serialization.Encoding.DER))
    outcome = vp.sample("chain")
    assert outcome.kind == "chain", outcome
    assert outcome.bundle
    with vp.page.expect_download() as download_info:
        vp.page.click("#nuvy-bundle-link")
    download = download_info.value
    assert download.suggested_filename == "partner-ca-bundle.pem"
    path = download.path()
    bundle = x509.load_pem_x509_certificates(path.read_bytes())
    cas = [cert for cert in certificates if _is_ca(cert)]
    assert bundle, "the bundle is empty"
    assert {cert.fingerprint(hashes.SHA256()) for cert in bundle} <= {
        cert.fingerprint(hashes.SHA256()) for cert in cas
    }, "the bundle must contain only the chain's CA certificates"


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return bool(certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def test_certificate_matches_its_csr(vp: ValidatorPage) -> None:
    test_ca = pki.make_ca("Nuvy E2E Test CA", key_type="ec256")
    csr = pki.make_csr(key_type="rsa2048", key_slot=7)
    certificate = pki.make_client(test_ca, key=csr.key)
    vp.remember(certificate.der)
    vp.page.fill("#nuvy-csr", csr.pem)
    outcome = vp.paste(certificate.pem)
    assert outcome.kind == "match", outcome
    assert outcome.status("match.public_key") == "pass"
    assert outcome.match is not None
    assert "they match" in outcome.match
    other_csr = pki.make_csr(key_type="rsa2048", key_slot=8)
    mismatch = vp.act(lambda: vp.page.fill("#nuvy-csr", other_csr.pem))
    assert mismatch.status("match.public_key") == "fail"
    assert mismatch.match is not None
    assert "do NOT match" in mismatch.match
    vp.act(lambda: vp.page.fill("#nuvy-csr", ""))


def test_validation_works_offline_after_load(vp: ValidatorPage) -> None:
    vp.context.set_offline(True)
    try:
        assert vp.sample("valid").verdict == "pass"
        der = bytearray(der_of(vp.data()["samples"]["valid"]))
        der[-1] ^= 0x01
        assert vp.paste(pem(bytes(der))).status("signature.valid") == "fail"
    finally:
        vp.context.set_offline(False)


def _p521_csr() -> bytes:
    key = ec.generate_private_key(ec.SECP521R1())
    builder = x509.CertificateSigningRequestBuilder().subject_name(pki.subject_name(cn="client-name"))
    return builder.sign(key, hashes.SHA512()).public_bytes(serialization.Encoding.DER)


def _tamper_last_byte(der: bytes) -> bytes:
    tampered = bytearray(der)
    tampered[-1] ^= 0x01  # The last byte of a CSR is inside its signature.
    return bytes(tampered)


def _non_minimal_ecdsa(der: bytes) -> bytes:
    """The same CSR with a BER-style ECDSA signature: r gets a redundant leading zero byte."""
    request = a_csr.CertificationRequest.load(der)
    r_s = a_algos.DSASignature.load(request["signature"].native)
    r = r_s["r"].contents
    s = r_s["s"].contents
    padded_r = b"\x02" + bytes([len(r) + 1]) + b"\x00" + r
    s_der = b"\x02" + bytes([len(s)]) + s
    body = padded_r + s_der
    signature = b"\x30" + bytes([len(body)]) + body
    rebuilt = a_csr.CertificationRequest({
        "certification_request_info": request["certification_request_info"],
        "signature_algorithm": request["signature_algorithm"],
        "signature": signature,
    })
    return bytes(rebuilt.dump(force=True))


SCHEMES = {
    "rsa-pkcs1v15-sha256": lambda: pki.make_csr(key_type="rsa2048").der,
    "rsa-pkcs1v15-sha384": lambda: pki.make_csr(key_type="rsa2048", hash_alg=pki.SHA384).der,
    "rsa-pkcs1v15-sha512": lambda: pki.make_csr(key_type="rsa2048", hash_alg=pki.SHA512).der,
    "rsa-pkcs1v15-sha1": lambda: pki.make_csr(key_type="rsa2048", hash_alg=pki.SHA1).der,
    "rsa-pss-sha256": lambda: pki.make_csr(key_type="rsa2048", pss=True).der,
    "rsa-pss-sha384": lambda: pki.make_csr(key_type="rsa2048", hash_alg=pki.SHA384, pss=True).der,
    "ecdsa-p256-sha256": lambda: pki.make_csr(key_type="ec256").der,
    "ecdsa-p256-sha512": lambda: pki.make_csr(key_type="ec256", hash_alg=pki.SHA512).der,
    "ecdsa-p384-sha384": lambda: pki.make_csr(key_type="ec384", hash_alg=pki.SHA384).der,
    "ecdsa-p521-sha512": _p521_csr,
    "ed25519": lambda: pki.make_csr(key_type="ed25519").der,
}


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_webcrypto_verifies_every_scheme_and_rejects_tampering(vp: ValidatorPage, scheme: str) -> None:
    der = SCHEMES[scheme]()
    good = vp.paste(pem(der, "CERTIFICATE REQUEST"))
    assert good.kind == "csr", good
    assert good.status("csr.signature") == "pass", good.checks["csr.signature"]
    bad = vp.paste(pem(_tamper_last_byte(der), "CERTIFICATE REQUEST"))
    assert bad.status("csr.signature") == "fail", bad.checks["csr.signature"]


@pytest.mark.parametrize("key_type", ["ec256", "ec384"])
def test_non_minimal_ecdsa_signature_is_rejected_like_openssl(vp: ValidatorPage, key_type: str) -> None:
    der = pki.make_csr(key_type=key_type).der
    outcome = vp.paste(pem(_non_minimal_ecdsa(der), "CERTIFICATE REQUEST"))
    assert outcome.status("csr.signature") == "fail", outcome.checks["csr.signature"]


def test_binary_private_key_file_is_recognised_and_cleared(vp: ValidatorPage) -> None:
    key = pki.private_key("ec256").private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    vp.pasted.append(key.hex()[40:80])
    outcome = vp.drop_file("nuvy-client.key", key)
    assert outcome.notice is not None, outcome
    assert "Never share your private key" in outcome.notice
    assert "only read inside this browser tab" in outcome.notice
    assert outcome.verdict is None
    assert vp.page.text_content("#nuvy-file-name") == ""
