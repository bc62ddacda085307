"""Verdict parity: the same corpus gives the same verdict, kind, check ids and statuses on CPython
(``validator_py.validate`` with pyca/cryptography) and in Chromium (``validator_py.browser.run`` inside the
site's Pyodide, with WebCrypto). Any difference fails, with a diff table naming the item and the check.

Corpus: the generated defect matrix (``_corpus.defect_matrix``: valid, expired, not yet valid, wrong CA,
forged issuer name, SHA-1, RSA-1024, no clientAuth EKU, CA:TRUE, missing OU, P-256, Ed25519, RSA-PSS,
revoked per CRL, CSRs, certificate + CSR match, partner chains with ECDSA links, and unreadable inputs)
plus 300 certificate/CSR/CRL files of ``cryptography-vectors``, all at the fixed time ``tests.pki.NOW``.

A subset also goes through the real validator page (typed into the text box, environment picked with the
radio buttons) and is compared with CPython through the ``data-verdict`` / ``data-check-id`` /
``data-status`` attributes the page renders; see ``test_page_ui_matches_cpython``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests import pki
from tests.hardening import _corpus, _live, _parity, _site
from tests.hardening._harness import PyodideHarness

BROWSER_CALL = """
import base64, json
from validator_py.browser import run
args = json.loads(args_json)
answers = {}
for item in args["items"]:
    data = base64.b64decode(item["data"]) if item["binary"] else item["data"]
    answers[item["name"]] = json.loads(
        await run(data, args["environments_json"], item["selected"], args["now_ms"], item["csr"])
    )
