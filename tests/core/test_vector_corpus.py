"""The X.509 and CSR files of ``cryptography-vectors`` through the reader: never a crash.

Every file either becomes a ``Report`` or raises ``InputError``. For files that pyca/cryptography refuses
to load but asn1crypto accepts, we must not look more lenient than cryptography: either the reader
raises ``InputError``, or the report fails a check that is about the certificate itself. Checks that
only describe its relation to the configured (unrelated) test CA, such as ``issuer.matches_ca``, do not
count, because they would fail for any vector file.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import cryptography_vectors
import pytest
from cryptography import x509

from tests import pki as mk
from validator_py import Environment, InputError, Status, validate

X509 = Path(cryptography_vectors.__file__).parent / "x509"
FILES = sorted(
    path for path in X509.rglob("*") if path.is_file() and path.suffix in (".pem", ".der", ".crt", ".csr")
)
RELATION_CHECKS = {
    "issuer.matches_ca",
    "signature.valid",
    "environment.issuer",
    "validity.period",
    "validity.expiring_soon",
    "revocation.crl_signature",
    "revocation.status",
}


def _cryptography_loads(path: Path, data: bytes) -> bool:
    is_csr = "requests" in path.parts or b"REQUEST-----" in data
    pem = b"-----BEGIN" in data
    with warnings.catch_warnings():
        # cryptography warns (and will later refuse) on some legacy encodings; either way it loaded.
        warnings.simplefilter("ignore")
        try:
            if is_csr:
                (x509.load_pem_x509_csr if pem else x509.load_der_x509_csr)(data)
            elif pem:
                x509.load_pem_x509_certificates(data)
            else:
                x509.load_der_x509_certificate(data)
        except Exception:  # Any refusal counts as "cryptography rejects it".
            return False
    return True


@pytest.fixture(scope="module")
def environments() -> list[Environment]:
    return [Environment("qa", "QA", mk.make_ca("Nuvy QA CA", key_slot=100).pem)]


def test_the_corpus_is_there() -> None:
    assert len(FILES) > 500


@pytest.mark.slow
@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(X509)) for p in FILES])
def test_vector_file(path: Path, environments: list[Environment]) -> None:
    data = path.read_bytes()
    error: InputError | None
    try:
        report = validate(data, environments, selected="qa", at=mk.NOW)
    except InputError as raised:
        error = raised
    else:
        error = None
    if error is not None:
        assert error.code in {
            "unparseable",
            "unsupported",
            "private_key",
            "too_large",
            "too_many_blocks",
            "too_deep",
            "empty",
        }
        assert error.message
        return
    assert report.kind in {"certificate", "csr", "chain", "match"}
    assert all(check.message for check in report.checks)
    if not _cryptography_loads(path, data):
        own = [c.id for c in report.checks if c.status is Status.FAIL and c.id not in RELATION_CHECKS]
        assert own, f"cryptography rejects {path.name}, but only relation checks fail: {report.to_dict()}"
