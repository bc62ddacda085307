"""Shared fixtures: a session-wide test PKI (generated at run time, never committed) and a fixed time.

``from tests import pki`` works from every test package because the repository root is put on
``sys.path`` here; ``pytest`` on its own (as nox runs it) does not add the current directory.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import pki as _pki  # noqa: E402 - needs the path set above.

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright


@dataclass(frozen=True)
class NuvyPKI:
    """The two Nuvy environments of the guide, as RSA-4096 roots, and the fixed time tests run at."""

    qa: _pki.Issued
    production: _pki.Issued
    now: dt.datetime


@pytest.fixture(scope="session")
def pki() -> NuvyPKI:
    return NuvyPKI(
        qa=_pki.make_ca("Nuvy QA CA", key_slot=100),
        production=_pki.make_ca("Nuvy Production CA", key_slot=101),
        now=_pki.NOW,
    )


@pytest.fixture(scope="session")
def now() -> dt.datetime:
    return _pki.NOW


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """The one sync Playwright driver of the session, shared by every browser test package.

    Only one sync driver can run per thread: a second ``sync_playwright()`` while this one is alive fails
    with "Sync API inside the asyncio loop", so no test package may start its own.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, one per test module, launched the shared way (tests/browser.py)."""
    from tests.browser import launch_chromium

    chromium = launch_chromium(playwright)
    try:
        yield chromium
    finally:
        chromium.close()
