"""The whole flow in a Chromium that cannot resolve any host name except the local server.

``--host-resolver-rules`` makes every DNS lookup fail, so a page or worker that depended on a CDN, a font
service or any other third party would fail to start here instead of quietly phoning out.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from playwright.sync_api import Playwright

from scripts.serve import SiteServer
from tests.e2e.validator_page import ValidatorPage, opened_validator_page

pytestmark = pytest.mark.e2e

NO_DNS = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


@pytest.fixture(scope="module")
def vp(playwright: Playwright, site_server: tuple[SiteServer, str]) -> Iterator[ValidatorPage]:
    with opened_validator_page(playwright, site_server, NO_DNS) as page:
        yield page


def test_outside_hosts_really_are_unreachable(vp: ValidatorPage) -> None:
    # Proves the flag took effect, from a separate blank context so the validator's recorders stay clean.
    context = vp.browser.new_context()
    try:
        error = context.new_page().evaluate(
            """async () => {
              try { await fetch("http://example.com/", { mode: "no-cors" }); return null; }
              catch (error) { return String(error); }
            }"""
        )
    finally:
        context.close()
    assert error is not None
    assert "Failed to fetch" in error


def test_whole_flow_without_dns(vp: ValidatorPage) -> None:
    data = vp.data()
    valid = data["samples"]["valid"]
    der = x509.load_pem_x509_certificate(valid.encode("ascii")).public_bytes(serialization.Encoding.DER)
    vp.remember(der)
    assert vp.sample("valid").verdict == "pass"
    other = vp.sample("other_env")
    assert other.status("environment.issuer") == "fail"
    assert vp.drop_file("client.der", der).verdict == "pass"
    assert vp.pick_file("client.pem", valid.encode("ascii")).verdict == "pass"
    assert vp.sample("csr").kind == "csr"
    chain = vp.sample("chain")
    assert chain.kind == "chain"
    with vp.page.expect_download() as download_info:
        vp.page.click("#nuvy-bundle-link")
    assert b"-----BEGIN CERTIFICATE-----" in download_info.value.path().read_bytes()
    vp.assert_private()
