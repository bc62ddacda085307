"""Accessibility: axe-core finds no serious or critical violation on any page, in the light and the dark
palette, on a phone (390 px) and a desktop (1280 px) window; every region that scrolls sideways (tables,
code blocks, the validator's report) is reachable with the keyboard and named; and the validator works
with the keyboard alone and announces its verdict (``aria-live``).

axe-core (``node_modules/axe-core/axe.min.js``, pinned by package-lock.json) is injected by Playwright with
``page.add_script_tag``. The site's Content-Security-Policy (served by ``scripts/serve.py`` from
``_headers``) rightly refuses that injected script, so the axe contexts, and only they, are created with
``bypass_csp=True``. The keyboard test runs with the CSP enforced.

The colour scheme is chosen the way a visitor's system chooses it: Chromium emulates
``prefers-color-scheme`` and the site follows it (overrides/main.html; there is no palette toggle); the
test asserts the page really switched (Material's ``slate`` scheme in dark mode) before it trusts the axe
result.

Whether a table or code block scrolls depends on the window's width and on the fonts the machine has
(a machine with only DejaVu scrolls tables that fit elsewhere), so site_assets/scroll-regions.js decides
it in the browser. Each page is checked once that script has settled: after the fonts are ready and two
animation frames, by which time its mutation and resize observers have run (an ordering, not a delay).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.hardening import _live
from tests.hardening._site import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
SCHEMES = {"light": "default", "dark": "slate"}
# A phone, where nearly every table scrolls, and a desktop window.
WIDTHS = {"390px": 390, "1280px": 1280}
HEIGHT = 900

# Every box of the page's content that scrolls sideways and is drawn, unless it contains something
# focusable already (Material's tab strip scrolls its own focused tab into view): one line per box that is
# not focusable with tabindex="0", not a role="region" or has no name. Same rule as axe's
# scrollable-region-focusable, plus the name, which a screen reader needs to say what the region is.
UNREACHABLE_SCROLLERS = r"""() => {
  const focusable = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])";
  const found = [];
  for (const box of document.querySelectorAll(".md-content *")) {
    const overflow = getComputedStyle(box).overflowX;
    if (overflow !== "auto" && overflow !== "scroll") continue;
    if (box.scrollWidth <= box.clientWidth || box.getClientRects().length === 0) continue;
    if (box.querySelector(focusable)) continue;
    const missing = [];
    if (box.getAttribute("tabindex") !== "0") missing.push("not focusable (tabindex)");
    if (box.getAttribute("role") !== "region") missing.push("no role=region");
    if (!(box.getAttribute("aria-label") || "").trim()) missing.push("no aria-label");
    if (missing.length) {
      const text = box.textContent.replace(/\s+/g, " ").trim().slice(0, 40);
      found.push(`<${box.tagName.toLowerCase()} class="${box.className}"> "${text}": ${missing.join(", ")}`);
    }
  }
  return found;
}"""
SETTLE = (
    "() => document.fonts.ready"
    ".then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))"
)


def site_pages(site: Path) -> list[str]:
    """Every HTML page of the built site, as a URL path."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        pages.append("/" + relative.removesuffix("index.html"))
    return pages


@pytest.fixture(scope="module")
def served_site(site_dir: Path) -> Iterator[str]:
    with _live.served(site_dir) as (_, base_url):
        yield base_url.rstrip("/")


def blocking(violations: list[dict[str, Any]]) -> list[str]:
    """One line per node of each serious or critical violation."""
    lines = []
    for violation in violations:
        if violation.get("impact") not in BLOCKING:
            continue
        for node in violation.get("nodes", []):
            lines.append(
                f"[{violation['impact']}] {violation['id']}: {violation.get('help')} "
                f"at {node.get('target')}: {node.get('failureSummary', '').splitlines()[-1:] or ''}"
            )
    return lines


def settle(page: Page) -> None:
    """Return once site_assets/scroll-regions.js has looked at the page as it is drawn now."""
    page.evaluate(SETTLE)


