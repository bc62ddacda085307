"""How ``python -m validator_py check`` reads its arguments: ``--at`` and its zones, ``--ca`` labels and the
names they give, duplicate CA files, paths with "=", stdin, ``--crl`` per environment, ``--warn-days`` and
``--env`` errors, the top-level help and the JSON layout (issue 17: the full mutation run found them
unasserted)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from tests import pki as mk
from tests.conftest import NuvyPKI
from validator_py.cli import main

AT = "2026-06-15T12:00:00Z"
ROTATE = "Rotate: generate a new key and CSR and ask Nuvy for a new certificate (guide step 9)."


@pytest.fixture
def files(pki: NuvyPKI, tmp_path: Path) -> dict[str, Path]:
    leaf = mk.make_client(pki.qa)
    return {
        "qa": pki.qa.write_to(tmp_path, "qa"),
        "prod": pki.production.write_to(tmp_path, "prod"),
        "leaf": leaf.write_to(tmp_path, "leaf"),
        "expired": mk.make_client(pki.qa, not_after=pki.now - mk.DAY).write_to(tmp_path, "expired"),
        "soon": mk.make_client(pki.qa, not_after=pki.now + 3 * mk.DAY).write_to(tmp_path, "soon"),
        "crl": mk.make_crl(pki.qa, [leaf.cert.serial_number], number=1).write_to(tmp_path, "qa"),
    }


def _json(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, dict[str, object]]:
    code = main(["check", *map(str, argv), "--json"])
    return code, json.loads(capsys.readouterr().out)


def _messages(data: dict[str, object]) -> dict[str, str]:
    checks = data["checks"]
    assert isinstance(checks, list)
    return {check["id"]: check["message"] for check in checks}


def _refused(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> str:
    """The whole stderr of a run that exits 2, which prints nothing on stdout."""
    assert main(["check", *map(str, argv)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


@pytest.mark.parametrize(
    ("at", "checked"),
    [
        # An offset is honoured: 12:00 at +02:00 is 10:00 UTC.
        ("2026-06-15T12:00:00+02:00", "2026-06-15 10:00 UTC"),
        # No offset means UTC, as --help says (not the local zone, and not refused as naive).
        ("2026-06-15T12:00:00", "2026-06-15 12:00 UTC"),
        # A date with Z is midnight UTC of that day.
        ("2026-06-15Z", "2026-06-15 00:00 UTC"),
        # A date alone is midnight UTC; with an offset, midnight there (Python alone read +05:00 as 05:00).
        ("2026-06-15", "2026-06-15 00:00 UTC"),
        ("2026-06-15+05:00", "2026-06-14 19:00 UTC"),
        # A space may separate date and time; seconds and their fraction are optional.
        ("2026-06-15 12:00-01:30", "2026-06-15 13:30 UTC"),
        ("2026-06-15T12:00:59.999999Z", "2026-06-15 12:00 UTC"),
    ],
    ids=["offset", "no-offset", "date-with-z", "date", "date-with-offset", "space-no-seconds", "fraction"],
)
def test_the_time_of_the_check_is_read_in_utc(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], at: str, checked: str
) -> None:
    code, data = _json(capsys, files["expired"], "--ca", files["qa"], "--at", at)
    assert code == 1
    assert _messages(data)["validity.period"] == (
        f"The leaf certificate (client-name) expired on 2026-06-14 12:00 UTC (checked at {checked}). {ROTATE}"
    )


@pytest.mark.parametrize(
    "at",
    [
        "2026-06-15T12:00:00z",  # ISO 8601 writes UTC as an upper-case Z
        "2026-06-15X05:00",  # Python alone takes any character as the date/time separator
        "2026-06-15T12",  # an hour alone
        "2026-13-01",  # no such month
        "2026-06-15T12:00:00+0200",  # an offset without its colon
        "15/06/2026",
        "",
    ],
)
def test_an_at_that_is_no_iso_8601_time_is_refused(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], at: str
) -> None:
    assert _refused(capsys, files["leaf"], "--ca", files["qa"], "--at", at) == (
        f"error: --at {at!r} is not an ISO-8601 time, e.g. 2026-06-15T12:00:00Z.\n"
    )


def test_a_label_of_three_letters_is_an_acronym_and_a_longer_one_a_word(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, data = _json(capsys, files["leaf"], "--ca", f"uat={files['qa']}", "--ca", f"prod={files['prod']}",
                       "--env", "prod", "--at", AT)
    assert code == 1
    messages = _messages(data)
    assert messages["environment.issuer"] == (
        "This certificate was issued by the UAT CA (uat), not by the Prod CA (prod) you selected. "
        "Use it against UAT, or ask Nuvy for a Prod certificate."
    )


def test_two_ca_files_of_one_name_get_distinct_ids(
    pki: NuvyPKI, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The second of two CA files called ca.pem is "ca-2": the position among the --ca options, from 1."""
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first = pki.production.write_to(tmp_path / "one", "ca")
    second = pki.qa.write_to(tmp_path / "two", "ca")
    code, data = _json(capsys, files["leaf"], "--ca", first, "--ca", second, "--env", "ca-2", "--at", AT)
    assert code == 0
    assert _messages(data)["environment.issuer"] == (
        "Issued under the CA in ca.pem (ca-2), the environment you selected."
    )
    details = data["details"]
    assert isinstance(details, dict)
    assert details["environment"] == "ca-2"


