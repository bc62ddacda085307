"""Drive Debian's Chromium through Playwright and time one page: ready, first verdict, steady state, bytes.

Times are taken inside the page with ``performance.now()``, whose origin is the start of the navigation,
so browser launch and Playwright round trips never count. Cold runs use a new profile directory each time;
warm runs reuse one profile after a priming visit, so the HTTP cache and V8's wasm code cache are hot.
"""

from __future__ import annotations

import base64
import contextlib
import tempfile
import time
from collections.abc import Iterator
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
      if (args[1] && args[1].name === "nuvy-validator") {
        window.__nuvyWorker = this;
        // The worker's own time in the validator's start-up, sent with "ready" (worker.js). Registered
        // here, before the page's listener, so it is set by the time the page shows "ready".
        this.addEventListener("message", (event) => {
          if (event.data && event.data.type === "ready") window.__nuvyValidatorMs = event.data.validator_ms;
        });
      }
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
    # When the last byte of the runtime's files (RUNTIME_FILES) arrived, in the page's clock; None if none.
    runtime_files_ms: float | None = None
    # The worker's time in importValidator and warmUp (worker.js's validator_ms): what the floor page stubs
    # out, measured inside the visit. None for pages whose worker does not send it.
    validator_ms: float | None = None


# The files a Pyodide page needs before Python can start: the wasm, Pyodide's scripts, the stdlib zip or
# bundle and (the stock page) wheels. Under a network profile, ready minus their last byte is the CPU work
# that could not overlap the download: the floor arithmetic in operators/benchmarks.md uses it.
RUNTIME_FILES = (".wasm", ".mjs", ".zip", ".whl")


def _track_runtime_files(page: Page) -> list[tuple[str, dict[str, float]]]:
    finished: list[tuple[str, dict[str, float]]] = []

    def record(request: Any) -> None:
        if request.url.split("?")[0].endswith(RUNTIME_FILES):
            finished.append((request.url, dict(request.timing)))

    page.on("requestfinished", record)
    return finished


def _runtime_files_done(page: Page, finished: list[tuple[str, dict[str, float]]]) -> float | None:
    # Playwright's timing: startTime in ms since the epoch, responseEnd relative to it.
    ends = [timing["startTime"] + timing["responseEnd"]
            for _, timing in finished if timing["responseEnd"] >= 0]
    if not ends:
        return None
    return float(max(ends) - page.evaluate("performance.timeOrigin"))


@dataclass(frozen=True)
class NetworkProfile:
    """One emulated network, the same for every page of a run (CDP Network.emulateNetworkConditions)."""

    name: str
    down_mbit: float
    up_mbit: float
    rtt_ms: float

    def conditions(self) -> dict[str, Any]:
        # CDP takes bytes per second and the latency added to every request (the round trip).
        return {
            "offline": False, "latency": self.rtt_ms,
            "downloadThroughput": self.down_mbit * 1e6 / 8, "uploadThroughput": self.up_mbit * 1e6 / 8,
        }


# The two profiles (down and RTT); the upload rates are ours, and only requests go up.
NETWORK_PROFILES = (
    NetworkProfile("office", down_mbit=50, up_mbit=20, rtt_ms=20),
    NetworkProfile("mobile", down_mbit=8, up_mbit=2, rtt_ms=100),
)


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


def _emulate(context: BrowserContext, page: Page, network: NetworkProfile | None) -> None:
    # Set on the page's target, it holds for every request of the page and of its dedicated workers (where
    # the runtime is fetched), and for every later navigation of the tab.
    if network is not None:
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.emulateNetworkConditions", network.conditions())


def run_once(
    playwright: Playwright, profile: Path, url: str, texts: list[str], *, steady: bool, record: bool,
    await_snapshot: bool = False, network: NetworkProfile | None = None,
) -> RunResult:
    context = _launch(playwright, profile)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        _emulate(context, page, network)
        responses: list[Response] = []
        if record:
            _collect(page, responses)
        runtime_files = _track_runtime_files(page)
        page.add_init_script(READY_OBSERVER)
        page.goto(url, wait_until="commit")
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        ready_ms = _wait_ready(page, url, errors)
        first = page.evaluate(VALIDATE_ALL, [texts[:1], False])
        validator_ms = page.evaluate("window.__nuvyValidatorMs ?? null")
        result = RunResult(ready_ms, float(first["times"][0]), str(first["verdicts"][0]),
                           runtime_files_ms=_runtime_files_done(page, runtime_files),
                           validator_ms=None if validator_ms is None else float(validator_ms))
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


HINT_MARK = "nuvy:prefetch-hint"  # site_assets/prefetch.js marks the moment it hints


@dataclass
class GuideIdle:
    """What a guide page fetched: WebAssembly before it was idle (must be none) and what its hint fetched."""

    wasm_bytes_before_idle: int
    wasm_urls_before_idle: list[str]
    hinted: bool  # the page issued its prefetch hint
    prefetched_urls: list[str]
    prefetched_bytes: int


# When the page became idle, in the page's clock: the prefetch hint's mark if it hinted, otherwise the load
# event's end plus one idle callback (what the hint waits for), and the start time of every request.
IDLE_STATE = """
() => {
  const mark = performance.getEntriesByName("HINT_MARK")[0];
  const [nav] = performance.getEntriesByType("navigation");
  return {
    idle: mark ? mark.startTime : (nav && nav.loadEventEnd > 0 ? nav.loadEventEnd : null),
    hinted: Boolean(mark),
    resources: performance.getEntriesByType("resource").map((e) => [e.name, e.startTime, e.initiatorType]),
  };
}
""".replace("HINT_MARK", HINT_MARK)