json.dumps(answers)
"""
BATCH = 60


@pytest.fixture(scope="module")
def envs() -> _corpus.Environments:
    # The same key slots as tests/conftest.py's session CAs, so the cached RSA-4096 keys are reused.
    return _corpus.environments(
        pki.make_ca("Nuvy QA CA", key_slot=100), pki.make_ca("Nuvy Production CA", key_slot=101)
    )


@pytest.fixture(scope="module")
def corpus(envs: _corpus.Environments) -> list[_corpus.Item]:
    items = _corpus.defect_matrix(envs) + _corpus.vector_items()
    assert len({item.name for item in items}) == len(items), "corpus item names must be unique"
    return items


@pytest.fixture(scope="module")
def cpython_summaries(corpus: list[_corpus.Item], envs: _corpus.Environments) -> dict[str, _parity.Summary]:
    page_envs = envs.as_page_json()
    return {item.name: _parity.summary(_parity.cpython_answer(item, page_envs, pki.NOW)) for item in corpus}


def browser_answers(
    harness: PyodideHarness, items: list[_corpus.Item], environments_json: str, at: dt.datetime
) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for start in range(0, len(items), BATCH):
        args = {
            "items": [item.to_json() for item in items[start : start + BATCH]],
            "environments_json": environments_json,
            "now_ms": at.timestamp() * 1000,
        }
        answers.update(harness.run(BROWSER_CALL, args, timeout_ms=240_000))
    return answers


@pytest.fixture(scope="module")
def browser_summaries(
    harness: PyodideHarness,
    corpus: list[_corpus.Item],
    envs: _corpus.Environments,
    site_dir: Path,
    runtime: _site.RuntimeUrls,
) -> dict[str, _parity.Summary]:
    stale = _site.stale_bundle_files(site_dir, runtime)
    assert not stale, (
        f"the site's validator bundle is older than the working tree ({stale}); rebuild the site"
    )
    answers = browser_answers(harness, corpus, json.dumps(envs.as_page_json()), pki.NOW)
    return {name: _parity.summary(answer) for name, answer in answers.items()}


# Parity only means something if the corpus reaches every defect: each row is (item, check id, status)
# on CPython. The values are the product's rules (guide step 5 and the Nuvy profile), not a snapshot.
DEFECT_TABLE = (
    ("valid", "signature.valid", "pass"),
    ("expired", "validity.period", "fail"),
    ("not_yet_valid", "validity.period", "fail"),
    ("expiring_soon", "validity.expiring_soon", "warn"),
    ("wrong_ca", "path.build", "fail"),
    ("forged_issuer_name", "signature.valid", "fail"),
    ("sha1", "signature.hash", "fail"),
    ("rsa1024", "key.strength", "fail"),
    ("server_auth_only", "eku.client_auth", "fail"),
    ("no_eku", "eku.client_auth", "fail"),
    ("ca_true", "basic_constraints.not_ca", "fail"),
    ("missing_ou", "subject.ou", "warn"),
    ("p256_key", "signature.valid", "pass"),
    ("ed25519_key", "key.strength", "pass"),
    ("rsa_pss_signature", "signature.valid", "pass"),
    ("valid", "revocation.crl_extensions", "pass"),
    ("revoked", "revocation.status", "fail"),
    ("csr_ca_true", "csr.not_ca", "fail"),
    ("csr_sha1", "signature.hash", "fail"),
    ("match", "match.public_key", "pass"),
    ("mismatch", "match.public_key", "fail"),
    ("chain_ecdsa_partner", "signature.valid", "pass"),
    ("chain_incomplete", "path.build", "fail"),
)
ERROR_TABLE = (
    ("empty", "empty"),
    ("garbage", "unparseable"),
    ("private_key", "private_key"),
    ("public_key", "unsupported"),
    ("truncated_pem", "unparseable"),
)


@pytest.mark.parametrize(("name", "check_id", "status"), DEFECT_TABLE)
def test_defect_matrix_reaches_each_defect(
    cpython_summaries: dict[str, _parity.Summary], name: str, check_id: str, status: str
) -> None:
    summary = cpython_summaries[name]
    assert summary[0] != "error", summary
    assert dict(summary[2]).get(check_id) == status, summary


@pytest.mark.parametrize(("name", "code"), ERROR_TABLE)
def test_defect_matrix_reaches_each_input_error(
    cpython_summaries: dict[str, _parity.Summary], name: str, code: str
) -> None:
    assert cpython_summaries[name] == ("error", code)


def test_diff_table_names_item_and_check() -> None:
    left = {"a": ("fail", "certificate", (("signature.valid", "fail"), ("eku.client_auth", "pass")))}
    right = {"a": ("pass", "certificate", (("signature.valid", "pass"), ("eku.client_auth", "pass")))}
    rows = _parity.diff_table(["a"], left, right, "cpython", "browser")
    assert rows[0] == "a: verdict/kind cpython=('fail', 'certificate') | browser=('pass', 'certificate')"
    assert rows[1].startswith("a: signature.valid")
    assert rows[1].endswith("browser=pass")
    assert len(rows) == 2
    assert _parity.diff_table(["a"], left, {"a": ("error", "unparseable")}, "x", "y") == [
        f"a: x={left['a']!r} | y=('error', 'unparseable')"
    ]


@pytest.mark.e2e
def test_browser_matches_cpython_on_the_whole_corpus(
    corpus: list[_corpus.Item],
    cpython_summaries: dict[str, _parity.Summary],
    browser_summaries: dict[str, _parity.Summary],
) -> None:
    names = [item.name for item in corpus]
    rows = _parity.diff_table(names, cpython_summaries, browser_summaries, "cpython", "browser")
    assert not rows, f"{len(rows)} differences between CPython and the browser:\n" + "\n".join(rows)
    assert len(browser_summaries) == len(corpus)


# ------------------------------------------------------------------------------------------- real page UI

UI_VECTOR_FILES = (
    "x509/custom/valid_signature_cert.pem",
    "x509/requests/rsa_sha256.pem",
    "x509/ecdsa_root.pem",
)


@pytest.fixture(scope="module")
def served_site(site_dir: Path) -> Iterator[str]:
    with _live.served(site_dir) as (_, base_url):
        yield base_url


def _page_items(site_dir: Path, envs: _corpus.Environments) -> list[_corpus.Item]:
    """The page's own samples (in both environments), a few defects, and three vector files."""
    data = _site.page_data(site_dir)
    samples = data.get("samples")
    assert isinstance(samples, dict), "the validator page has no samples in nuvy-data"
    assert samples, "the validator page's samples are empty"
    environment_ids = [str(env["id"]) for env in data["environments"]]  # type: ignore[attr-defined]
    default = str(data.get("default_environment") or environment_ids[0])
    items = [
        _corpus.Item(f"sample:{key}@{environment}", text, selected=environment)
        for key, text in sorted(samples.items())
        for environment in environment_ids
    ]
    matrix = {item.name: item for item in _corpus.defect_matrix(envs)}
    items += [
        _corpus.Item(name, matrix[name].data, selected=default)
        for name in ("expired", "sha1", "csr_ca_true", "chain_ecdsa_partner", "garbage")
    ]
    items += [
        _corpus.Item(
            f"cryptography_vectors/{relative}",
            (_corpus.X509_DIR.parent / relative).read_text(),
            selected=default,
        )
        for relative in UI_VECTOR_FILES
    ]
    return items


