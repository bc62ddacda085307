"""Signature verification through the browser's WebCrypto (``crypto.subtle``), for Pyodide.

This module and ``validator_py/browser.py`` are the only places that import ``js`` and ``pyodide``;
the core hands us a ``SignatureRequest`` and gets back True, False or None (not supported here).
"""

from __future__ import annotations

from typing import Any

import js  # type: ignore[import-not-found]
from pyodide.ffi import JsException, to_js  # type: ignore[import-not-found]

from validator_py.signatures import SignatureRequest, ecdsa_der_to_p1363

# WebCrypto spells hash names with a dash; MD5 is missing on purpose because WebCrypto cannot verify it.
_WEBCRYPTO_HASHES = {"sha1": "SHA-1", "sha256": "SHA-256", "sha384": "SHA-384", "sha512": "SHA-512"}

# WebCrypto raises this DOMException name when the browser lacks an algorithm (older browsers and Ed25519);
# that means "cannot check here", not "the signature is wrong".
_NOT_SUPPORTED = "NotSupportedError"

# The size of r and of s in WebCrypto's fixed-width (IEEE P1363) ECDSA signature, per curve.
_CURVE_BYTES = {"P-256": 32, "P-384": 48, "P-521": 66}


class _GlobalWebCrypto:
    """``crypto.subtle`` reached through ``js``, for pages that load the validator without our worker."""

    def importKey(self, *args: Any) -> Any:
        return js.crypto.subtle.importKey(*args)

    def verify(self, *args: Any) -> Any:
        return js.crypto.subtle.verify(*args)

    def objectFromEntries(self, entries: Any) -> Any:
        return js.Object.fromEntries(entries)


def _webcrypto() -> Any:
    """WebCrypto as site_assets/worker.js hands it to Python: the ``nuvy_webcrypto`` module.

    The worker starts Pyodide in snapshot mode (for the memory snapshot of repeat visits), where every
    JavaScript global reached through ``js`` is a recording proxy, and WebCrypto refuses a proxy as ``this``
    ("Illegal invocation"). The worker therefore registers plain functions that call ``crypto.subtle``
    themselves. Without that module (a page that loads the validator its own way) ``js`` is used.
    """
    try:
        import nuvy_webcrypto  # type: ignore[import-not-found]  # noqa: PLC0415 - registered at run time.
    except ImportError:
        return _GlobalWebCrypto()
    return nuvy_webcrypto


def _js_object(webcrypto: Any, value: dict[str, Any]) -> Any:
    # A plain JS object, not a Map: WebCrypto reads algorithm parameters as object properties.
    return to_js(value, dict_converter=webcrypto.objectFromEntries)


def _algorithms(request: SignatureRequest) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The (importKey, verify) algorithm parameters for a request, or None if WebCrypto cannot do it."""
    if request.scheme == "ed25519":
        return {"name": "Ed25519"}, {"name": "Ed25519"}
    hash_name = _WEBCRYPTO_HASHES.get(request.hash or "")
    if hash_name is None:
        return None
    if request.scheme == "rsa-pss" and request.salt_length is None:
        return None
    if request.scheme == "ecdsa" and request.curve not in _CURVE_BYTES:
        return None
    by_scheme = {
        "rsa-pkcs1v15": ({"name": "RSASSA-PKCS1-v1_5", "hash": hash_name}, {"name": "RSASSA-PKCS1-v1_5"}),
        "rsa-pss": (
            {"name": "RSA-PSS", "hash": hash_name},
            {"name": "RSA-PSS", "saltLength": request.salt_length},
        ),
        "ecdsa": ({"name": "ECDSA", "namedCurve": request.curve}, {"name": "ECDSA", "hash": hash_name}),
    }
    return by_scheme.get(request.scheme)


def _signature_bytes(request: SignatureRequest) -> bytes | None:
    """The signature in WebCrypto's encoding; None when an ECDSA signature is not strict DER."""
    if request.scheme != "ecdsa":
        return request.signature
    try:
        return ecdsa_der_to_p1363(request.signature, _CURVE_BYTES[request.curve or ""])
    except (KeyError, ValueError):
        # BER or non-minimal integers: OpenSSL and pyca/cryptography reject them, so the browser does too.
        return None


def _exception_name(error: JsException) -> str:
    return str(getattr(error, "name", "") or "")


def _key_id(request: SignatureRequest, import_algorithm: dict[str, Any]) -> tuple[bytes, str]:
    # A WebCrypto key is bound to the algorithm it was imported for (RSA keys to one hash, too).
    return request.spki_der, repr(sorted(import_algorithm.items()))


class WebCryptoVerifier:
    """An ``AsyncVerifier`` backed by ``crypto.subtle``; it never raises for bad keys or signatures."""

    def __init__(self) -> None:
        # Kept by ``remember`` only, from the requests browser.py derives from the page's environments:
        # their CA keys and the answers to their own signatures, never a key or a request from a user's input.
        self._kept: dict[tuple[bytes, str], Any] = {}
        self._answers: dict[SignatureRequest, bool | None] = {}

    async def remember(self, requests: list[SignatureRequest]) -> None:
        """Import these requests' keys once and keep them, with the answer to each request.

        browser.py passes each environment CA's self-signature and its CRL's signature, so the signer of
        nearly every check is imported once per page instead of once per check, and the environment's CRL
        is verified once (each a round trip to JavaScript). An answer is reused only for an identical request.
        """
        for request in requests:
            algorithms = _algorithms(request)
            if algorithms is None or _key_id(request, algorithms[0]) in self._kept:
                continue
            subtle = _webcrypto()
            try:
                algorithm = _js_object(subtle, algorithms[0])
                spki = to_js(request.spki_der)
                key = await subtle.importKey("spki", spki, algorithm, False, to_js(["verify"]))
            except JsException:
                continue  # verify() imports it again and judges it, exactly as without this.
            self._kept[_key_id(request, algorithms[0])] = key
        for request in requests:
            self._answers[request] = await self.verify(request)

    async def verify(self, request: SignatureRequest) -> bool | None:
        if request in self._answers:
            return self._answers[request]
        algorithms = _algorithms(request)
        if algorithms is None:
            return None
        import_algorithm, verify_algorithm = algorithms
        signature = _signature_bytes(request)
        if signature is None:
            return False
        subtle = _webcrypto()
        key = self._kept.get(_key_id(request, import_algorithm))
        if key is None:
            try:
                algorithm = _js_object(subtle, import_algorithm)
                key = await subtle.importKey(
                    "spki", to_js(request.spki_der), algorithm, False, to_js(["verify"])
                )
            except JsException as error:
                # A browser without the algorithm cannot judge the signature; a key it cannot read
                # (wrong curve, malformed SubjectPublicKeyInfo) cannot have made a valid one.
                return None if _exception_name(error) == _NOT_SUPPORTED else False
        try:
            valid = await subtle.verify(
                _js_object(subtle, verify_algorithm), key, to_js(signature), to_js(request.message)
            )
        except JsException as error:
            return None if _exception_name(error) == _NOT_SUPPORTED else False
        return bool(valid)