def unreachable_scrollers(page: Page) -> list[str]:
    settle(page)
    found = page.evaluate(UNREACHABLE_SCROLLERS)
    assert isinstance(found, list)
    return [str(line) for line in found]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    settle(page)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    assert isinstance(result, list)
    return result


def test_blocking_keeps_only_serious_and_critical() -> None:
    violations = [
        {"id": "color-contrast", "impact": "serious", "help": "contrast", "nodes": [{"target": ["p"]}]},
        {"id": "region", "impact": "moderate", "help": "landmarks", "nodes": [{"target": ["div"]}]},
        {
            "id": "label",
            "impact": "critical",
            "help": "labels",
            "nodes": [{"target": ["#a"]}, {"target": ["#b"]}],
        },
    ]
    lines = blocking(violations)
    assert len(lines) == 3
    assert lines[0].startswith("[serious] color-contrast: contrast at ['p']")
    assert all("region" not in line for line in lines)


def test_every_page_is_found(site_dir: Path) -> None:
    pages = site_pages(site_dir)
    assert {"/", "/validator/", "/404.html"} <= set(pages), pages


@pytest.mark.e2e
@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("mode", sorted(SCHEMES))
def test_axe_finds_no_serious_violation(
    browser: Browser, served_site: str, site_dir: Path, mode: str, width: str
) -> None:
    """Axe on every page, and every sideways scroller reachable and named, at this width and scheme."""
    viewport = {"width": WIDTHS[width], "height": HEIGHT}
    # Reduced motion: colours switch at once, so axe judges the states a user sees, not a fade between them.
    context = browser.new_context(  # type: ignore[arg-type]
        bypass_csp=True, color_scheme=mode, viewport=viewport, reduced_motion="reduce"
    )
    page = context.new_page()
    problems: list[str] = []

    def check(where: str) -> None:
        nonlocal problems
        problems += [f"{where}: {line}" for line in blocking(axe_violations(page))]
        problems += [f"{where}: [scroll region] {line}" for line in unreachable_scrollers(page)]

    try:
        for path in site_pages(site_dir):
            page.goto(served_site + path)
            scheme = page.get_attribute("body", "data-md-color-scheme")
            assert scheme == SCHEMES[mode], f"{path}: the {mode} palette was not applied (scheme {scheme!r})"
            if path == "/validator/":
                _live.wait_ready(page)
                check(f"{path} (ready, {mode}, {width})")
                # The rendered report is part of the page too: check it with the richest sample (a chain,
                # with its checks, details and the CA bundle download) loaded.
                before = _live.renders(page)
                page.click("button.nuvy-sample[data-sample='chain']")
                _live.wait_new_render(page, before)
            check(f"{path} ({mode}, {width})")
    finally:
        context.close()
    assert not problems, f"{len(problems)} serious/critical axe findings:\n" + "\n".join(problems)


@pytest.mark.e2e
def test_unreachable_scrollers_names_what_is_missing(browser: Browser) -> None:
    """The scroll-region rule itself: a bare scroller is reported with all it lacks, a named one is not."""
    page = browser.new_page(viewport={"width": 400, "height": 300})
    try:
        page.set_content(
            '<div class="md-content">'
            '<div style="overflow-x:auto;width:100px"><div style="width:900px">wide bare</div></div>'
            '<div tabindex="0" role="region" aria-label="Wide" style="overflow-x:auto;width:100px">'
            '<div style="width:900px">wide named</div></div>'
            '<div style="overflow-x:auto;width:100px">'
            '<a href="#x" style="display:block;width:900px">wide link</a></div>'
            '<div style="overflow-x:auto;width:300px">narrow</div>'
            "</div>"
        )
        found = page.evaluate(UNREACHABLE_SCROLLERS)
    finally:
        page.close()
    assert found == [
        '<div class=""> "wide bare": not focusable (tabindex), no role=region, no aria-label'
    ], found


