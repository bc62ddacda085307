"""The one place that knows the platform: it picks the signature backend once."""

from __future__ import annotations

import importlib
import sys

from ..signatures import AsyncVerifier

IS_EMSCRIPTEN = sys.platform == "emscripten"


def _use_portable_inet() -> None:
    """Make asn1crypto format IP addresses without the platform's socket module.

    asn1crypto renders IP addresses (in SANs and name constraints) with ``socket.inet_ntop``, which
    Pyodide's socket module refuses for IPv6 ("unknown address family 10"), so such certificates would
    read as unusable in the browser while CPython reads them fine. asn1crypto ships a pure-Python
    implementation for platforms like this one; the verdict-parity tests in tests/hardening prove it.
    """
    from asn1crypto import _inet, util, x509  # noqa: PLC0415

    util.inet_ntop = x509.inet_ntop = _inet.inet_ntop
    util.inet_pton = x509.inet_pton = _inet.inet_pton


if IS_EMSCRIPTEN:
    _use_portable_inet()


def default_verifier() -> AsyncVerifier:
    """WebCrypto in Pyodide, pyca/cryptography everywhere else.

    Each backend is imported only on its own platform, so CPython never loads a module that imports
    `js`, and Pyodide never imports pyca/cryptography, which it does not have.
    """
    if IS_EMSCRIPTEN:
        module = importlib.import_module("._emscripten", __package__)
        verifier: AsyncVerifier = module.WebCryptoVerifier()
        return verifier
    module = importlib.import_module("._cpython", __package__)
    cpython_verifier: AsyncVerifier = module.CryptographyVerifier()
    return cpython_verifier
