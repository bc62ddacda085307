"""Path-validation parity: every chain of the RFC 5280 catalogue (``tests/core/path_cases.py``) gives the
same verdict, kind, check ids and statuses in the browser (the site's Pyodide with WebCrypto, through
``validator_py.browser.run``) as on CPython (pyca/cryptography). Any difference fails with a diff table.

Each case brings its own trust anchor and time. Certificate-mode cases configure the anchor as the one
environment; chain-mode cases configure an unrelated environment, because the page always has one, and
the validator only uses environments a chain's names lead to.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests import pki
from tests.core.path_cases import CASES, PathCase
from tests.hardening import _parity, _site
from tests.hardening._harness import PyodideHarness

BROWSER_CALL = """
import datetime as dt
import json
from validator_py.browser import run
answers = {}
for item in json.loads(args_json):
    answers[item["name"]] = json.loads(
        await run(item["data"], item["environments_json"], item["selected"], item["now_ms"], None)
    )
json.dumps(answers)
"""
BATCH = 40


def _item(case: PathCase, unrelated_ca: str) -> dict[str, Any]:
    built = case.build()
    data = "".join(cert.pem for cert in built.given)
    if case.mode == "certificate":
        assert built.anchor is not None
        env = {"id": "qa", "name": "QA", "ca_pem": built.anchor.pem}
        if built.crl is not None:
            env["crl_pem"] = built.crl
    else:
        env = {"id": "qa", "name": "QA", "ca_pem": unrelated_ca}
        data += built.crl or ""
    return {
        "name": case.name,
        "data": data,
        "environments_json": json.dumps([env]),
        "selected": "qa",
        "now_ms": built.at.timestamp() * 1000,
    }


@pytest.fixture(scope="module")
def items() -> list[dict[str, Any]]:
    unrelated = pki.make_ca("Unrelated Environment CA", key_type="ec256", key_slot=150).pem
    return [_item(case, unrelated) for case in CASES]


def _cpython(item: dict[str, Any]) -> _parity.Summary:
    from validator_py import Environment, InputError, validate

    envs = [
        Environment(e["id"], e["name"], e["ca_pem"], e.get("crl_pem"))
        for e in json.loads(item["environments_json"])
    ]
    at = dt.datetime.fromtimestamp(item["now_ms"] / 1000, tz=dt.UTC)
    try:
        report = validate(item["data"], envs, selected=item["selected"], at=at)
    except InputError as error:
        return ("error", error.code)
    return _parity.summary({"ok": True, "report": json.loads(json.dumps(report.to_dict()))})


def test_browser_matches_cpython_on_the_path_catalogue(
    harness: PyodideHarness, items: list[dict[str, Any]], site_dir: Path, runtime: _site.RuntimeUrls
) -> None:
    stale = _site.stale_bundle_files(site_dir, runtime)
    assert not stale, f"the site's validator bundle is older than the working tree ({stale}); rebuild it"
    browser: dict[str, _parity.Summary] = {}
    for start in range(0, len(items), BATCH):
        answers = harness.run(BROWSER_CALL, items[start : start + BATCH], timeout_ms=240_000)
        browser.update({name: _parity.summary(answer) for name, answer in answers.items()})
    cpython = {item["name"]: _cpython(item) for item in items}
    names = [item["name"] for item in items]
    rows = _parity.diff_table(names, cpython, browser, "cpython", "browser")
    assert not rows, "browser and CPython disagree on the path catalogue:\n" + "\n".join(rows)
    # Parity must mean something: the catalogue reaches passes and failures of the signature check on
    # both sides, so a WebCrypto backend that always answered "invalid" (or "valid") could not pass.
    signature = {dict(summary[2]).get("signature.valid") for summary in browser.values() if len(summary) == 3}
    assert {"pass", "fail"} <= signature, signature