# A table that cannot wrap: it scrolls at 390 px and fits at 2400 px. Wrapped as Material wraps tables.
_WIDE_TABLE = """() => {
  const wrap = document.createElement("div");
  wrap.className = "md-typeset__scrollwrap";
  const inner = document.createElement("div");
  inner.className = "md-typeset__table";
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  const body = table.createTBody().insertRow();
  for (const name of ["Check", "Rule", "Section"]) {
    head.appendChild(document.createElement("th")).textContent = name;
    body.insertCell().textContent = name.toLowerCase() + "_" + "x".repeat(14);
  }
  inner.appendChild(table);
  wrap.appendChild(inner);
  document.querySelector("article.md-content__inner").appendChild(wrap);
}"""


def _scrolling_table_page(page: Page, base_url: str, site: Path) -> str:
    """The first page whose content has a table that scrolls sideways in the current window.

    When no page's own tables scroll at this width (they wrap, whatever the fonts), the first page gets
    one that cannot wrap, added as Material wraps tables; scroll-regions.js must treat it the same.
    """
    for path in site_pages(site):
        page.goto(base_url + path)
        settle(page)
        if page.locator(".md-typeset__scrollwrap[data-nuvy-scroll-region]").count():
            return path
    path = site_pages(site)[0]
    page.goto(base_url + path)
    settle(page)
    page.evaluate(_WIDE_TABLE)
    settle(page)
    marked = page.locator(".md-typeset__scrollwrap[data-nuvy-scroll-region]").count()
    assert marked, "the wide table is not marked"
    return path


# The names of the regions scroll-regions.js has made focusable, in page order.
MARKED = (
    "() => [...document.querySelectorAll('[data-nuvy-scroll-region]')]"
    ".map((e) => e.getAttribute('aria-label'))"
)


@pytest.mark.e2e
def test_a_scrolling_table_is_reached_with_tab_and_scrolled_with_arrows(
    browser: Browser, served_site: str, site_dir: Path
) -> None:
    """With the CSP enforced, at 390 px: Tab reaches a scrolling table, named; the arrow keys scroll it."""
    context = browser.new_context(viewport={"width": WIDTHS["390px"], "height": HEIGHT})
    page = context.new_page()
    try:
        _scrolling_table_page(page, served_site, site_dir)
        on_table = "document.activeElement && document.activeElement.matches('.md-typeset__scrollwrap')"
        _tab_until(page, on_table, 200)
        assert page.evaluate("document.activeElement.getAttribute('role')") == "region"
        name = page.evaluate("document.activeElement.getAttribute('aria-label')")
        assert name.startswith("Table: "), name
        assert page.evaluate("document.activeElement.scrollLeft") == 0
        page.keyboard.press("ArrowRight")
        # A bounded wait for the scroll (smooth scrolling may animate it), not a timing assertion.
        page.wait_for_function("() => document.activeElement.scrollLeft > 0", timeout=10_000)
    finally:
        context.close()


@pytest.mark.e2e
def test_scroll_regions_follow_the_window_width(browser: Browser, served_site: str, site_dir: Path) -> None:
    """A region that fits once the window widens loses its Tab stop and its name, and gets them back."""
    context = browser.new_context(viewport={"width": WIDTHS["390px"], "height": HEIGHT})
    page = context.new_page()
    try:
        _scrolling_table_page(page, served_site, site_dir)
        narrow = page.evaluate(MARKED)
        page.set_viewport_size({"width": 2400, "height": HEIGHT})
        settle(page)
        wide = page.evaluate(MARKED)
        assert len(wide) < len(narrow), (narrow, wide)
        assert unreachable_scrollers(page) == []
        # Nothing that fits keeps a Tab stop it was given.
        leftover = page.evaluate(
            "() => [...document.querySelectorAll('.md-typeset__scrollwrap[tabindex]')]"
            ".filter((e) => e.scrollWidth <= e.clientWidth).length"
        )
        assert leftover == 0
        page.set_viewport_size({"width": WIDTHS["390px"], "height": HEIGHT})
        settle(page)
        assert page.evaluate(MARKED) == narrow
    finally:
        context.close()


