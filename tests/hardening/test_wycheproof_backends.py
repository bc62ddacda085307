"""Wycheproof through both signature backends: WebCrypto in Chromium (via Pyodide) and pyca/cryptography.

Both backends get the same ``SignatureRequest`` values (built by ``_vector_runner.verify_cases`` from the
selection in ``_wycheproof``) and must accept 100% of the ``valid`` vectors and reject 100% of the
``invalid`` ones. A rejection must be the answer ``False``: ``None`` ("cannot check here") or an exception
would leave a forged signature unjudged, so both count as failures.

"Acceptable" vectors: Wycheproof marks as ``acceptable`` inputs a correct library may either accept or
reject. In this selection they are the three PKCS#1 v1.5 signatures whose DigestInfo omits the NULL
parameters (flag ``MissingNull``). Certificates never use that form, so neither answer is required, but
the two backends must give the SAME answer: otherwise the page and the CLI could disagree on a
certificate signed that way. ``test_backends_agree_on_every_vector`` enforces that and prints each
backend's choice (observed with cryptography 48 / OpenSSL 3 and Debian's Chromium: both reject all three).

P1363 vectors: see ``_wycheproof``'s module docstring (converted to minimal DER on the test side, because
``SignatureRequest`` carries DER; wrong-length ones are rejected before a backend sees them). The browser's
strict DER -> P1363 conversion (``ecdsa_der_to_p1363``, which must reject BER and non-minimal integers) is
exercised by the DER files' ``BerEncodedSignature``/``InvalidEncoding``/``MissingZero`` vectors, and checked
directly inside Pyodide by ``test_der_to_p1363_rejects_ber_in_pyodide``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.hardening import _vector_runner, _wycheproof
from tests.hardening._harness import PyodideHarness

RUNNER_SOURCE = Path(_vector_runner.__file__).read_text(encoding="utf-8")
BROWSER_CALL = """
import json
from validator_py._compat._emscripten import WebCryptoVerifier
json.dumps(await verify_cases(json.loads(args_json), WebCryptoVerifier()))
"""
# All vectors go in a handful of page.evaluate calls: one per scheme keeps each call well under a minute.
SCHEMES = ("rsa-pkcs1v15", "rsa-pss", "ecdsa")


@pytest.fixture(scope="module")
def cases() -> list[_wycheproof.Case]:
    return _wycheproof.selection()


def _cpython(cases: list[_wycheproof.Case]) -> dict[str, Any]:
    from validator_py._compat import default_verifier

    coroutine = _vector_runner.verify_cases([c.to_json() for c in cases], default_verifier())
    # A fresh thread, because the session's sync Playwright driver keeps an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        outcomes = pool.submit(asyncio.run, coroutine).result()
    return {item["name"]: item["outcome"] for item in outcomes}


def _browser(harness: PyodideHarness, cases: list[_wycheproof.Case]) -> dict[str, Any]:
    outcomes: dict[str, Any] = {}
    for scheme in SCHEMES:
        batch = [case.to_json() for case in cases if case.scheme == scheme]
        for item in harness.run(RUNNER_SOURCE + BROWSER_CALL, batch, timeout_ms=180_000):
            outcomes[item["name"]] = item["outcome"]
    return outcomes


@pytest.fixture(scope="module")
def cpython_outcomes(cases: list[_wycheproof.Case]) -> dict[str, Any]:
    return _cpython(cases)


@pytest.fixture(scope="module")
def browser_outcomes(harness: PyodideHarness, cases: list[_wycheproof.Case]) -> dict[str, Any]:
    return _browser(harness, cases)


def wrong_answers(cases: list[_wycheproof.Case], outcomes: dict[str, Any]) -> list[str]:
    """One line per valid vector not answered True and per invalid vector not answered False."""
    wanted = {"valid": True, "invalid": False}
    problems = []
    for case in cases:
        expected = wanted.get(case.result)
        got = outcomes.get(case.name, "missing")
        if expected is not None and got is not expected:
            flags = ", ".join(case.flags) or "no flags"
            problems.append(f"{case.name} ({case.result}, {flags}: {case.comment}) -> {got!r}")
    return problems


def _summary(cases: list[_wycheproof.Case]) -> str:
    counts = Counter((case.scheme, case.result) for case in cases)
    return ", ".join(f"{scheme} {result}: {count}" for (scheme, result), count in sorted(counts.items()))


def test_selection_covers_every_required_family(cases: list[_wycheproof.Case]) -> None:
    families = {(case.scheme, case.hash, case.curve) for case in cases}
    assert {
        ("rsa-pkcs1v15", "sha256", None),
        ("rsa-pss", "sha256", None),
        ("rsa-pss", "sha384", None),
        ("ecdsa", "sha256", "P-256"),
        ("ecdsa", "sha384", "P-384"),
    } <= families
    sizes = {name.split("_")[2] for name in _wycheproof.RSA_PKCS1_FILES}
    assert sizes == {"2048", "3072", "4096"}
    assert sum(case.result == "valid" for case in cases) > 1000, _summary(cases)
    assert sum(case.result == "invalid" for case in cases) > 1500, _summary(cases)


def test_p1363_length_precheck_only_drops_invalid_vectors(cases: list[_wycheproof.Case]) -> None:
    prechecked = [case for case in cases if case.precheck is not None]
    assert prechecked, "the P1363 files contain wrong-length signatures; none were found"
    assert {case.result for case in prechecked} == {"invalid"}, [
        c.name for c in prechecked if c.result != "invalid"
    ]


def test_p1363_to_der_is_minimal() -> None:
    assert _wycheproof.p1363_to_der(bytes(31) + b"\x80" + bytes(31) + b"\x01", 32) == bytes.fromhex(
        "300702020080020101"
    )
    assert _wycheproof.p1363_to_der(bytes(64), 32) == bytes.fromhex("3006020100020100")
    assert _wycheproof.p1363_to_der(bytes(63), 32) is None


def test_wrong_answers_reports_each_kind_of_miss() -> None:
    case = _wycheproof.selection()[0]
    assert case.result == "valid"
    for outcome in (False, None, "error: ValueError: boom"):
        [line] = wrong_answers([case], {case.name: outcome})
        assert line.startswith(f"{case.name} (valid")
        assert line.endswith(repr(outcome))
    [line] = wrong_answers([case], {})
    assert line.endswith("-> 'missing'")
    assert wrong_answers([case], {case.name: True}) == []


def test_cpython_backend_meets_wycheproof(
    cases: list[_wycheproof.Case], cpython_outcomes: dict[str, Any]
) -> None:
    problems = wrong_answers(cases, cpython_outcomes)
    assert not problems, f"pyca/cryptography got {len(problems)} of {len(cases)} wrong:\n" + "\n".join(
        problems
    )


@pytest.mark.e2e
def test_webcrypto_backend_meets_wycheproof(
    cases: list[_wycheproof.Case], browser_outcomes: dict[str, Any]
) -> None:
    problems = wrong_answers(cases, browser_outcomes)
    assert not problems, f"WebCrypto got {len(problems)} of {len(cases)} wrong:\n" + "\n".join(problems)


@pytest.mark.e2e
def test_backends_agree_on_every_vector(
    cases: list[_wycheproof.Case], cpython_outcomes: dict[str, Any], browser_outcomes: dict[str, Any]
) -> None:
    rows = [
        f"{case.name:<48} {case.result:<10} cpython={cpython_outcomes.get(case.name)!r:<8} "
        f"webcrypto={browser_outcomes.get(case.name)!r}"
        for case in cases
        if cpython_outcomes.get(case.name) != browser_outcomes.get(case.name)
    ]
    acceptable = [case for case in cases if case.result == "acceptable"]
    print(
        "acceptable vectors:",
        *(
            f"{c.name} ({', '.join(c.flags)}): cpython={cpython_outcomes.get(c.name)!r} "
            f"webcrypto={browser_outcomes.get(c.name)!r}"
            for c in acceptable
        ),
        sep="\n  ",
    )
    assert not rows, f"{len(rows)} vectors differ between the backends:\n" + "\n".join(rows)


DER_TO_P1363_CALL = """
import json
from validator_py.signatures import ecdsa_der_to_p1363
outcomes = {}
for name, hex_sig in json.loads(args_json):
    try:
        ecdsa_der_to_p1363(bytes.fromhex(hex_sig), 32)
        outcomes[name] = "converted"
    except ValueError as error:
        outcomes[name] = f"rejected: {error}"
