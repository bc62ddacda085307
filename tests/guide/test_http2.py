"""What guide.md says about HTTP/2, checked against both servers: forcing HTTP/1.1 changes nothing.

Both servers offer h2 and http/1.1 through ALPN and check the client certificate in the handshake, before
any HTTP is spoken. So a valid certificate gets 404 over both protocols, and a certificate from another CA
is refused the same way over both: by the load balancer in the handshake (the same curl error), by nginx
with HTTP 400.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from . import mapping
from .conftest import DOCS
from .harness import Fault, Stage, prepare_workdir

pytestmark = pytest.mark.guide

CLAIMS = (
    "with `curl --http2` and `curl --http1.1`, a valid certificate gets `404` both ways",
    "a certificate from another CA is refused in the handshake both ways",
    "Forcing HTTP/1.1 does not fix an untrusted certificate.",
)


def _call(stage: Stage, workdir: Path, version_option: str) -> tuple[int, str, str]:
    done = subprocess.run(
        ["curl", version_option, "--silent", "--show-error", "--output", "/dev/null",
         "--write-out", "%{http_version} %{http_code}",
         "--cert", mapping.CLIENT_CERT_NAME, "--key", mapping.CLIENT_KEY_NAME, "https://mtls.nuvy.ai/test"],
        cwd=workdir, env=stage.environment(), capture_output=True, text=True, check=False, timeout=60,
    )
    return done.returncode, done.stdout.strip(), done.stderr.strip()


def test_a_valid_certificate_gets_404_over_http2_and_http1(stage: Stage, tmp_path: Path) -> None:
    prepare_workdir(stage, tmp_path)
    # The server really negotiates HTTP/2, so the comparison is between two different protocols.
    assert _call(stage, tmp_path, "--http2") == (0, "2 404", "")
    assert _call(stage, tmp_path, "--http1.1") == (0, "1.1 404", "")


def test_another_ca_is_refused_the_same_way_over_http2_and_http1(stage: Stage, tmp_path: Path) -> None:
    prepare_workdir(stage, tmp_path, Fault.OTHER_CA)
    http2, http1 = _call(stage, tmp_path, "--http2"), _call(stage, tmp_path, "--http1.1")
    if stage.kind == "nginx":
        assert http2 == (0, "2 400", "")
        assert http1 == (0, "1.1 400", "")
    else:
        # Refused in the handshake: no HTTP version, no status, the same TLS alert either way.
        assert http2 == http1, (http2, http1)
        returncode, written, error = http2
        assert (returncode, written) == (56, "0 000"), http2
        assert error.endswith("tlsv1 alert unknown ca, errno 0"), error


def test_the_guide_states_what_was_found() -> None:
    # Compare with whitespace collapsed, so rewrapping the paragraph does not matter.
    guide = " ".join((DOCS / "guide.md").read_text(encoding="utf-8").replace("    ", " ").split())
    for claim in CLAIMS:
        assert claim in guide, f"guide.md no longer says {claim!r}, which this test checks; update both"