# The attributes scroll-regions.js sets on a region, for the element with this id.
REGION = (
    "(id) => ['tabindex', 'role', 'aria-label']"
    ".map((name) => document.getElementById(id).getAttribute(name))"
)


@pytest.mark.e2e
def test_a_box_of_the_report_that_scrolls_is_reachable_while_it_scrolls(
    browser: Browser, served_site: str
) -> None:
    """Nothing in today's report scrolls sideways; anything that ever does is handled like a table."""
    context = browser.new_context(viewport={"width": WIDTHS["390px"], "height": HEIGHT})
    page = context.new_page()
    try:
        page.goto(served_site + "/validator/")
        # Through the CSSOM, which the CSP allows (it refuses style attributes).
        page.evaluate(
            """() => {
              const box = document.createElement("div");
              box.id = "nuvy-test-wide";
              box.style.overflowX = "auto";
              const wide = document.createElement("div");
              wide.style.width = "3000px";
              wide.textContent = "a long value";
              box.append(wide);
              document.getElementById("nuvy-result").append(box);
            }"""
        )
        settle(page)
        marked = page.evaluate(REGION, "nuvy-test-wide")
        assert marked == ["0", "region", "Validator report, scrolls sideways"]
        page.evaluate("() => { document.querySelector('#nuvy-test-wide > div').style.width = '10px'; }")
        settle(page)
        assert page.evaluate(REGION, "nuvy-test-wide") == [None, None, None]
    finally:
        context.close()


def _tab_until(page: Page, predicate: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return
    raise AssertionError(f"{limit} presses of Tab never reached the element ({predicate})")


@pytest.mark.e2e
def test_validator_works_with_the_keyboard_alone(browser: Browser, served_site: str) -> None:
    """Tab to the environments, pick one with an arrow key, Tab to the box, paste, read the verdict."""
    from tests import pki

    ca = pki.make_ca("Keyboard Test CA", key_type="ec256", key_slot=910)
    leaf = pki.make_client(ca, key_type="ec256", key_slot=911)
    context = browser.new_context(permissions=_live.CLIPBOARD)
    page = context.new_page()
    try:
        page.goto(served_site + "/validator/")
        _live.wait_ready(page)
        live = page.get_attribute("#nuvy-result", "aria-live")
        assert live in ("polite", "assertive"), f"the result region has aria-live={live!r}"

        _tab_until(page, "document.activeElement && document.activeElement.name === 'nuvy-environment'")
        first = page.evaluate("document.activeElement.value")
        page.keyboard.press("ArrowDown")
        chosen = page.evaluate("document.querySelector(\"input[name='nuvy-environment']:checked\").value")
        assert chosen != first, "the arrow key did not change the environment"

        _tab_until(page, "document.activeElement && document.activeElement.id === 'nuvy-input'")
        before = _live.renders(page)
        _live.paste(page, leaf.pem)
        assert page.input_value("#nuvy-input") == leaf.pem
        _live.wait_new_render(page, before)
        verdict = page.locator("#nuvy-result #nuvy-verdict")
        assert verdict.is_visible()
        text = verdict.inner_text()
        assert text.strip(), "the verdict has no text for a screen reader to announce"
        # The verdict is announced because it is rendered inside the aria-live region.
        assert page.evaluate("document.getElementById('nuvy-verdict').closest('[aria-live]') !== null")
        # A certificate from an unknown CA must be reported as failing, in words.
        assert page.get_attribute("#nuvy-result .nuvy-report", "data-verdict") == "fail", text
        assert (
            page.locator("#nuvy-result li[data-check-id='path.build'][data-status='fail']").count()
            == 1
        )
    finally:
        context.close()
