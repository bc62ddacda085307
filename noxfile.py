"""The single entry point for building, serving, testing, linting and benchmarking the portal.

Every session installs what it needs (Debian packages, npm packages, pinned wheels), so the two
commands in the README work on a fresh machine and CI runs the same thing as a developer.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).parent
SITE_DIR = ROOT / "site"
WHEEL_DIR = ROOT / "build" / "wheels"
# The Python that Pyodide 314.0.7 runs; browser wheels are resolved for it, not for the host.
PYODIDE_PYTHON = "3.14"

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True

# Debian packages the tests drive, keyed by the binary that proves they are installed.
SYSTEM_PACKAGES = {
    "/usr/bin/chromium": "chromium",
    "/usr/sbin/nginx": "nginx-light",
    "/usr/bin/curl": "curl",
    "/usr/bin/openssl": "openssl",
    "/usr/bin/node": "nodejs",
    "/usr/bin/npm": "npm",
    "/usr/bin/java": "openjdk-17-jdk-headless",
    "/usr/bin/keytool": "openjdk-17-jdk-headless",
}


def _ensure_system_packages(session: nox.Session, binaries: dict[str, str]) -> None:
    missing = sorted({pkg for binary, pkg in binaries.items() if not Path(binary).exists()})
    if not missing:
        return
    if os.geteuid() != 0:
        session.error(
            f"Missing Debian packages {missing}; "
            f"install them with: sudo apt-get install -y {' '.join(missing)}"
        )
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    session.run("apt-get", "update", "-qq", external=True, env=env)
    session.run(
        "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, external=True, env=env
    )


def _ensure_node_modules(session: nox.Session) -> None:
    # npm ci installs exactly what package-lock.json pins; skip it when the tree already matches the lock.
    stamp = ROOT / "node_modules" / ".package-lock.json"
    lock = ROOT / "package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        session.run("npm", "ci", "--no-audit", "--no-fund", external=True)


def _fetch_browser_wheels(session: nox.Session) -> None:
    WHEEL_DIR.mkdir(parents=True, exist_ok=True)
    session.run(
        "python", "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
        "--only-binary=:all:", "--python-version", PYODIDE_PYTHON,
        "-r", str(ROOT / "browser-requirements.txt"), "-d", str(WHEEL_DIR),
    )


def _build_site(session: nox.Session) -> None:
    _ensure_node_modules(session)
    _fetch_browser_wheels(session)
    session.run("mkdocs", "build", "--strict", "--site-dir", str(SITE_DIR))


@nox.session
def build(session: nox.Session) -> None:
    """Build the static site into site/."""
    _ensure_system_packages(session, {"/usr/bin/node": "nodejs", "/usr/bin/npm": "npm"})
    session.install("-e", ".[site]")
    _build_site(session)


@nox.session
def serve(session: nox.Session) -> None:
    """Build the site and serve it on http://127.0.0.1:8000 with the production headers."""
    _ensure_system_packages(session, {"/usr/bin/node": "nodejs", "/usr/bin/npm": "npm"})
    session.install("-e", ".[site]")
    _build_site(session)
    port = session.posargs[0] if session.posargs else "8000"
    session.run("python", "scripts/serve.py", "--root", str(SITE_DIR), "--port", port)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole test suite: core, site build, browser end-to-end and the guide against nginx."""
    _ensure_system_packages(session, SYSTEM_PACKAGES)
    session.install("-e", ".[site,test]")
    _build_site(session)
    env = {"NUVY_SITE_DIR": str(SITE_DIR), "PYTHONHASHSEED": "0"}
    session.run("pytest", *(session.posargs or ["tests"]), env=env)


@nox.session
def pin(session: nox.Session) -> None:
    """Rebuild the validator bundle and pin its SHA-256 (hooks/vendor-hashes.json) after a reviewed change."""
    _ensure_system_packages(session, {"/usr/bin/node": "nodejs", "/usr/bin/npm": "npm"})
    session.install("-e", ".[site]")
    _ensure_node_modules(session)
    _fetch_browser_wheels(session)
    session.run("python", "-c", "from pathlib import Path; from hooks import runtime; "
                "print(runtime.pin_bundle(Path('.').resolve()))")


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and strict mypy."""
    session.install("-e", ".[site,lint]")
    session.run("ruff", "check", ".")
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """Measure the validator page against stock Pyodide and a pure-JS baseline; writes bench/results.json."""
    _ensure_system_packages(session, {"/usr/bin/chromium": "chromium", "/usr/bin/node": "nodejs"})
    session.install("-e", ".[site,test]")
    _build_site(session)
    session.run("python", "bench/run.py", "--site", str(SITE_DIR), *session.posargs)


@nox.session(python=False)
def clean(session: nox.Session) -> None:
    """Remove build outputs."""
    for path in (SITE_DIR, ROOT / "build"):
        shutil.rmtree(path, ignore_errors=True)
