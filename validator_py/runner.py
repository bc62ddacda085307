"""Checks as data: an id, a title and a pure function; the runner turns surprises into findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from .record import record
from .report import CheckResult, Status

# Contravariant: a check written for "anything with a certificate and a policy" (the shared profile) is
# also a check for every richer context, so certificate, CSR and chain lists can include it as it is.
Context_contra = TypeVar("Context_contra", contravariant=True)
Outcome = tuple[Status, str]

# Short names for the statuses, so that check functions read as a table of outcomes: ``return F, "..."``.
P, W, F, NA = Status.PASS, Status.WARN, Status.FAIL, Status.NOT_APPLICABLE

# A verified signature: True/False from the backend, None when the backend cannot check that algorithm,
# or a sentence fragment saying why no request could even be built (e.g. an MD5 signature).
Verified = bool | None | str


@record
class Check(Generic[Context_contra]):
    id: str
    title: str
    run: Callable[[Context_contra], Outcome]


def run_checks(
    checks: Sequence[Check[Context_contra]], context: Context_contra, group: str = ""
) -> tuple[CheckResult, ...]:
    results = []
    for check in checks:
        try:
            status, message = check.run(context)
        except Exception as error:  # Broad on purpose: one broken check must not hide the others.
            status = Status.FAIL
            message = (
                f"Internal error in the validator while running this check ({type(error).__name__}). "
                "The result is unknown, so it counts as a failure. Please report it to Nuvy and check the "
                "certificate with `openssl verify -CAfile nuvy-ca-<env>.crt nuvy-client-<env>.crt` meanwhile."
            )
        results.append(
            CheckResult(id=check.id, status=status, message=message, title=check.title, group=group)
        )
    return tuple(results)


def day(moment: dt.datetime) -> str:
    """A moment as messages show it: UTC to the minute, whatever zone the caller's clock was in."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def unverified_reason(verified: Verified) -> str:
    """Why a signature could not be confirmed, as a sentence fragment."""
    if verified is None:
        return "this platform cannot verify that signature algorithm"
    if isinstance(verified, str):
        return verified
    return "the signature does not verify"
