"""Read every fenced code block under docs/, with the marks written in HTML comments right before it.

Marks (invisible on the page):
    <!-- not-runnable: REASON -->   the block is not a command; REASON says why.
        "expected output ..."        its lines must appear in the output of the previous runnable block.
        "error output; fault: F [F ...]; tool: T [T ...]; server: S; seen with: NAME VER[, NAME VER]"
                                     troubleshooting text that the fault tests reproduce, for every
                                     fault and tool listed; `server:` (lb or nginx) limits it to one
                                     test server, without it the text holds for both.
        "...; server: S"             any not-runnable block may name the one server it holds for.
    <!-- sample: TOOL -->            the block is part of TOOL's sample; the fault tests run it.
A fence may carry `title="FILE"`: the block is the content of FILE, written into the working directory;
a later shell block of the same page must run it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import generated
from .servers import SERVER_KINDS

_MARK = re.compile(r"^\s*<!--\s*([a-z-]+):\s*(.*?)\s*-->\s*$")
_FENCE_OPEN = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
_TITLE = re.compile(r'title="([^"]+)"')
_TAB = re.compile(r'^(?P<indent>\s*)=== "(?P<label>[^"]+)"\s*$')
_FAULT = re.compile(r"fault:\s*([\w\s-]+?);\s*tool:\s*([\w\s-]+?)\s*(?:;|$)")
_SERVER = re.compile(r"server:\s*([\w-]+)")

SHELL_LANGUAGES = frozenset({"bash", "sh", "shell"})
SOURCE_LANGUAGES = frozenset({"python", "javascript", "java", "go"})


@dataclass(frozen=True)
class CodeBlock:
    page: str          # path relative to docs/
    line: int          # 1-based line of the opening fence
    language: str
    text: str
    title: str | None = None
    marks: Mapping[str, str] = field(default_factory=dict)
    tab: str | None = None  # the content tab the block is in, e.g. "QA"
    origin: str | None = None  # set when a build hook, not the Markdown file, wrote the block

    @property
    def where(self) -> str:
        suffix = f" ({self.origin}, line of the expanded page)" if self.origin else ""
        return f"docs/{self.page}:{self.line}{suffix}"

    @property
    def not_runnable(self) -> str | None:
        return self.marks.get("not-runnable")

    @property
    def is_expected_output(self) -> bool:
        return (self.not_runnable or "").startswith("expected output")

    @property
    def error_cases(self) -> list[tuple[str, str]]:
        """Every (fault, tool) a troubleshooting error block is for; empty for other blocks."""
        match = _FAULT.search(self.not_runnable or "")
        if not match:
            return []
        return [(fault, tool) for fault in match.group(1).split() for tool in match.group(2).split()]

    @property
    def servers(self) -> tuple[str, ...]:
        """The test servers a not-runnable block holds for: the one its mark names, or all of them."""
        match = _SERVER.search(self.not_runnable or "")
        if not match:
            return SERVER_KINDS
        if match.group(1) not in SERVER_KINDS:
            raise ValueError(f"{self.where}: unknown server {match.group(1)!r}; use one of {SERVER_KINDS}")
        return (match.group(1),)

    @property
    def sample(self) -> str | None:
        return self.marks.get("sample")


def _strip_indent(line: str, indent: str) -> str:
    return line[len(indent):] if line.startswith(indent) else line.lstrip()


def parse_page(page: str, markdown: str) -> Iterator[CodeBlock]:
    lines = markdown.splitlines()
    marks: dict[str, str] = {}
    tab: tuple[int, str] | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        mark = _MARK.match(line)
        opening = _FENCE_OPEN.match(line)
        header = _TAB.match(line)
        if line.strip() and tab and len(line) - len(line.lstrip()) <= tab[0] and not header:
            tab = None  # Back at the tab set's indentation: the tab set has ended.
        if header:
            tab = (len(header.group("indent")), header.group("label"))
            marks = {}
        elif mark:
            marks[mark.group(1)] = mark.group(2)
        elif opening:
            indent, fence, info = opening.group("indent", "fence", "info")
            opened_on = index + 1
            body: list[str] = []
            index += 1
            while index < len(lines):
                stripped = lines[index].strip()
                if stripped.startswith(fence[0] * len(fence)) and set(stripped) == {fence[0]}:
                    break
                body.append(_strip_indent(lines[index], indent))
                index += 1
            else:
                raise ValueError(f"docs/{page}:{opened_on}: this code block is never closed; add its fence")
            title = _TITLE.search(info)
            language = info.strip().lstrip("{.").split()[0] if info.strip() else ""
            text = "\n".join(body) + "\n"
            yield CodeBlock(page, opened_on, language, text, title.group(1) if title else None, dict(marks),
                            tab[1] if tab else None)
            marks = {}
        elif line.strip():
            marks = {}
        index += 1


def collect(docs: Path) -> list[CodeBlock]:
    """Every fenced block of every Markdown page under docs/, in page and document order.

    Blocks that the site's hooks write into a page at build time (the download page's fingerprint
    check) are part of the page as users see it, so they are collected too.
    """
    blocks: list[CodeBlock] = []
    for path in sorted(docs.rglob("*.md")):
        page = path.relative_to(docs).as_posix()
        expanded = generated.expand(page, path.read_text(encoding="utf-8"))
        blocks.extend(
            replace(block, origin=expanded.origin_of(block.line))
            for block in parse_page(page, expanded.markdown)
        )
    return blocks
