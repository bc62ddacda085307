"""The one place that knows the platform: it picks the signature backend once."""

from __future__ import annotations

import importlib
import sys

from ..signatures import AsyncVerifier

IS_EMSCRIPTEN = sys.platform == "emscripten"


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
