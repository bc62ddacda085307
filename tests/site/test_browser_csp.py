"""In Chromium, with the policy sent as a header by scripts/serve.py, no page breaks a CSP rule.

This proves the hashes cover Material's inline scripts and ours (overrides/main.html), and that search
and the system-following colour scheme work without 'unsafe-inline'; the validator itself is covered by
tests/e2e.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from scripts.serve import SiteServer

pytestmark = pytest.mark.e2e


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


@pytest.mark.parametrize(("system", "scheme"), [("light", "default"), ("dark", "slate")])
def test_search_works_and_the_scheme_follows_the_system_under_the_policy(
    browser: Browser, site_server: tuple[SiteServer, str], system: str, scheme: str
) -> None:
    """There is no palette toggle: the page takes the system's scheme at load and follows it live."""
    _, base_url = site_server
    context = browser.new_context(color_scheme=system)  # type: ignore[arg-type]
    page = context.new_page()
    try:
        page.goto(base_url + "download/")
        assert page.get_attribute("body", "data-md-color-scheme") == scheme
        assert page.locator("[data-md-component='palette'], label[for^='__palette']").count() == 0
        page.keyboard.press("s")
        page.keyboard.type("fingerprint")
        page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
        page.keyboard.press("Escape")
        other, other_scheme = ("dark", "slate") if system == "light" else ("light", "default")
        page.emulate_media(color_scheme=other)  # type: ignore[arg-type]
        page.wait_for_function(
            "(scheme) => document.body.getAttribute('data-md-color-scheme') === scheme",
            arg=other_scheme,
            timeout=5_000,
        )
    finally:
        context.close()
