"""The built site loads nothing from another origin: no absolute http(s) URL in any resource position of
any built HTML, JS or CSS file (``src``, ``href`` of non-anchor elements, ``srcset``, CSS ``url()`` and
``@import``, JS ``import``/``import()``, ``fetch``, ``importScripts``, ``new Worker``/``new URL``).

Plain ``<a href>`` navigation links are allowed (following one is the user's choice, not a load by the
page); the test prints them so a reviewer sees what the site links to.

Third-party bundles also hold absolute URLs in places a resource-position scan cannot see (a URL handed
to a script-loader helper, a default CDN base). ``test_every_absolute_url_in_scripts_is_reviewed`` lists
every absolute URL string literal in the built JS and CSS and fails on any that is not in
``REVIEWED_LITERALS`` with the reason it is never fetched by this site.
"""

from __future__ import annotations

import html.parser
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ABSOLUTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
# Resource positions in scripts and styles. Each pattern captures the URL string literal's content.
_QUOTED = r"""\s*(['"`])((?:https?:)?//[^'"`]*)\1"""
# ``new URL(...)`` alone loads nothing (Pyodide parses socket addresses with it), so it is not listed.
JS_RESOURCE_PATTERNS = (
    ("import()", re.compile(r"\bimport\s*\(" + _QUOTED)),
    ("import from", re.compile(r"\b(?:import|export)\b[^;'\"`]*?\bfrom" + _QUOTED)),
    ("import", re.compile(r"\bimport" + _QUOTED)),
    ("fetch()", re.compile(r"\bfetch\s*\(" + _QUOTED)),
    ("importScripts()", re.compile(r"\bimportScripts\s*\(" + _QUOTED)),
    ("new Worker()", re.compile(r"\bnew\s+(?:Shared)?Worker\s*\(" + _QUOTED)),
    ("new EventSource()", re.compile(r"\bnew\s+EventSource\s*\(" + _QUOTED)),
    ("new WebSocket()", re.compile(r"\bnew\s+WebSocket\s*\(" + r"""\s*(['"`])((?:wss?:)?//[^'"`]*)\1""")),
    ("sendBeacon()", re.compile(r"\bsendBeacon\s*\(" + _QUOTED)),
)
CSS_RESOURCE_PATTERNS = (
    re.compile(r"""url\(\s*(['"]?)((?:https?:)?//[^'")\s]*)\1\s*\)""", re.IGNORECASE),
    re.compile(r"""@import\s+(['"])((?:https?:)?//[^'"]*)\1""", re.IGNORECASE),
)
# Attributes that make the browser fetch something (on any element but <a>/<area>, whose href navigates).
RESOURCE_ATTRIBUTES = {
    "src",
    "href",
    "srcset",
    "data",
    "poster",
    "action",
    "formaction",
    "background",
    "manifest",
    "icon",
    "xlink:href",
    "ping",
}
NAVIGATION_TAGS = {"a", "area"}


@dataclass(frozen=True)
class Finding:
    file: str
    where: str
    url: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.url}"


class _HtmlScan(html.parser.HTMLParser):
    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name
        self.resources: list[Finding] = []
        self.links: list[Finding] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in = tag if tag in ("script", "style") else None
        for attribute, value in attrs:
            if value is None:
                continue
            if attribute == "style":
                self.resources += scan_css(self.name, value, f"<{tag} style>")
            if attribute not in RESOURCE_ATTRIBUTES:
                continue
            urls = (
                [part.strip().split(" ")[0] for part in value.split(",")]
                if attribute == "srcset"
                else [value]
            )
            for url in urls:
                if not ABSOLUTE.match(url):
                    continue
                finding = Finding(self.name, f"<{tag} {attribute}>", url)
                is_navigation = tag in NAVIGATION_TAGS and attribute == "href"
                (self.links if is_navigation else self.resources).append(finding)

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.resources += scan_js(self.name, data, "<script>")
        elif self._in == "style":
            self.resources += scan_css(self.name, data, "<style>")


def scan_js(name: str, text: str, where: str = "script") -> list[Finding]:
    return [
        Finding(name, f"{where} {label}", match.group(2))
        for label, pattern in JS_RESOURCE_PATTERNS
        for match in pattern.finditer(text)
    ]


def scan_css(name: str, text: str, where: str = "stylesheet") -> list[Finding]:
    return [
        Finding(name, where, match.group(2))
        for pattern in CSS_RESOURCE_PATTERNS
        for match in pattern.finditer(text)
    ]


def scan_html(name: str, text: str) -> tuple[list[Finding], list[Finding]]:
    """(resource findings, navigation links)."""
    parser = _HtmlScan(name)
    parser.feed(text)
    parser.close()
    return parser.resources, parser.links


def site_files(site: Path) -> Iterator[Path]:
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".js", ".mjs", ".css"):
            yield path


def scan_site(site: Path) -> tuple[list[Finding], list[Finding]]:
    resources: list[Finding] = []
    links: list[Finding] = []
    for path in site_files(site):
        name = path.relative_to(site).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html":
            found, navigation = scan_html(name, text)
            resources += found
            links += navigation
        elif path.suffix == ".css":
            resources += scan_css(name, text)
        else:
            resources += scan_js(name, text)
    return resources, links


