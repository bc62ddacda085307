"""Make .venv, a virtual environment with the pinned nox, from the system's python3: the first half of both
README commands.

Debian 12 and Ubuntu 24.04 refuse `pip install` into the system Python (PEP 668, externally managed), and
their python3 has no ensurepip, so `python3 -m venv` fails until the python3.X-venv package is installed.
This script installs that package with apt-get when it is missing (as root, or through sudo), then creates
the venv and installs nox into it. Nothing is installed into the system Python.

Standard library only: it runs before anything is installed. Run again, it does nothing that is already done.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
NOX = "nox==2026.10.20"


class SetupError(RuntimeError):
    """The venv cannot be made; the message says what to run instead."""


def venv_package(major: int = sys.version_info.major, minor: int = sys.version_info.minor) -> str:
    """The Debian/Ubuntu package that holds ensurepip for this Python (python3-venv depends on it)."""
    return f"python{major}.{minor}-venv"


def apt_commands(packages: Sequence[str], *, is_root: bool, sudo: str | None) -> list[list[str]]:
    """The apt-get commands that install `packages`: as root directly, else through sudo.

    A fresh Debian root has no package lists yet, so the lists are updated first.
    """
    if is_root:
        prefix: list[str] = []
    elif sudo:
        prefix = [sudo]
    else:
        raise SetupError(
            f"{sys.executable} has no ensurepip, so it cannot make a virtual environment. "
            f"Install it as root, then run this again: apt-get install -y {' '.join(packages)}"
        )
    env = ["env", "DEBIAN_FRONTEND=noninteractive"]
    return [
        [*prefix, *env, "apt-get", "update", "-qq"],
        [*prefix, *env, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
    ]


def _run(command: Sequence[str]) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True)


def _venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def _answers(venv: Path, *args: str) -> str | None:
    """What the venv's Python prints for `args`, or None when it is missing or fails."""
    python = _venv_python(venv)
    if not python.exists():
        return None
    result = subprocess.run([str(python), *args], capture_output=True, text=True, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def _has_nox(venv: Path) -> bool:
    version = _answers(venv, "-c", "import importlib.metadata as m; print(m.version('nox'))")
    return version == NOX.split("==", 1)[1]


def ensure_venv(venv: Path = VENV) -> Path:
    """Make `venv` with the pinned nox in it, if it is not there yet; return its nox."""
    if _has_nox(venv):
        return venv / "bin" / "nox"
    # A venv without pip (what `python3 -m venv` leaves behind when ensurepip is missing) is made again.
    if _answers(venv, "-m", "pip", "--version") is None:
        if importlib.util.find_spec("ensurepip") is None:
            is_root = os.geteuid() == 0
            for command in apt_commands([venv_package()], is_root=is_root, sudo=shutil.which("sudo")):
                _run(command)
        shutil.rmtree(venv, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(venv)])
    _run([str(_venv_python(venv)), "-m", "pip", "install", "--quiet", NOX])
    return venv / "bin" / "nox"


def main() -> int:
    try:
        nox = ensure_venv()
    except SetupError as error:
        print(f"scripts/venv.py: {error}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as error:
        command = " ".join(map(str, error.cmd))
        print(f"scripts/venv.py: {command} failed (exit {error.returncode})", file=sys.stderr)
        return 1
    print(f"{nox.relative_to(ROOT)} is ready ({NOX})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
