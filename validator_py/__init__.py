"""Nuvy's mTLS validator: bytes in, ``Report`` out, on CPython and in the browser (Pyodide).

    >>> report = validate(pem, [Environment("qa", "QA", qa_ca_pem)], selected="qa", at=now)
    >>> report.verdict, report.to_dict()
"""

from .inputs import InputError
from .pipeline import Environment, validate, validate_async
from .policy import Policy
from .report import CheckResult, Report, Status

__all__ = [
    "CheckResult",
    "Environment",
    "InputError",
    "Policy",
    "Report",
    "Status",
    "validate",
    "validate_async",
]
