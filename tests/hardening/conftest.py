"""Fixtures of the hardening suite: the built site, one Chromium per module, one Pyodide per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.hardening import _site
from tests.hardening._harness import RECOVERED, PyodideHarness, pyodide_harness


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _site.build_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def runtime(site_dir: Path) -> _site.RuntimeUrls:
    return _site.runtime_urls(site_dir)


@pytest.fixture(scope="module")
def harness(
    browser: Browser, site_dir: Path, runtime: _site.RuntimeUrls, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PyodideHarness]:
    with pyodide_harness(browser, site_dir, runtime, tmp_path_factory.mktemp("harness")) as started:
        yield started


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in RECOVERED:
        terminalreporter.write_line(f"renderer crash recovered: {line}")
