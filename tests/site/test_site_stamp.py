"""A prebuilt site (`NUVY_SITE_DIR`) is refused unless its stamp matches the working tree's sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import site_stamp

ROOT = Path(__file__).resolve().parents[2]


def _project(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Nuvy\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: Nuvy\n", encoding="utf-8")
    (root / "validator_py").mkdir()
    (root / "validator_py" / "checks.py").write_text("X = 1\n", encoding="utf-8")
    site = root / "site"
    site.mkdir()
    return site


def test_a_site_built_from_these_sources_is_accepted(tmp_path: Path) -> None:
    site = _project(tmp_path)
    stamp = site_stamp.write(site, tmp_path)
    assert stamp == tmp_path / "site.sources.json"  # beside the site, so it is never published
    assert site_stamp.changed_sources(site, tmp_path) == []
    site_stamp.check_prebuilt(site, tmp_path)


def test_an_edited_added_or_removed_source_makes_the_site_stale(tmp_path: Path) -> None:
    site = _project(tmp_path)
    site_stamp.write(site, tmp_path)
    (tmp_path / "validator_py" / "checks.py").write_text("X = 2\n", encoding="utf-8")
    (tmp_path / "docs" / "new.md").write_text("# New\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").unlink()
    changed = ["docs/new.md", "mkdocs.yml", "validator_py/checks.py"]
    assert site_stamp.changed_sources(site, tmp_path) == changed
    with pytest.raises(AssertionError) as raised:
        site_stamp.check_prebuilt(site, tmp_path)
    assert str(raised.value) == (
        f"NUVY_SITE_DIR={site} was built from older sources (docs/new.md, mkdocs.yml, validator_py/checks.py "
        "changed since); rebuild it with `nox -s build`, or unset NUVY_SITE_DIR to build one per run"
    )


def test_a_long_list_of_changes_is_shortened(tmp_path: Path) -> None:
    site = _project(tmp_path)
    site_stamp.write(site, tmp_path)
    for number in range(10):
        (tmp_path / "docs" / f"page{number}.md").write_text("x\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"docs/page7\.md and 2 more changed since"):
        site_stamp.check_prebuilt(site, tmp_path)


def test_bytecode_written_by_running_the_code_is_not_a_change(tmp_path: Path) -> None:
    site = _project(tmp_path)
    site_stamp.write(site, tmp_path)
    (tmp_path / "validator_py" / "__pycache__").mkdir()
    (tmp_path / "validator_py" / "__pycache__" / "checks.cpython-311.pyc").write_bytes(b"\x00")
    site_stamp.check_prebuilt(site, tmp_path)


def test_a_site_without_a_stamp_is_refused(tmp_path: Path) -> None:
    site = _project(tmp_path)
    assert site_stamp.changed_sources(site, tmp_path) is None
    with pytest.raises(AssertionError) as raised:
        site_stamp.check_prebuilt(site, tmp_path)
    assert str(raised.value) == (
        f"NUVY_SITE_DIR={site} has no site.sources.json beside it, so nothing says which sources it was "
        "built from; build it with `nox -s build` (or unset NUVY_SITE_DIR to build one per run)"
    )


def test_every_suite_that_takes_a_prebuilt_site_checks_its_stamp() -> None:
    # A new suite that read NUVY_SITE_DIR without the check would test whatever site it was handed.
    readers = [
        path for path in sorted((ROOT / "tests").rglob("*.py"))
        if re.search(r"environ(?:\.get\(|\[)\s*['\"]NUVY_SITE_DIR", path.read_text(encoding="utf-8"))
    ]
    assert len(readers) >= 3  # e2e, site, hardening
    unchecked = [path.relative_to(ROOT).as_posix() for path in readers
                 if "site_stamp.check_prebuilt(" not in path.read_text(encoding="utf-8")]
    assert unchecked == []


def test_the_nox_build_writes_the_stamp() -> None:
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    build = noxfile[noxfile.index("def _build_site"):]
    build = build[: build.index("\n\n\n")]
    assert '"mkdocs", "build"' in build
    assert build.index('"mkdocs", "build"') < build.index('"tests.site_stamp"')