# Whether the page's hint (if it has one) has been given and every file it hinted has arrived.
HINT_DONE = """
() => {
  if (!document.getElementById("nuvy-prefetch")) return true;
  if (performance.getEntriesByName("HINT_MARK").length === 0) return false;
  const hinted = [...document.querySelectorAll('link[rel="prefetch"]')].map((link) => link.href);
  const done = new Set(performance.getEntriesByType("resource").map((entry) => entry.name));
  return hinted.every((href) => done.has(href));
}
""".replace("HINT_MARK", HINT_MARK)
HINT_WAIT_S = 120


def _wait_guide_idle(page: Page, idle_ms: int) -> dict[str, Any]:
    """Waits for the load event, the network to settle, `idle_ms` more, and every file the page hinted."""
    page.wait_for_load_state("load")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(idle_ms)
    deadline = time.monotonic() + HINT_WAIT_S
    while not page.evaluate(HINT_DONE):
        if time.monotonic() > deadline:
            raise PageFailedError(f"{page.url}: the prefetch hint's files did not arrive in {HINT_WAIT_S} s")
        page.wait_for_timeout(100)
    state: dict[str, Any] = page.evaluate(IDLE_STATE)
    return state


def _is_wasm(fetch: Fetch) -> bool:
    return fetch.url.split("?")[0].endswith(".wasm") or fetch.body[:4] == b"\0asm"


def guide_idle(playwright: Playwright, url: str, idle_ms: int = 3000) -> GuideIdle:
    """What a guide page fetches before it is idle and what its hint fetches once it is (unthrottled)."""
    with tempfile.TemporaryDirectory(prefix="nuvy-bench-") as profile:
        context = _launch(playwright, Path(profile))
        try:
            page = context.pages[0] if context.pages else context.new_page()
            responses: list[Response] = []
            _collect(page, responses)
            page.goto(url, wait_until="commit")
            state = _wait_guide_idle(page, idle_ms)
            fetches = {f.url: f for f in _fetches(responses)}
            idle = state["idle"]
            started = {name: start for name, start, _ in state["resources"]}
            before = [
                f for u, f in fetches.items() if _is_wasm(f) and (idle is None or started.get(u, 0) < idle)
            ]
            hinted = [name for name, _, initiator in state["resources"] if initiator == "link"
                      and name in fetches and (idle is not None and started[name] >= idle)]
            return GuideIdle(
                wasm_bytes_before_idle=sum(len(f.body) for f in before),
                wasm_urls_before_idle=[f.url for f in before],
                hinted=bool(state["hinted"]),
                prefetched_urls=sorted(hinted),
                prefetched_bytes=sum(len(fetches[u].body) for u in hinted),
            )
        finally:
            context.close()


# The guide's step-6 link to the validator: the first link to the validator page after the step-6 heading.
STEP6_LINK = "h2[id^='6-'] ~ p a[href$='validator/']"


def guide_path_once(
    playwright: Playwright, profile: Path, guide_url: str, network: NetworkProfile | None,
    idle_ms: int = 3000,
) -> float:
    """Open the guide, wait until it is idle, click the step-6 link: ms from the click's navigation to ready.

    The validator page's clock starts at its navigation, which the click starts, so this is what the user
    waits after clicking. The guide's own load and idle time is not counted.
    """
    context = _launch(playwright, profile)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        _emulate(context, page, network)
        page.add_init_script(READY_OBSERVER)
        page.goto(guide_url, wait_until="commit")
        _wait_guide_idle(page, idle_ms)
        link = page.locator(STEP6_LINK).first
        link.click()
        page.wait_for_url("**/validator/", wait_until="commit")
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        return _wait_ready(page, page.url, errors)
    finally:
        context.close()


def chromium_version(playwright: Playwright) -> str:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        return str(browser.version)
    finally:
        browser.close()


# The packed snapshot this browser stored (worker.js storeSnapshot), as base64.
READ_SNAPSHOT = """
async () => {
  const cache = await caches.open("nuvy-runtime-snapshots");
  const [key] = await cache.keys();
  const bytes = new Uint8Array(await (await cache.match(key)).arrayBuffer());
  let text = "";
  for (let at = 0; at < bytes.length; at += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return btoa(text);
}
"""


@contextlib.contextmanager
def _first_visit(playwright: Playwright, url: str, prefix: str) -> Iterator[Page]:
    """A first visit of the validator page at `url` in a new profile, once it says ready."""
    with tempfile.TemporaryDirectory(prefix=prefix) as profile:
        context = _launch(playwright, Path(profile))
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.add_init_script(READY_OBSERVER)
            page.goto(url, wait_until="commit")
            _wait_ready(page, url, [])
            yield page
        finally:
            context.close()


def stored_snapshot(playwright: Playwright, url: str) -> bytes:
    """The snapshot the validator page at `url` stores on a first visit: made before it saw any input."""
    with _first_visit(playwright, url, "nuvy-snapshot-") as page:
        _wait_snapshot(page, url)
        return base64.b64decode(page.evaluate(READ_SNAPSHOT))


def start_kind(playwright: Playwright, url: str) -> str:
    """How a first visit's runtime started: "snapshot" or "fresh" (the page's #nuvy-status data-start)."""
    with _first_visit(playwright, url, "nuvy-start-") as page:
        return str(page.evaluate("document.getElementById('nuvy-status').dataset.start"))
