"""A Chromium page running the built site's Pyodide and validator bundle, callable from the tests.

The harness page (``harness/``) and the site's ``assets/`` are served together from a tmp directory, so
the page loads the same Pyodide files and the same ``validator-<hash>.zip`` the validator page ships.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from tests.hardening._browser import static_server
from tests.hardening._site import RuntimeUrls

HARNESS_DIR = Path(__file__).resolve().parent / "harness"
# Pyodide's first start compiles a 10 MB WebAssembly module; on two slow cores that can take a while.
START_TIMEOUT_MS = 120_000
# What Playwright raises when the page's renderer process died under a call.
CRASHED = "Target crashed"
# One line per renderer crash a harness recovered from; the hardening conftest prints them at the end of
# the run, so a recovered crash is never silent.
RECOVERED: list[str] = []


class PyodideHarness:
    """One started Pyodide; ``run`` executes Python in it and returns the JSON its code produced.

    If Chromium's renderer process dies under a call (``Target crashed``: CI saw it once, under the catalogue
    parity test, and it did not come back in later runs here), the call runs again, once, on a newly started
    page, and the crash is listed in the run's summary. A renderer is a Chromium process, so its death says
    nothing about a verdict (Python failing inside the page is a JavaScript error, which still fails the test
    at once); a call that crashes it twice fails the test.
    """

    def __init__(self, open_page: Callable[[], tuple[Page, list[str]]]) -> None:
        self._open_page = open_page
        self.page, self.console = open_page()

    def run(self, code: str, args: Any = None, *, timeout_ms: float = 120_000) -> Any:
        """Run ``code`` (its last expression must be a JSON string) with ``args_json`` bound to ``args``."""
        try:
            return self._run(code, args, timeout_ms)
        except PlaywrightError as error:
            if CRASHED not in str(error):
                raise
        test = os.environ.get("PYTEST_CURRENT_TEST", "outside a test").split(" ")[0]
        RECOVERED.append(f"{test}: the harness page's renderer crashed; the call ran again on a new page")
        self.page.close()
        self.page, self.console = self._open_page()
        try:
            return self._run(code, args, timeout_ms)
        except PlaywrightError as error:
            if CRASHED in str(error):
                message = f"the harness page's renderer crashed twice on the same call: {error}"
                raise AssertionError(message) from error
            raise

    def _run(self, code: str, args: Any, timeout_ms: float) -> Any:
        self.page.set_default_timeout(timeout_ms)
        result = self.page.evaluate(
            "([code, argsJson]) => window.nuvyRunPython(code, argsJson)", [code, json.dumps(args)]
        )
        if not isinstance(result, str):
            raise AssertionError(f"harness code returned {type(result).__name__}, not a JSON string")
        return json.loads(result)


def _open_harness(context: BrowserContext, url: str) -> tuple[Page, list[str]]:
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    page.goto(url)
    page.wait_for_function(
        "['ready', 'error'].includes(document.body.dataset.state)", timeout=START_TIMEOUT_MS
    )
    if page.evaluate("document.body.dataset.state") != "ready":
        error = page.evaluate("document.body.dataset.error")
        raise AssertionError(f"the harness could not start Pyodide: {error}\nconsole: {console}")
    return page, console


@contextmanager
def pyodide_harness(
    browser: Browser, site: Path, runtime: RuntimeUrls, workdir: Path
) -> Iterator[PyodideHarness]:
    """Serve harness + site assets from ``workdir`` and yield a started harness."""
    shutil.copytree(HARNESS_DIR, workdir / "harness")
    (workdir / "assets").symlink_to(site / "assets", target_is_directory=True)
    with static_server(workdir) as base:
        context = browser.new_context()
        query = urlencode(
            {
                "pyodide": runtime.pyodide_url,
                "index": runtime.index_url,
                "bundle": runtime.bundle_url,
            }
        )
        url = f"{base}/harness/index.html?{query}"
        try:
            yield PyodideHarness(lambda: _open_harness(context, url))
        finally:
            context.close()
