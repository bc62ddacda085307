"""The runtime's memory snapshot: made before any input, used on the next visit, and never trusted blindly.

site_assets/worker.js takes a memory snapshot of a freshly started runtime after the validator is imported
and before the page sends any input, and keeps it in Cache Storage for the next visit. These tests read
what is actually stored: it holds no trace of a certificate checked on that visit, the next visit starts
from it and still checks signatures with WebCrypto, and a damaged snapshot falls back to a normal start.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from playwright.sync_api import Browser, BrowserContext, Page

from scripts.serve import SiteServer
from tests.bench import load_bench_module

pytestmark = pytest.mark.e2e

READY_TIMEOUT_MS = 60_000
STORED_TIMEOUT_MS = 30_000
CACHE = "nuvy-runtime-snapshots"
MAX_SNAPSHOT_BYTES = 30 * 1024 * 1024 + 4096

# Counts the occurrences of each needle (latin-1 strings) in the stored snapshot, inside the page.
_SEARCH_SNAPSHOT = """
async ([cacheName, needles]) => {
  const cache = await caches.open(cacheName);
  const keys = await cache.keys();
  if (keys.length !== 1) return { keys: keys.map((request) => request.url) };
  const bytes = new Uint8Array(await (await cache.match(keys[0])).arrayBuffer());
  const found = needles.map((needle) => {
    const pattern = Uint8Array.from(needle, (c) => c.charCodeAt(0));
    let count = 0;
    for (let i = bytes.indexOf(pattern[0]); i >= 0 && i <= bytes.length - pattern.length;
         i = bytes.indexOf(pattern[0], i + 1)) {
      let j = 1;
      while (j < pattern.length && bytes[i + j] === pattern[j]) j += 1;
      if (j === pattern.length) count += 1;
    }
    return count;
  });
  return { keys: [keys[0].url], size: bytes.length, found };
}
"""

# Damages the stored snapshot in one of the ways site_assets/worker.js must survive.
_DAMAGE_SNAPSHOT = """
async ([cacheName, how]) => {
  const cache = await caches.open(cacheName);
  const [request] = await cache.keys();
  const stored = new Uint8Array(await (await cache.match(request)).arrayBuffer());
  let damaged;
  if (how === "garbage") {
    damaged = new Uint8Array(4096).fill(7);
  } else if (how === "truncated") {
    damaged = stored.slice(0, stored.length >> 1);
  } else {
    damaged = stored.slice();
    new DataView(damaged.buffer).setUint32(12, 0x00ffffff, true); // The first page, far past the end.
  }
  await cache.put(request, new Response(damaged));
}
"""

# Whether the stored snapshot has the packed layout worker.js writes (magic, length, count, page indexes
# inside the image, page data).
_WELL_FORMED = """
async (cacheName) => {
  const cache = await caches.open(cacheName);
  const [request] = await cache.keys();
  if (!request) return false;
  const bytes = await (await cache.match(request)).arrayBuffer();
  const [magic, length, count] = new Uint32Array(bytes, 0, 3);
  if (magic !== 0x3153564e || bytes.byteLength !== 4 * (3 + count) + count * 4096) return false;
  return new Uint32Array(bytes, 12, count).every((page) => page * 4096 < length);
}
"""


def _canary() -> tuple[str, bytes]:
    """A certificate made for this test alone, so finding any of its bytes can only mean a leak."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "snapshot canary")])
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"), certificate.signature


@pytest.fixture(scope="module")
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture(scope="module")
def base_url(site_server: tuple[SiteServer, str]) -> str:
    return site_server[1]


def _open(context: BrowserContext, base_url: str, start: str | None = None) -> Page:
    """The validator page, ready; `start` is how its runtime must have started ("fresh" or "snapshot")."""
    page = context.new_page()
    page.goto(base_url + "validator/")
    _wait_ready(page, start)
    return page


