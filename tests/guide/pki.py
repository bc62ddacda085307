"""The test PKI, made at run time: the API's public server chain, the Nuvy-like client CA, a foreign CA.

The API's TLS certificate comes from a chain of its own that stands for the public CA of the real host:
"Test Public Root CA" -> "Test Public Issuing CA" -> the server certificate. Both test servers send the
leaf and the issuing CA, as public hosts do; the test clients trust the root only through what plays
their system trust store (see mapping.py), never through nuvy-ca.crt.

Nothing here is committed as a key: every key is generated in memory once per test session and written
only into pytest's temporary directories.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests import pki as test_pki

from .mapping import REAL_HOSTS

# The guide's certificates live on the real clock (nginx, curl and Java check them against it), so every
# helper here takes ``now`` instead of the fixed ``tests.pki.NOW``; the building itself is tests/pki.py's.
Authority = test_pki.Issued


def rsa_key(label: str, bits: int = 2048) -> rsa.RSAPrivateKey:
    """One key per label and size for the whole session, from tests/pki.py's cache of slow RSA keys."""
    key = test_pki.private_key(f"rsa{bits}", zlib.crc32(label.encode()))
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def make_ca(
    common_name: str, key: rsa.RSAPrivateKey, now: dt.datetime, issuer: Authority | None = None,
) -> Authority:
    """A self-signed root (pathLen 1), or an intermediate (pathLen 0) when an issuer is given."""
    return test_pki.make_ca(
        common_name, key=key, parent=issuer, path_length=0 if issuer else 1,
        not_before=now - dt.timedelta(days=1), not_after=now + dt.timedelta(days=3650),
    )


def _leaf(
    issuer: Authority, subject: x509.Name, public_key: rsa.RSAPublicKey, not_before: dt.datetime,
    not_after: dt.datetime, *, eku: x509.ObjectIdentifier = test_pki.CLIENT_AUTH, san: Sequence[str] = (),
) -> bytes:
    """A PEM end-entity certificate with the guide's key usage and a subject key identifier."""
    ski = x509.SubjectKeyIdentifier.from_public_key(public_key)
    certificate = test_pki.issue(
        issuer, subject, public_key, not_before=not_before, not_after=not_after, eku=(eku,), san=san,
        extra_extensions=[(ski, False)],
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


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
    return _leaf(issuer, subject, public_key, not_before, not_after)


def sign_csr(issuer: Authority, csr_pem: bytes, now: dt.datetime, *, expired: bool = False) -> bytes:
    """Play Nuvy: turn the CSR the guide's commands made into the client certificate."""
    csr = x509.load_pem_x509_csr(csr_pem)
    if not csr.is_signature_valid:
        raise ValueError("the CSR made by the guide's command has an invalid signature")
    public_key = csr.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise TypeError(f"the guide makes RSA keys, but the CSR holds a {type(public_key).__name__}")
    return issue_client_certificate(issuer, csr.subject, public_key, now, expired=expired)


def issue_server_certificate(issuer: Authority, key: rsa.RSAPrivateKey, now: dt.datetime) -> bytes:
    """The API's TLS certificate: both real host names as SANs, so hostname checks stay on in the samples."""
    return _leaf(
        issuer, test_pki.subject_name(cn=REAL_HOSTS[0], o="Nuvy Test", ou=None), key.public_key(),
        now - dt.timedelta(minutes=5), now + dt.timedelta(days=30),
        eku=test_pki.SERVER_AUTH, san=REAL_HOSTS,
    )


def write_private(path: Path, data: str) -> Path:
    """Write a key readable only by its owner, as the guide asks users to do."""
    path.touch(mode=0o600)
    path.write_text(data)
    path.chmod(0o600)
    return path


@dataclass(frozen=True)
class TestPki:
    """Everything the server and the harness need, on disk under one temporary directory."""

    __test__ = False  # Not a test class, despite the name pytest looks for.

    root: Path
    server_ca: Authority        # the public root the clients' trust store holds
    server_issuing_ca: Authority  # the intermediate that signs the API's certificate
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

    @property
    def server_chain_file(self) -> Path:
        """The server certificate followed by its issuing CA, as a public host sends it."""
        return self.root / "server-chain.pem"

    @property
    def server_bundle_file(self) -> Path:
        """Chain and key in one file, the form HAProxy's `crt` takes."""
        return self.root / "server-bundle.pem"


def build_pki(root: Path, now: dt.datetime) -> TestPki:
    root.mkdir(parents=True, exist_ok=True)
    public_root = make_ca("Test Public Root CA", rsa_key("server-ca"), now)
    pki = TestPki(
        root=root,
        server_ca=public_root,
        server_issuing_ca=make_ca(
            "Test Public Issuing CA", rsa_key("server-issuing-ca"), now, issuer=public_root,
        ),
        # The real Nuvy CA is RSA 4096; the test CA matches it so the validator sees the same profile.
        client_ca=make_ca("Nuvy Test Client CA", rsa_key("client-ca", 4096), now),
        other_ca=make_ca("Some Other CA", rsa_key("other-ca"), now),
        now=now,
    )
    pki.server_ca_file.write_text(pki.server_ca.pem)
    pki.client_ca_file.write_text(pki.client_ca.pem)
    pki.other_ca_file.write_text(pki.other_ca.pem)
    server_key = rsa_key("server")
    server_cert = issue_server_certificate(pki.server_issuing_ca, server_key, now)
    pki.server_cert_file.write_bytes(server_cert)
    pki.server_chain_file.write_text(server_cert.decode() + pki.server_issuing_ca.pem)
    write_private(pki.server_key_file, test_pki.key_pem(server_key))
    write_private(pki.server_bundle_file, pki.server_chain_file.read_text() + test_pki.key_pem(server_key))
    return pki
