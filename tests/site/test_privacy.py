"""docs/privacy.md says exactly what the site stores in the browser, where, how big, and how to delete it.

The facts come from the code that stores it (site_assets/worker.js) and from a real visit in Chromium.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from site_helpers import ROOT

from scripts.serve import SiteServer

PRIVACY = ROOT / "docs" / "privacy.md"
WORKER = ROOT / "site_assets" / "worker.js"
MIB = 1024 * 1024
SNAPSHOT_WAIT_S = 60


def _page() -> str:
    return PRIVACY.read_text(encoding="utf-8")


def _item(label: str) -> str:
    """The text of the `- **Label**: ...` item of the page's list of what is stored."""
    match = re.search(rf"^- \*\*{label}\*\*: (.*?)(?=^- |^$)", _page(), re.M | re.S)
    assert match, f"docs/privacy.md has no '- **{label}**:' item in its list of what the site stores"
    return " ".join(match.group(1).split())


def _worker_constant(name: str) -> str:
    match = re.search(rf"^const {name} = (.+);$", WORKER.read_text(encoding="utf-8"), re.M)
    assert match, f"site_assets/worker.js no longer defines {name}"
    return match.group(1)


def _stated_mib() -> int:
    match = re.search(r"at most (\d+) MiB", _item("How big"))
    assert match, "the page does not say how big the snapshot can get"
    return int(match.group(1))


def _stated_typical_mb() -> float:
    match = re.search(r"about (\d+) MB", _item("How big"))
    assert match, "the page does not say how big the snapshot usually is"
    return float(match.group(1))


def test_what_is_the_runtime_snapshot_without_input() -> None:
    what = _item("What")
    assert "memory snapshot of the Python runtime" in what
    assert "before the page hands it any input" in what
    assert "holds nothing you pasted, dropped or typed" in what
    # worker.js takes it after the warm-up check of the first environment's CA (issue 16, seventh pass).
    assert "checked this site's own CA certificate once (a warm-up)" in what


def test_where_is_the_cache_the_worker_writes() -> None:
    cache = _worker_constant("SNAPSHOT_CACHE").strip('"')
    assert f"**Cache Storage** for this site, in the cache named `{cache}`, as one entry" in _item("Where")


def test_how_big_is_the_worker_limit() -> None:
    limit = _worker_constant("MAX_SNAPSHOT_BYTES")
    match = re.fullmatch(r"(\d+) \* 1024 \* 1024 \+ SNAPSHOT_HEADER_BYTES", limit)
    assert match, f"MAX_SNAPSHOT_BYTES changed form ({limit}); update this test and docs/privacy.md"
    assert _stated_mib() == int(match.group(1)), "docs/privacy.md states another size limit than worker.js"


def test_how_to_delete_it_in_each_browser() -> None:
    page = _page()
    section = page[page.index("### Delete it") :]
    for browser, step in (
        ("Chrome", "**View permissions and data\n  stored across sites**"),
        ("Chrome", "**Delete data**"),
        ("Firefox", "**Clear cookies and site data…**"),
        ("Safari", "**Manage Website Data…**"),
    ):
        assert f"**{browser}" in section, f"docs/privacy.md does not say how to delete the data in {browser}"
        assert step in section, f"docs/privacy.md lost the {browser} step {step!r}"


def test_says_nothing_else_is_stored_and_no_longer_that_nothing_is() -> None:
    page = _page()
    assert "Nothing else is stored, whatever you click" in page
    assert "No page of this site stores anything" not in page, "the page contradicts its own snapshot"


_CACHE_SCRIPT = """async () => {
  const caches_ = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    caches_[name] = [];
    for (const request of await cache.keys()) {
      caches_[name].push((await (await cache.match(request)).arrayBuffer()).byteLength);
    }
  }
  return {caches: caches_, serviceWorkers: (await navigator.serviceWorker.getRegistrations()).length};
}"""


@pytest.mark.e2e
def test_a_visit_stores_exactly_what_the_page_says(
    browser: Browser, site_server: tuple[SiteServer, str], built_site: Path
) -> None:
    _, base_url = site_server
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(base_url + "validator/", wait_until="load")
        page.wait_for_selector(".nuvy-status--ready", timeout=60_000)
        page.click("button.nuvy-sample[data-sample='valid']")
        page.wait_for_selector("#nuvy-result .nuvy-report", timeout=10_000)
        deadline = time.monotonic() + SNAPSHOT_WAIT_S
        stored: dict[str, Any] = page.evaluate(_CACHE_SCRIPT)
        while not any(stored["caches"].values()) and time.monotonic() < deadline:
            page.wait_for_timeout(250)  # The worker stores the snapshot once it has been idle for a moment.
            stored = page.evaluate(_CACHE_SCRIPT)
    finally:
        context.close()
    cache = _worker_constant("SNAPSHOT_CACHE").strip('"')
    assert list(stored["caches"]) == [cache], f"Cache Storage holds {list(stored['caches'])}"
    sizes = stored["caches"][cache]
    assert len(sizes) == 1, f"the page says one entry; Cache Storage holds {len(sizes)}"
    assert sizes[0] <= _stated_mib() * MIB, f"{sizes[0]} bytes is more than the page's 'at most'"
    typical = _stated_typical_mb()
    assert 0.75 * typical <= sizes[0] / 1e6 <= 1.25 * typical, (
        f"the snapshot is {sizes[0] / 1e6:.1f} MB; docs/privacy.md says about {typical:.0f} MB"
    )
    assert stored["serviceWorkers"] == 0, "the page says no service worker"