def _wait_ready(page: Page, start: str | None) -> None:
    page.wait_for_selector(".nuvy-status--ready, .nuvy-status--error", timeout=READY_TIMEOUT_MS)
    assert page.locator(".nuvy-status--ready").count() == 1, page.text_content("#nuvy-status-text")
    if start is not None:
        assert page.get_attribute("#nuvy-status", "data-start") == start


def _tampered(pem: str) -> str:
    """The PEM certificate with the last bit of its signature (the last byte of the DER) flipped."""
    certificate = x509.load_pem_x509_certificate(pem.encode("ascii"))
    der = bytearray(certificate.public_bytes(serialization.Encoding.DER))
    der[-1] ^= 0x01
    return x509.load_der_x509_certificate(bytes(der)).public_bytes(serialization.Encoding.PEM).decode("ascii")


def _check(page: Page, text: str) -> dict[str, str]:
    before = page.evaluate("Number(document.getElementById('nuvy-result').dataset.renders || 0)")
    page.fill("#nuvy-input", text)
    page.wait_for_function(
        "n => Number(document.getElementById('nuvy-result').dataset.renders || 0) > n", arg=before
    )
    statuses: dict[str, str] = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('[data-check-id]')]"
        ".map((node) => [node.dataset.checkId, node.dataset.status]))"
    )
    return statuses


def _wait_well_formed(page: Page) -> None:
    # Polled from here with evaluate, which awaits the async predicate.
    for _ in range(STORED_TIMEOUT_MS // 250):
        if page.evaluate(_WELL_FORMED, CACHE):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"no well-formed runtime snapshot was stored within {STORED_TIMEOUT_MS} ms")


def _stored(page: Page, needles: list[str]) -> Any:
    """The stored snapshot's key and size, and how often each needle occurs in it, once it is stored."""
    _wait_well_formed(page)
    return page.evaluate(_SEARCH_SNAPSHOT, [CACHE, needles])


