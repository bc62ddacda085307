"""scripts/serve.py serves the site with the headers of `_headers`, the right MIME types, and a log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from scripts.serve import SiteServer, parse_headers_file, serve_in_thread


@pytest.fixture(scope="module")
def server(
    built_site: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[SiteServer, str, Path]]:
    # One server for the module: stopping one waits for its polling loop, which adds up.
    log = tmp_path_factory.mktemp("serve") / "access.jsonl"
    site_server, base_url = serve_in_thread(built_site, log_file=log)
    yield site_server, base_url, log
    site_server.stop()


def _policy(built_site: Path) -> str:
    rules = parse_headers_file((built_site / "_headers").read_text(encoding="utf-8"))
    return dict(rules[0].headers)["Content-Security-Policy"]


@pytest.mark.parametrize(
    "path",
    [
        "",
        "download/",
        "assets/pyodide/314.0.7/pyodide.mjs",
        "assets/javascripts/workers/search.a7633da7.min.js",
    ],
)
def test_every_response_carries_the_site_headers(
    server: tuple[SiteServer, str, Path], built_site: Path, path: str
) -> None:
    _, base_url, _ = server
    response = requests.get(base_url + path, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == _policy(built_site)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


# Features the portal never uses; a page that is framed or compromised must not get them either.
NEVER_USED = ("camera", "microphone", "geolocation", "payment", "usb", "serial", "hid", "display-capture")


@pytest.mark.parametrize("path", ["", "validator/", "assets/nuvy/worker.js", "no-such-page/"])
def test_live_response_forbids_framing_and_denies_unused_features(
    server: tuple[SiteServer, str, Path], path: str
) -> None:
    """What the server actually sends, the 404 page included: a host header is the only way to set these."""
    _, base_url, _ = server
    response = requests.get(base_url + path, timeout=10)
    directives = [d.strip() for d in response.headers["Content-Security-Policy"].split(";")]
    assert "frame-ancestors 'none'" in directives, f"/{path}: any site could frame it: {directives}"
    assert response.headers["X-Frame-Options"] == "DENY", f"/{path}"
    features = dict(
        item.strip().split("=", 1) for item in response.headers["Permissions-Policy"].split(",")
    )
    for feature in NEVER_USED:
        assert features.get(feature) == "()", f"/{path}: Permissions-Policy does not deny {feature}"
    # The code blocks' copy button writes to the clipboard.
    assert "clipboard-write" not in features, f"/{path}: the copy button would stop working"


@pytest.mark.parametrize(
    ("path", "mime", "immutable"),
    [
        ("assets/pyodide/314.0.7/pyodide.mjs", "text/javascript", True),
        ("assets/pyodide/314.0.7/pyodide.asm.mjs", "text/javascript", True),
        ("assets/pyodide/314.0.7/pyodide.asm.wasm", "application/wasm", True),
        ("assets/pyodide/314.0.7/python_stdlib.zip", "application/zip", True),
        ("ca/qa/nuvy-ca.crt", "application/x-x509-ca-cert", False),
        ("download/", "text/html", False),
    ],
)
def test_mime_types_and_cache_headers(
    server: tuple[SiteServer, str, Path], path: str, mime: str, immutable: bool
) -> None:
    _, base_url, _ = server
    response = requests.get(base_url + path, timeout=10)
    assert response.headers["Content-Type"].split(";")[0] == mime
    assert (response.headers.get("Cache-Control") == "public, max-age=31536000, immutable") is immutable


def test_runtime_bundle_is_immutable(server: tuple[SiteServer, str, Path], built_site: Path) -> None:
    _, base_url, _ = server
    bundle = next((built_site / "assets" / "runtime").glob("*.zip")).relative_to(built_site).as_posix()
    response = requests.get(base_url + bundle, timeout=10)
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_access_log_records_method_path_query_and_referer(server: tuple[SiteServer, str, Path]) -> None:
    site_server, base_url, log = server
    site_server.clear_log()
    requests.get(base_url + "download/?cert=abc", headers={"Referer": base_url + "validator/"}, timeout=10)
    records = site_server.access_log()
    assert len(records) == 1
    record = records[0]
    assert (record.method, record.path, record.query, record.status) == (
        "GET",
        "/download/?cert=abc",
        "cert=abc",
        200,
    )
    assert record.headers["Referer"] == base_url + "validator/"
    assert json.loads(log.read_text(encoding="utf-8").splitlines()[-1])["query"] == "cert=abc"


def test_missing_page_gets_the_site_404_with_headers(server: tuple[SiteServer, str, Path]) -> None:
    _, base_url, _ = server
    response = requests.get(base_url + "no-such-page/", timeout=10)
    assert response.status_code == 404
    assert "Content-Security-Policy" in response.headers
    assert 'http-equiv="Content-Security-Policy"' in response.text


def test_headers_file_rules() -> None:
    rules = parse_headers_file("# comment\n/*\n  A: 1\n/assets/x/*\n  B: 2\n/exact\n  C: 3\n")
    assert [rule.pattern for rule in rules] == ["/*", "/assets/x/*", "/exact"]
    assert rules[1].matches("/assets/x/y.js")
    assert not rules[1].matches("/assets/y.js")
    assert rules[2].matches("/exact")
    assert not rules[2].matches("/exact/more")


def test_malformed_headers_file_is_rejected_with_the_line() -> None:
    with pytest.raises(ValueError, match=r"_headers line 2: expected '  Name: value'"):
        parse_headers_file("/*\n  no colon here\n")


def test_missing_site_dir_says_build_first(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="build the site first"):
        serve_in_thread(tmp_path / "nope")
