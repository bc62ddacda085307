"""What guide.md says about HTTP/2, checked against the server: forcing HTTP/1.1 changes nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import DOCS
from .harness import Fault, Stage, prepare_workdir

pytestmark = pytest.mark.guide

CLAIMS = (
    "a valid certificate gets `404` both ways, and a certificate from another CA gets `400` both ways",
    "Forcing HTTP/1.1 does not fix an untrusted certificate.",
)


def _call(stage: Stage, workdir: Path, version_option: str) -> tuple[str, str]:
    done = subprocess.run(
        ["curl", version_option, "--silent", "--show-error", "--output", "/dev/null",
         "--write-out", "%{http_version} %{http_code}",
         "--cert", "nuvy-client.crt", "--key", "nuvy-client.key", "https://mtls.nuvy.ai/test"],
        cwd=workdir, env=stage.environment(), capture_output=True, text=True, check=False, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    version, status = done.stdout.split()
    return version, status


@pytest.mark.parametrize(("fault", "status"), [(None, "404"), (Fault.OTHER_CA, "400")])
def test_http2_and_http1_get_the_same_answer(
    stage: Stage, tmp_path: Path, fault: Fault | None, status: str,
) -> None:
    prepare_workdir(stage, tmp_path, fault)
    # The server really negotiates HTTP/2, so the comparison is between two different protocols.
    assert _call(stage, tmp_path, "--http2") == ("2", status)
    assert _call(stage, tmp_path, "--http1.1") == ("1.1", status)


def test_the_guide_states_what_was_found() -> None:
    # Compare with whitespace collapsed, so rewrapping the paragraph does not matter.
    guide = " ".join((DOCS / "guide.md").read_text(encoding="utf-8").replace("    ", " ").split())
    for claim in CLAIMS:
        assert claim in guide, f"guide.md no longer says {claim!r}, which this test checks; update both"
