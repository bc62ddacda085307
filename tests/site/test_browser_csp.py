"""In Chromium, with the policy sent as a header by scripts/serve.py, no page breaks a CSP rule.

This proves the hashes cover Material's inline scripts and ours (overrides/main.html), and that search
and the system-following colour scheme work without 'unsafe-inline'; the validator itself is covered by
tests/e2e.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage

from scripts.serve import SiteServer, serve_in_thread

pytestmark = pytest.mark.e2e

# Chromium's console warning for a Permissions-Policy feature it does not know (or a malformed header).
PERMISSIONS_POLICY_WARNING = "Error with Permissions-Policy header"


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

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" or PERMISSIONS_POLICY_WARNING in message.text:
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    for path in _page_paths(built_site):
        page.goto(base_url + path, wait_until="load")
        page.wait_for_timeout(300)
    page.close()
    assert not problems


@pytest.fixture(scope="module")
def other_origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Another origin (same host, another port) with a page that frames whatever URL its query names."""
    root = tmp_path_factory.mktemp("framer")
    (root / "frame.html").write_text(
        '<!doctype html><html lang="en"><head><title>framer</title></head><body><iframe id="f"></iframe>'
        '<script>document.getElementById("f").src = new URLSearchParams(location.search).get("u");</script>'
        "</body></html>",
        encoding="utf-8",
    )
    server, base_url = serve_in_thread(root)
    yield base_url
    server.stop()


@pytest.mark.parametrize("path", ["validator/", "download/"])
def test_another_site_cannot_frame_the_portal(
    browser: Browser, site_server: tuple[SiteServer, str], other_origin: str, path: str
) -> None:
    _, base_url = site_server
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        page.goto(f"{other_origin}frame.html?u={base_url}{path}", wait_until="load")
        page.wait_for_function("() => document.getElementById('f').src !== ''")
        page.wait_for_timeout(500)
        framed = [frame for frame in page.frames if frame is not page.main_frame]
        assert len(framed) == 1
        assert not framed[0].url.startswith(base_url), f"another site framed the portal: {framed[0].url}"
        assert any("frame-ancestors 'none'" in error for error in errors), errors
    finally:
        page.close()


def test_unused_features_are_denied_and_the_clipboard_is_not(
    browser: Browser, site_server: tuple[SiteServer, str]
) -> None:
    _, base_url = site_server
    page = browser.new_page()
    try:
        page.goto(base_url + "guide/", wait_until="load")
        allowed = page.evaluate(
            "(names) => Object.fromEntries(names.map((f) => [f, document.featurePolicy.allowsFeature(f)]))",
            ["camera", "microphone", "geolocation", "payment", "usb", "clipboard-write"],
        )
    finally:
        page.close()
    assert allowed == {
        "camera": False,
        "microphone": False,
        "geolocation": False,
        "payment": False,
        "usb": False,
        "clipboard-write": True,
    }


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
