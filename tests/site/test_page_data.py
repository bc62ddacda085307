"""The validator page's JSON data block: its schema, and that every URL in it resolves in the site."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from site_helpers import ROOT

from hooks import pages
from validator_py import inputs

DATA = re.compile(r'<script type="application/json" id="nuvy-data">(.*?)</script>', re.S)


def _site_file(site: Path, page: Path, url: str) -> Path:
    page_url = "http://site/" + page.parent.relative_to(site).as_posix() + "/"
    absolute = urljoin(page_url, url)
    assert absolute.startswith("http://site/"), f"{url} leaves the site"
    return site / absolute.removeprefix("http://site/")


@pytest.fixture(scope="module")
def data_page(built_site: Path) -> tuple[Path, str, dict[str, Any]]:
    found = [p for p in built_site.rglob("*.html") if 'id="nuvy-data"' in p.read_text(encoding="utf-8")]
    assert len(found) == 1, f"expected one page with the data block, found {found}"
    raw = DATA.search(found[0].read_text(encoding="utf-8"))
    assert raw
    return found[0], raw.group(1), json.loads(raw.group(1))


def test_schema(data_page: tuple[Path, str, dict[str, Any]]) -> None:
    _, _, data = data_page
    assert set(data) == {"environments", "default_environment", "runtime", "limits", "samples"}
    assert [env["id"] for env in data["environments"]] == ["qa", "production"]
    assert data["default_environment"] == "qa"
    keys = {
        "id",
        "name",
        "host",
        "ca_url",
        "ca_pem",
        "sha256",
        "subject",
        "serial",
        "not_before",
        "not_after",
        "demo",
        "crl_pem",  # every environment of mkdocs.yml has a `crl:`
    }
    for env in data["environments"]:
        assert set(env) == keys
        assert env["demo"] is True
        assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", env["sha256"])
    assert set(data["runtime"]) == {"worker_url", "pyodide_url", "index_url", "bundle_url", "bundle_sha256"}
    assert data["runtime"]["index_url"].endswith("/")
    assert set(data["samples"]) == {"valid", "other_env", "revoked", "csr", "chain"}


def test_json_cannot_end_the_script_element(data_page: tuple[Path, str, dict[str, Any]]) -> None:
    _, raw, _ = data_page
    assert "<" not in raw
    assert ">" not in raw
    escaped = pages.data_script({"name": "</script><script>alert(1)</script>"})
    assert escaped.count("</script>") == 1
    assert json.loads(DATA.search(escaped).group(1))["name"] == "</script><script>alert(1)</script>"  # type: ignore[union-attr]


def test_urls_resolve_relative_to_the_page(
    built_site: Path, data_page: tuple[Path, str, dict[str, Any]]
) -> None:
    page, _, data = data_page
    for env in data["environments"]:
        ca = _site_file(built_site, page, env["ca_url"])
        assert ca == built_site / "ca" / env["id"] / "nuvy-ca.crt"
        assert ca.read_text(encoding="ascii") == env["ca_pem"]
    runtime = data["runtime"]
    assert _site_file(built_site, page, runtime["pyodide_url"]).name == "pyodide.mjs"
    index = _site_file(built_site, page, runtime["index_url"])
    for name in ("pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json", "pyodide.asm.mjs"):
        assert (index / name).is_file(), name
    bundle = _site_file(built_site, page, runtime["bundle_url"]).read_bytes()
    assert hashlib.sha256(bundle).hexdigest() == runtime["bundle_sha256"]


def test_samples_are_the_committed_files(data_page: tuple[Path, str, dict[str, Any]]) -> None:
    _, _, data = data_page
    samples = ROOT / "docs" / "assets" / "samples"
    expected = {
        "valid": "client-qa.crt",
        "other_env": "client-production.crt",
        "revoked": "client-qa-revoked.crt",
        "csr": "client.csr",
        "chain": "partner-chain.pem",
    }
    for key, name in expected.items():
        assert data["samples"][key] == (samples / name).read_text(encoding="ascii"), key


def test_limits_follow_the_validator(data_page: tuple[Path, str, dict[str, Any]]) -> None:
    _, _, data = data_page
    assert data["limits"] == {"max_bytes": inputs.MAX_INPUT_BYTES, "max_blocks": inputs.MAX_BLOCKS}


def test_input_limits_are_the_validators_constants(monkeypatch: pytest.MonkeyPatch) -> None:
    # Values no copy would hold: the hook must read the validator's constants, not restate them.
    monkeypatch.setattr(inputs, "MAX_INPUT_BYTES", 1234)
    monkeypatch.setattr(inputs, "MAX_BLOCKS", 3)
    assert pages.input_limits() == {"max_bytes": 1234, "max_blocks": 3}
