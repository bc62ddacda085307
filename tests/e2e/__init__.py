"""Browser end-to-end tests of the validator page (Playwright + Debian Chromium)."""
