"""What the site's hooks write into pages at build time, produced by the hooks' own code.

The download page holds only a marker; `hooks.pages.downloads_markdown` turns it into one tab per
environment with the fingerprint command. The guide suite runs those commands too, so it expands the
marker exactly as the build does, from `extra.environments` in mkdocs.yml.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints.

ROOT = Path(__file__).resolve().parents[2]


@cache
def _hooks() -> tuple[Any, Any]:
    # The hooks are not an installed package; MkDocs loads them from the repository root, and so do we.
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from hooks import environments, pages

    return environments, pages


@cache
def environments() -> tuple[Any, ...]:
    """The CaEnvironment values the build uses (id, name, host, ca_path, sha256, ...)."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    hooks_environments, _ = _hooks()
    loaded: tuple[Any, ...] = hooks_environments.load_environments(
        config["extra"]["environments"], ROOT / "docs", dt.datetime.now(dt.UTC),
    )
    return loaded


@dataclass(frozen=True)
class Expanded:
    markdown: str
    first_line: int = 0   # 1-based lines of the text the hook wrote; 0 when it wrote nothing
    last_line: int = 0
    origin: str = ""

    def origin_of(self, line: int) -> str | None:
        return self.origin if self.first_line <= line <= self.last_line else None


def expand(page: str, markdown: str) -> Expanded:
    if "<!-- nuvy:" not in markdown:
        return Expanded(markdown)  # Pages without hook markers do not depend on the hooks at all.
    _, hooks_pages = _hooks()
    marker = hooks_pages.DOWNLOADS_MARKER
    if marker not in markdown:
        return Expanded(markdown)
    url = page.removesuffix(".md").removesuffix("index") + "/"
    section: str = hooks_pages.downloads_markdown(environments(), url)
    before = markdown[: markdown.index(marker)]
    first = before.count("\n") + 1
    return Expanded(
        markdown.replace(marker, section, 1), first, first + section.count("\n"),
        f"written by hooks/pages.py at {marker}",
    )


def published_ca(tab: str | None) -> tuple[str, Path] | None:
    """The id of the environment a content tab is named after, and the CA file the site publishes for it."""
    for environment in environments():
        if environment.name == tab:
            return str(environment.id), ROOT / "docs" / str(environment.ca_path)
    return None
