"""The test PKI, made at run time: a server CA for nginx, the Nuvy-like client CA, and a foreign CA.

Nothing here is committed as a key: every key is generated in memory once per test session and written
only into pytest's temporary directories.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .mapping import REAL_HOSTS

PrivateKey = rsa.RSAPrivateKey


@cache
def rsa_key(label: str, bits: int = 2048) -> PrivateKey:
    """One key per label and size for the whole session, because RSA generation is the slow part."""
    del label  # The label only keys the cache, so that different roles get different keys.
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _name(common_name: str, organisation: str = "Nuvy Test") -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


@dataclass(frozen=True)
class Authority:
    """A CA certificate with its key; it issues the test server and client certificates."""

    certificate: x509.Certificate
    key: PrivateKey

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def make_ca(
    common_name: str, key: PrivateKey, now: dt.datetime, issuer: Authority | None = None,
) -> Authority:
    """A self-signed root, or an intermediate when an issuer is given."""
    name = _name(common_name)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.certificate.subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0 if issuer else 1), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(issuer.key if issuer else key, hashes.SHA256())
    )
    return Authority(certificate, key)


def _leaf_builder(
    issuer: Authority, subject: x509.Name, public_key: rsa.RSAPublicKey, not_before: dt.datetime,
    not_after: dt.datetime,
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=True,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False,
        )
    )


def issue_client_certificate(
    issuer: Authority, subject: x509.Name, public_key: rsa.RSAPublicKey, now: dt.datetime,
    *, expired: bool = False, not_yet_valid: bool = False,
) -> bytes:
    """Sign like Nuvy does in step 5: EKU clientAuth, KU digitalSignature + keyEncipherment."""
    if not_yet_valid:
        not_before, not_after = now + dt.timedelta(days=2), now + dt.timedelta(days=365)
    elif expired:
        not_before, not_after = now - dt.timedelta(days=400), now - dt.timedelta(days=35)
    else:
        not_before, not_after = now - dt.timedelta(minutes=5), now + dt.timedelta(days=365)
    certificate = (
        _leaf_builder(issuer, subject, public_key, not_before, not_after)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(issuer.key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


def sign_csr(issuer: Authority, csr_pem: bytes, now: dt.datetime, *, expired: bool = False) -> bytes:
    """Play Nuvy: turn the CSR the guide's commands made into the client certificate."""
    csr = x509.load_pem_x509_csr(csr_pem)
    if not csr.is_signature_valid:
        raise ValueError("the CSR made by the guide's command has an invalid signature")
    public_key = csr.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise TypeError(f"the guide makes RSA keys, but the CSR holds a {type(public_key).__name__}")
    return issue_client_certificate(issuer, csr.subject, public_key, now, expired=expired)


def issue_server_certificate(issuer: Authority, key: PrivateKey, now: dt.datetime) -> bytes:
    """The API's TLS certificate: both real host names as SANs, so hostname checks stay on in the samples."""
    certificate = (
        _leaf_builder(
            issuer, _name(REAL_HOSTS[0]), key.public_key(), now - dt.timedelta(minutes=5),
            now + dt.timedelta(days=30),
        )
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(host) for host in REAL_HOSTS]), critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(issuer.key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


def key_pem(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption(),
    )


def write_private(path: Path, data: bytes) -> Path:
    """Write a key readable only by its owner, as the guide asks users to do."""
    path.write_bytes(data)
    path.chmod(0o600)
    return path


@dataclass(frozen=True)
class TestPki:
    """Everything the server and the harness need, on disk under one temporary directory."""

    __test__ = False  # Not a test class, despite the name pytest looks for.

    root: Path
    server_ca: Authority
    client_ca: Authority
    other_ca: Authority
    now: dt.datetime

    @property
    def server_ca_file(self) -> Path:
        return self.root / "server-ca.pem"

    @property
    def client_ca_file(self) -> Path:
        return self.root / "client-ca.pem"

    @property
    def other_ca_file(self) -> Path:
        return self.root / "other-ca.pem"

    @property
    def server_cert_file(self) -> Path:
        return self.root / "server.pem"

    @property
    def server_key_file(self) -> Path:
        return self.root / "server.key.pem"


def build_pki(root: Path, now: dt.datetime) -> TestPki:
    root.mkdir(parents=True, exist_ok=True)
    pki = TestPki(
        root=root,
        server_ca=make_ca("Test API Server CA", rsa_key("server-ca"), now),
        # The real Nuvy CA is RSA 4096; the test CA matches it so the validator sees the same profile.
        client_ca=make_ca("Nuvy Test Client CA", rsa_key("client-ca", 4096), now),
        other_ca=make_ca("Some Other CA", rsa_key("other-ca"), now),
        now=now,
    )
    pki.server_ca_file.write_bytes(pki.server_ca.pem)
    pki.client_ca_file.write_bytes(pki.client_ca.pem)
    pki.other_ca_file.write_bytes(pki.other_ca.pem)
    server_key = rsa_key("server")
    pki.server_cert_file.write_bytes(issue_server_certificate(pki.server_ca, server_key, now))
    write_private(pki.server_key_file, key_pem(server_key))
    return pki
