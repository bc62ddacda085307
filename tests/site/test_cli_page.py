"""The command-line validator offered on the site (issue 15): a reproducible wheel built from the sources the
browser bundle pins, its SHA-256 on the page, and the page's own commands run as a client would: download,
check, install into a fresh virtual environment, validate, fail a cron job before expiry."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from site_helpers import ROOT

from hooks import wheel as wheel_mod
from hooks.runtime import validator_sources
from tests import pki as mk
from tests.guide.blocks import collect

CLI_PAGE = "cli.md"
RUN_BY_THIS_TEST = "run by tests/site/test_cli_page.py"


def test_the_wheel_is_reproducible_and_holds_the_pinned_sources() -> None:
    first, second = wheel_mod.build_wheel(ROOT), wheel_mod.build_wheel(ROOT)
    assert first.data == second.data
    assert first.filename == "nuvy_validator-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(io.BytesIO(first.data)) as archive:
        names = archive.namelist()
        sources = validator_sources(ROOT)
        assert {name for name in names if name.startswith("validator_py/")} == set(sources)
        assert all(archive.read(name) == data for name, data in sources.items())
        metadata = archive.read("nuvy_validator-0.1.0.dist-info/METADATA").decode()
        entry_points = archive.read("nuvy_validator-0.1.0.dist-info/entry_points.txt").decode()
        record = archive.read("nuvy_validator-0.1.0.dist-info/RECORD").decode()
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert "Requires-Python: >=3.11.2" in metadata
    assert "Requires-Dist: asn1crypto==1.5.1" in metadata
    assert "nuvy-validate = validator_py.cli:main" in entry_points
    assert len(record.splitlines()) == len(names)


def test_a_pyproject_without_scripts_fails_naming_the_field(tmp_path: Path) -> None:
    (tmp_path / "validator_py").mkdir()
    (tmp_path / "validator_py" / "__init__.py").write_text("")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.11"\ndependencies = []\n'
    )
    with pytest.raises(wheel_mod.WheelError, match=r"pyproject.toml: \[project\] has no 'scripts'"):
        wheel_mod.build_wheel(tmp_path)


def test_the_page_links_the_wheel_with_its_sha256(built_site: Path) -> None:
    wheels = sorted((built_site / "downloads").glob("*.whl"))
    assert [path.name for path in wheels] == ["nuvy_validator-0.1.0-py3-none-any.whl"]
    digest = hashlib.sha256(wheels[0].read_bytes()).hexdigest()
    page = (built_site / "cli" / "index.html").read_text(encoding="utf-8")
    assert f"SHA-256: <code>{digest}</code>" in page
    assert 'href="../downloads/nuvy_validator-0.1.0-py3-none-any.whl"' in page
    assert wheel_mod.WHEEL_TOKEN not in page
    assert wheels[0].read_bytes() == wheel_mod.build_wheel(ROOT).data


def _page_commands(wheel_name: str) -> list[str]:
    """The runnable blocks of the CLI page, as the page shows them (the build fills in the wheel's name)."""
    blocks = [block for block in collect(ROOT / "docs") if block.page == CLI_PAGE]
    runnable = [block for block in blocks if RUN_BY_THIS_TEST in (block.not_runnable or "")]
    assert len(runnable) == 5, [block.where for block in blocks]
    return [block.text.replace(wheel_mod.WHEEL_TOKEN, wheel_name) for block in runnable]


def _run(command: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home)}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        ["bash", "-e", "-c", command],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False,
    )


@pytest.mark.slow
def test_the_page_commands_install_and_run_the_wheel(built_site: Path, tmp_path: Path) -> None:
    wheel = sorted((built_site / "downloads").glob("*.whl"))[0]
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    (work / wheel.name).write_bytes(wheel.read_bytes())
    # The files the page names, made the way the guide makes them, with one certificate near expiry.
    ca = mk.make_ca("Nuvy QA CA", key_slot=100)
    csr = mk.make_csr(cn="acme-api", o="Acme Pagamentos", ou="QA", key_slot=21)
    soon = mk.make_client(ca, key=csr.key, not_before=mk.NOW - mk.YEAR, not_after=_in_days(20))
    (work / "nuvy-ca-qa.crt").write_text(ca.pem)
    (work / "nuvy-client-qa.crt").write_text(soon.pem)
    (work / "nuvy-client-qa.csr").write_text(csr.pem)
    root = mk.make_ca("Partner Root", key_slot=40)
    inter = mk.make_ca("Partner Issuing CA", parent=root, key_type="rsa2048", key_slot=41)
    leaf = mk.make_client(inter, key_slot=42, not_before=mk.NOW - mk.YEAR, not_after=_in_days(400))
    (work / "partner-chain.pem").write_text(leaf.pem + inter.pem + root.pem)
    crl = mk.make_crl(inter, [], number=1, last_update=_in_days(-1), next_update=_in_days(30))
    (work / "partner.crl").write_text(crl.pem)

    install, check, csr_checks, cron, partner = _page_commands(wheel.name)
    installed = _run(install, work, home)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() in installed.stdout

    checked = _run(check, work, home)
    assert checked.returncode == 0, checked.stdout + checked.stderr  # A warning exits 0 by default.
    assert re.search(r"Verdict: WARN", checked.stdout), checked.stdout
    assert "validity.expiring_soon" in checked.stdout

    matched = _run(csr_checks, work, home)
    assert matched.returncode == 0, matched.stdout + matched.stderr
    assert "match.public_key" in matched.stdout

    failed = _run(cron, work, home)
    assert failed.returncode == 1, failed.stdout + failed.stderr  # --fail-on warn: the cron job fails.
    assert '"verdict": "warn"' in (work / "nuvy-check.json").read_text()

    chain = _run(partner, work, home)
    assert chain.returncode == 0, chain.stdout + chain.stderr
    assert "Kind: chain" in chain.stdout
    assert "revocation.status" in chain.stdout
    assert "CA certificates to send to Nuvy" in chain.stdout


def _in_days(days: int) -> dt.datetime:
    """A time relative to the real clock: the page's commands check at the time they run."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=days)
