"""Checks as data: an id, a title and a pure function; the runner turns surprises into findings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from .report import CheckResult, Status

Context = TypeVar("Context")
Outcome = tuple[Status, str]

# A verified signature: True/False from the backend, None when the backend cannot check that algorithm,
# or a sentence fragment saying why no request could even be built (e.g. an MD5 signature).
Verified = bool | None | str


@dataclass(frozen=True)
class Check(Generic[Context]):
    id: str
    title: str
    run: Callable[[Context], Outcome]


def run_checks(checks: Sequence[Check[Context]], context: Context) -> tuple[CheckResult, ...]:
    results = []
    for check in checks:
        try:
            status, message = check.run(context)
        except Exception as error:  # Broad on purpose: one broken check must not hide the others.
            status = Status.FAIL
            message = (
                f"Internal error in the validator while running this check ({type(error).__name__}). "
                "The result is unknown, so it counts as a failure. Please report it to Nuvy and check "
                "the certificate with `openssl verify -CAfile nuvy-ca.crt nuvy-client.crt` meanwhile."
            )
        results.append(CheckResult(id=check.id, status=status, message=message, title=check.title))
    return tuple(results)


def unverified_reason(verified: Verified) -> str:
    """Why a signature could not be confirmed, as a sentence fragment."""
    if verified is None:
        return "this platform cannot verify that signature algorithm"
    if isinstance(verified, str):
        return verified
    return "the signature does not verify"
