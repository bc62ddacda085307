"""Times in messages are UTC whatever the machine's local zone is (runner.day)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest

from validator_py.runner import day


@pytest.fixture
def clock_at_utc_plus_9(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A local zone nine hours ahead of UTC (a POSIX TZ string, so no zone database is needed)."""
    monkeypatch.setenv("TZ", "NUV-9")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("clock_at_utc_plus_9")
@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-3))),
    ],
    ids=["utc", "minus-3"],
)
def test_a_moment_is_shown_in_utc_not_in_the_local_zone(moment: dt.datetime) -> None:
    assert time.localtime(0).tm_gmtoff == 9 * 3600  # the fixture did change the local zone
    assert day(moment) == "2026-06-15 12:00 UTC"
