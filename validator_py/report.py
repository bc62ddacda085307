"""Results as values: a ``CheckResult`` per check, gathered in a ``Report`` the page and the CLI render."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from .record import field, record


class Status(StrEnum):
    PASS = "pass"  # noqa: S105 - a status, not a password.
    WARN = "warn"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"


@record
class CheckResult:
    id: str
    status: Status
    message: str
    title: str = ""
    # "environment", "path" (would a correct TLS server accept the chain?), "revocation", "profile" (is it
    # what Nuvy issues?), "csr" or "match"; the page and the CLI show the groups apart.
    group: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "status": self.status.value, "message": self.message, "title": self.title,
                "group": self.group}


@record
class Report:
    kind: str
    checks: tuple[CheckResult, ...]
    details: Mapping[str, Any] = field(default_factory=dict)
    bundle_pem: str | None = None

    @property
    def verdict(self) -> Status:
        statuses = {check.status for check in self.checks}
        if Status.FAIL in statuses:
            return Status.FAIL
        if Status.WARN in statuses:
            return Status.WARN
        return Status.PASS

    def check(self, check_id: str) -> CheckResult:
        """The result of one check by id; raises KeyError when the report has no such check."""
        for result in self.checks:
            if result.id == check_id:
                return result
        raise KeyError(check_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "kind": self.kind,
            "checks": [check.to_dict() for check in self.checks],
            "details": dict(self.details),
            "bundle_pem": self.bundle_pem,
        }
