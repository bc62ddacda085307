"""The hook modules' own error paths, without a full MkDocs build."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from site_helpers import ROOT, CertMaker

from hooks import csp, environments, pages, runtime

NOW = dt.datetime.now(dt.UTC)


def _entry(**overrides: Any) -> dict[str, Any]:
    return {"id": "qa", "name": "QA", "ca": "ca.crt", "host": "qa.example", **overrides}


@pytest.fixture
def docs(tmp_path: Path, make_cert: CertMaker) -> Path:
    (tmp_path / "ca.crt").write_bytes(make_cert(common_name="Unit DEMO CA"))
    return tmp_path


def test_pin_may_be_written_without_colons_in_any_case(docs: Path) -> None:
    loaded = environments.load_environments([_entry()], docs, NOW)
    pin = loaded[0].sha256.replace(":", "").lower()
    again = environments.load_environments([_entry(sha256=pin)], docs, NOW)
    assert again[0].sha256 == loaded[0].sha256
    assert again[0].demo is True
    assert again[0].serial.count(":") >= 1


def test_duplicate_ids_are_rejected(docs: Path) -> None:
    with pytest.raises(environments.CaConfigError, match=r"duplicate ids \['qa', 'qa'\]"):
        environments.load_environments([_entry(), _entry(name="Again")], docs, NOW)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"id": "qa", "name": "QA", "ca": "ca.crt"},
            r"extra.environments\[0\] is missing host in mkdocs.yml",
        ),
        ("qa", r"extra.environments\[0\] must be a mapping"),
    ],
)
def test_incomplete_entries_are_rejected(docs: Path, entry: object, message: str) -> None:
    with pytest.raises(environments.CaConfigError, match=message):
        environments.load_environments([entry], docs, NOW)


def test_ca_not_valid_yet_is_rejected(tmp_path: Path, make_cert: CertMaker) -> None:
    (tmp_path / "ca.crt").write_bytes(make_cert(not_before=NOW + dt.timedelta(days=2)))
    with pytest.raises(environments.CaConfigError, match=r"docs/ca.crt: is not valid yet"):
        environments.load_environments([_entry()], tmp_path, NOW)


def test_details_format_drift_is_reported(docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(environments, "describe_certificate", lambda der: {"subject": "CN=x"})
    with pytest.raises(environments.CaConfigError, match="describe_certificate returned no serial"):
        environments.load_environments([_entry()], docs, NOW)


def test_page_without_head_is_rejected() -> None:
    with pytest.raises(csp.MissingHeadError, match="no <head> element"):
        csp.with_policy_meta("<html><body><script>x()</script></body></html>")


def test_policy_meta_is_the_first_element_of_head() -> None:
    page, hashes = csp.with_policy_meta('<html><head lang="en"><meta charset="utf-8"><script>a()</script>')
    assert page.startswith('<html><head lang="en"><meta http-equiv="Content-Security-Policy" content="')
    assert hashes[0] in page


def test_missing_sample_names_the_file_and_the_fix(tmp_path: Path, docs: Path) -> None:
    loaded = environments.load_environments([_entry()], docs, NOW)
    with pytest.raises(
        pages.PageDataError, match=r"docs/assets/samples/client-qa.crt: sample not found; run"
    ):
        pages.samples(loaded, tmp_path)


def _root_with_pins(tmp_path: Path, pins: str) -> Path:
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks" / "vendor-hashes.json").write_text(pins, encoding="utf-8")
    return tmp_path


def test_unreadable_pin_file_is_reported(tmp_path: Path) -> None:
    root = _root_with_pins(tmp_path, "{not json")
    with pytest.raises(
        runtime.VendorError, match=re.escape("hooks/vendor-hashes.json: cannot read the vendored-file pins")
    ):
        runtime.load_pins(root)


def test_file_without_pin_is_reported(tmp_path: Path) -> None:
    pins = json.loads((ROOT / runtime.PIN_FILE).read_text(encoding="utf-8"))
    del pins["pyodide"]["files"]["python_stdlib.zip"]
    root = _root_with_pins(tmp_path, json.dumps(pins))
    (root / "node_modules").mkdir()
    (root / "node_modules" / "pyodide").symlink_to(ROOT / "node_modules" / "pyodide")
    with pytest.raises(
        runtime.VendorError, match=re.escape("python_stdlib.zip: no SHA-256 pin in hooks/vendor-hashes.json")
    ):
        runtime.plan_runtime(root)


def test_bundle_needs_the_validator_package(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "build" / "wheels", tmp_path / "build" / "wheels")
    (tmp_path / "validator_py").mkdir()
    pins = runtime.load_pins(ROOT)
    with pytest.raises(runtime.VendorError, match=re.escape("validator_py/__init__.py: not found")):
        runtime.build_bundle(tmp_path, pins)
