"""scripts/venv.py, the first half of both README lines: a venv with the pinned nox, from the system python3,
with python3.X-venv installed through apt-get when ensurepip is missing (Debian 12, Ubuntu 24.04)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from scripts import venv


def test_the_venv_package_is_named_for_the_running_python() -> None:
    assert venv.venv_package(3, 11) == "python3.11-venv"
    assert venv.venv_package(3, 12) == "python3.12-venv"
    assert venv.venv_package() == f"python3.{sys.version_info.minor}-venv"


def test_root_runs_apt_get_directly_after_updating_the_lists() -> None:
    assert venv.apt_commands(["python3.11-venv"], is_root=True, sudo="/usr/bin/sudo") == [
        ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "update", "-qq"],
        [
            "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq",
            "--no-install-recommends", "python3.11-venv",
        ],
    ]


def test_a_user_runs_apt_get_through_sudo() -> None:
    commands = venv.apt_commands(["python3.12-venv"], is_root=False, sudo="/usr/bin/sudo")
    assert [command[:2] for command in commands] == [["/usr/bin/sudo", "env"], ["/usr/bin/sudo", "env"]]
    assert commands[1][-1] == "python3.12-venv"


def test_a_user_without_sudo_is_told_what_to_run_as_root() -> None:
    expected = r"has no ensurepip.*as root.*apt-get install -y python3.11-venv$"
    with pytest.raises(venv.SetupError, match=expected):
        venv.apt_commands(["python3.11-venv"], is_root=False, sudo=None)


def _fake_venv(path: Path, script: str) -> Path:
    python = path / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f"#!/bin/sh\n{script}\n")
    python.chmod(0o755)
    return python


def test_a_venv_that_has_the_pinned_nox_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pinned = venv.NOX.split("==")[1]
    _fake_venv(tmp_path, f"echo {pinned}")
    ran: list[list[str]] = []
    monkeypatch.setattr(venv, "_run", ran.append)
    assert venv.ensure_venv(tmp_path) == tmp_path / "bin" / "nox"
    assert ran == []


def test_a_venv_with_another_nox_gets_the_pinned_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_venv(tmp_path, "echo 1.0.0")
    ran: list[list[str]] = []
    monkeypatch.setattr(venv, "_run", ran.append)
    venv.ensure_venv(tmp_path)
    assert ran == [[str(tmp_path / "bin" / "python"), "-m", "pip", "install", "--quiet", venv.NOX]]


def test_without_ensurepip_python_venv_is_installed_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a stock Debian 12 does: `python3 -m venv` would fail, so apt-get installs ensurepip first."""
    target = tmp_path / ".venv"
    ran: list[list[str]] = []
    monkeypatch.setattr(venv, "_run", ran.append)
    monkeypatch.setattr(venv.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(venv.os, "geteuid", lambda: 0)
    venv.ensure_venv(target)
    assert [command[2:4] for command in ran[:2]] == [["apt-get", "update"], ["apt-get", "install"]]
    assert ran[1][-1] == venv.venv_package()
    assert ran[2] == [sys.executable, "-m", "venv", str(target)]
    assert ran[3][-1] == venv.NOX


def test_main_reports_a_setup_error_on_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(path: Path = venv.VENV) -> Path:
        raise venv.SetupError("no ensurepip here")

    monkeypatch.setattr(venv, "ensure_venv", refuse)
    assert venv.main() == 1
    assert capsys.readouterr().err == "scripts/venv.py: no ensurepip here\n"
