"""Every machine draws the pages with the same fonts: the ones noxfile.py installs (FONT_PACKAGES).

mkdocs.yml sets `theme.font: false`, so Material's system font stack applies and what a page looks like,
and whether its tables scroll, depends on the fonts the machine has. Chromium is asked, through the
DevTools protocol, which font files it really drew each element's glyphs with.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from scripts.serve import SiteServer

ROOT = Path(__file__).resolve().parents[2]
# Font family -> the Debian package that provides it. Liberation Sans stands in for Material's
# Helvetica/Arial; DejaVu Sans Mono is the monospace font; DejaVu Sans covers symbols Liberation lacks.
EXPECTED = {
    "Liberation Sans": "fonts-liberation",
    "DejaVu Sans Mono": "fonts-dejavu-core",
    "DejaVu Sans": "fonts-dejavu-core",
}
# Families every content page must use: text and code.
REQUIRED = ("Liberation Sans", "DejaVu Sans Mono")


def font_packages(noxfile: str) -> dict[str, str]:
    """noxfile.py's FONT_PACKAGES literal (the tests' venv has no nox to import the noxfile with)."""
    for node in ast.parse(noxfile).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "FONT_PACKAGES" for target in node.targets
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, dict)
            return {str(key): str(package) for key, package in value.items()}
    raise AssertionError("noxfile.py has no FONT_PACKAGES")


def test_font_packages_are_found_in_a_noxfile() -> None:
    text = 'X = 1\nFONT_PACKAGES = {"/usr/share/fonts/a.ttf": "fonts-a"}\n'
    assert font_packages(text) == {"/usr/share/fonts/a.ttf": "fonts-a"}


def test_noxfile_installs_every_expected_font_package() -> None:
    installed = set(font_packages((ROOT / "noxfile.py").read_text(encoding="utf-8")).values())
    assert set(EXPECTED.values()) <= installed, installed


def drawn_fonts(page: Page) -> dict[str, int]:
    """Glyphs drawn per font family in the page's body, as Chromium reports them."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        document = cdp.send("DOM.getDocument", {"depth": -1})
        nodes = cdp.send("DOM.querySelectorAll", {"nodeId": document["root"]["nodeId"], "selector": "body *"})
        glyphs: dict[str, int] = {}
        for node_id in nodes["nodeIds"]:
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node_id})["fonts"]
            for font in fonts:
                glyphs[font["familyName"]] = glyphs.get(font["familyName"], 0) + int(font["glyphCount"])
        return glyphs
    finally:
        cdp.detach()


@pytest.mark.e2e
def test_pages_are_drawn_with_the_installed_fonts(
    browser: Browser, site_server: tuple[SiteServer, str], built_site: Path
) -> None:
    _, base_url = site_server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = []
    try:
        for path in ("", "guide/", "download/", "cli/", "troubleshooting/"):
            page.goto(base_url + path, wait_until="load")
            glyphs = drawn_fonts(page)
            unexpected = sorted(set(glyphs) - set(EXPECTED))
            if unexpected:
                problems.append(f"/{path}: drawn with {unexpected}; no package in FONT_PACKAGES provides it")
            missing = [f"{family} ({EXPECTED[family]})" for family in REQUIRED if not glyphs.get(family)]
            if missing:
                problems.append(f"/{path}: not drawn with {missing}; is the package installed? ({glyphs})")
    finally:
        page.close()
    assert not problems, "\n".join(problems)
