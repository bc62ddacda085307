"""The committed demo PKI has the profile the guide describes, and its generator writes no secret."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from site_helpers import ROOT

ASSETS = ROOT / "docs" / "assets"
ENVIRONMENTS = ("qa", "production")


def _cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _signed_by(child: x509.Certificate, parent: x509.Certificate) -> bool:
    key = parent.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    assert child.signature_hash_algorithm is not None
    try:
        key.verify(
            child.signature, child.tbs_certificate_bytes, padding.PKCS1v15(), child.signature_hash_algorithm
        )
    except InvalidSignature:
        return False
    return child.issuer == parent.subject


@pytest.mark.parametrize("env_id", ENVIRONMENTS)
def test_demo_ca_profile(env_id: str) -> None:
    ca = _cert(ASSETS / "ca" / env_id / "nuvy-ca.crt")
    key = ca.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    assert key.key_size == 4096
    assert ca.signature_hash_algorithm is not None
    assert ca.signature_hash_algorithm.name == "sha256"
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign
    assert usage.crl_sign
    assert "DEMO" in ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert ca.not_valid_after_utc - ca.not_valid_before_utc > dt.timedelta(days=3600)
    assert _signed_by(ca, ca)


@pytest.mark.parametrize("env_id", ENVIRONMENTS)
def test_sample_client_has_the_step_5_profile(env_id: str) -> None:
    client = _cert(ASSETS / "samples" / f"client-{env_id}.crt")
    assert _signed_by(client, _cert(ASSETS / "ca" / env_id / "nuvy-ca.crt"))
    key = client.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    assert key.key_size == 2048
    eku = client.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    usage = client.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.key_encipherment
    assert not usage.key_cert_sign
    assert not client.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert (
        client.subject.rfc4514_string() == f"CN=demo-client,OU={'QA' if env_id == 'qa' else 'Production'},"
        "O=Demo Client Ltda,C=BR"
    )


def test_openssl_verifies_each_client_against_its_ca_only() -> None:
    for env_id in ENVIRONMENTS:
        other = "production" if env_id == "qa" else "qa"
        client = ASSETS / "samples" / f"client-{env_id}.crt"
        ok = subprocess.run(
            ["openssl", "verify", "-CAfile", ASSETS / "ca" / env_id / "nuvy-ca.crt", client],
            capture_output=True,
            text=True,
            check=False,
        )
        assert ok.returncode == 0, ok.stdout + ok.stderr
        assert ok.stdout.strip().endswith(": OK"), ok.stdout
        wrong = subprocess.run(
            ["openssl", "verify", "-CAfile", ASSETS / "ca" / other / "nuvy-ca.crt", client],
            capture_output=True,
            text=True,
            check=False,
        )
        assert wrong.returncode != 0


def test_sample_csr_is_self_signed_with_the_step_3_subject() -> None:
    csr = x509.load_pem_x509_csr((ASSETS / "samples" / "client.csr").read_bytes())
    assert csr.is_signature_valid
    # Not the guide's placeholders (Example Client, example-client): the pre-flight refuses those.
    assert csr.subject.rfc4514_string() == "CN=demo-client,OU=Production,O=Demo Client Ltda,C=BR"


def test_partner_chain_is_leaf_intermediate_root() -> None:
    chain = x509.load_pem_x509_certificates((ASSETS / "samples" / "partner-chain.pem").read_bytes())
    assert len(chain) == 3
    leaf, intermediate, root = chain
    assert _signed_by(leaf, intermediate)
    assert _signed_by(intermediate, root)
    assert _signed_by(root, root)
    assert root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Example Partner Root CA"


def test_generator_writes_only_public_files(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_demo_pki.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    written = sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*") if path.is_file())
    assert written == [
        "ca/production/nuvy-ca.crl",
        "ca/production/nuvy-ca.crt",
        "ca/qa/nuvy-ca.crl",
        "ca/qa/nuvy-ca.crt",
        "samples/client-production-revoked.crt",
        "samples/client-production.crt",
        "samples/client-qa-revoked.crt",
        "samples/client-qa.crt",
        "samples/client.csr",
        "samples/partner-chain.pem",
    ]
    for name in written:
        assert b"PRIVATE KEY" not in (tmp_path / name).read_bytes(), name
