"""Every built page loads site_assets/scroll-regions.js, the script that makes regions which scroll
sideways reachable by keyboard and named (its behaviour in Chromium is tested in
tests/hardening/test_accessibility.py, at 390 and 1280 px).

It is loaded as a same-origin file after Material's bundle, so the CSP needs no hash for it and it sees
the table wrappers Material adds.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

SCRIPT = "assets/nuvy/scroll-regions.js"
_SCRIPT_SRC = re.compile(r'<script src="([^"]*)"')


def _script_sources(page: str) -> list[str]:
    return _SCRIPT_SRC.findall(page)


def _resolves_to(site: Path, page: Path, src: str) -> Path:
    """The file in ``site`` that a browser would load for ``src`` on ``page``."""
    page_url = "http://site.invalid/" + page.relative_to(site).as_posix()
    return site / urlsplit(urljoin(page_url, src)).path.lstrip("/")


def test_script_sources_are_found_in_a_page() -> None:
    page = '<script src="../assets/a.js"></script><script>x()</script><script src="b.js" defer></script>'
    assert _script_sources(page) == ["../assets/a.js", "b.js"]


def test_every_page_loads_the_scroll_region_script_after_materials_bundle(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) >= 10, pages
    target = (built_site / SCRIPT).resolve()
    assert target.is_file(), f"{SCRIPT} is missing from the built site"
    problems = []
    for page in pages:
        sources = _script_sources(page.read_text(encoding="utf-8"))
        ours = [src for src in sources if src.endswith("scroll-regions.js")]
        bundle = [index for index, src in enumerate(sources) if "/javascripts/bundle." in src]
        shown = page.relative_to(built_site).as_posix()
        if len(ours) != 1:
            problems.append(f"{shown}: loads scroll-regions.js {len(ours)} times")
            continue
        if _resolves_to(built_site, page, ours[0]).resolve() != target:
            problems.append(f"{shown}: {ours[0]} does not resolve to {SCRIPT}")
        if not bundle or sources.index(ours[0]) < bundle[0]:
            problems.append(f"{shown}: scroll-regions.js runs before Material's bundle")
    assert not problems, "\n".join(problems)

