"""The guide pages' prefetch hint (issue 16): once idle, same-origin prefetches of exactly the validator's
runtime files; none when the browser asks to save data; never a WebAssembly instance or a worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from scripts.serve import SiteServer

pytestmark = pytest.mark.e2e

# Records what the page itself starts, and optionally makes the browser ask to save data.
_INIT = """
(() => {
  window.__nuvyHint = { workers: [], instances: 0 };
  const Worker_ = window.Worker;
  window.Worker = function (url, ...rest) {
    window.__nuvyHint.workers.push(String(url));
    return new Worker_(url, ...rest);
  };
  for (const name of ["instantiate", "instantiateStreaming", "compile", "compileStreaming"]) {
    const original = WebAssembly[name];
    WebAssembly[name] = (...args) => { window.__nuvyHint.instances += 1; return original(...args); };
  }
  if (SAVE_DATA) Object.defineProperty(navigator, "connection", { value: { saveData: true } });
})();
"""
HINTS = "() => [...document.querySelectorAll('link[rel=prefetch]')].map((link) => link.href)"


def _open(browser: Browser, base_url: str, save_data: bool) -> tuple[list[str], dict[str, object]]:
    context = browser.new_context()
    context.add_init_script(_INIT.replace("SAVE_DATA", "true" if save_data else "false"))
    page = context.new_page()
    try:
        page.goto(base_url + "guide/", wait_until="load")
        # A bounded wait for the idle callback (its own timeout is 5 s), not a timing assertion.
        if not save_data:
            page.wait_for_function("() => document.querySelector('link[rel=prefetch]')", timeout=20_000)
        else:
            page.wait_for_function(
                "() => new Promise((done) => requestIdleCallback(() => done(true), { timeout: 6000 }))",
                timeout=20_000,
            )
        started = page.evaluate("window.__nuvyHint")
        # Material's search starts a worker of its own on every page; the validator's is assets/nuvy/worker.
        started["workers"] = [url for url in started["workers"] if "assets/nuvy/worker" in url]
        return page.evaluate(HINTS), started
    finally:
        context.close()


def test_the_guide_hints_the_runtime_files_once_idle(
    browser: Browser, site_server: tuple[SiteServer, str], site_dir: Path
) -> None:
    _, base_url = site_server
    hints, started = _open(browser, base_url, save_data=False)
    assert all(href.startswith(base_url) for href in hints), hints
    names = [href.split("?", 1)[0].rsplit("/", 1)[1] for href in hints]
    bundle = next(path.name for path in (site_dir / "assets" / "runtime").glob("validator-*.zip"))
    assert names == ["worker.js", "pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", bundle]
    assert started == {"workers": [], "instances": 0}


def test_no_hint_when_the_browser_asks_to_save_data(
    browser: Browser, site_server: tuple[SiteServer, str]
) -> None:
    _, base_url = site_server
    hints, started = _open(browser, base_url, save_data=True)
    assert hints == []
    assert started == {"workers": [], "instances": 0}
