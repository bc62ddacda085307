"""'Never sent', proven from the server's side: the local server's access log, read after a full run of
the validator flow, holds no request carrying the canary certificate and no request after the ready state.

The flow: open the validator page and wait for "Ready"; paste a canary certificate generated for this run;
wait for the verdict; switch the environment (which validates again); edit the input (validates a third
time). Then the JSON-lines access log that ``scripts/serve.py`` wrote is read from disk and every request's
method, path, query and headers are searched for any 40-character slice of the canary's base64, and for
its DER in hex. The page's own downloads (the CA files) are the only requests allowed after "Ready", and
this flow makes none.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from playwright.sync_api import Browser

from tests import pki
from tests.hardening import _live

SLICE = 40
# What the user may fetch after "Ready" by clicking: the CA certificates of the download page.
USER_DOWNLOADS = re.compile(r"^/ca/[^/?#]+/nuvy-ca\.crt$")


def canary() -> pki.Issued:
    """A certificate no one has seen before: a random CN and serial under a throwaway CA."""
    token = secrets.token_hex(8)
    ca = pki.make_ca(f"Canary CA {token}", key_type="ec256", key_slot=900)
    return pki.make_client(
        ca, cn=f"canary-{token}", serial=secrets.randbits(63) | 1, key_type="ec256", key_slot=901
    )


def needles(der: bytes) -> list[str]:
    """Every 40-character slice of the canary's base64 body."""
    b64 = base64.b64encode(der).decode()
    return sorted({b64[start : start + SLICE] for start in range(len(b64) - SLICE + 1)})


def leaks(records: Iterable[dict[str, Any]], der: bytes) -> list[str]:
    """Requests whose method, path, query or headers contain the canary (raw or percent-decoded)."""
    slices = needles(der)
    hex_lower = der.hex()
    found = []
    for record in records:
        raw = json.dumps(
            [record.get("method"), record.get("path"), record.get("query"), record.get("headers")]
        )
        # A query string may carry base64 percent-encoded, or with '+' decoded to a space.
        text = "\n".join((raw, unquote(raw), unquote(raw).replace(" ", "+")))
        hit = next((needle for needle in slices if needle in text), None)
        if hit is None and hex_lower in text.lower():
            hit = "DER hex"
        if hit is not None:
            found.append(f"{record.get('method')} {record.get('path')} carries the canary ({hit[:20]}...)")
    return found


def after_ready(records: list[dict[str, Any]], ready_count: int) -> list[str]:
    late = records[ready_count:]
    return [
        f"{record.get('method')} {record.get('path')}"
        for record in late
        if not USER_DOWNLOADS.match(str(record.get("path")).split("?")[0])
    ]


def test_leaks_finds_a_slice_in_any_part_of_a_request() -> None:
    der = bytes(range(256)) * 2
    b64 = base64.b64encode(der).decode()
    middle = b64[100 : 100 + SLICE]
    assert len(needles(der)) > 100
    for record in (
        {"method": "GET", "path": f"/x?c={middle}", "query": "", "headers": {}},
        {"method": "GET", "path": "/x", "query": "", "headers": {"Referer": f"http://h/?q={middle}"}},
        {
            "method": "GET",
            "path": "/x?c=" + middle.replace("+", "%2B").replace("/", "%2F"),
            "query": "",
            "headers": {},
        },
        {"method": "POST", "path": "/" + der.hex().upper(), "query": "", "headers": {}},
    ):
        assert len(leaks([record], der)) == 1, record
    assert (
        leaks([{"method": "GET", "path": "/validator/", "query": "", "headers": {"Accept": "*/*"}}], der)
        == []
    )


def test_after_ready_allows_only_user_downloads() -> None:
    records = [
        {"method": "GET", "path": "/validator/"},
        {"method": "GET", "path": "/ca/qa/nuvy-ca.crt"},
        {"method": "GET", "path": "/assets/x.js?v=1"},
    ]
    assert after_ready(records, 1) == ["GET /assets/x.js?v=1"]
    assert after_ready(records[:2], 1) == []


def _read_log(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.e2e
def test_server_log_shows_nothing_sent(browser: Browser, site_dir: Path, tmp_path: Path) -> None:
    leaf = canary()
    log_file = tmp_path / "access.jsonl"
    with _live.served(site_dir, log_file=log_file) as (server, base_url):
        context = browser.new_context(permissions=_live.CLIPBOARD)
        page = context.new_page()
        try:
            page.goto(f"{base_url}validator/")
            _live.wait_ready(page)
            ready_count = len(server.access_log())

            page.focus("#nuvy-input")
            before = _live.renders(page)
            _live.paste(page, leaf.pem)
            _live.wait_new_render(page, before)
            first = page.get_attribute("#nuvy-result .nuvy-report", "data-verdict")

            other = page.locator("input[name='nuvy-environment']:not(:checked)").first
            before = _live.renders(page)
            other.check()
            _live.wait_new_render(page, before)

            page.focus("#nuvy-input")
            page.keyboard.press("End")
            before = _live.renders(page)
            page.keyboard.type("\n")
            _live.wait_new_render(page, before)
            last = page.get_attribute("#nuvy-result .nuvy-report", "data-verdict")
            # Anything the page might still send would be queued by now; give it a moment to arrive.
            page.wait_for_timeout(1500)
        finally:
            context.close()
    records = _read_log(log_file)
    assert {first, last} <= {"pass", "warn", "fail"}, (first, last)
    paths = [str(record["path"]) for record in records]
    assert any(path.startswith("/validator/") for path in paths), paths
    assert any(".zip" in path for path in paths), f"the bundle download is missing from the log: {paths}"
    assert 0 < ready_count <= len(records)
    problems = leaks(records, leaf.der) + [
        f"after ready: {line}" for line in after_ready(records, ready_count)
    ]
    assert not problems, "the access log shows data leaving the page:\n" + "\n".join(problems)
