"""Driving the real validator page served by ``scripts/serve.py`` (with the site's ``_headers``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page

from scripts.serve import SiteServer, serve_in_thread

# Pyodide's first start in a fresh context compiles the WebAssembly module; two slow cores need time.
READY_TIMEOUT_MS = 120_000
RESULT_TIMEOUT_MS = 30_000


@contextmanager
def served(site_dir: Path, log_file: Path | None = None) -> Iterator[tuple[SiteServer, str]]:
    """The site on an ephemeral port; yields (server, base URL ending in /)."""
    server, base_url = serve_in_thread(site_dir, log_file=log_file)
    try:
        yield server, base_url
    finally:
        server.stop()


def wait_ready(page: Page) -> None:
    page.wait_for_selector("#nuvy-status.nuvy-status--ready", state="attached", timeout=READY_TIMEOUT_MS)


CLIPBOARD = ["clipboard-read", "clipboard-write"]


def paste(page: Page, text: str) -> None:
    """A real paste into the focused element: the text goes on the clipboard (as if copied in another
    program), then Ctrl+V. The context must be created with ``permissions=CLIPBOARD``."""
    page.evaluate("(text) => navigator.clipboard.writeText(text)", text)
    page.keyboard.press("Control+V")


def renders(page: Page) -> int:
    return int(page.evaluate("Number(document.getElementById('nuvy-result').dataset.renders || 0)"))


def wait_new_render(page: Page, before: int) -> None:
    """Wait until the page has rendered an answer newer than ``before`` (it counts every answer)."""
    # A function (not a string) predicate: the page's CSP forbids eval, which string predicates need.
    page.wait_for_function(
        "(before) => Number(document.getElementById('nuvy-result').dataset.renders || 0) > before",
        arg=before,
        timeout=RESULT_TIMEOUT_MS,
    )
