"""A static server for the harness page, on top of the site's own server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scripts.serve import serve_in_thread


@contextmanager
def static_server(root: Path) -> Iterator[str]:
    """Serve ``root`` on an ephemeral 127.0.0.1 port; yields the base URL (no trailing slash).

    The harness directory has no ``_headers`` file, so no CSP applies to the harness itself; the site's
    CSP is proven by the e2e and site suites.
    """
    server, base_url = serve_in_thread(root)
    try:
        yield base_url.rstrip("/")
    finally:
        server.stop()
