"""The WebCrypto verifier keeps the keys it was told to remember (the environments' CAs) and no other.

``validator_py/_compat/_emscripten.py`` runs only in Pyodide; here ``js`` and ``pyodide.ffi`` are stand-ins
that record every call, so what is imported, kept and reused is visible on CPython. That the verdicts are
the same as without the cache is checked in the browser by tests/hardening and tests/runtime.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib
import sys
import types
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from validator_py.signatures import SignatureRequest

T = TypeVar("T")


def _run(awaitable: Coroutine[Any, Any, T]) -> T:
    # In a thread of its own: a browser test of the session may have left an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, awaitable).result()


class _FakeSubtle:
    def __init__(self) -> None:
        self.imported: list[tuple[bytes, str]] = []
        self.verified: list[bytes] = []

    async def importKey(self, fmt: str, spki: bytes, algorithm: dict[str, Any], *_: Any) -> Any:
        self.imported.append((spki, algorithm.get("hash", algorithm["name"])))
        return ("key", spki, repr(sorted(algorithm.items())))

    async def verify(self, algorithm: dict[str, Any], key: Any, signature: bytes, message: bytes) -> bool:
        # Valid when the key is the one its request names: a wrong key served from the cache would fail.
        self.verified.append(message)
        return bool(key[1] == signature)

    def objectFromEntries(self, value: Any) -> Any:
        return value


@pytest.fixture
def emscripten(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[types.ModuleType, _FakeSubtle]]:
    subtle = _FakeSubtle()
    ffi = types.ModuleType("pyodide.ffi")
    ffi.JsException = type("JsException", (Exception,), {})  # type: ignore[attr-defined]
    ffi.to_js = lambda value, **_: value  # type: ignore[attr-defined]
    pyodide = types.ModuleType("pyodide")
    pyodide.ffi = ffi  # type: ignore[attr-defined]
    webcrypto = types.ModuleType("nuvy_webcrypto")
    for name in ("importKey", "verify", "objectFromEntries"):
        setattr(webcrypto, name, getattr(subtle, name))
    for name, module in (("js", types.ModuleType("js")), ("pyodide", pyodide), ("pyodide.ffi", ffi),
                         ("nuvy_webcrypto", webcrypto)):
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delitem(sys.modules, "validator_py._compat._emscripten", raising=False)
    yield importlib.import_module("validator_py._compat._emscripten"), subtle
    sys.modules.pop("validator_py._compat._emscripten", None)


def _request(spki: bytes, hash_name: str = "sha256") -> SignatureRequest:
    # The fake verify accepts a signature equal to the key's SPKI.
    return SignatureRequest(
        scheme="rsa-pkcs1v15", hash=hash_name, salt_length=None, curve=None, spki_der=spki, message=b"m",
        signature=spki,
    )


def replace(request: SignatureRequest, **changes: Any) -> SignatureRequest:
    return SignatureRequest(**{**vars(request), **changes})


def test_remembered_keys_are_imported_once(emscripten: tuple[types.ModuleType, _FakeSubtle]) -> None:
    module, subtle = emscripten
    verifier = module.WebCryptoVerifier()
    _run(verifier.remember([_request(b"ca-qa"), _request(b"ca-prod")]))
    assert subtle.imported == [(b"ca-qa", "SHA-256"), (b"ca-prod", "SHA-256")]
    for _ in range(3):
        assert _run(verifier.verify(_request(b"ca-qa"))) is True
    assert len(subtle.imported) == 2


def test_other_keys_and_algorithms_are_imported_each_time_and_never_kept(
    emscripten: tuple[types.ModuleType, _FakeSubtle],
) -> None:
    module, subtle = emscripten
    verifier = module.WebCryptoVerifier()
    _run(verifier.remember([_request(b"ca-qa")]))
    for _ in range(2):
        assert _run(verifier.verify(_request(b"user-intermediate"))) is True
        # The same CA key under another hash is another WebCrypto key: never the kept one.
        assert _run(verifier.verify(_request(b"ca-qa", "sha384"))) is True
    assert subtle.imported[1:] == [(b"user-intermediate", "SHA-256"), (b"ca-qa", "SHA-384")] * 2
    kept = {"name": "RSASSA-PKCS1-v1_5", "hash": "SHA-256"}
    assert list(verifier._kept) == [(b"ca-qa", repr(sorted(kept.items())))]


def test_a_kept_key_answers_only_for_its_own_key(emscripten: tuple[types.ModuleType, _FakeSubtle]) -> None:
    module, _ = emscripten
    verifier = module.WebCryptoVerifier()
    _run(verifier.remember([_request(b"ca-qa")]))
    forged = replace(_request(b"ca-qa"), signature=b"ca-prod")
    assert _run(verifier.verify(forged)) is False


def test_answers_are_reused_only_for_the_identical_request(
    emscripten: tuple[types.ModuleType, _FakeSubtle],
) -> None:
    module, subtle = emscripten
    verifier = module.WebCryptoVerifier()
    crl = replace(_request(b"ca-qa"), message=b"the environment's CRL")
    _run(verifier.remember([crl]))
    assert subtle.verified == [b"the environment's CRL"]
    assert _run(verifier.verify(crl)) is True
    assert subtle.verified == [b"the environment's CRL"]
    # A user's CRL or certificate signed by the same CA is another request: verified, and not kept.
    for _ in range(2):
        assert _run(verifier.verify(replace(crl, message=b"a user's CRL"))) is True
    assert subtle.verified == [b"the environment's CRL", b"a user's CRL", b"a user's CRL"]
    assert list(verifier._answers) == [crl]
