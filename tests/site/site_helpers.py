"""Helpers shared by the site tests: project copies, builds, PEM helpers.

A module with a unique name (not conftest) so test modules can import it whichever conftest.py
pytest imported last.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
# pyproject.toml: the CLI wheel's name, version and dependencies come from it (hooks/wheel.py).
COPIED = (
    "mkdocs.yml", "pyproject.toml", "hooks", "docs", "site_assets", "validator_py", "scripts", "overrides",
)
NAV_PAGES = (
    "index.md",
    "quickstart.md",
    "guide.md",
    "download.md",
    "validator.md",
    "cli.md",
    "troubleshooting.md",
    "partner-certificates.md",
    "privacy.md",
)


@dataclass(frozen=True)
class BuildResult:
    returncode: int
    output: str
    site: Path


def run_build(project: Path, site: Path | None = None, *, nuvy_release: str | None = None) -> BuildResult:
    """Run `mkdocs build --strict` on a project directory in a fresh process.

    NUVY_RELEASE is set to `nuvy_release` ("1": a release build), or unset whatever the calling shell has.
    """
    site = site or project / "site"
    environ = {name: value for name, value in os.environ.items() if name != "NUVY_RELEASE"}
    if nuvy_release is not None:
        environ["NUVY_RELEASE"] = nuvy_release
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(project / "mkdocs.yml"),
            "--site-dir",
            str(site),
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return BuildResult(completed.returncode, completed.stdout + completed.stderr, site)


def _ignore_caches(directory: str, names: list[str]) -> list[str]:
    return [name for name in names if name in ("__pycache__", ".mypy_cache")]


def make_project_copy(target: Path) -> Path:
    """Copy what the build reads into `target`; fill missing nav pages with placeholders."""
    target.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=_ignore_caches)
        elif source.is_file():
            shutil.copy2(source, target / name)
    for page in NAV_PAGES:
        path = target / "docs" / page
        if not path.exists():
            marker = "<!-- nuvy:demo-notice -->\n\n<!-- nuvy:data -->\n" if page == "validator.md" else ""
            path.write_text(f"# {page}\n\nPlaceholder for the site tests.\n\n{marker}", encoding="utf-8")
    (target / "node_modules").mkdir(exist_ok=True)
    (target / "node_modules" / "pyodide").symlink_to(ROOT / "node_modules" / "pyodide")
    (target / "build").mkdir(exist_ok=True)
    (target / "build" / "wheels").symlink_to(ROOT / "build" / "wheels")
    return target


CertMaker = Callable[..., bytes]


def pkcs8_private_key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
