"""Checking input against one QA environment, the commonest set-up of the core tests' input cases."""

from __future__ import annotations

import functools

import pytest

from tests import pki as mk
from validator_py import Environment, InputError, Report, validate


@functools.cache
def qa_ca() -> mk.Issued:
    return mk.make_ca("Nuvy QA CA", key_slot=100)


def run(data: str | bytes | list[str | bytes], **options: object) -> Report:
    """``validate`` against the QA environment at the suite's fixed time."""
    return validate(data, [Environment("qa", "QA", qa_ca().pem)], selected="qa", at=mk.NOW,
                    **options)  # type: ignore[arg-type]


def refused(data: str | bytes | list[str | bytes], **options: object) -> tuple[str, str]:
    """The (code, message) of the InputError ``run`` raises; fails the test when it raises none."""
    with pytest.raises(InputError) as caught:
        run(data, **options)
    return caught.value.code, caught.value.message
