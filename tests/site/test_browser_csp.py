"""In Chromium, with the policy sent as a header by scripts/serve.py, no page breaks a CSP rule.

This proves the hashes cover Material's inline scripts and that its search worker and palette toggle
work without 'unsafe-inline'; the validator itself is covered by tests/e2e.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright

from scripts.serve import SiteServer, serve_in_thread
from tests.browser import launch_chromium

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site_server(built_site: Path) -> Iterator[tuple[SiteServer, str]]:
    server, base_url = serve_in_thread(built_site)
    yield server, base_url
    server.stop()


def _page_paths(site: Path) -> list[str]:
    paths = []
    for page in sorted(site.rglob("index.html")):
        relative = page.parent.relative_to(site).as_posix()
        paths.append("" if relative == "." else relative + "/")
    return paths


def test_no_page_violates_the_policy(
    browser: Browser, site_server: tuple[SiteServer, str], built_site: Path
) -> None:
    _, base_url = site_server
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    for path in _page_paths(built_site):
        page.goto(base_url + path, wait_until="load")
        page.wait_for_timeout(300)
    page.close()
    assert not problems


def test_search_and_palette_work_under_the_policy(
    browser: Browser, site_server: tuple[SiteServer, str]
) -> None:
    _, base_url = site_server
    page = browser.new_page()
    page.goto(base_url + "download/")
    page.keyboard.press("s")
    page.keyboard.type("fingerprint")
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    page.keyboard.press("Escape")
    before = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') !== {before!r}")
    page.close()