# Only explicit schemes: protocol-relative "//" literals in minified code are comments and regexes.
LITERAL = re.compile(r"""['"`](https?://[^'"`\s]*)""")
# (file pattern, URL prefix, why this site never fetches it). The CSP (script-src/connect-src 'self')
# would block each of them anyway; this list makes a new one a reviewed decision instead of a surprise.
REVIEWED_LITERALS = (
    (
        r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js",
        "https://unpkg.com/mermaid@",
        "Material loads Mermaid only for pages with mermaid diagrams; the site has none",
    ),
    (
        r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js",
        "https://unpkg.com/resize-observer-polyfill",
        "Material loads it only in browsers without ResizeObserver, which the validator does not support",
    ),
    (
        r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js",
        "https://api.github.com/",
        "repository facts, fetched only when mkdocs.yml sets repo_url; it does not",
    ),
    (
        r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js",
        "https://${e}/api/v4/projects/",
        "GitLab repository facts, fetched only when mkdocs.yml sets repo_url; it does not",
    ),
    (
        r"assets/pyodide/[^/]+/pyodide\.mjs",
        "https://cdn.jsdelivr.net/pyodide/",
        "Pyodide's default package CDN, used only by loadPackage; the worker never loads packages",
    ),
    (
        r"assets/pyodide/[^/]+/pyodide\.asm\.mjs",
        "https://${t}",
        "Pyodide parses a socket address with new URL(); nothing is fetched",
    ),
    (
        r"assets/stylesheets/.*\.css",
        "http://www.w3.org/2000/svg",
        "the SVG namespace inside data: URIs, not a request",
    ),
)


def unreviewed_literals(name: str, text: str) -> list[Finding]:
    findings = []
    for match in LITERAL.finditer(text):
        url = match.group(1)
        reviewed = any(
            re.fullmatch(pattern, name) and url.startswith(prefix) for pattern, prefix, _ in REVIEWED_LITERALS
        )
        if not reviewed:
            findings.append(Finding(name, "string literal", url))
    return findings


def test_unreviewed_literals_flags_new_urls_only() -> None:
    text = 'a("https://unpkg.com/mermaid@11/dist/mermaid.min.js");b("https://unpkg.com/other.js")'
    found = unreviewed_literals("assets/javascripts/bundle.abc123.min.js", text)
    assert [finding.url for finding in found] == ["https://unpkg.com/other.js"]
    assert len(unreviewed_literals("assets/nuvy/validator.js", text)) == 2


@pytest.mark.parametrize(
    ("kind", "text", "url"),
    [
        ("html", '<script src="https://cdn.example/x.js"></script>', "https://cdn.example/x.js"),
        ("html", '<link rel="stylesheet" href="//fonts.example/css">', "//fonts.example/css"),
        ("html", '<img srcset="/a.png 1x, https://img.example/b.png 2x">', "https://img.example/b.png"),
        (
            "html",
            '<div style="background: url(https://img.example/c.png)"></div>',
            "https://img.example/c.png",
        ),
        ("html", "<script>fetch('https://api.example/v1')</script>", "https://api.example/v1"),
        (
            "js",
            'const m = await import("https://cdn.example/pyodide.mjs");',
            "https://cdn.example/pyodide.mjs",
        ),
        ("js", 'import { x } from "https://cdn.example/m.js";', "https://cdn.example/m.js"),
        ("js", "importScripts('https://cdn.example/w.js')", "https://cdn.example/w.js"),
        ("js", "new Worker(`https://cdn.example/w.js`)", "https://cdn.example/w.js"),
        ("css", "@import 'https://fonts.example/css';", "https://fonts.example/css"),
        ("css", 'body { background: url("https://img.example/d.png") }', "https://img.example/d.png"),
    ],
)
def test_scanner_finds_cross_origin_resources(kind: str, text: str, url: str) -> None:
    found = {
        "html": lambda: scan_html("t", text)[0],
        "js": lambda: scan_js("t", text),
        "css": lambda: scan_css("t", text),
    }[kind]()
    assert [finding.url for finding in found] == [url]


def test_scanner_allows_anchors_and_relative_urls() -> None:
    resources, links = scan_html(
        "t",
        '<a href="https://pyodide.org/">Pyodide</a><script src="../assets/x.js"></script>'
        '<img src="/logo.png"><link href="assets/a.css" rel="stylesheet">'
        '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    )
    assert resources == []
    assert [link.url for link in links] == ["https://pyodide.org/"]


def test_built_site_loads_nothing_from_another_origin(site_dir: Path) -> None:
    resources, links = scan_site(site_dir)
    scanned = list(site_files(site_dir))
    assert any(path.suffix == ".html" for path in scanned)
    assert any(path.suffix == ".js" for path in scanned)
    print(f"scanned {len(scanned)} files; external navigation links (allowed):")
    for url in sorted({link.url for link in links}):
        print(f"  {url}  ({', '.join(sorted({link.file for link in links if link.url == url}))})")
    assert not resources, "cross-origin resources in the built site:\n" + "\n".join(map(str, resources))


def test_every_absolute_url_in_scripts_is_reviewed(site_dir: Path) -> None:
    findings = []
    for path in site_files(site_dir):
        if path.suffix != ".html":
            name = path.relative_to(site_dir).as_posix()
            findings += unreviewed_literals(name, path.read_text(encoding="utf-8", errors="replace"))
    assert not findings, "absolute URLs nobody reviewed in built JS/CSS:\n" + "\n".join(map(str, findings))
