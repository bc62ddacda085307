"""The CLI's table, to the character: the details it lists, the id column, how messages wrap under it, the
terminal widths it keeps to (60 to 140 columns, 100 when there is no terminal), colour, and the bundle of a
partner chain. ``render_table`` gets hand-made reports, so every width and message is known exactly."""

from __future__ import annotations

import io
import os

import pytest

from validator_py.cli import render_table
from validator_py.report import CheckResult, Report, Status

DETAILS = {
    "subject": "CN=client-name,O=ACME,C=BR",
    "subject_openssl": "/C=BR/O=ACME/CN=client-name",
    "issuer": "CN=Nuvy QA CA,C=BR",
    "serial": "0A:1B",
    "serial_decimal": "2587",  # not listed: the table shows the serial once, in hex as openssl does
    "not_before": "2026-01-01T00:00:00+00:00",
    "not_after": "2027-01-01T00:00:00+00:00",
    "sha256_fingerprint": "AB:CD",
    "sha1_fingerprint": "EF:01",  # not listed either
    "public_key": "RSA 2048-bit",
    "signature_algorithm": "RSA PKCS#1 v1.5 with SHA-256",
    "csr": {"subject": "CN=client-name,O=ACME,C=BR", "subject_openssl": "/C=BR/O=ACME/CN=client-csr"},
}
CHECKS = (
    CheckResult(
        "match.public_key",
        Status.PASS,
        "The certificate carries the public key of your CSR, so it pairs with the private key you kept (no "
        "need to open the key to check).",
    ),
    CheckResult("validity.expiring_soon", Status.WARN, "Expires on 2026-07-01 00:00 UTC, in 15 days."),
    CheckResult("eku.client_auth", Status.FAIL, "Extended Key Usage lacks clientAuth."),
    CheckResult("path.policies", Status.NOT_APPLICABLE, ""),
)
BUNDLE = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"


def _render(report: Report, *, colour: bool = False) -> str:
    out = io.StringIO()
    render_table(report, out, colour)
    return out.getvalue()


@pytest.fixture
def columns_80(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


@pytest.mark.usefixtures("columns_80")
def test_the_whole_table_at_80_columns() -> None:
    """The id column is as wide as the longest id (22) and messages wrap at 80 - (6 + 22 + 2) = 50 columns
    under their own column; an empty message leaves the line's end blank."""
    assert _render(Report("match", CHECKS, DETAILS, BUNDLE)).split("\n") == [
        "Kind: match",
        "Subject as Nuvy sees it: /C=BR/O=ACME/CN=client-name",
        "Subject: CN=client-name,O=ACME,C=BR",
        "Issuer: CN=Nuvy QA CA,C=BR",
        "Serial: 0A:1B",
        "Not before: 2026-01-01T00:00:00+00:00",
        "Not after: 2027-01-01T00:00:00+00:00",
        "Sha256 fingerprint: AB:CD",
        "Public key: RSA 2048-bit",
        "CSR subject: /C=BR/O=ACME/CN=client-csr",
        "",
        "PASS  match.public_key        The certificate carries the public key of your",
        "                              CSR, so it pairs with the private key you kept (no",
        "                              need to open the key to check).",
        "WARN  validity.expiring_soon  Expires on 2026-07-01 00:00 UTC, in 15 days.",
        "FAIL  eku.client_auth         Extended Key Usage lacks clientAuth.",
        "N/A   path.policies" + " " * 11,
        "",
        "Verdict: FAIL",
        "",
        "CA certificates to send to Nuvy (guide step 12):",
        "",
        "-----BEGIN CERTIFICATE-----",
        "AAAA",
        "-----END CERTIFICATE-----",
        "",
    ]


@pytest.mark.usefixtures("columns_80")
def test_colour_marks_each_status_and_the_verdict() -> None:
    checks = (*CHECKS[1:3], CHECKS[3], CheckResult("path.build", Status.PASS, "Reaches the QA CA."))
    assert _render(Report("certificate", checks), colour=True).split("\n") == [
        "Kind: certificate",
        "",
        "\033[33mWARN\033[0m  validity.expiring_soon  Expires on 2026-07-01 00:00 UTC, in 15 days.",
        "\033[31mFAIL\033[0m  eku.client_auth         Extended Key Usage lacks clientAuth.",
        "\033[2mN/A \033[0m  path.policies" + " " * 11,
        "\033[32mPASS\033[0m  path.build              Reaches the QA CA.",
        "",
        "Verdict: \033[31mFAIL\033[0m",
        "",
    ]


@pytest.mark.usefixtures("columns_80")
def test_a_report_without_details_or_bundle_lists_only_the_checks() -> None:
    checks = (CheckResult("csr.signature", Status.PASS, "The CSR's signature verifies."),)
    assert _render(Report("csr", checks)) == (
        "Kind: csr\n\nPASS  csr.signature  The CSR's signature verifies.\n\nVerdict: PASS\n"
    )


def _two_words(length: int) -> str:
    """A message of exactly ``length`` characters that can only break at its one space."""
    return "x" * 10 + " " + "y" * (length - 11)


@pytest.mark.parametrize(
    ("columns", "check_id", "wrap"),
    [
        ("40", "path.build", 60 - 18),  # a terminal narrower than 60 columns is laid out at 60
        ("200", "path.build", 140 - 18),  # a wider one at 140
        (None, "path.build", 100 - 18),  # no terminal (a pipe, a CI log): 100
        ("60", "c" * 30, 30),  # a message column narrower than 30 is widened to 30
    ],
    ids=["narrow-terminal", "wide-terminal", "no-terminal", "long-id"],
)
def test_messages_wrap_at_the_width_of_their_column(
    monkeypatch: pytest.MonkeyPatch, columns: str | None, check_id: str, wrap: int
) -> None:
    """A message of exactly the column's width stays on one line; one character more wraps."""
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)

        def no_terminal(fd: int = 1) -> os.terminal_size:
            raise OSError("not a terminal")

        monkeypatch.setattr(os, "get_terminal_size", no_terminal)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    fits, wraps = _two_words(wrap), _two_words(wrap + 1)
    checks = (CheckResult(check_id, Status.PASS, fits), CheckResult(check_id, Status.PASS, wraps))
    indent = " " * (6 + len(check_id) + 2)
    lines = _render(Report("certificate", checks)).split("\n")
    assert lines[2:5] == [
        f"PASS  {check_id}  {fits}",
        f"PASS  {check_id}  {'x' * 10}",
        f"{indent}{'y' * (wrap - 10)}",
    ]
