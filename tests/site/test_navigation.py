"""The site is for clients: operator pages (deployment, benchmarks) are repository docs, not site pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints.
from site_helpers import NAV_PAGES, ROOT

OPERATOR_PAGES = ("deployment.md", "benchmarks.md")
# Headings of the operator pages; none may reach the site's pages or its search index.
OPERATOR_HEADINGS = ("Deploying the portal", "How fast the validator starts")


def _nav_pages(nav: list[Any]) -> list[str]:
    pages: list[str] = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        pages += _nav_pages(value) if isinstance(value, list) else [str(value)]
    return pages


def test_navigation_lists_only_client_pages() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = _nav_pages(config["nav"])
    assert pages == list(NAV_PAGES), f"the client navigation lists {pages}"


def test_operator_pages_are_repository_docs() -> None:
    for name in OPERATOR_PAGES:
        assert not (ROOT / "docs" / name).exists(), f"docs/{name} would be published on the client site"
        assert (ROOT / "operators" / name).is_file(), f"operators/{name} is missing"
    headings = [
        (ROOT / "operators" / name).read_text(encoding="utf-8").splitlines()[0] for name in OPERATOR_PAGES
    ]
    assert headings == [f"# {heading}" for heading in OPERATOR_HEADINGS]


def test_built_site_has_no_operator_page(built_site: Path) -> None:
    for name in OPERATOR_PAGES:
        assert not (built_site / name.removesuffix(".md")).exists(), f"the site publishes {name}"
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles = {document["title"] for document in index["docs"]}
    for heading in OPERATOR_HEADINGS:
        assert heading not in titles, f"the site's search finds the operator page {heading!r}"
