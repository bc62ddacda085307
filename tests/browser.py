"""Debian's Chromium, launched the one way every browser test launches it.

The project never runs ``playwright install``: the tests drive the distribution's Chromium, so the flags
below turn off what a headless test browser must not do on its own (sandboxing needs privileges the CI
container lacks, and background networking would add requests the privacy tests would have to explain).
"""

from __future__ import annotations

from playwright.sync_api import Browser, Playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Shared memory in /tmp, not /dev/shm: a container's or a chroot's /dev/shm can be too small for the
    # Pyodide pages, and a renderer that runs out of it crashes ("Target crashed", seen once in nox -s fresh).
    "--disable-dev-shm-usage",
)


def launch_chromium(playwright: Playwright, *extra_args: str) -> Browser:
    """Launch Debian's Chromium with the shared flags, plus any a test needs (e.g. DNS rules)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])
