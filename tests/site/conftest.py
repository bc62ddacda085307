"""Fixtures for the site tests: temporary project copies, builds, generated bad CAs.

The guard tests build modified copies of the project in tmp dirs, never the work tree. Pages that other
parts of the project have not written yet get a one-line placeholder in those copies only; the real
docs/ tree is built as-is by test_build.py::test_real_docs_build_strict.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[2]
# The tests import scripts.serve and the hooks package from the project root.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from site_helpers import CertMaker, make_project_copy, run_build  # noqa: E402 - needs the path set above.

from scripts.serve import SiteServer, serve_in_thread  # noqa: E402 - needs the path set above.
from tests import site_stamp  # noqa: E402 - needs the path set above.


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project_copy(tmp_path / "project")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site under test: `$NUVY_SITE_DIR` when nox built it, else a fresh build of a project copy."""
    prebuilt = os.environ.get("NUVY_SITE_DIR")
    if prebuilt:
        site_stamp.check_prebuilt(Path(prebuilt))
        return Path(prebuilt)
    project = make_project_copy(tmp_path_factory.mktemp("built") / "project")
    result = run_build(project)
    assert result.returncode == 0, result.output
    return result.site


@pytest.fixture(scope="session")
def signing_key() -> rsa.RSAPrivateKey:
    # One key for every test CA: generating RSA keys is the slow part on two cores.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def make_cert(signing_key: rsa.RSAPrivateKey) -> CertMaker:
    """Make a self-signed certificate PEM: a CA by default, or not (`ca=False`), valid around `now`."""

    def make(
        *,
        ca: bool = True,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        common_name: str = "Test CA",
    ) -> bytes:
        now = dt.datetime.now(dt.UTC)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(signing_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - dt.timedelta(days=1))
            .not_valid_after(not_after or now + dt.timedelta(days=365))
        )
        if ca:
            builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        return builder.sign(signing_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)

    return make


# One server per module for the browser tests of the built site (the e2e suite has its own, per session).
@pytest.fixture(scope="module")
def site_server(built_site: Path) -> Iterator[tuple[SiteServer, str]]:
    server, base_url = serve_in_thread(built_site)
    yield server, base_url
    server.stop()
