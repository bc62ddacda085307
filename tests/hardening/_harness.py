"""A Chromium page running the built site's Pyodide and validator bundle, callable from the tests.

The harness page (``harness/``) and the site's ``assets/`` are served together from a tmp directory, so
the page loads the same Pyodide files and the same ``validator-<hash>.zip`` the validator page ships.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from playwright.sync_api import Browser, Page

from tests.hardening._browser import static_server
from tests.hardening._site import RuntimeUrls

HARNESS_DIR = Path(__file__).resolve().parent / "harness"
# Pyodide's first start compiles a 10 MB WebAssembly module; on two slow cores that can take a while.
START_TIMEOUT_MS = 120_000


class PyodideHarness:
    """One started Pyodide; ``run`` executes Python in it and returns the JSON its code produced."""

    def __init__(self, page: Page, console: list[str]) -> None:
        self.page = page
        self.console = console

    def run(self, code: str, args: Any = None, *, timeout_ms: float = 120_000) -> Any:
        """Run ``code`` (its last expression must be a JSON string) with ``args_json`` bound to ``args``."""
        self.page.set_default_timeout(timeout_ms)
        result = self.page.evaluate(
            "([code, argsJson]) => window.nuvyRunPython(code, argsJson)", [code, json.dumps(args)]
        )
        if not isinstance(result, str):
            raise AssertionError(f"harness code returned {type(result).__name__}, not a JSON string")
        return json.loads(result)


@contextmanager
def pyodide_harness(
    browser: Browser, site: Path, runtime: RuntimeUrls, workdir: Path
) -> Iterator[PyodideHarness]:
    """Serve harness + site assets from ``workdir`` and yield a started harness."""
    shutil.copytree(HARNESS_DIR, workdir / "harness")
    (workdir / "assets").symlink_to(site / "assets", target_is_directory=True)
    with static_server(workdir) as base:
        context = browser.new_context()
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
        query = urlencode(
            {
                "pyodide": runtime.pyodide_url,
                "index": runtime.index_url,
                "bundle": runtime.bundle_url,
            }
        )
        page.goto(f"{base}/harness/index.html?{query}")
        page.wait_for_function(
            "['ready', 'error'].includes(document.body.dataset.state)", timeout=START_TIMEOUT_MS
        )
        if page.evaluate("document.body.dataset.state") != "ready":
            error = page.evaluate("document.body.dataset.error")
            raise AssertionError(f"the harness could not start Pyodide: {error}\nconsole: {console}")
        try:
            yield PyodideHarness(page, console)
        finally:
            context.close()
