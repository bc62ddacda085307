"""Fixtures for the browser tests: the built site, served with its real headers, and Debian's Chromium.

The site is built once per session with ``mkdocs build --strict`` into a tmp directory, unless
``NUVY_SITE_DIR`` points at a site nox already built. ``scripts/serve.py`` applies the site's
``_headers``, so the Content-Security-Policy is a real response header for the page and for the worker.
The Playwright driver itself is shared from tests/conftest.py. Pyodide takes several seconds to start
here, so each test module opens one browser and one page.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Playwright

from scripts.serve import SiteServer, serve_in_thread
from tests import site_stamp
from tests.e2e.validator_page import ValidatorPage, opened_validator_page

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR_PAGE = "validator/index.html"


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    prebuilt = os.environ.get("NUVY_SITE_DIR")
    if prebuilt:
        site = Path(prebuilt)
        assert (site / VALIDATOR_PAGE).is_file(), f"NUVY_SITE_DIR={prebuilt} has no {VALIDATOR_PAGE}"
        site_stamp.check_prebuilt(site)
        return site
    site = tmp_path_factory.mktemp("e2e-site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return site


@pytest.fixture(scope="session")
def site_server(site_dir: Path) -> Iterator[tuple[SiteServer, str]]:
    server, base_url = serve_in_thread(site_dir)
    yield server, base_url
    server.stop()


@pytest.fixture(scope="module")
def vp(playwright: Playwright, site_server: tuple[SiteServer, str]) -> Iterator[ValidatorPage]:
    """The validator page, opened once per test module (Pyodide's start-up is the slow part); a module that
    needs other browser flags (test_isolated_network.py) defines its own."""
    with opened_validator_page(playwright, site_server) as page:
        yield page


@pytest.fixture
def stays_private(vp: ValidatorPage) -> Iterator[None]:
    """After the test: nothing left the page, nothing was stored; then a new evidence window starts."""
    yield
    try:
        vp.assert_private()
    finally:
        vp.checkpoint()
