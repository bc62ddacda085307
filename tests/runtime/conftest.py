"""Fixtures for the runtime builder: one trimmed stdlib per session, built (or taken from the cache) once."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILDER = ROOT / "scripts" / "build_stdlib.mjs"
WHEEL = ROOT / "build" / "wheels" / "asn1crypto-1.5.1-py2.py3-none-any.whl"


@dataclass(frozen=True)
class BuiltStdlib:
    path: Path
    manifest: dict[str, object]


def run_builder(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(BUILDER), *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False
    )


def require_toolchain() -> None:
    # The runtime is built from npm's Pyodide and the pinned wheel; without them this is a setup error,
    # and saying so beats a confusing Node stack trace.
    if shutil.which("node") is None:
        pytest.fail("node is not installed; run `nox -s build` (it installs nodejs) or install nodejs")
    if not (ROOT / "node_modules" / "pyodide" / "pyodide.mjs").is_file():
        pytest.fail("node_modules/pyodide is missing; run `npm ci` in the project root")
    if not WHEEL.is_file():
        pytest.fail(f"{WHEEL.relative_to(ROOT)} is missing; run `nox -s build` to download the pinned wheel")


@pytest.fixture(scope="session")
def built_stdlib(tmp_path_factory: pytest.TempPathFactory) -> BuiltStdlib:
    require_toolchain()
    out = tmp_path_factory.mktemp("stdlib")
    result = run_builder("build", "--out", str(out))
    assert result.returncode == 0, result.stderr[-4000:]
    manifest = json.loads(result.stdout)
    return BuiltStdlib(path=out / str(manifest["file"]), manifest=manifest)
