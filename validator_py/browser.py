"""The validator's entry point for the browser: JSON in, JSON out, never an exception.

``site_assets/worker.js`` imports this module inside Pyodide and calls ``run`` once per user input. The page
renders the same ``Report.to_dict()`` as the CLI, so this module only translates between JSON and the core.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from validator_py import Environment, InputError, validate_async

_INTERNAL_ERROR = (
    "The validator hit an internal error on this input. Nothing was sent anywhere. "
    "Please check the file with `openssl x509 -in <file> -noout -text` "
    "and report the problem to security@nuvy.ai."
)
_BAD_ENVIRONMENTS = (
    "The page's list of Nuvy environments is missing or malformed, so nothing could be checked. "
    "Reload the page; if this persists, report it to security@nuvy.ai."
)


def _environment(entry: Any) -> Environment:
    required = ("id", "name", "ca_pem")
    if not isinstance(entry, dict) or not all(isinstance(entry.get(key), str) for key in required):
        raise TypeError("an environment needs string id, name and ca_pem")
    crl_pem = entry.get("crl_pem")
    return Environment(
        id=entry["id"],
        name=entry["name"],
        ca=entry["ca_pem"],
        crl=crl_pem if isinstance(crl_pem, str) else None,
    )


def _environments(environments_json: str) -> list[Environment]:
    entries = json.loads(environments_json)
    if not isinstance(entries, list) or not entries:
        raise TypeError("environments must be a non-empty list")
    return [_environment(entry) for entry in entries]


def _input(data: Any) -> str | bytes:
    """Accept a JS string, Python bytes, or a JS ``Uint8Array`` proxy (a dropped DER file)."""
    if isinstance(data, str | bytes):
        return data
    to_bytes = getattr(data, "to_bytes", None)
    if callable(to_bytes):
        result = to_bytes()
        if isinstance(result, bytes):
            return result
    raise TypeError(f"unsupported input type {type(data).__name__}")


def _error(code: str, message: str) -> str:
    return json.dumps({"ok": False, "code": code, "message": message})


async def run(  # noqa: PLR0917 - the worker calls it positionally, through Pyodide.
    data: str | bytes,
    environments_json: str,
    selected: str,
    now_ms: float,
    csr: str | None = None,
    crl: str | bytes | None = None,
) -> str:
    """Validate one input against the page's environments at the page's clock; return the page's JSON."""
    try:
        environments = _environments(environments_json)
    except (ValueError, TypeError):
        return _error("environments", _BAD_ENVIRONMENTS)
    try:
        # Imported here so a broken signature backend becomes one clear message instead of a dead worker.
        from validator_py._compat import default_verifier  # noqa: PLC0415

        # A CRL from the page's CRL box joins the input; the validator matches it to its issuer.
        parts = [_input(data), _input(crl)] if crl else [_input(data)]
        report = await validate_async(
            parts,
            environments,
            selected=selected,
            at=dt.datetime.fromtimestamp(now_ms / 1000, tz=dt.UTC),
            csr=csr or None,
            verifier=default_verifier(),
        )
    except InputError as error:
        return _error(error.code, str(error))
    except Exception:  # The page must always get an answer it can show; the details stay in the console.
        import traceback  # noqa: PLC0415

        traceback.print_exc()
        return _error("internal", _INTERNAL_ERROR)
    return json.dumps({"ok": True, "report": report.to_dict()})


def warmup() -> None:
    """Import and exercise the parsers once while the user reads the page, so the first check is quick."""
    from asn1crypto import csr, pem, x509  # noqa: F401, PLC0415

    import validator_py  # noqa: F401, PLC0415

    # A throwaway base64 round trip touches the codecs the input boundary uses on every call.
    base64.b64decode(base64.b64encode(b"nuvy"))