def _ui_answer(page: Page, item: _corpus.Item) -> _parity.Summary:
    """Pick the environment, type the input as a user would, and read the rendered verdict and checks.

    Each step waits for the page's answer (it counts them in ``data-renders``), so the answer read at the
    end belongs to this item in this environment, not to the previous one.
    """
    radio = page.locator(f"input[name='nuvy-environment'][value='{item.selected}']")
    if not radio.is_checked():
        before = _live.renders(page)
        radio.check()
        _live.wait_new_render(page, before)
    before = _live.renders(page)
    page.fill("#nuvy-input", str(item.data))
    _live.wait_new_render(page, before)
    report = page.locator("#nuvy-result .nuvy-report")
    verdict = report.get_attribute("data-verdict")
    if verdict == "error":
        return ("error", report.get_attribute("data-code"))
    checks = page.eval_on_selector_all(
        "#nuvy-result li[data-check-id]", "items => items.map(li => [li.dataset.checkId, li.dataset.status])"
    )
    return (verdict, report.get_attribute("data-kind"), tuple(sorted(map(tuple, checks))))


@pytest.mark.e2e
def test_page_ui_matches_cpython(
    browser: Browser,
    served_site: str,
    site_dir: Path,
    envs: _corpus.Environments,
    runtime: _site.RuntimeUrls,
) -> None:
    """A subset through the real page: samples, a few defects and vector files, typed into the text box."""
    stale = _site.stale_bundle_files(site_dir, runtime)
    assert not stale, (
        f"the site's validator bundle is older than the working tree ({stale}); rebuild the site"
    )
    data = _site.page_data(site_dir)
    page_envs = data["environments"]
    at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    items = _page_items(site_dir, envs)
    context = browser.new_context()
    page = context.new_page()
    page.clock.set_fixed_time(at)
    try:
        page.goto(f"{served_site}validator/")
        _live.wait_ready(page)
        ui = {item.name: _ui_answer(page, item) for item in items}
    finally:
        context.close()
    expected = {}
    for item in items:
        summary = _parity.summary(_parity.cpython_answer(item, page_envs, at))  # type: ignore[arg-type]
        expected[item.name] = summary if summary[0] == "error" else (*summary[:2], tuple(sorted(summary[2])))
    rows = _parity.diff_table([item.name for item in items], expected, ui, "cpython", "page")
    assert {"pass", "fail", "error"} <= {summary[0] for summary in expected.values()}, expected
    assert not rows, f"{len(rows)} differences between CPython and the page:\n" + "\n".join(rows)


# One item per kind of answer; every CLI run is a fresh interpreter, so the whole matrix would be slow.
CLI_ITEMS = (
    "valid",
    "expired",
    "forged_issuer_name",
    "revoked",
    "der_file",
    "csr_ca_true",
    "match",
    "chain_ecdsa_partner",
    "valid_selected_production",
    "garbage",
    "private_key",
)


@pytest.mark.e2e
def test_cli_matches_browser_on_the_defect_matrix(
    envs: _corpus.Environments, browser_summaries: dict[str, _parity.Summary], tmp_path: Path
) -> None:
    """The command line tool (files in, JSON out, exit code) against the page's Pyodide, item by item.

    The CLI prints input errors as text (exit 2) without the error code, so for those only "both sides
    refused the input" is compared.
    """
    page_envs = envs.as_page_json()
    cli: dict[str, _parity.Summary] = {}
    browser: dict[str, _parity.Summary] = {}
    matrix = {item.name: item for item in _corpus.defect_matrix(envs)}
    items = [matrix[name] for name in CLI_ITEMS]
    for index, item in enumerate(items):
        cli[item.name] = _parity.cli_summary(item, page_envs, pki.NOW, tmp_path / str(index))
        seen = browser_summaries[item.name]
        browser[item.name] = ("error", "cli") if seen[0] == "error" else seen
    rows = _parity.diff_table([item.name for item in items], cli, browser, "cli", "browser")
    assert not rows, f"{len(rows)} differences between the CLI and the browser:\n" + "\n".join(rows)
