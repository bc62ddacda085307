"""Runs Wycheproof cases through one signature backend; the same source runs on CPython and in Pyodide.

The browser test sends this file's text to the harness page and calls ``verify_cases`` there with
``WebCryptoVerifier``; the CPython test imports it and calls it with the pyca/cryptography verifier. Sharing
the code means a difference in outcome can only come from the backend, not from the driver.
Only the standard library and ``validator_py.signatures`` are used, so it runs unchanged in Pyodide.
"""

from __future__ import annotations

from typing import Any


async def verify_cases(cases: list[dict[str, Any]], verifier: Any) -> list[dict[str, Any]]:
    """Verify each case; the outcome is True, False, None (unsupported), or "error: ..." when it raised."""
    from validator_py.signatures import SignatureRequest

    outcomes: list[dict[str, Any]] = []
    for case in cases:
        if case["precheck"] is not None:
            outcomes.append({"name": case["name"], "outcome": False})
            continue
        request = SignatureRequest(
            scheme=case["scheme"],
            hash=case["hash"],
            salt_length=case["salt_length"],
            curve=case["curve"],
            spki_der=bytes.fromhex(case["spki_der"]),
            message=bytes.fromhex(case["message"]),
            signature=bytes.fromhex(case["signature"]),
        )
        try:
            outcome: Any = await verifier.verify(request)
        except Exception as error:  # A backend that raises breaks the seam's contract; record it.
            outcome = f"error: {type(error).__name__}: {error}"
        outcomes.append({"name": case["name"], "outcome": outcome})
    return outcomes
