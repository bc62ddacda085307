"""browser.run keeps what the page's environments list yields (validator_py/browser.py ``_prepared``).

The cache is keyed by the exact JSON string and may hold only what that string determines: a check must
never see another check's input, and an edited list must never be answered from the old one.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests import pki as pkilib
from validator_py import browser
from validator_py._compat._cpython import CryptographyVerifier
from validator_py.pipeline import load_environment

NOW_MS = pkilib.NOW.timestamp() * 1000
MARKER = "leak-marker-7f3a"


def _await(coroutine: Any) -> Any:
    # In a thread of its own: a browser test of the session may have left an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _run(data: str, environments_json: str, selected: str = "qa") -> dict[str, Any]:
    result: dict[str, Any] = json.loads(_await(browser.run(data, environments_json, selected, NOW_MS)))
    return result


def _environments_json(*entries: tuple[str, pkilib.Issued]) -> str:
    return json.dumps([{"id": env_id, "name": env_id.upper(), "ca_pem": ca.pem} for env_id, ca in entries])


@pytest.fixture(autouse=True)
def _empty_caches() -> Iterator[None]:
    browser._prepared.cache_clear()
    load_environment.cache_clear()
    yield
    browser._prepared.cache_clear()
    load_environment.cache_clear()


def _reachable(root: object) -> Iterator[object]:
    """Every object reachable from `root` through references, modules and classes excluded."""
    seen, stack = set(), [root]
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, type) or type(item).__name__ == "module":
            continue
        seen.add(id(item))
        yield item
        stack.extend(gc.get_referents(item))


def _holds(root: object, marker: str) -> bool:
    needle = marker.encode()
    return any(
        (isinstance(item, str) and marker in item) or (isinstance(item, bytes | bytearray) and needle in item)
        for item in _reachable(root)
    )


def test_a_check_is_not_changed_by_the_one_before(pki: Any) -> None:
    environments = _environments_json(("qa", pki.qa), ("production", pki.production))
    secret = pkilib.make_client(pki.qa, cn=MARKER, o=MARKER)
    other = pkilib.make_client(pki.production, cn="other-client")
    alone = _run(other.pem, environments)
    browser._prepared.cache_clear()
    load_environment.cache_clear()
    first = _run(secret.pem, environments)
    after = _run(other.pem, environments)
    assert first["ok"]
    assert MARKER in json.dumps(first)
    assert after == alone
    assert MARKER not in json.dumps(after)


def test_the_cache_holds_nothing_of_the_input(pki: Any) -> None:
    environments = _environments_json(("qa", pki.qa), ("production", pki.production))
    secret = pkilib.make_client(pki.qa, cn=MARKER, o=MARKER)
    assert _run(secret.pem, environments)["ok"]
    prepared = browser._prepared(environments)
    assert browser._prepared.cache_info().hits >= 1  # The entry checked here is the one the run used.
    assert not _holds(prepared, MARKER)
    assert _holds(prepared, "QA")  # The walk does reach the environments.


def test_an_edited_environments_list_is_not_served_from_the_cache(pki: Any) -> None:
    leaf = pkilib.make_client(pki.qa)
    original = _environments_json(("qa", pki.qa), ("production", pki.production))
    # The same ids, the QA CA replaced by the production one: the QA client must no longer be issued by it.
    edited = _environments_json(("qa", pki.production), ("production", pki.production))
    before = _run(leaf.pem, original)["report"]
    after = _run(leaf.pem, edited)["report"]
    assert before["details"]["issued_by_environment"] == "qa"
    assert after["details"]["issued_by_environment"] is None
    assert before["verdict"] != after["verdict"]
    # And back: the original list is answered as it was the first time.
    assert _run(leaf.pem, original)["report"] == before


def test_a_malformed_list_is_refused_each_time(pki: Any) -> None:
    leaf = pkilib.make_client(pki.qa)
    for _ in range(2):
        refused = {"ok": False, "code": "environments", "message": browser._BAD_ENVIRONMENTS}
        assert _run(leaf.pem, "[]") == refused
    assert _run(leaf.pem, _environments_json(("qa", pki.qa)))["ok"]


class _Remembering:
    """pyca/cryptography's verifier with the WebCrypto backend's `remember`, counting what it is told."""

    def __init__(self, calls: list[int]) -> None:
        self._inner = CryptographyVerifier()
        self._calls = calls

    async def remember(self, requests: list[Any]) -> None:
        self._calls.append(len(requests))

    async def verify(self, request: Any) -> Any:
        return await self._inner.verify(request)


@pytest.fixture
def remembered(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each `remember` call's number of requests, with the browser's verifier swapped for `_Remembering`."""
    calls: list[int] = []
    monkeypatch.setattr("validator_py._compat.default_verifier", lambda: _Remembering(calls))
    return calls


def test_warm_up_checks_the_first_ca_and_keeps_no_verifier(pki: Any, remembered: list[int]) -> None:
    """worker.js's check before its snapshot: the snapshot could not hold the keys a kept verifier imports."""
    environments = _environments_json(("qa", pki.qa), ("production", pki.production))
    answer = json.loads(_await(browser.warm_up(environments, NOW_MS)))
    assert answer["ok"]
    assert browser._prepared(environments).verifier is None
    assert remembered == []
    # What run answers for the first environment's CA, and not for the second's.
    assert answer == _run(pki.qa.pem, environments)
    assert answer != _run(pki.production.pem, environments)


def test_prepare_makes_the_verifier_the_checks_share_once(pki: Any, remembered: list[int]) -> None:
    """worker.js calls prepare straight after "ready": the user's first check finds the CA keys imported."""
    environments = _environments_json(("qa", pki.qa), ("production", pki.production))
    _await(browser.warm_up(environments, NOW_MS))
    assert _await(browser.prepare(environments)) is None
    assert remembered == [2]  # The two CAs' own signatures (these environments have no CRL).
    verifier = browser._prepared(environments).verifier
    assert isinstance(verifier, _Remembering)
    assert _run(pkilib.make_client(pki.qa).pem, environments)["ok"]
    _await(browser.prepare(environments))
    assert remembered == [2]
    assert browser._prepared(environments).verifier is verifier


@pytest.mark.parametrize(
    ("environments", "error"),
    [("[]", "TypeError"), ("{not json", "JSONDecodeError"), (None, "RuntimeError")],
)
def test_prepare_never_raises_and_the_check_reports_the_cause(
    pki: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, environments: str | None,
    error: str,
) -> None:
    if environments is None:  # A signature backend that cannot be made.
        environments = _environments_json(("qa", pki.qa))

        def broken() -> None:
            raise RuntimeError("no backend")

        monkeypatch.setattr("validator_py._compat.default_verifier", broken)
    assert _await(browser.prepare(environments)) is None
    assert capsys.readouterr().err == f"The environments' verifier was not prepared ({error}).\n"
    answer = _run(pkilib.make_client(pki.qa).pem, environments)
    assert not answer["ok"]
    assert answer["code"] == ("internal" if error == "RuntimeError" else "environments")


def test_warm_up_answers_a_malformed_list_as_run_does(pki: Any) -> None:
    refused = {"ok": False, "code": "environments", "message": browser._BAD_ENVIRONMENTS}
    assert json.loads(_await(browser.warm_up("[]", NOW_MS))) == refused
    assert json.loads(_await(browser.warm_up('[{"id": "qa"}]', NOW_MS))) == refused