def test_first_visit_stores_a_snapshot_that_holds_no_input(
    context: BrowserContext, base_url: str
) -> None:
    page = _open(context, base_url, start="fresh")
    pem, signature = _canary()
    _check(page, pem)
    body = "".join(pem.splitlines()[1:-1])
    needles = [
        # Control: a check id the imported validator holds, so the search is shown to find real content.
        "path.build",
        signature[-32:].decode("latin-1"),
        body[len(body) // 2 : len(body) // 2 + 40],
        base64.b64decode(body)[-48:-16].decode("latin-1"),
    ]
    stored = _stored(page, needles)
    data = page.evaluate("JSON.parse(document.getElementById('nuvy-data').textContent)")
    assert len(stored["keys"]) == 1, stored
    assert data["runtime"]["bundle_sha256"] in stored["keys"][0], stored
    assert 0 < stored["size"] <= MAX_SNAPSHOT_BYTES, stored["size"]
    control, *canary = stored["found"]
    assert control > 0, "the search found nothing the validator holds: it cannot prove an absence"
    assert canary == [0, 0, 0], "the stored snapshot holds bytes of the certificate checked on that visit"
    page.close()


def test_next_visit_starts_from_the_snapshot_and_checks_signatures(
    context: BrowserContext, base_url: str
) -> None:
    page = _open(context, base_url, start="snapshot")
    samples = page.evaluate("JSON.parse(document.getElementById('nuvy-data').textContent).samples")
    valid = _check(page, samples["valid"])
    assert valid["signature.valid"] == "pass", valid
    # The same certificate with one bit of its signature flipped: its issuer is found, so WebCrypto runs and
    # must refuse it (a certificate from an unknown CA would not reach a signature check at all).
    tampered = _check(page, _tampered(samples["valid"]))
    assert tampered["path.build"] == "pass", tampered
    assert tampered["signature.valid"] == "fail", tampered
    page.close()


@pytest.mark.parametrize("how", ["garbage", "truncated", "page-out-of-range"])
def test_damaged_snapshot_falls_back_to_a_normal_start_and_is_replaced(
    context: BrowserContext, base_url: str, how: str
) -> None:
    page = _open(context, base_url)
    _wait_well_formed(page)
    page.evaluate(_DAMAGE_SNAPSHOT, [CACHE, how])
    assert not page.evaluate(_WELL_FORMED, CACHE)
    page.close()
    page = _open(context, base_url, start="fresh")
    samples = page.evaluate("JSON.parse(document.getElementById('nuvy-data').textContent).samples")
    assert _check(page, samples["valid"])["signature.valid"] == "pass"
    # A new, well-formed snapshot replaces the damaged one once the worker is idle.
    _wait_well_formed(page)
    page.close()


def test_ready_says_how_long_the_validators_own_start_up_took(browser: Browser, base_url: str) -> None:
    """worker.js sends validator_ms with "ready": its time in importing the validator and the warm-up check,
    which `nox -s bench` weighs against the floor. The bench's own observer must see it."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(load_bench_module("measure").READY_OBSERVER)
        page.goto(base_url + "validator/")
        page.wait_for_selector(".nuvy-status--ready", timeout=READY_TIMEOUT_MS)
        validator_ms, ready_at = page.evaluate("[window.__nuvyValidatorMs, window.__nuvyReadyAt]")
        assert isinstance(validator_ms, int), validator_ms
        assert 0 < validator_ms < ready_at
    finally:
        context.close()


# Installed in the worker as soon as it exists, seconds before Python is up: logs each WebCrypto key import
# and verification the validator asks for (worker.js looks crypto.subtle's functions up at each call), the
# "ready" the worker sends and each check it receives, in order.
_LOG_WEBCRYPTO = """
() => {
  const log = (self.__nuvyLog = []);
  const subtle = crypto.subtle;
  for (const name of ["importKey", "verify"]) {
    const original = subtle[name].bind(subtle);
    subtle[name] = (...args) => (log.push(name), original(...args));
  }
  const post = self.postMessage.bind(self);
  self.postMessage = (message, ...rest) => {
    if (message && message.type === "ready") log.push("ready");
    return post(message, ...rest);
  };
  self.addEventListener("message", (event) => {
    if (event.data && event.data.type === "validate") log.push("validate");
  });
}
"""


def _open_logged(context: BrowserContext, base_url: str, start: str) -> tuple[Page, Any]:
    page = context.new_page()
    with page.expect_worker() as created:
        page.goto(base_url + "validator/", wait_until="commit")
    worker = created.value
    worker.evaluate(_LOG_WEBCRYPTO)
    _wait_ready(page, start)
    return page, worker


def _after_ready(worker: Any) -> list[str]:
    log: list[str] = worker.evaluate("self.__nuvyLog")
    assert "ready" in log, f"the log was installed after the worker said ready: {log}"
    return log[log.index("ready") + 1 :]


def test_the_ca_keys_are_imported_after_ready_before_any_check(browser: Browser, base_url: str) -> None:
    """worker.js calls browser.prepare straight after "ready" on either start: the environments' two CA keys
    are imported with no input sent, and the user's first check imports none (it verifies only)."""
    context = browser.new_context()
    try:
        for start in ("fresh", "snapshot"):
            page, worker = _open_logged(context, base_url, start)
            for _ in range(STORED_TIMEOUT_MS // 100):
                if _after_ready(worker).count("importKey") >= 2:
                    break
                page.wait_for_timeout(100)
            samples = page.evaluate("JSON.parse(document.getElementById('nuvy-data').textContent).samples")
            assert _check(page, samples["valid"])["signature.valid"] == "pass"
            log = _after_ready(worker)
            assert log.count("validate") == 1, log
            prepared, checked = log[: log.index("validate")], log[log.index("validate") + 1 :]
            assert prepared.count("importKey") == 2, log
            assert "importKey" not in checked, log
            assert "verify" in checked, log
            if start == "fresh":
                _wait_well_formed(page)  # The next visit starts from it.
            page.close()
    finally:
        context.close()
