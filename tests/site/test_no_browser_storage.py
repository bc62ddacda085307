"""No page of the site stores anything in the browser but the validator's runtime snapshot (docs/privacy.md).

One Chromium tab visits every built page and does what a visitor can do there: switch a content tab, type
"Your details" (the guide, the quickstart, troubleshooting), search, let the system switch between light
and dark, and, on the validator page, wait for the runtime and check a sample. After each page,
localStorage, sessionStorage, IndexedDB and cookies of the site's origin must be empty, Cache Storage
must hold no cache but the snapshot's, and no service worker may be registered. Material would store the
palette choice and the linked tab there; overrides/main.html is what stops it. What the snapshot holds
and how big it is: tests/site/test_privacy.py and tests/e2e.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from scripts.serve import SiteServer

pytestmark = pytest.mark.e2e

VALIDATOR_READY_TIMEOUT_MS = 60_000
SCHEMES = {"light": "default", "dark": "slate"}

# The one cache the validator's worker keeps (site_assets/worker.js, SNAPSHOT_CACHE).
SNAPSHOT_CACHE = "nuvy-runtime-snapshots"
_STORAGE_SCRIPT = """async (snapshotCache) => ({
  localStorage: Object.entries(localStorage),
  sessionStorage: Object.entries(sessionStorage),
  indexedDB: (await indexedDB.databases()).map((db) => db.name),
  cookie: document.cookie,
  otherCaches: (await caches.keys()).filter((name) => name !== snapshotCache),
  serviceWorkers: (await navigator.serviceWorker.getRegistrations()).map((worker) => worker.scope),
})"""

EMPTY = {
    "localStorage": [],
    "sessionStorage": [],
    "indexedDB": [],
    "cookie": "",
    "otherCaches": [],
    "serviceWorkers": [],
}


def _page_paths(site: Path) -> list[str]:
    """Every HTML page of the built site (404.html included), as a path relative to the base URL."""
    pages = site.rglob("*.html")
    return sorted(page.relative_to(site).as_posix().removesuffix("index.html") for page in pages)


def _stored(page: Page) -> dict[str, Any]:
    return dict(page.evaluate(_STORAGE_SCRIPT, SNAPSHOT_CACHE))


def _wait_for_scheme(page: Page, scheme: str) -> None:
    page.wait_for_function(
        "(scheme) => document.body.getAttribute('data-md-color-scheme') === scheme", arg=scheme, timeout=5_000
    )


def _switch_a_content_tab(page: Page) -> None:
    """Click a tab that is not selected yet; linked tabs with the same label on the page follow it."""
    sets = page.locator(".tabbed-set")
    if sets.count() == 0:
        return
    label = sets.first.locator(".tabbed-labels > label").last
    text = label.inner_text().strip()
    label.click()
    unswitched = page.evaluate(
        """(text) => [...document.querySelectorAll(".tabbed-set")].flatMap((set) =>
             [...set.querySelectorAll(".tabbed-labels > label")]
               .filter((label) => label.innerText.trim() === text)
               .filter((label) => !document.getElementById(label.htmlFor).checked)
               .map((label) => label.htmlFor))""",
        text,
    )
    assert unswitched == [], f"{page.url}: tab {text!r} did not switch: {unswitched}"


DETAILS = {"o": "Pão & Cia / Filial 2", "cn": "pao-cia", "c": "BR", "stem": "pao"}


def _type_details(page: Page, requests: list[str]) -> None:
    """Type every field and choose the last environment: nothing may be stored, requested or in the URL."""
    # The browser's own late loads (the favicon, seen once in a fresh clone) are not the form's doing.
    page.wait_for_load_state("networkidle")
    url, before = page.url, len(requests)
    for field, value in DETAILS.items():
        page.fill(f"#nuvy-details-{field}", value)
    page.locator("#nuvy-details-form input[name='environment']").last.check()
    # The validator page's form fills no command: it compares a CSR's subject with the details instead.
    if page.locator(".md-content pre code").count():
        assert "pao-production." in page.locator(".md-content").inner_text(), "the details filled no command"
    assert page.url == url, f"{url}: typing the details changed the URL"
    assert requests[before:] == [], f"{url}: typing the details made requests: {requests[before:]}"


def _search(page: Page) -> None:
    page.keyboard.press("s")
    page.keyboard.type("certificate")
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    page.keyboard.press("Escape")


def _switch_color_scheme(page: Page) -> None:
    for mode in ("dark", "light"):
        page.emulate_media(color_scheme=mode)
        _wait_for_scheme(page, SCHEMES[mode])


def _check_a_sample(page: Page) -> None:
    page.wait_for_selector(".nuvy-status--ready, .nuvy-status--error", timeout=VALIDATOR_READY_TIMEOUT_MS)
    assert page.locator(".nuvy-status--ready").count() == 1, "the validator did not start"
    page.click("button.nuvy-sample[data-sample='valid']")
    page.wait_for_selector("#nuvy-result .nuvy-report", timeout=10_000)


def test_every_page_is_visited(built_site: Path) -> None:
    assert {"", "404.html", "guide/", "validator/"} <= set(_page_paths(built_site))


def test_no_page_stores_anything_in_the_browser(
    browser: Browser, site_server: tuple[SiteServer, str], built_site: Path
) -> None:
    _, base_url = site_server
    context = browser.new_context(color_scheme="light")
    page = context.new_page()  # one tab for the whole visit: sessionStorage lives per tab
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    tabs_switched = details_typed = 0
    try:
        for path in _page_paths(built_site):
            page.goto(base_url + path, wait_until="load")
            _wait_for_scheme(page, SCHEMES["light"])
            assert _stored(page) == EMPTY, f"{path or '/'} stored something on load"
            if page.locator(".tabbed-set").count():
                _switch_a_content_tab(page)
                tabs_switched += 1
            if page.locator("#your-details").count():
                _type_details(page, requests)
                details_typed += 1
            _search(page)
            _switch_color_scheme(page)
            if path == "validator/":
                _check_a_sample(page)
            assert _stored(page) == EMPTY, f"{path or '/'} stored something after a visitor used it"
            assert context.cookies() == [], f"{path or '/'} set a cookie"
    finally:
        context.close()
    assert tabs_switched, "no page has content tabs: this test no longer exercises linked tabs"
    assert details_typed >= 3, "the guide, the quickstart and troubleshooting must have Your details"
