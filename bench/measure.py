"""Drive Debian's Chromium through Playwright and time one page: ready, first verdict, steady state, bytes.

Times are taken inside the page with ``performance.now()``, whose origin is the start of the navigation,
so browser launch and Playwright round trips never count. Cold runs use a new profile directory each time;
warm runs reuse one profile after a priming visit, so the HTTP cache and V8's wasm code cache are hot.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, Playwright, Response

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
READY_TIMEOUT_MS = 180_000
UI_SAMPLES = 10  # checks per warm run that also go through the UI, to show what rendering adds

# Records when the page declares its runtime ready: the portal marks #nuvy-status with nuvy-status--ready,
# the baselines set data-nuvy-runtime="ready" on <html>. Installed before any page script runs.
READY_OBSERVER = """
(() => {
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(...args) {
      super(...args);
      // The portal's worker only: the theme starts its own search worker too.
      if (args[1] && args[1].name === "nuvy-validator") window.__nuvyWorker = this;
    }
  };
  const mark = () => {
    if (window.__nuvyReadyAt !== undefined) return;
    const status = document.getElementById("nuvy-status");
    const html = document.documentElement;
    const is = (state) =>
      (status && status.classList.contains(`nuvy-status--${state}`)) ||
      (html && html.dataset.nuvyRuntime === state);
    if (is("ready")) {
      window.__nuvyReadyAt = performance.now();
    } else if (is("error")) {
      window.__nuvyFailed = (status && status.textContent) || "runtime error";
    }
  };
  new MutationObserver(mark).observe(document, { subtree: true, attributes: true, childList: true });
})();
"""

# Validates each text in turn and returns the milliseconds each took. The baselines expose nuvyBench. On the
# portal page the request goes to its worker directly, or (useUi) through the real UI: fill the box, then
# re-select the current environment, which runs the check at once (typing is debounced), and wait until
# #nuvy-result counts one more render.
VALIDATE_ALL = """
async ([texts, useUi]) => {
  const viaUi = (text) => new Promise((resolve) => {
    const input = document.getElementById("nuvy-input");
    const result = document.getElementById("nuvy-result");
    const before = Number(result.dataset.renders || 0);
    const observer = new MutationObserver(() => {
      if (Number(result.dataset.renders || 0) > before) {
        observer.disconnect();
        const report = result.querySelector("[data-verdict]");
        resolve(report ? report.dataset.verdict : "none");
      }
    });
    observer.observe(result, { attributes: true });
    input.value = text;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    const radio = document.querySelector('input[name="nuvy-environment"]:checked');
    radio.dispatchEvent(new Event("change", { bubbles: true }));
  });
  // The portal's worker, captured when validator.js created it: the same request the page sends, timed
  // to the worker's answer, like the baselines (which return a verdict and render nothing).
  const viaWorker = (text) => new Promise((resolve) => {
    const worker = window.__nuvyWorker;
    const data = JSON.parse(document.getElementById("nuvy-data").textContent);
    const id = 1e9 + (window.__nuvyBenchId = (window.__nuvyBenchId || 0) + 1);
    const onMessage = (event) => {
      if (!event.data || event.data.type !== "result" || event.data.id !== id) return;
      worker.removeEventListener("message", onMessage);
      const answer = JSON.parse(event.data.json);
      resolve(answer.ok ? answer.report.verdict : `error:${answer.code}`);
    };
    worker.addEventListener("message", onMessage);
    worker.postMessage({
      type: "validate", id, data: text, selected: data.default_environment, now_ms: Date.now(), csr: null,
    });
  });
  const validate = window.nuvyBench ? window.nuvyBench.validate : useUi ? viaUi : viaWorker;
  const times = [];
  const verdicts = [];
  for (const text of texts) {
    const start = performance.now();
    verdicts.push(await validate(text));
    times.push(performance.now() - start);
  }
  return { times, verdicts };
}
"""


@dataclass
class Fetch:
    url: str
    status: int
    body: bytes
    wire_bytes: int


@dataclass
class RunResult:
    ready_ms: float
    first_verdict_ms: float
    first_verdict: str
    steady_ms: list[float] = field(default_factory=list)
    steady_verdicts: list[str] = field(default_factory=list)
    ui_ms: list[float] = field(default_factory=list)  # check + rendering through the page's UI
    fetches: list[Fetch] = field(default_factory=list)


class PageFailedError(RuntimeError):
    """The page under test never became ready; the message carries what it showed."""


def _launch(playwright: Playwright, profile: Path) -> BrowserContext:
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
    )


def _collect(page: Page, sink: list[Response]) -> None:
    # Playwright reports the requests of the page's dedicated workers (where the runtime lives) on the page.
    def record(response: Response) -> None:
        sink.append(response)

    page.on("response", record)


def _fetches(responses: list[Response]) -> list[Fetch]:
    fetched = []
    for response in responses:
        try:
            body = response.body()
        except Exception:  # Redirects and aborted loads have no body; they carry no bytes.
            body = b""
        sizes = response.request.sizes()
        fetched.append(Fetch(response.url, response.status, body, int(sizes.get("responseBodySize", 0))))
    return fetched


def _wait_ready(page: Page, url: str, errors: list[str]) -> float:
    # Polled from here, not with wait_for_function: that evaluates a string inside the page, which the
    # portal's CSP (no 'unsafe-eval') rightly forbids. The time itself is recorded inside the page.
    deadline = time.monotonic() + READY_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        state = page.evaluate("[window.__nuvyReadyAt, window.__nuvyFailed]")
        if state[1] or errors:
            raise PageFailedError(f"{url}: {state[1] or errors}")
        if state[0] is not None:
            return float(state[0])
        page.wait_for_timeout(25)
    raise PageFailedError(f"{url}: not ready after {READY_TIMEOUT_MS} ms")


SNAPSHOT_STORED = """
async () => (await (await caches.open("nuvy-runtime-snapshots")).keys()).length > 0
"""
SNAPSHOT_WAIT_S = 90


def _wait_snapshot(page: Page, url: str) -> None:
    # A priming visit ends only once the runtime's memory snapshot is stored, or the warm runs would
    # measure a cache that is still being filled.
    deadline = time.monotonic() + SNAPSHOT_WAIT_S
    while time.monotonic() < deadline:
        if page.evaluate(SNAPSHOT_STORED):
            return
        page.wait_for_timeout(250)
    raise PageFailedError(f"{url}: no runtime snapshot stored after {SNAPSHOT_WAIT_S} s")


def run_once(
    playwright: Playwright, profile: Path, url: str, texts: list[str], *, steady: bool, record: bool,
    await_snapshot: bool = False,
) -> RunResult:
    context = _launch(playwright, profile)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        responses: list[Response] = []
        if record:
            _collect(page, responses)
        page.add_init_script(READY_OBSERVER)
        page.goto(url, wait_until="commit")
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        ready_ms = _wait_ready(page, url, errors)
        first = page.evaluate(VALIDATE_ALL, [texts[:1], False])
        result = RunResult(ready_ms, float(first["times"][0]), str(first["verdicts"][0]))
        if await_snapshot:
            _wait_snapshot(page, url)
        if steady:
            measured: dict[str, Any] = page.evaluate(VALIDATE_ALL, [texts, False])
            result.steady_ms = [float(t) for t in measured["times"]]
            result.steady_verdicts = [str(v) for v in measured["verdicts"]]
            if page.evaluate("!window.nuvyBench"):
                shown: dict[str, Any] = page.evaluate(VALIDATE_ALL, [texts[:UI_SAMPLES], True])
                result.ui_ms = [float(t) for t in shown["times"]]
        if record:
            page.wait_for_timeout(500)
            result.fetches = _fetches(responses)
        return result
    finally:
        context.close()


def idle_wasm_bytes(playwright: Playwright, url: str, idle_ms: int = 3000) -> tuple[int, list[str]]:
    """Bytes of WebAssembly a page fetches by the time the network is idle plus ``idle_ms``."""
    with tempfile.TemporaryDirectory(prefix="nuvy-bench-") as profile:
        context = _launch(playwright, Path(profile))
        try:
            page = context.pages[0] if context.pages else context.new_page()
            responses: list[Response] = []
            _collect(page, responses)
            page.goto(url, wait_until="networkidle")
            page.wait_for_timeout(idle_ms)
            wasm = [
                f for f in _fetches(responses)
                if f.url.split("?")[0].endswith(".wasm") or f.body[:4] == b"\0asm"
            ]
            return sum(len(f.body) for f in wasm), [f.url for f in wasm]
        finally:
            context.close()


def chromium_version(playwright: Playwright) -> str:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        return str(browser.version)
    finally:
        browser.close()
