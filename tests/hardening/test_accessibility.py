"""Accessibility: axe-core finds no serious or critical violation on any page, in the light and the dark
palette, and the validator works with the keyboard alone and announces its verdict (``aria-live``).

axe-core (``node_modules/axe-core/axe.min.js``, pinned by package-lock.json) is injected by Playwright with
``page.add_script_tag``. The site's Content-Security-Policy (served by ``scripts/serve.py`` from
``_headers``) rightly refuses that injected script, so the axe contexts, and only they, are created with
``bypass_csp=True``. The keyboard test runs with the CSP enforced.

The colour scheme is chosen the way a visitor's system chooses it: Chromium emulates
``prefers-color-scheme`` and the site follows it (overrides/main.html; there is no palette toggle); the
test asserts the page really switched (Material's ``slate`` scheme in dark mode) before it trusts the axe
result.
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


def axe_violations(page: Page) -> list[dict[str, Any]]:
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
@pytest.mark.parametrize("mode", sorted(SCHEMES))
def test_axe_finds_no_serious_violation(
    browser: Browser, served_site: str, site_dir: Path, mode: str
) -> None:
    context = browser.new_context(bypass_csp=True, color_scheme=mode)  # type: ignore[arg-type]
    page = context.new_page()
    problems: list[str] = []
    try:
        for path in site_pages(site_dir):
            page.goto(served_site + path)
            scheme = page.get_attribute("body", "data-md-color-scheme")
            assert scheme == SCHEMES[mode], f"{path}: the {mode} palette was not applied (scheme {scheme!r})"
            if path == "/validator/":
                _live.wait_ready(page)
                problems += [f"{path} (ready, {mode}): {line}" for line in blocking(axe_violations(page))]
                # The rendered report is part of the page too: check it with the richest sample (a chain,
                # with its checks, details and the CA bundle download) loaded.
                before = _live.renders(page)
                page.click("button.nuvy-sample[data-sample='chain']")
                _live.wait_new_render(page, before)
            problems += [f"{path} ({mode}): {line}" for line in blocking(axe_violations(page))]
    finally:
        context.close()
    assert not problems, f"{len(problems)} serious/critical axe findings:\n" + "\n".join(problems)


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
