"""Page-level fuzzing (issue 6): a few hundred generated and mutated inputs through the real page.

Each input goes in as a picked file (the same path as a drop), so text files land in the text box and
binary ones are sent as bytes. Every input must produce a report or a clear message, the worker must
survive all of them, and nothing may leave the page. An input that gets no answer within HANG_MS counts
as a hang. That bound only tells a hang from an answer (answers take tens of milliseconds); speed is
measured by the benchmark (`nox -s bench`), never asserted here.
"""

from __future__ import annotations

import base64
import random
import textwrap

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.e2e.validator_page import ValidatorPage

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(240)]

SEED = 20260615
CASES = 320
HANG_MS = 5000
BASE64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \n"

# Feeds every input through the file picker in the page and waits, inside the page, for the answer to be
# rendered; an input still unanswered after `hangMs` is recorded with the outcome "nothing".
_FUZZ_SCRIPT = """
async ([inputs, hangMs]) => {
  const picker = document.getElementById("nuvy-file");
  const result = document.getElementById("nuvy-result");
  const notice = document.getElementById("nuvy-notice");
  const renders = () => Number(result.dataset.renders || 0);
  const outcomes = [];
  for (const [name, b64] of inputs) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name));
    const before = renders();
    const started = performance.now();
    picker.files = transfer.files;
    picker.dispatchEvent(new Event("change", { bubbles: true }));
    while (renders() === before && performance.now() - started < hangMs) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const report = result.querySelector(".nuvy-report");
    let outcome = "nothing";
    if (!notice.hidden && notice.textContent.trim()) outcome = "notice";
    else if (report && report.dataset.verdict === "error") {
      const message = report.querySelector(".nuvy-error-message").textContent;
      outcome = message.trim().length > 20 ? `error:${report.dataset.code}` : "error-without-message";
    } else if (report) outcome = `report:${report.dataset.verdict}`;
    outcomes.push({ name, outcome });
  }
  return outcomes;
}
"""


def _pem(der: bytes, label: str) -> bytes:
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode("ascii"), 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n".encode("ascii")


def _mutate(rng: random.Random, data: bytes) -> bytes:
    """One random structural or byte-level mutation of ``data``."""
    buffer = bytearray(data)
    choice = rng.randrange(7)
    position = rng.randrange(len(buffer))
    if choice == 0:
        buffer[position] ^= 1 << rng.randrange(8)
    elif choice == 1:
        del buffer[position:]
    elif choice == 2:
        buffer[position:position] = rng.randbytes(rng.randrange(1, 64))
    elif choice == 3:
        buffer[position] = rng.choice([0x00, 0x80, 0x81, 0x82, 0x84, 0xFF])
    elif choice == 4:
        del buffer[position : position + rng.randrange(1, 32)]
    elif choice == 5:
        end = min(len(buffer), position + rng.randrange(2, 200))
        buffer[position:end] = bytes(reversed(buffer[position:end]))
    else:
        buffer += buffer[position : position + rng.randrange(1, 300)]
    return bytes(buffer) or b"\x30"


def _generated(rng: random.Random) -> list[tuple[str, bytes]]:
    """Hand-shaped hostile inputs: deep nesting, huge lengths, odd labels, noise."""
    deep = b"\x30\x80" * 200 + b"\x00\x00" * 200
    definite_deep = b"".join(bytes([0x30, 0x82, 0x01, 0x00]) for _ in range(40))
    return [
        ("deep-indefinite.der", deep),
        ("deep-definite.der", definite_deep),
        ("huge-length.der", b"\x30\x84\xff\xff\xff\xff" + rng.randbytes(40)),
        ("random.bin", rng.randbytes(600)),
        ("ascii-noise.pem", bytes(rng.choice(BASE64_ALPHABET) for _ in range(900))),
        ("unknown-label.pem", _pem(rng.randbytes(300), "NUVY THING")),
        ("public-key.pem", _pem(rng.randbytes(294), "PUBLIC KEY")),
        ("pkcs7-noise.p7b", _pem(rng.randbytes(500), "PKCS7")),
        ("unterminated.pem", b"-----BEGIN CERTIFICATE-----\nMIIB" + b"A" * 300),
        ("base64-only.txt", base64.b64encode(rng.randbytes(700))),
        ("nul-text.pem", b"-----BEGIN CERTIFICATE-----\n\x00\x00\n-----END CERTIFICATE-----\n"),
        ("utf8.pem", "Zertifikat ✓ — ünïcödé\n".encode() * 20),
    ]


def fuzz_inputs(samples: dict[str, str]) -> list[tuple[str, bytes]]:
    rng = random.Random(SEED)
    pems = [samples[name].encode("ascii") for name in ("valid", "other_env", "csr", "chain")]
    ders = [
        x509.load_pem_x509_certificate(samples["valid"].encode("ascii")).public_bytes(serialization.Encoding.DER),
        x509.load_pem_x509_csr(samples["csr"].encode("ascii")).public_bytes(serialization.Encoding.DER),
    ]
    inputs = _generated(rng)
    while len(inputs) < CASES:
        kind = rng.randrange(4)
        if kind == 0:
            source = rng.choice(ders)
            inputs.append((f"mutated-{len(inputs)}.der", _mutate(rng, _mutate(rng, source))))
        elif kind == 1:
            source = rng.choice(ders)
            inputs.append((f"mutated-{len(inputs)}.pem", _pem(_mutate(rng, source), "CERTIFICATE")))
        elif kind == 2:
            inputs.append((f"text-mutated-{len(inputs)}.pem", _mutate(rng, rng.choice(pems))))
        else:
            blocks = b"".join(rng.choice(pems) for _ in range(rng.randrange(2, 12)))
            inputs.append((f"blocks-{len(inputs)}.pem", blocks))
    return inputs


def test_every_fuzzed_input_gets_an_answer_and_the_worker_survives(vp: ValidatorPage) -> None:
    inputs = fuzz_inputs(vp.data()["samples"])
    assert len(inputs) >= 300
    payload = [(name, base64.b64encode(data).decode("ascii")) for name, data in inputs]
    outcomes = vp.page.evaluate(_FUZZ_SCRIPT, [payload, HANG_MS])
    assert len(outcomes) == len(inputs)
    silent = [o for o in outcomes if o["outcome"] in ("nothing", "error-without-message")]
    assert silent == [], f"inputs without a report or message after {HANG_MS} ms: {silent[:10]}"
    broken = [o for o in outcomes if o["outcome"] in ("error:internal", "error:timeout")]
    assert broken == [], f"inputs that crashed or hung the validator: {broken[:10]}"
    kinds = {o["outcome"].split(":")[0] for o in outcomes}
    assert kinds >= {"report", "error", "notice"}, f"the corpus should reach every kind of answer: {kinds}"
    # The same worker still validates correctly after all of that.
    assert vp.sample("valid").verdict == "pass"
    assert vp.posts().count("init") == 1, "the worker was restarted during the fuzz run"
    vp.assert_private()
