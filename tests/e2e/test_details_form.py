""""Your details" in a real browser, under the site's CSP: every code block of the guide, the quickstart and
troubleshooting is filled in place, in every tab, exactly as details-fill.js fills it (the guide suite runs
that text); the copy button copies it; errors are announced; the keyboard is enough; without JavaScript
the pages show the placeholders; and nothing typed is stored, sent or put in the URL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from scripts.serve import SiteServer
from tests.guide import details

pytestmark = pytest.mark.e2e

PAGES = ("guide/", "quickstart/", "troubleshooting/")
HOSTILE = details.values("D'Ávila / Pão+Cia \"$(id)\" `x` \\", "d'avila+1", environment="production",
                         stem="acme")
_INIT = """
window.__nuvyTest = { violations: [] };
document.addEventListener("securitypolicyviolation", (event) => {
  window.__nuvyTest.violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
_BLOCKS = """() => [...document.querySelectorAll(".md-content pre > code")].map((code) => {
  const set = code.closest(".tabbed-set");
  const block = code.closest(".tabbed-block");
  let tab = null;
  if (block) {
    const blocks = [...block.parentElement.children]
      .filter((child) => child.classList.contains("tabbed-block"));
    tab = set.querySelectorAll(":scope > .tabbed-labels > label")[blocks.indexOf(block)].textContent.trim();
  }
  const highlight = code.closest(".highlight");
  const language = [...highlight.classList].find((name) => name.startsWith("nuvy-lang-"));
  return { text: code.textContent, tab, language: language ? language.slice(10) : "text" };
})"""


def _type_details(page: Page, values: dict[str, str]) -> None:
    for field in ("o", "cn", "c", "stem"):
        page.fill(f"#nuvy-details-{field}", values[field])
    page.check(f"#nuvy-details-environment-{values['environment']}")


@pytest.fixture
def page(browser: Browser) -> Page:
    context = browser.new_context()
    context.add_init_script(_INIT)
    return context.new_page()


@pytest.mark.parametrize("path", PAGES)
def test_every_block_is_filled_as_the_filler_fills_it(
    page: Page, site_server: tuple[SiteServer, str], path: str,
) -> None:
    server, base_url = site_server
    # Network idle first: the theme's own late loads (its search index, say) are not the form's doing.
    page.goto(base_url + path, wait_until="networkidle")
    before = page.evaluate(_BLOCKS)
    requests_before = len(server.access_log())
    url = page.url
    _type_details(page, HOSTILE)
    after = page.evaluate(_BLOCKS)
    expected = details.call([
        {"op": "fill", "text": b["text"], "language": b["language"], "tab": b["tab"], "values": HOSTILE}
        for b in before
    ])
    assert [b["text"] for b in after] == expected
    changed = sum(1 for old, new in zip(before, after, strict=True) if old["text"] != new["text"])
    assert changed >= 3, f"{path}: only {changed} blocks changed"
    assert any("-subj '" in b["text"] for b in after) == (path != "troubleshooting/")
    status = page.text_content("#nuvy-details-status") or ""
    assert f"{changed} code blocks on this page now carry your details for Production" in status
    assert page.url == url, "typing changed the URL"
    late = [record.path for record in server.access_log()[requests_before:]]
    assert late == [], f"typing made a request: {late}"
    assert page.evaluate("window.__nuvyTest.violations") == []


def test_the_copy_button_copies_the_filled_command(
    browser: Browser, site_server: tuple[SiteServer, str],
) -> None:
    _, base_url = site_server
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    page = context.new_page()
    page.goto(base_url + "quickstart/")
    _type_details(page, HOSTILE)
    pre = page.locator(".md-content pre").filter(has_text="-subj '").first
    expected = pre.locator("code").text_content()
    assert expected
    assert "O=D'\\''Ávila \\/ Pão\\+Cia" in expected
    pre.hover()
    pre.locator("button[data-md-type='copy']").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == expected.strip()
    context.close()


def test_errors_are_announced_and_the_commands_go_back_to_the_placeholders(
    page: Page, site_server: tuple[SiteServer, str],
) -> None:
    _, base_url = site_server
    page.goto(base_url + "guide/")
    original = page.evaluate(_BLOCKS)
    _type_details(page, HOSTILE)
    page.fill("#nuvy-details-o", "Pão ")
    error = page.locator("#nuvy-details-o-error")
    assert error.get_attribute("aria-live") == "polite"
    assert "ends with a space: remove it" in (error.text_content() or "")
    assert page.get_attribute("#nuvy-details-o", "aria-invalid") == "true"
    assert "nuvy-details-o-error" in (page.get_attribute("#nuvy-details-o", "aria-describedby") or "")
    assert page.evaluate(_BLOCKS) == original, "a command was shown with a refused value"
    status = page.text_content("#nuvy-details-status") or ""
    assert "until then the commands show the placeholders" in status
    page.fill("#nuvy-details-c", "br")
    assert "write BR" in (page.text_content("#nuvy-details-c-error") or "")


def test_the_form_works_with_the_keyboard_alone(page: Page, site_server: tuple[SiteServer, str]) -> None:
    _, base_url = site_server
    page.goto(base_url + "quickstart/")
    page.focus("#nuvy-details-environment-qa")
    page.keyboard.press("ArrowRight")  # radio group: the arrow keys choose
    assert page.is_checked("#nuvy-details-environment-production")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "nuvy-details-o"
    page.keyboard.type("Pão & Cia")
    page.keyboard.press("Tab")
    page.keyboard.type("pao")
    page.keyboard.press("Enter")  # must not submit or navigate
    code = page.locator(".md-content pre > code", has_text="-subj").first.text_content() or ""
    assert "-utf8 -subj '/C=BR/O=Pão & Cia/OU=Production/CN=pao'" in code
    assert page.url.endswith("/quickstart/")


@pytest.mark.parametrize("path", PAGES)
def test_without_javascript_the_pages_show_the_placeholders(
    browser: Browser, site_server: tuple[SiteServer, str], site_dir: Path, path: str,
) -> None:
    _, base_url = site_server
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + path)
    assert not page.locator("#your-details").is_visible(), "the form shows although it cannot work"
    text = page.locator(".md-content").inner_text()
    assert "nuvy-client-qa.crt" in text
    if path != "troubleshooting/":
        assert "-subj '/C=BR/O=Example Client/OU=QA/CN=example-client'" in text
    context.close()
    del site_dir
