"""The harness survives one renderer crash per call, says so in the run's summary, and fails on a second.

A crash is Chromium's renderer process dying (``Target crashed``), which CI saw once under the catalogue
parity test; it says nothing about a verdict. Every other error from a call still fails the test at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from tests.hardening._harness import CRASHED, RECOVERED, PyodideHarness

ANSWER = "import json\njson.dumps(6 * 7)"


class _CrashingPage:
    """A page whose every call dies the way a crashed renderer's does."""

    def __init__(self) -> None:
        self.closed = False

    def set_default_timeout(self, timeout: float) -> None:
        pass

    def evaluate(self, *args: Any) -> Any:
        raise PlaywrightError(f"Page.evaluate: {CRASHED}")

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def recovered() -> Iterator[list[str]]:
    """RECOVERED as this test left it, restored afterwards: a crash made on purpose is not a real one."""
    before = list(RECOVERED)
    yield RECOVERED
    RECOVERED[:] = before


def test_a_crashed_renderer_is_replaced_once(harness: PyodideHarness, recovered: list[str]) -> None:
    assert harness.run(ANSWER) == 42
    crashed = harness.page
    with contextlib.suppress(PlaywrightError):  # Chromium's own URL for killing the renderer.
        crashed.goto("chrome://crash")
    with pytest.raises(PlaywrightError, match=CRASHED):
        crashed.evaluate("1")
    assert harness.run(ANSWER) == 42
    assert harness.page is not crashed
    test = "tests/hardening/test_harness_recovery.py::test_a_crashed_renderer_is_replaced_once"
    assert recovered[-1] == f"{test}: the harness page's renderer crashed; the call ran again on a new page"


def test_a_second_crash_on_the_same_call_fails(recovered: list[str]) -> None:
    pages: list[_CrashingPage] = []

    def open_page() -> tuple[Page, list[str]]:
        pages.append(_CrashingPage())
        return pages[-1], []  # type: ignore[return-value]

    harness = PyodideHarness(open_page)
    count = len(recovered)
    with pytest.raises(AssertionError, match="the harness page's renderer crashed twice on the same call"):
        harness.run(ANSWER)
    assert len(pages) == 2
    assert pages[0].closed
    assert not pages[1].closed
    assert len(recovered) == count + 1


def test_any_other_error_fails_at_once_without_a_new_page(
    harness: PyodideHarness, recovered: list[str]
) -> None:
    page, count = harness.page, len(recovered)
    with pytest.raises(PlaywrightError, match="ValueError: not a crash"):
        harness.run("raise ValueError('not a crash')")
    assert harness.page is page
    assert len(recovered) == count
