"""Content-Security-Policy for every page, as a <meta> and as a `_headers` file for the host, with the
headers only a host can send: frame-ancestors, Permissions-Policy.

Material emits a few small inline scripts; instead of allowing every inline script we allow exactly
those, by hash. JSON data blocks (`type="application/json"`) are never executed, so they need no hash.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Iterable

# Script types a browser executes; anything else (application/json, ...) is a data block.
# https://html.spec.whatwg.org/multipage/scripting.html#javascript-mime-type
_EXECUTABLE_TYPES = frozenset(
    {
        "",
        "module",
        "text/javascript",
        "application/javascript",
        "application/ecmascript",
        "application/x-javascript",
        "text/ecmascript",
        "text/jscript",
        "text/livescript",
    }
)

_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_ATTR = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
HEAD_TAG = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)


def _attributes(text: str) -> dict[str, str]:
    return {
        match.group(1).lower(): html.unescape(match.group(2) or match.group(3) or match.group(4) or "")
        for match in _ATTR.finditer(text)
    }


def inline_script_hashes(page: str) -> list[str]:
    """Return the CSP source expressions ('sha256-...') of the executable inline scripts in `page`."""
    hashes = []
    for match in _SCRIPT.finditer(page):
        attributes = _attributes(match.group("attrs"))
        if "src" in attributes:
            continue
        if attributes.get("type", "").strip().lower() not in _EXECUTABLE_TYPES:
            continue
        digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return sorted(set(hashes))


def policy(script_hashes: Iterable[str]) -> str:
    """The site's policy: same-origin everything, WebAssembly allowed, inline scripts only by hash."""
    script_src = " ".join(["'self'", "'wasm-unsafe-eval'", *sorted(set(script_hashes))])
    directives = [
        "default-src 'self'",
        f"script-src {script_src}",
        "worker-src 'self'",
        "connect-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'none'",
    ]
    return "; ".join(directives)


# Directives that only a header can set: browsers ignore them in a <meta> policy (and say so in the console).
# Without frame-ancestors any site could frame the validator and dress it up (clickjacking).
HEADER_ONLY_DIRECTIVES = ("frame-ancestors 'none'",)


def header_policy(script_hashes: Iterable[str]) -> str:
    """The policy the host sends as a header: the <meta> policy plus the header-only directives."""
    return "; ".join([policy(script_hashes), *HEADER_ONLY_DIRECTIVES])


# Powerful browser features the site never uses, denied to every page and to anything it could embed.
# clipboard-write stays allowed: the code blocks' copy button needs it. Each name is one Chromium knows:
# it warns on every page about a name it does not (bluetooth and web-share, on Linux), which
# tests/site/test_browser_csp.py treats as a failure.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "gamepad",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-create",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "window-management",
    "xr-spatial-tracking",
)


def permissions_policy() -> str:
    """`Permissions-Policy` that gives no origin, this one included, any feature in DENIED_FEATURES."""
    return ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


class MissingHeadError(ValueError):
    """The page has no <head>, so the policy cannot be placed before everything else."""


def with_policy_meta(page: str) -> tuple[str, list[str]]:
    """Insert the CSP <meta> as the first element of <head>; return the page and its script hashes."""
    hashes = inline_script_hashes(page)
    head = HEAD_TAG.search(page)
    if head is None:
        raise MissingHeadError("the page has no <head> element to carry the Content-Security-Policy")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy(hashes), quote=False)}">'
    return page[: head.end()] + meta + page[head.end() :], hashes


# Long-lived, never-changing URLs: the vendored runtime directory is versioned and the bundle name
# carries its hash, so a new build never reuses a cached URL for different bytes.
IMMUTABLE_PATHS = ("/assets/pyodide/*", "/assets/runtime/*")


def headers_file(script_hashes: Iterable[str]) -> str:
    """`_headers` in the Netlify / Cloudflare Pages format."""
    lines = [
        "/*",
        f"  Content-Security-Policy: {header_policy(script_hashes)}",
        f"  Permissions-Policy: {permissions_policy()}",
        # The same as frame-ancestors 'none', for browsers that predate it.
        "  X-Frame-Options: DENY",
        "  X-Content-Type-Options: nosniff",
        "  Referrer-Policy: no-referrer",
        "  Cross-Origin-Opener-Policy: same-origin",
    ]
    for path in IMMUTABLE_PATHS:
        lines += [path, "  Cache-Control: public, max-age=31536000, immutable"]
    return "\n".join(lines) + "\n"
