"""One RFC 5280 path validator for client certificates (anchor: an environment CA) and partner chains
(anchor: the self-signed root given). ``validate_path`` builds the path and returns the context the
rules in ``PATH_CHECKS`` read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence

from ..model import Certificate
from ..policy import Policy
from ..report import Status
from ..runner import Verified, run_checks
from .building import Budget, Built, Path, build
from .context import PathContext
from .rules import PATH_CHECKS

__all__ = ["PATH_CHECKS", "Budget", "PathContext", "validate_path"]


async def validate_path(
    leaf: Certificate,
    pool: Sequence[Certificate],
    anchors: Sequence[Certificate],
    *,
    anchor_labels: Mapping[bytes, str],
    mode: str,
    at: dt.datetime,
    policy: Policy,
    verify_link: Callable[[Certificate, Certificate], Awaitable[Verified]],
    signatures: dict[tuple[bytes, bytes], Verified],
    budget: Budget = Budget(),  # noqa: B008 - Budget is frozen, so a shared default is safe.
) -> PathContext:
    def context_for(built: Built) -> PathContext:
        return PathContext(built=built, at=at, policy=policy, mode=mode, anchor_labels=anchor_labels)

    def count_failures(path: Path) -> int:
        trial = context_for(Built(path, False, (), None, tuple(anchors)))
        return sum(1 for result in run_checks(PATH_CHECKS, trial) if result.status is Status.FAIL)

    built = await build(
        leaf,
        pool,
        anchors,
        verify_link=verify_link,
        count_failures=count_failures,
        budget=budget,
        signatures=signatures,
    )
    return context_for(built)
