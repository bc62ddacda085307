"""The verdict-parity corpus: a generated defect matrix and the X.509 files of ``cryptography-vectors``.

Every item is an input the user could paste (``str``) or drop (``bytes``), the environment they selected,
and an optional CSR. Both sides (CPython and the page's Pyodide) get exactly these values.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import cryptography_vectors
from cryptography.hazmat.primitives import serialization

from tests import pki

X509_DIR = Path(cryptography_vectors.__file__).parent / "x509"
# Whole directories of certificates and CSRs, plus the first PKITS certificates to reach about 300 files.
VECTOR_DIRS = (".", "custom", "ed25519", "ed448", "requests")
PKITS_DIR = "PKITS_data/certs"
MAX_VECTOR_FILES = 300


@dataclass(frozen=True)
class Item:
    name: str
    data: str | bytes
    selected: str = "qa"
    csr: str | None = None

    def to_json(self) -> dict[str, object]:
        """JSON-safe form for the harness: bytes travel as base64 and are decoded back to bytes."""
        binary = isinstance(self.data, bytes)
        return {
            "name": self.name,
            "data": base64.b64encode(self.data).decode() if isinstance(self.data, bytes) else self.data,
            "binary": binary,
            "selected": self.selected,
            "csr": self.csr,
        }


@dataclass(frozen=True)
class Environments:
    """The two test environments: QA (with a CRL revoking one certificate) and Production."""

    qa: pki.Issued
    production: pki.Issued
    qa_crl: pki.CRL

    def as_page_json(self) -> list[dict[str, str]]:
        return [
            {"id": "qa", "name": "QA", "ca_pem": self.qa.pem, "crl_pem": self.qa_crl.pem},
            {"id": "production", "name": "Production", "ca_pem": self.production.pem},
        ]


REVOKED_SERIAL = 0x7E57_0001


def environments(qa: pki.Issued, production: pki.Issued) -> Environments:
    # A CRL as a CA publishes it: with the CRL number RFC 5280 requires, or the validator refuses it.
    qa_crl = pki.make_crl(qa, [REVOKED_SERIAL], number=1)
    return Environments(qa=qa, production=production, qa_crl=qa_crl)


def defect_matrix(envs: Environments) -> list[Item]:
    """One item per defect the validator must name, plus the inputs that must pass."""
    qa, prod, now = envs.qa, envs.production, pki.NOW
    csr = pki.make_csr(key_slot=7)
    partner_root = pki.make_ca("Partner Root", key_type="ec384", key_slot=30)
    partner_inter = pki.make_ca(
        "Partner Intermediate", parent=partner_root, key_type="ec256", key_slot=31, path_length=0
    )
    partner_leaf = pki.make_client(partner_inter, key_type="ec256", key_slot=32)
    rsa_inter = pki.make_ca(
        "Partner RSA Intermediate", parent=qa, key_type="rsa2048", key_slot=33, path_length=0
    )
    rsa_leaf = pki.make_client(rsa_inter, key_slot=34)
    matrix: list[tuple[str, str | bytes]] = [
        ("valid", pki.make_client(qa).pem),
        ("valid_for_production", pki.make_client(prod).pem),
        ("expired", pki.make_client(qa, not_before=now - pki.YEAR, not_after=now - pki.DAY).pem),
        ("not_yet_valid", pki.make_client(qa, not_before=now + pki.DAY, not_after=now + pki.YEAR).pem),
        ("expiring_soon", pki.make_client(qa, not_after=now + 10 * pki.DAY).pem),
        ("wrong_ca", pki.make_client(prod).pem),
        ("forged_issuer_name", pki.make_client(qa, signing_key=prod.key).pem),
        ("sha1", pki.make_client(qa, hash_alg=pki.SHA1).pem),
        ("rsa1024", pki.make_client(qa, key_type="rsa1024").pem),
        ("server_auth_only", pki.make_client(qa, eku=(pki.SERVER_AUTH,)).pem),
        ("no_eku", pki.make_client(qa, eku=None).pem),
        ("ca_true", pki.make_client(qa, basic_constraints_ca=True).pem),
        ("missing_ou", pki.make_client(qa, ou=None).pem),
        ("missing_cn", pki.make_client(qa, cn=None).pem),
        ("p256_key", pki.make_client(qa, key_type="ec256").pem),
        ("ed25519_key", pki.make_client(qa, key_type="ed25519").pem),
        ("rsa_pss_signature", pki.make_client(qa, pss=True).pem),
        ("revoked", pki.make_client(qa, serial=REVOKED_SERIAL).pem),
        ("der_file", pki.make_client(qa).der),
        ("csr", csr.pem),
        ("csr_ca_true", pki.make_csr(basic_constraints_ca=True).pem),
        ("csr_sha1", pki.make_csr(hash_alg=pki.SHA1).pem),
        ("csr_p384", pki.make_csr(key_type="ec384").pem),
        ("csr_missing_ou", pki.make_csr(ou=None).pem),
        ("chain_ecdsa_partner", pki.pem_bundle(partner_leaf, partner_inter, partner_root)),
        ("chain_wrong_order", pki.pem_bundle(partner_inter, partner_leaf, partner_root)),
        ("chain_incomplete", pki.pem_bundle(partner_leaf, partner_root)),
        ("chain_under_qa", pki.pem_bundle(rsa_leaf, rsa_inter)),
        ("empty", "   \n"),
        ("garbage", "this is not a certificate"),
        ("private_key", "-----BEGIN " + "PRIVATE KEY-----\nMIIB\n-----END " + "PRIVATE KEY-----\n"),
        (
            "public_key",
            pki.make_client(qa)
            .cert.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode(),
        ),
        ("truncated_pem", pki.make_client(qa).pem[:400]),
    ]
    items = [Item(name, data) for name, data in matrix]
    items.append(Item("valid_selected_production", pki.make_client(qa).pem, selected="production"))
    items.append(Item("match", pki.make_client(qa, key=csr.key).pem, csr=csr.pem))
    items.append(Item("mismatch", pki.make_client(qa, key_slot=8).pem, csr=csr.pem))
    return items


def vector_files() -> list[Path]:
    files = [
        path
        for directory in VECTOR_DIRS
        for path in sorted((X509_DIR / directory).iterdir())
        if path.is_file()
    ]
    pkits = sorted((X509_DIR / PKITS_DIR).iterdir())
    return (files + pkits)[:MAX_VECTOR_FILES]


def vector_items() -> list[Item]:
    """Each file as the user would drop it: bytes, checked against QA."""
    return [
        Item(f"cryptography_vectors/{path.relative_to(X509_DIR)}", path.read_bytes())
        for path in vector_files()
    ]
