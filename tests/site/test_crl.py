"""Revocation published per environment: the `crl:` of `extra.environments`, its build guards, the download
page's CRL facts, the validator page's data, and the committed demo CRLs.

Each guard is tested twice where it matters: on `hooks.environments` directly (every message), and in a real
`mkdocs build` of a project copy (the build stops and names the file).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import html
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from site_helpers import ROOT, CertMaker, run_build

from hooks import environments, pages
from validator_py import browser

NOW = dt.datetime.now(dt.UTC)
DAY = dt.timedelta(days=1)
ENVIRONMENTS = ("qa", "production")
ASSETS = ROOT / "docs" / "assets"
DATA = re.compile(r'<script type="application/json" id="nuvy-data">(.*?)</script>', re.S)


def make_crl(
    key: rsa.RSAPrivateKey,
    issuer_cn: str = "Unit DEMO CA",
    *,
    revoked: tuple[int, ...] = (),
    this_update: dt.datetime | None = None,
    next_update: dt.datetime | None = None,
    number: int | None = 7,
) -> bytes:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_cn)]))
        .last_update(this_update or NOW - DAY)
        .next_update(next_update or NOW + 7 * DAY)
    )
    if number is not None:
        builder = builder.add_extension(x509.CRLNumber(number), critical=False)
    for serial in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(NOW - DAY).build()
        )
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def _entry(**overrides: Any) -> dict[str, Any]:
    return {"id": "qa", "name": "QA", "ca": "ca.crt", "host": "qa.example", "crl": "ca.crl", **overrides}


@pytest.fixture
def docs(tmp_path: Path, make_cert: CertMaker) -> Path:
    (tmp_path / "ca.crt").write_bytes(make_cert(common_name="Unit DEMO CA"))
    return tmp_path


def _load(docs: Path, **overrides: Any) -> environments.CaEnvironment:
    return environments.load_environments([_entry(**overrides)], docs, NOW)[0]


def _refused(docs: Path, **overrides: Any) -> str:
    with pytest.raises(environments.CaConfigError) as caught:
        _load(docs, **overrides)
    return str(caught.value)


# hooks.environments ------------------------------------------------------------------------------------


def test_crl_facts_are_read_from_the_file(docs: Path, signing_key: rsa.RSAPrivateKey) -> None:
    data = make_crl(signing_key, revoked=(5, 6), this_update=NOW - 2 * DAY, next_update=NOW + 5 * DAY)
    (docs / "ca.crl").write_bytes(data)
    crl = _load(docs).crl
    assert crl is not None
    parsed = x509.load_pem_x509_crl(data)
    assert crl.path == "ca.crl"
    assert crl.pem == data.decode("ascii")
    assert crl.sha256 == environments.colon_fingerprint(parsed.public_bytes(serialization.Encoding.DER))
    assert (crl.this_update, crl.next_update) == (parsed.last_update_utc, parsed.next_update_utc)
    assert (crl.number, crl.revoked) == (7, 2)


def test_a_der_crl_is_taken_and_published_as_pem(docs: Path, signing_key: rsa.RSAPrivateKey) -> None:
    pem = make_crl(signing_key)
    der = x509.load_pem_x509_crl(pem).public_bytes(serialization.Encoding.DER)
    (docs / "ca.crl").write_bytes(der)
    crl = _load(docs).crl
    assert crl is not None
    assert crl.pem == pem.decode("ascii")


def test_an_environment_without_crl_has_none(docs: Path) -> None:
    entry = _entry()
    del entry["crl"]
    assert environments.load_environments([entry], docs, NOW)[0].crl is None


def test_crl_of_another_ca_is_refused(docs: Path) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (docs / "ca.crl").write_bytes(make_crl(other, "Some Other CA"))
    assert _refused(docs) == (
        "docs/ca.crl: was not issued by the environment's CA (docs/ca.crt, CN=Unit DEMO CA): its issuer is "
        "CN=Some Other CA. Publish the CRL that this CA issued, or fix `crl:` in mkdocs.yml"
    )


def test_crl_with_the_cas_name_but_another_key_is_refused(docs: Path) -> None:
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (docs / "ca.crl").write_bytes(make_crl(forger))
    assert _refused(docs) == (
        "docs/ca.crl: was not signed by the environment's CA (docs/ca.crt): its signature does not verify "
        "with that CA's key, although it names the CA as its issuer. Publish the CRL that this CA issued, or "
        "fix `crl:` in mkdocs.yml"
    )


def test_crl_past_its_next_update_is_refused(docs: Path, signing_key: rsa.RSAPrivateKey) -> None:
    lapsed = (NOW - DAY).replace(microsecond=0)
    (docs / "ca.crl").write_bytes(make_crl(signing_key, this_update=NOW - 8 * DAY, next_update=lapsed))
    assert _refused(docs) == (
        f"docs/ca.crl: is past its nextUpdate ({lapsed.isoformat()}): certificates revoked since then are "
        "not on it. Publish the CA's current CRL (for the demo CAs, whose keys are gone: run "
        "`python scripts/make_demo_pki.py`, then update the sha256 pins and run `nox -s pin`)"
    )


def test_crl_not_valid_yet_is_refused(docs: Path, signing_key: rsa.RSAPrivateKey) -> None:
    future = (NOW + DAY).replace(microsecond=0)
    (docs / "ca.crl").write_bytes(make_crl(signing_key, this_update=future, next_update=NOW + 8 * DAY))
    assert _refused(docs) == (
        f"docs/ca.crl: is not valid yet (thisUpdate {future.isoformat()}); check the file and the clock"
    )


def test_crl_without_a_number_is_refused(docs: Path, signing_key: rsa.RSAPrivateKey) -> None:
    (docs / "ca.crl").write_bytes(make_crl(signing_key, number=None))
    assert _refused(docs) == (
        "docs/ca.crl: has no CRL number (RFC 5280 section 5.2.3), so the validator would refuse it; publish "
        "the CA's CRL with its CRL number"
    )


def test_missing_crl_file_is_refused(docs: Path) -> None:
    assert _refused(docs) == (
        "docs/ca.crl: CRL file not found; put the CA's current CRL there (for the demo CAs: run "
        "`python scripts/make_demo_pki.py`), or remove `crl:` from the environment of docs/ca.crt"
    )


def test_unreadable_crl_file_is_refused(docs: Path, make_cert: CertMaker) -> None:
    (docs / "ca.crl").write_bytes(make_cert(common_name="Not a CRL"))
    message = _refused(docs)
    assert message.startswith("docs/ca.crl: not a readable CRL (")
    assert message.endswith("); replace it with the CA's current CRL in PEM")


@pytest.mark.parametrize("value", ["", 3, ["ca.crl"]])
def test_crl_entry_must_be_a_path(docs: Path, value: object) -> None:
    assert _refused(docs, crl=value) == (
        "mkdocs.yml: the `crl:` of environment 'qa' must be a file path relative to docs/"
    )


# A real build of a project copy ------------------------------------------------------------------------


def _assert_build_fails(project: Path, *fragments: str) -> None:
    result = run_build(project)
    assert result.returncode != 0, f"the build should have failed:\n{result.output}"
    for fragment in fragments:
        assert fragment in result.output, f"{fragment!r} not in:\n{result.output}"
    assert "Traceback" not in result.output


def test_build_fails_on_a_crl_its_ca_did_not_sign(project: Path) -> None:
    # Production's CRL where QA's belongs: a real CRL, of the wrong CA.
    qa_crl = project / "docs" / "assets" / "ca" / "qa" / "nuvy-ca.crl"
    qa_crl.write_bytes((project / "docs" / "assets" / "ca" / "production" / "nuvy-ca.crl").read_bytes())
    _assert_build_fails(
        project, "docs/assets/ca/qa/nuvy-ca.crl: was not issued by the environment's CA",
        "docs/assets/ca/qa/nuvy-ca.crt", "its issuer is CN=Nuvy DEMO Production Client CA",
        "Publish the CRL that this CA issued",
    )


def test_build_fails_on_a_crl_past_its_next_update(
    project: Path, make_cert: CertMaker, signing_key: rsa.RSAPrivateKey
) -> None:
    # The demo keys are gone, so QA gets a CA of the test's own, with a CRL that lapsed yesterday.
    ca = make_cert(common_name="Nuvy DEMO QA Test CA")
    (project / "docs" / "assets" / "ca" / "qa" / "nuvy-ca.crt").write_bytes(ca)
    lapsed = make_crl(signing_key, "Nuvy DEMO QA Test CA", this_update=NOW - 8 * DAY, next_update=NOW - DAY)
    (project / "docs" / "assets" / "ca" / "qa" / "nuvy-ca.crl").write_bytes(lapsed)
    config = project / "mkdocs.yml"
    der = x509.load_pem_x509_certificate(ca).public_bytes(serialization.Encoding.DER)
    pin = environments.colon_fingerprint(der)
    pattern = r'(id: qa\n(?:\s+\w+: .*\n)*?\s+sha256: )"[^"]*"'
    text, count = re.subn(pattern, rf'\g<1>"{pin}"', config.read_text())
    assert count == 1
    config.write_text(text)
    _assert_build_fails(
        project, "docs/assets/ca/qa/nuvy-ca.crl: is past its nextUpdate",
        "certificates revoked since then are not on it", "Publish the CA's current CRL",
    )


# The built site ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page_data(built_site: Path) -> dict[str, Any]:
    page = (built_site / "validator" / "index.html").read_text(encoding="utf-8")
    raw = DATA.search(page)
    assert raw
    data: dict[str, Any] = json.loads(raw.group(1))
    return data


@pytest.mark.parametrize("env_id", ENVIRONMENTS)
def test_the_site_publishes_each_crl_next_to_its_ca(built_site: Path, env_id: str) -> None:
    published = built_site / "ca" / env_id / "nuvy-ca.crl"
    assert published.read_bytes() == (ASSETS / "ca" / env_id / "nuvy-ca.crl").read_bytes()


def test_page_data_carries_each_environments_crl(page_data: dict[str, Any]) -> None:
    for env in page_data["environments"]:
        assert env["crl_pem"] == (ASSETS / "ca" / env["id"] / "nuvy-ca.crl").read_text(encoding="ascii")


def test_revoked_sample_is_the_default_environments(page_data: dict[str, Any]) -> None:
    default = page_data["default_environment"]
    expected = (ASSETS / "samples" / f"client-{default}-revoked.crt").read_text(encoding="ascii")
    assert page_data["samples"]["revoked"] == expected
    button = '<button type="button" class="md-button nuvy-sample" data-sample="revoked">Revoked certificate'
    assert button in (ROOT / "docs" / "validator.md").read_text(encoding="utf-8")


def _run_browser_entry(page_data: dict[str, Any], sample: str, selected: str) -> dict[str, Any]:
    # The browser's own entry point, given the page's environments exactly as boot.js passes them.
    environments_json = json.dumps(page_data["environments"])
    # In a thread of its own: a browser test of the session may have left an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        answer = pool.submit(
            asyncio.run, browser.run(sample, environments_json, selected, NOW.timestamp() * 1000)
        ).result()
    result: dict[str, Any] = json.loads(answer)
    assert result["ok"], result
    return result["report"]


def test_the_validator_page_checks_revocation_against_the_published_crl(page_data: dict[str, Any]) -> None:
    default = page_data["default_environment"]
    revoked = _run_browser_entry(page_data, page_data["samples"]["revoked"], default)
    statuses = {check["id"]: check for check in revoked["checks"]}
    assert revoked["verdict"] == "fail"
    assert statuses["revocation.status"]["status"] == "fail"
    assert "was revoked by the QA CA (qa)" in statuses["revocation.status"]["message"]
    assert "(reason: key compromise)" in statuses["revocation.status"]["message"]
    valid = _run_browser_entry(page_data, page_data["samples"]["valid"], default)
    statuses = {check["id"]: check for check in valid["checks"]}
    assert valid["verdict"] == "pass", statuses
    assert statuses["revocation.status"]["status"] == "pass"
    assert statuses["revocation.status"]["message"].startswith("Not revoked:")
    # The other environment's sample, checked against its own environment, is checked with that CRL.
    other = next(env["id"] for env in page_data["environments"] if env["id"] != default)
    switched = _run_browser_entry(page_data, page_data["samples"]["other_env"], other)
    statuses = {check["id"]: check for check in switched["checks"]}
    assert statuses["revocation.status"]["status"] == "pass", statuses["revocation.status"]


def _section(page: str, env_id: str) -> str:
    blocks = page.split('<div class="tabbed-block">')[1:]
    return blocks[ENVIRONMENTS.index(env_id)]


def _openssl(*args: str | Path) -> str:
    return subprocess.run(["openssl", *map(str, args)], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("env_id", ENVIRONMENTS)
def test_download_page_offers_the_crl_with_what_openssl_reads_in_it(built_site: Path, env_id: str) -> None:
    page = (built_site / "download" / "index.html").read_text(encoding="utf-8")
    section = _section(page, env_id)
    name = f"nuvy-ca-{env_id}.crl"
    link = re.search(rf'<a href="([^"]+)" class="md-button" download="{name}"[^>]*>([^<]*)</a>', section)
    assert link, section
    target = (built_site / "download" / html.unescape(link.group(1))).resolve()
    assert target == (built_site / "ca" / env_id / "nuvy-ca.crl").resolve()
    assert link.group(2) == f"Download {name} ({'QA' if env_id == 'qa' else 'Production'})"
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section)).split())
    fingerprint = _openssl("crl", "-in", target, "-noout", "-fingerprint", "-sha256").strip().split("=", 1)[1]
    assert f"SHA-256 fingerprint {fingerprint}" in text
    crl = x509.load_pem_x509_crl(target.read_bytes())
    assert crl.next_update_utc is not None
    this_update = crl.last_update_utc.strftime("%Y-%m-%d %H:%M:%S UTC")
    next_update = crl.next_update_utc.strftime("%Y-%m-%d %H:%M:%S UTC")
    assert f"This update (issued) {this_update}" in text
    assert f"Next update (valid until) {next_update}" in text
    assert "CRL number 1" in text
    assert "Revoked certificates 1" in text
    assert 'href="../guide/#9-rotation-and-revocation"' in section


def test_pages_leave_out_the_crl_of_an_environment_without_one(built_site: Path) -> None:
    del built_site  # Only the hooks: an environment without `crl:` gets no CRL section and no crl_pem.
    env = environments.CaEnvironment(
        id="qa", name="QA", host="h", ca_path="ca.crt", ca_pem="", sha256="", subject="CN=x", serial="01",
        not_before=NOW, not_after=NOW,
    )
    assert ".crl" not in pages.downloads_markdown([env], "download/")


# The committed demo PKI --------------------------------------------------------------------------------


@pytest.mark.parametrize("env_id", ENVIRONMENTS)
def test_demo_crl_revokes_the_revoked_sample_only(env_id: str) -> None:
    ca, crl = ASSETS / "ca" / env_id / "nuvy-ca.crt", ASSETS / "ca" / env_id / "nuvy-ca.crl"
    assert "verify OK" in subprocess.run(
        ["openssl", "crl", "-in", crl, "-CAfile", ca, "-noout"], capture_output=True, text=True, check=True,
    ).stderr
    valid = ASSETS / "samples" / f"client-{env_id}.crt"
    revoked = ASSETS / "samples" / f"client-{env_id}-revoked.crt"
    ok = subprocess.run(["openssl", "verify", "-crl_check", "-CRLfile", crl, "-CAfile", ca, valid],
                        capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.strip() == f"{valid}: OK"
    refused = subprocess.run(["openssl", "verify", "-crl_check", "-CRLfile", crl, "-CAfile", ca, revoked],
                             capture_output=True, text=True, check=False)
    assert refused.returncode != 0
    assert "error 23 at 0 depth lookup: certificate revoked" in refused.stdout + refused.stderr


@pytest.mark.parametrize("env_id", ENVIRONMENTS)
def test_demo_crl_outlives_the_demo_samples(env_id: str) -> None:
    # The demo CA keys are gone, so the CRL can never be renewed: it must stay current as long as the
    # samples it is shown with are valid, and carry the CRL number the validator requires.
    crl = x509.load_pem_x509_crl((ASSETS / "ca" / env_id / "nuvy-ca.crl").read_bytes())
    valid = x509.load_pem_x509_certificate((ASSETS / "samples" / f"client-{env_id}.crt").read_bytes())
    assert crl.next_update_utc is not None
    assert crl.next_update_utc >= valid.not_valid_after_utc
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 1
    assert not crl.extensions.get_extension_for_class(x509.CRLNumber).critical
    assert crl.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
    assert "DEMO" in crl.issuer.rfc4514_string()
