"""The site builds cleanly with --strict, and the parts the hooks add are where the pages expect them."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from site_helpers import ROOT, run_build

from hooks import runtime


def test_real_docs_build_strict(tmp_path: Path) -> None:
    # The repository exactly as committed: every nav page must exist and every link must resolve.
    result = run_build(ROOT, tmp_path / "site")
    assert result.returncode == 0, result.output
    assert "WARNING" not in result.output, result.output


def test_copy_build_is_clean(project: Path) -> None:
    result = run_build(project)
    assert result.returncode == 0, result.output
    assert "WARNING" not in result.output, result.output


def test_cas_are_copied_verbatim(built_site: Path) -> None:
    for env_id in ("qa", "production"):
        copied = built_site / "ca" / env_id / "nuvy-ca.crt"
        original = ROOT / "docs" / "assets" / "ca" / env_id / "nuvy-ca.crt"
        assert copied.read_bytes() == original.read_bytes()
        assert (built_site / "assets" / "ca" / env_id / "nuvy-ca.crt").is_file()


def test_pyodide_files_are_vendored_with_their_pinned_hashes(built_site: Path) -> None:
    pins = json.loads((ROOT / "hooks" / "vendor-hashes.json").read_text(encoding="utf-8"))["pyodide"]
    directory = built_site / "assets" / "pyodide" / pins["version"]
    for name in runtime.PYODIDE_FILES:
        assert hashlib.sha256((directory / name).read_bytes()).hexdigest() == pins["files"][name], name


def test_bundle_is_a_precompiled_stdlib_named_by_its_hash(built_site: Path) -> None:
    bundles = list((built_site / "assets" / "runtime").glob("validator-*.zip"))
    assert len(bundles) == 1, bundles
    digest = hashlib.sha256(bundles[0].read_bytes()).hexdigest()
    assert bundles[0].name == f"validator-{digest[:12]}.zip"
    with zipfile.ZipFile(bundles[0]) as archive:
        names = archive.namelist()
        files = [name for name in names if not name.endswith("/")]
        assert names == sorted(names)
        # Bytecode only: no source is compiled in the browser, and nothing is unpacked or installed.
        assert all(name.endswith(".pyc") for name in files), [n for n in files if not n.endswith(".pyc")]
        for needed in ("validator_py/__init__.pyc", "validator_py/browser.pyc", "asn1crypto/x509.pyc",
                       "encodings/__init__.pyc", "_pyodide/__init__.pyc"):
            assert needed in names, needed
        # Stored, not deflated: Pyodide reads it in place, and the host's brotli compresses it better.
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_bundle_is_deterministic(project: Path) -> None:
    pins = runtime.load_pins(project)
    first = runtime.build_bundle(project, pins)
    for path in (project / "validator_py").rglob("*.py"):
        path.touch()  # New mtimes must not change the bytes.
    assert runtime.build_bundle(project, pins) == first


def test_site_assets_are_copied_verbatim(built_site: Path) -> None:
    sources = [path for path in (ROOT / "site_assets").rglob("*") if path.is_file()]
    assert sources, "site_assets/ is empty"
    for source in sources:
        copied = built_site / "assets" / "nuvy" / source.relative_to(ROOT / "site_assets")
        assert copied.read_bytes() == source.read_bytes(), source


def test_environments_json_lists_every_environment(built_site: Path) -> None:
    environments = json.loads((built_site / "assets" / "environments.json").read_text(encoding="utf-8"))
    assert [env["id"] for env in environments] == ["qa", "production"]
    assert all(env["ca_pem"].startswith("-----BEGIN CERTIFICATE-----") for env in environments)