def test_a_label_is_cut_at_the_first_equals_sign(
    pki: NuvyPKI, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """qa=DIR/a=b.pem is the file DIR/a=b.pem labelled qa (the rest may hold "=")."""
    ca = tmp_path / "a=b.pem"
    ca.write_bytes(files["qa"].read_bytes())
    code, data = _json(capsys, files["leaf"], "--ca", f"qa={ca}", "--at", AT)
    assert code == 0
    assert _messages(data)["environment.issuer"] == (
        "Issued under the QA CA (qa), the environment you selected."
    )


def test_an_existing_file_with_an_equals_sign_is_no_label(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ca = tmp_path / "qa=nuvy.pem"
    ca.write_bytes(files["qa"].read_bytes())
    code, data = _json(capsys, files["leaf"], "--ca", ca, "--at", AT)
    assert code == 0
    assert _messages(data)["environment.issuer"] == (
        "Issued under the CA in qa=nuvy.pem (ca), the environment you selected."
    )


def test_a_missing_ca_file_is_named_with_the_reason(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.pem"
    assert _refused(capsys, files["leaf"], "--ca", missing) == (
        f"error: Cannot read {missing}: No such file or directory.\n"
    )


def test_a_dash_reads_the_input_from_stdin(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(files["leaf"].read_bytes()))
    monkeypatch.setattr(sys, "stdin", stdin)
    code, data = _json(capsys, "-", "--ca", f"qa={files['qa']}", "--at", AT)
    assert (code, data["verdict"], data["kind"]) == (0, "pass", "certificate")


def test_a_crl_goes_to_its_own_environment_only(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """QA's CRL revokes the leaf, but production is selected: production has no CRL, and QA keeps its id."""
    code, data = _json(capsys, files["leaf"], "--ca", f"qa={files['qa']}", "--ca",
                       f"production={files['prod']}", "--env", "production", "--crl", f"qa={files['crl']}",
                       "--at", AT)
    assert code == 1
    messages = _messages(data)
    assert messages["environment.issuer"] == (
        "This certificate was issued by the QA CA (qa), not by the Production CA (production) you selected. "
        "Use it against QA, or ask Nuvy for a Production certificate."
    )
    assert messages["revocation.crl_signature"] == "No CRL is configured for the Production CA (production)."
    assert messages["revocation.status"] == (
        "No CRL is configured for the Production CA (production), so revocation was not checked. Nuvy may "
        "revoke certificates at any time (guide step 9)."
    )


def test_an_unknown_environment_lists_every_configured_one(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _refused(capsys, files["leaf"], "--ca", f"qa={files['qa']}", "--ca", f"production={files['prod']}",
                    "--env", "staging") == (
        "error: --env staging: no such environment; configured: qa, production.\n"
    )


def test_zero_warn_days_is_allowed_and_a_negative_number_is_not(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, data = _json(capsys, files["soon"], "--ca", files["qa"], "--at", AT, "--warn-days", "0")
    assert (code, data["verdict"]) == (0, "pass")
    assert _refused(capsys, files["soon"], "--ca", files["qa"], "--at", AT, "--warn-days", "-1") == (
        "error: --warn-days must be zero or positive.\n"
    )


def test_json_is_indented_by_two_spaces(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(files["leaf"]), "--ca", f"qa={files['qa']}", "--at", AT, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        '{\n  "verdict": "pass",\n  "kind": "certificate",\n  "checks": [\n'
        '    {\n      "id": "environment.issuer",\n'
    )
    assert out.endswith('\n  "bundle_pem": null\n}\n')


def test_the_top_level_help_describes_the_tool(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines to the terminal width
    assert text == (
        "usage: python -m validator_py [-h] {check} ... "
        "Check a Nuvy mTLS client certificate, CSR or partner chain (see the onboarding guide). "
        "positional arguments: {check} check check certificates, CSRs or chains "
        "options: -h, --help show this help message and exit"
    )
