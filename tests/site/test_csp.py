"""Every page carries a strict Content-Security-Policy and loads nothing from another origin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hooks import csp

META = re.compile(r'<head[^>]*>\s*<meta http-equiv="Content-Security-Policy" content="([^"]+)">')
# Resources a page or stylesheet pulls in (links <a href> to other sites are not resources).
RESOURCE_ATTRS = re.compile(
    r"<(?:script|img|iframe|link|source|audio|video|embed|object)\b[^>]*?\b(?:src|href|data)="
    r"[\"']?(https?:)?//",
    re.I,
)
CSS_REMOTE = re.compile(r"(?:@import\s+(?:url\()?|url\()\s*[\"']?(?:https?:)?//", re.I)
JS_REMOTE = re.compile(r"(?:\bimport\s*\(|\bimportScripts\s*\(|\bfrom\s*)\s*[\"'`](?:https?:)?//", re.I)


def _pages(site: Path) -> list[Path]:
    pages = sorted(site.rglob("*.html"))
    assert pages, f"no HTML pages in {site}"
    return pages


def _script_src(policy: str) -> list[str]:
    directive = next(d.strip() for d in policy.split(";") if d.strip().startswith("script-src "))
    return directive.split()[1:]


def test_every_page_has_the_policy_first_in_head(built_site: Path) -> None:
    for page in _pages(built_site):
        text = page.read_text(encoding="utf-8")
        match = META.search(text)
        assert match, f"{page}: no CSP <meta> as the first element of <head>"
        policy = match.group(1)
        assert "default-src 'self'" in policy
        assert "object-src 'none'" in policy
        assert "form-action 'none'" in policy
        # The charset declaration must stay within the first 1024 bytes or browsers may guess an encoding.
        assert text.encode("utf-8").find(b'<meta charset="utf-8">') < 1024, page


def test_charset_stays_in_the_first_1024_bytes(built_site: Path) -> None:
    # The policy <meta> (which grows with every inline-script hash) and the validator's early <head> tags
    # come before Material's <meta charset>; browsers only look for it in the first 1024 bytes.
    for page in _pages(built_site):
        position = page.read_bytes().find(b'<meta charset="utf-8">')
        assert 0 <= position < 1024 - len('<meta charset="utf-8">'), (page, position)


def test_no_unsafe_script_sources_and_every_inline_script_is_hashed(built_site: Path) -> None:
    for page in _pages(built_site):
        text = page.read_text(encoding="utf-8")
        match = META.search(text)
        assert match, page
        sources = _script_src(match.group(1))
        assert "'unsafe-inline'" not in sources, page
        assert "'unsafe-eval'" not in sources, page
        assert "'unsafe-inline'" not in match.group(1), page
        hashes = csp.inline_script_hashes(text)
        assert hashes, f"{page}: expected Material's inline scripts"
        assert set(hashes) <= set(sources), page


def test_frame_ancestors_is_sent_as_a_header_only(built_site: Path) -> None:
    # Browsers ignore frame-ancestors in a <meta> policy and log an error about it: only the header sets it.
    for page in _pages(built_site):
        match = META.search(page.read_text(encoding="utf-8"))
        assert match, page
        assert "frame-ancestors" not in match.group(1), f"{page}: frame-ancestors in the <meta> policy"
    assert "; frame-ancestors 'none'\n" in (built_site / "_headers").read_text(encoding="utf-8")


def test_header_policy_is_the_meta_policy_plus_frame_ancestors() -> None:
    hashes = ["'sha256-AvyuiL0SD1mVY3NNxR+V2uo+lhk6RMFrytWmRt6CrJQ='"]
    assert csp.header_policy(hashes) == csp.policy(hashes) + "; frame-ancestors 'none'"


def test_permissions_policy_denies_unused_features_but_not_the_clipboard() -> None:
    features = dict(item.split("=", 1) for item in csp.permissions_policy().split(", "))
    assert features, "no Permissions-Policy"
    assert set(features.values()) == {"()"}, "a feature is allowed to some origin"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "fullscreen"):
        assert feature in features, feature
    assert "clipboard-write" not in features, "the code blocks' copy button needs clipboard-write"


def test_json_data_blocks_are_not_hashed() -> None:
    page = '<script id="x" type="application/json">{"a":1}</script><script>run()</script>'
    assert len(csp.inline_script_hashes(page)) == 1
    # sha256 of "run()", checked with: printf 'run()' | openssl dgst -sha256 -binary | base64
    assert csp.inline_script_hashes(page) == ["'sha256-AvyuiL0SD1mVY3NNxR+V2uo+lhk6RMFrytWmRt6CrJQ='"]


def test_headers_file_carries_the_union_of_hashes(built_site: Path) -> None:
    headers = (built_site / "_headers").read_text(encoding="utf-8")
    policy = re.search(r"^  Content-Security-Policy: (.+)$", headers, re.M)
    assert policy, headers
    union = set()
    for page in _pages(built_site):
        union |= set(csp.inline_script_hashes(page.read_text(encoding="utf-8")))
    assert union <= set(_script_src(policy.group(1)))
    for header in (
        f"Permissions-Policy: {csp.permissions_policy()}",
        "X-Frame-Options: DENY",
        "X-Content-Type-Options: nosniff",
        "Referrer-Policy: no-referrer",
        "Cross-Origin-Opener-Policy: same-origin",
    ):
        assert f"  {header}\n" in headers
    for path in ("/assets/pyodide/*", "/assets/runtime/*"):
        assert f"{path}\n  Cache-Control: public, max-age=31536000, immutable\n" in headers


@pytest.mark.parametrize(("suffix", "pattern"), [(".html", RESOURCE_ATTRS), (".css", CSS_REMOTE)])
def test_no_resource_from_another_origin(built_site: Path, suffix: str, pattern: re.Pattern[str]) -> None:
    offenders = [
        str(path.relative_to(built_site))
        for path in built_site.rglob(f"*{suffix}")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert not offenders


def test_no_script_imports_from_another_origin(built_site: Path) -> None:
    offenders = []
    for path in [*built_site.rglob("*.js"), *built_site.rglob("*.mjs")]:
        if JS_REMOTE.search(path.read_text(encoding="utf-8", errors="replace")):
            offenders.append(str(path.relative_to(built_site)))
    assert not offenders


@pytest.mark.parametrize(
    ("snippet", "pattern"),
    [
        ('<script src="https://cdn.example/x.js"></script>', RESOURCE_ATTRS),
        ('<link rel="stylesheet" href="//fonts.example/css">', RESOURCE_ATTRS),
        ("@import url('https://fonts.example/x.css');", CSS_REMOTE),
        ("body{background:url(https://img.example/a.png)}", CSS_REMOTE),
        ('importScripts("https://cdn.example/lunr.js")', JS_REMOTE),
        ('import x from "https://cdn.example/m.mjs"', JS_REMOTE),
    ],
)
def test_remote_resource_patterns_catch_offenders(snippet: str, pattern: re.Pattern[str]) -> None:
    # The scans above would pass vacuously if these patterns missed the forms they look for.
    assert pattern.search(snippet)


def test_links_to_other_sites_are_not_resources() -> None:
    assert not RESOURCE_ATTRS.search('<a href="https://example.com/">x</a>')
