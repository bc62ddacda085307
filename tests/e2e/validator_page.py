"""Drives the validator page and records everything the browser does while it is open.

Every request is seen three ways (page events, context events, which include the worker, and a
logging ``context.route``), on top of the server's own access log. An init script, which exists only in
these tests, records Content-Security-Policy violations and every message the page posts to a worker.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, Request, Route

from scripts.serve import SiteServer
from tests.browser import launch_chromium

READY_TIMEOUT_MS = 60_000
RESULT_TIMEOUT_MS = 10_000

_INIT_SCRIPT = """
window.__nuvyTest = { violations: [], posts: [] };
document.addEventListener("securitypolicyviolation", (event) => {
  window.__nuvyTest.violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
const originalPost = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (message, ...rest) {
  window.__nuvyTest.posts.push(message && message.type);
  return originalPost.call(this, message, ...rest);
};
"""

_OUTCOME_SCRIPT = """
() => {
  const result = document.getElementById("nuvy-result");
  const report = result.querySelector(".nuvy-report");
  const notice = document.getElementById("nuvy-notice");
  const checks = {};
  for (const item of result.querySelectorAll(".nuvy-check")) {
    checks[item.dataset.checkId] = {
      status: item.dataset.status,
      title: item.querySelector(".nuvy-check-title").textContent,
      message: item.querySelector(".nuvy-check-message").textContent,
      badge: item.querySelector(".nuvy-badge").textContent,
    };
  }
  const match = document.getElementById("nuvy-match");
  const details = result.querySelector(".nuvy-details");
  return {
    verdict: report ? report.dataset.verdict : null,
    kind: report ? report.dataset.kind || null : null,
    code: report ? report.dataset.code || null : null,
    verdict_text: report ? report.querySelector(".nuvy-verdict").textContent : null,
    error: report && report.querySelector(".nuvy-error-message")
      ? report.querySelector(".nuvy-error-message").textContent : null,
    checks,
    details: details ? details.innerText : null,
    notice: notice.hidden ? null : notice.innerText,
    match: match ? match.textContent : null,
    bundle: Boolean(document.getElementById("nuvy-bundle-link")),
    input: document.getElementById("nuvy-input").value,
    csr: document.getElementById("nuvy-csr").value,
  };
}
"""


@dataclass(frozen=True)
class Outcome:
    """What the page shows after one input, read from the DOM."""

    verdict: str | None  # pass / warn / fail, "error" for an input error, None when nothing is shown
    kind: str | None
    code: str | None
    verdict_text: str | None
    error: str | None
    checks: dict[str, dict[str, str]]
    details: str | None
    notice: str | None
    match: str | None
    bundle: bool
    input: str
    csr: str

    def status(self, check_id: str) -> str:
        assert check_id in self.checks, f"{check_id} not shown; checks: {sorted(self.checks)}"
        return self.checks[check_id]["status"]

    def message(self, check_id: str) -> str:
        self.status(check_id)
        return self.checks[check_id]["message"]


def secrets_of(der: bytes) -> list[str]:
    """The forms in which a pasted certificate could leak into a request: base64 (plain, URL-safe), hex."""
    forms = [
        base64.b64encode(der).decode("ascii"),
        base64.urlsafe_b64encode(der).decode("ascii"),
        der.hex(),
        der.hex().upper(),
    ]
    # A 40-character slice from the middle (inside the key and signature) recognises the certificate in
    # any longer value without matching the DER header every certificate shares.
    return [form[len(form) // 2 : len(form) // 2 + 40] for form in forms]


@dataclass
class ValidatorPage:
    """One browser context and page on the validator, with its recorders."""

    browser: Browser
    server: SiteServer
    base_url: str
    context: BrowserContext = field(init=False)
    page: Page = field(init=False)
    requests: list[str] = field(default_factory=list)  # "source url" lines, in order
    request_bodies: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    pasted: list[str] = field(default_factory=list)  # secrets_of() every certificate the tests gave the page
    requests_at_ready: int = 0
    server_log_at_ready: int = 0

    def __post_init__(self) -> None:
        self.context = self.browser.new_context(accept_downloads=True)
        self.context.add_init_script(_INIT_SCRIPT)
        self.context.on("request", lambda request: self._record("context", request))
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self._record("page", request))
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console_errors.append(f"pageerror: {error}"))

    def _record(self, source: str, request: Request) -> None:
        self.requests.append(f"{source} {request.url}")
        body = request.post_data_buffer
        headers = json.dumps(request.headers)
        self.request_bodies.append(headers + (body.decode("latin-1") if body else ""))

    def _route(self, route: Route) -> None:
        self.requests.append(f"route {route.request.url}")
        route.continue_()

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"console: {message.text}")

    # ------------------------------------------------------------------ actions

    def open(self) -> None:
        self.page.goto(self.base_url + "validator/")
        self.page.wait_for_selector(".nuvy-status--ready, .nuvy-status--error", timeout=READY_TIMEOUT_MS)
        status = self.page.text_content("#nuvy-status-text")
        assert self.page.locator(".nuvy-status--ready").count() == 1, f"validator did not start: {status}"
        self.requests_at_ready = len(self.requests)
        self.server_log_at_ready = len(self.server.access_log())

    def data(self) -> dict[str, Any]:
        return json.loads(self.page.text_content("#nuvy-data") or "null")

    def renders(self) -> int:
        return int(self.page.evaluate("Number(document.getElementById('nuvy-result').dataset.renders || 0)"))

    def act(self, action: Callable[[], None]) -> Outcome:
        """Run an action that makes the page check an input; wait for that check's answer."""
        before = self.renders()
        action()
        self.page.wait_for_function(
            "n => Number(document.getElementById('nuvy-result').dataset.renders || 0) > n",
            arg=before, timeout=RESULT_TIMEOUT_MS,
        )
        return self.outcome()

    def outcome(self) -> Outcome:
        return Outcome(**self.page.evaluate(_OUTCOME_SCRIPT))

    def remember(self, der: bytes) -> None:
        self.pasted.extend(secrets_of(der))

    def paste(self, text: str) -> Outcome:
        return self.act(lambda: self.page.fill("#nuvy-input", text))

    def sample(self, name: str) -> Outcome:
        return self.act(lambda: self.page.click(f'button.nuvy-sample[data-sample="{name}"]'))

    def select(self, environment_id: str) -> Outcome:
        return self.act(lambda: self.page.check(f'input[name="nuvy-environment"][value="{environment_id}"]'))

    def pick_file(self, name: str, content: bytes) -> Outcome:
        payload = {"name": name, "mimeType": "application/octet-stream", "buffer": content}
        return self.act(lambda: self.page.set_input_files("#nuvy-file", files=[payload]))

    def drop_file(self, name: str, content: bytes) -> Outcome:
        script = """
        ([name, bytes]) => {
          const transfer = new DataTransfer();
          transfer.items.add(new File([new Uint8Array(bytes)], name));
          const target = document.getElementById("nuvy-drop");
          const init = { dataTransfer: transfer, bubbles: true, cancelable: true };
          target.dispatchEvent(new DragEvent("dragover", init));
          target.dispatchEvent(new DragEvent("drop", init));
        }
        """
        return self.act(lambda: self.page.evaluate(script, [name, list(content)]))

    def posts(self) -> list[str]:
        return list(self.page.evaluate("window.__nuvyTest.posts"))

    # ------------------------------------------------------------------ privacy evidence

    def violations(self) -> list[str]:
        return list(self.page.evaluate("window.__nuvyTest.violations"))

    def storage(self) -> dict[str, Any]:
        return dict(self.page.evaluate(
            """async () => ({
              localStorage: Object.entries(localStorage),
              sessionStorage: Object.entries(sessionStorage),
              indexedDB: (await indexedDB.databases()).map((db) => db.name),
              cookie: document.cookie,
            })"""
        ))

    def assert_private(self) -> None:
        """Nothing left the page after start-up; nothing was stored, blocked by the CSP or logged."""
        late = [entry for entry in self.requests[self.requests_at_ready:] if " blob:" not in entry]
        assert late == [], f"requests after the validator was ready: {late}"
        late_server = self.server.access_log()[self.server_log_at_ready:]
        assert late_server == [], f"the server saw requests after ready: {[r.path for r in late_server]}"
        origin = self.base_url.rstrip("/")
        foreign = [entry for entry in self.requests if not entry.split(" ", 1)[1].startswith(origin)]
        assert foreign == [], f"requests to another origin: {foreign}"
        everything = "\n".join(self.requests + self.request_bodies)
        everything += "\n".join(r.path + json.dumps(r.headers) for r in self.server.access_log())
        everything += "\n" + unquote(everything)
        leaked = [secret for secret in self.pasted if secret in everything]
        assert leaked == [], f"a pasted certificate appeared in a request: {leaked}"
        storage = self.storage()
        # The site stores nothing at all in the browser (docs/privacy.md, overrides/main.html).
        assert storage["localStorage"] == [], storage
        assert storage["sessionStorage"] == [], storage
        assert storage["indexedDB"] == [], storage
        assert storage["cookie"] == "", storage
        stored = json.dumps(storage)
        assert [secret for secret in self.pasted if secret in stored] == []
        assert self.context.cookies() == []
        assert self.violations() == []
        assert self.console_errors == []
        assert self.page.url == self.base_url + "validator/", f"the page URL changed: {self.page.url}"

    def checkpoint(self) -> None:
        """Start a new evidence window: a leak fails the test that caused it, not every later one."""
        self.requests_at_ready = len(self.requests)
        self.server_log_at_ready = len(self.server.access_log())
        self.console_errors.clear()
        self.page.evaluate("window.__nuvyTest.violations.length = 0")

    def close(self) -> None:
        self.context.close()


@contextmanager
def opened_validator_page(
    playwright: Playwright, site_server: tuple[SiteServer, str], *chromium_args: str
) -> Iterator[ValidatorPage]:
    """A fresh Chromium with the validator page open and ready; closes both afterwards.

    Each test module opens its own, because Pyodide's start-up is the slow part and one page per module
    keeps a failure in one module from leaking state into the next.
    """
    server, base_url = site_server
    browser = launch_chromium(playwright, *chromium_args)
    try:
        page = ValidatorPage(browser, server, base_url)
        page.open()
        try:
            yield page
        finally:
            page.close()
    finally:
        browser.close()