json.dumps(outcomes)
"""
NON_DER_FLAGS = {"BerEncodedSignature", "InvalidEncoding", "MissingZero"}


@pytest.mark.e2e
def test_der_to_p1363_rejects_ber_in_pyodide(harness: PyodideHarness, cases: list[_wycheproof.Case]) -> None:
    """Run the strict converter itself on every P-256 vector Wycheproof flags as a non-DER encoding."""
    ber = [
        (case.name, case.signature)
        for case in cases
        if case.curve == "P-256"
        and case.precheck is None
        and case.name.startswith("ecdsa_secp256r1_sha256_test")
        and NON_DER_FLAGS & set(case.flags)
    ]
    assert len(ber) > 50, "expected the BER / non-minimal vectors of ecdsa_secp256r1_sha256_test.json"
    outcomes = harness.run(DER_TO_P1363_CALL, ber)
    converted = [name for name, outcome in outcomes.items() if outcome == "converted"]
    # Some InvalidEncoding vectors are strict DER with out-of-range values; those must fail in verify
    # instead, which test_webcrypto_backend_meets_wycheproof covers. BER-flagged ones must never convert.
    ber_only = {case.name for case in cases if "BerEncodedSignature" in case.flags}
    assert not ber_only & set(converted), sorted(ber_only & set(converted))
