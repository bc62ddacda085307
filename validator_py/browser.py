"""The validator's entry point for the browser: JSON in, JSON out, never an exception.

``site_assets/worker.js`` imports this module inside Pyodide and calls ``run`` once per user input. The page
renders the same ``Report.to_dict()`` as the CLI, so this module only translates between JSON and the core.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from validator_py import Environment, InputError, validate_async
from validator_py.model import signed_request
from validator_py.pipeline import load_environment
from validator_py.record import record
from validator_py.signatures import AsyncVerifier, SignatureRequest

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


def _environments(environments_json: str) -> tuple[Environment, ...]:
    entries = json.loads(environments_json)
    if not isinstance(entries, list) or not entries:
        raise TypeError("environments must be a non-empty list")
    return tuple(_environment(entry) for entry in entries)


@record(frozen=False)
class _Prepared:
    """What the page's environments list yields before any input: a pure function of that JSON string."""

    environments: tuple[Environment, ...]
    verifier: AsyncVerifier | None = None


# The page sends the same environments with every check. Their parsing, and (in the browser) the
# WebCrypto import of each CA's public key, depend on that string alone, so the result for the last
# string is kept: keyed by the exact string, so an edited list is never answered from it, and holding
# nothing a user pasted (every report is built afresh; tests/fastpaths/test_environment_cache.py). Before
# the worker's memory snapshot only warm_up has used it, which leaves the verifier unset, so the snapshot
# holds the parsed list and no JavaScript object.
@functools.lru_cache(maxsize=1)
def _prepared(environments_json: str) -> _Prepared:
    return _Prepared(_environments(environments_json))


def _environment_requests(environments: tuple[Environment, ...]) -> list[SignatureRequest]:
    """The signatures the environments themselves carry, as the verifier is asked them: each CA's own
    (the warm-up check's) and its CRL's, which every check of a certificate under it verifies again."""
    requests = []
    for environment in environments:
        try:
            loaded = load_environment(environment)
        except InputError:
            continue  # The check itself reports the unusable CA; there is nothing to keep.
        ca = loaded.ca
        signed = [signed_request(ca.algorithm, ca.public_key, ca.tbs_der, ca.signature)]
        if loaded.crl is not None:
            crl = loaded.crl
            signed.append(signed_request(crl.algorithm, ca.public_key, crl.tbs_der, crl.signature))
        requests += [request for request in signed if isinstance(request, SignatureRequest)]
    return requests


async def _new_verifier() -> AsyncVerifier:
    # Imported here so a broken signature backend becomes one clear message instead of a dead worker.
    from validator_py._compat import default_verifier  # noqa: PLC0415

    return default_verifier()


async def _verifier(prepared: _Prepared) -> AsyncVerifier:
    """The verifier for these environments, made once. WebCrypto's then imports their CA keys and checks
    their own signatures (``prepare`` makes it after "ready", so the user's first check finds them done)."""
    if prepared.verifier is None:
        verifier = await _new_verifier()
        # Only the WebCrypto backend keeps anything: each key import and each verification is a round trip
        # to JavaScript, and a check of a certificate under an environment with a CRL made two of each.
        remember = getattr(verifier, "remember", None)
        if remember is not None:
            try:
                await remember(_environment_requests(prepared.environments))
            except Exception as error:  # Only a speed-up: without it, each check does its own.
                # To the console (the worker's stderr), like run's internal errors; the page is not told.
                print(f"The environments' keys and signatures were not kept ({type(error).__name__}).",
                      file=sys.stderr)
        prepared.verifier = verifier
    return prepared.verifier


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
        prepared = _prepared(environments_json)
    except (ValueError, TypeError):
        return _error("environments", _BAD_ENVIRONMENTS)
    return await _answer(lambda: _verifier(prepared), prepared.environments, data, selected, now_ms, csr, crl)


async def _answer(  # noqa: PLR0917 - run's arguments, and where the verifier comes from.
    verifier: Callable[[], Awaitable[AsyncVerifier]],
    environments: tuple[Environment, ...],
    data: str | bytes,
    selected: str,
    now_ms: float,
    csr: str | None = None,
    crl: str | bytes | None = None,
) -> str:
    """The page's JSON for one input, checked with what `verifier` gives (the shared one or the warm-up's)."""
    try:
        checked_with = await verifier()
        # A CRL from the page's CRL box joins the input; the validator matches it to its issuer.
        parts = [_input(data), _input(crl)] if crl else [_input(data)]
        report = await validate_async(
            parts,
            environments,
            selected=selected,
            at=dt.datetime.fromtimestamp(now_ms / 1000, tz=dt.UTC),
            csr=csr or None,
            verifier=checked_with,
        )
    except InputError as error:
        return _error(error.code, str(error))
    except Exception:  # The page must always get an answer it can show; the details stay in the console.
        import traceback  # noqa: PLC0415

        traceback.print_exc()
        return _error("internal", _INTERNAL_ERROR)
    return json.dumps({"ok": True, "report": report.to_dict()})


async def warm_up(environments_json: str, now_ms: float) -> str:
    """The worker's check before its memory snapshot and "ready": the first environment's own CA certificate,
    which verifies with its own key, through every path a user's certificate takes (parsing, the WebCrypto
    key import and verification, the report), so the user's first check pays none of the runtime's
    first-use costs. Returns what ``run`` would; the worker does not use it.

    Its verifier is its own and keeps nothing: the worker's memory snapshot comes next, and it can hold no
    WebCrypto CryptoKey. ``prepare`` imports the environments' keys once, after "ready".
    """
    try:
        environments = _prepared(environments_json).environments
    except (ValueError, TypeError):
        return _error("environments", _BAD_ENVIRONMENTS)
    first = environments[0]
    return await _answer(_new_verifier, environments, first.ca, first.id, now_ms)


async def prepare(environments_json: str) -> None:
    """Make the verifier the user's checks use (the environments' CA keys imported, their own signatures
    checked), which the worker asks for straight after "ready". Never raises: it only saves the first check
    that work, and a check reports whatever stops it (a malformed list, a broken signature backend)."""
    try:
        await _verifier(_prepared(environments_json))
    except Exception as error:  # The first check meets the same failure and says what it is.
        print(f"The environments' verifier was not prepared ({type(error).__name__}).", file=sys.stderr)

