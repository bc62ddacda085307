"""``python -m validator_py check``: detection, JSON shape, exit codes, table output, colour rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import pki as mk
from tests.conftest import NuvyPKI
from validator_py.cli import main

ROOT = Path(__file__).resolve().parents[2]
AT = "2026-06-15T12:00:00Z"


@pytest.fixture
def files(pki: NuvyPKI, tmp_path: Path) -> dict[str, Path]:
    csr = mk.make_csr(key_slot=21, o="ACME Pagamentos", cn="acme-api")  # not the guide's placeholders
    out = {
        "qa": pki.qa.write_to(tmp_path, "qa"),
        "prod": pki.production.write_to(tmp_path, "prod"),
        "leaf": mk.make_client(pki.qa, key=csr.key).write_to(tmp_path, "leaf"),
        "csr": csr.write_to(tmp_path, "client"),
        "expired": mk.make_client(pki.qa, not_after=pki.now - mk.DAY).write_to(tmp_path, "expired"),
        "soon": mk.make_client(pki.qa, not_after=pki.now + 3 * mk.DAY).write_to(tmp_path, "soon"),
        "garbage": tmp_path / "garbage.txt",
    }
    out["garbage"].write_text("not a certificate")
    der = tmp_path / "leaf.der"
    der.write_bytes(mk.make_client(pki.qa).der)
    out["der"] = der
    return out


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(["check", *argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_pass_exits_zero_with_json(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, str(files["leaf"]), "--ca", f"qa={files['qa']}", "--at", AT)
    assert code == 0
    assert data["verdict"] == "pass"
    assert data["kind"] == "certificate"
    assert {"id", "status", "message", "title", "group"} == set(data["checks"][0])  # type: ignore[index]
    details = data["details"]
    assert isinstance(details, dict)
    for key in (
        "subject",
        "issuer",
        "serial",
        "not_before",
        "not_after",
        "sha256_fingerprint",
        "sha1_fingerprint",
    ):
        assert key in details


def test_warn_exits_zero(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, str(files["soon"]), "--ca", str(files["qa"]), "--at", AT)
    assert (code, data["verdict"]) == (0, "warn")


@pytest.mark.parametrize(("name", "fail_on", "code"), [
    ("soon", "warn", 1), ("soon", "fail", 0), ("leaf", "warn", 0), ("expired", "warn", 1),
])
def test_fail_on_option(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], name: str, fail_on: str, code: int
) -> None:
    argv = (str(files[name]), "--ca", str(files["qa"]), "--at", AT, "--fail-on", fail_on)
    exit_code, _ = run_json(capsys, *argv)
    assert exit_code == code


def test_warn_days_option(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(
        capsys, str(files["soon"]), "--ca", str(files["qa"]), "--at", AT, "--warn-days", "2"
    )
    assert (code, data["verdict"]) == (0, "pass")


def test_fail_exits_one(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, str(files["expired"]), "--ca", str(files["qa"]), "--at", AT)
    assert (code, data["verdict"]) == (1, "fail")


def test_environment_selection_names_the_issuer(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, data = run_json(
        capsys,
        str(files["leaf"]),
        "--ca",
        f"qa={files['qa']}",
        "--ca",
        f"production={files['prod']}",
        "--env",
        "production",
        "--at",
        AT,
    )
    assert code == 1
    env = next(c for c in data["checks"] if c["id"] == "environment.issuer")  # type: ignore[attr-defined]
    assert env["message"] == (
        "This certificate was issued by the QA CA (qa), not by the Production CA (production) you selected. "
        "Use it against QA, or ask Nuvy for a Production certificate."
    )


def test_unusable_input_exits_two_with_stderr(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", str(files["garbage"]), "--ca", str(files["qa"])])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "error: The input is neither PEM" in captured.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["missing.pem", "--ca", "QA"], "Cannot read missing.pem"),
        (["LEAF", "--ca", "CA", "--env", "staging"], "--env staging: no such environment; configured: ca"),
        (["LEAF"], "add --ca FILE"),
        (["LEAF", "--ca", "CA", "--at", "yesterday"], "not an ISO-8601 time"),
        (["LEAF", "--crl", "qa=CA"], "--crl qa="),
    ],
)
def test_usage_errors_exit_two(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    resolved = [
        str(files["leaf"]) if a == "LEAF" else str(files["qa"]) if a in ("CA", "QA") else a for a in argv
    ]
    assert main(["check", *resolved]) == 2
    assert message in capsys.readouterr().err


def test_private_key_file_exits_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "nuvy-client.key"
    key.write_text(mk.make_client(mk.make_ca("Throwaway CA", key_size=2048)).key_pem)
    assert main(["check", str(key)]) == 2
    assert "must never be shared" in capsys.readouterr().err


def test_der_file_and_csr_option(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, str(files["der"]), "--ca", str(files["qa"]), "--at", AT)
    assert (code, data["kind"]) == (0, "certificate")
    code, data = run_json(
        capsys, str(files["leaf"]), "--csr", str(files["csr"]), "--ca", str(files["qa"]), "--at", AT
    )
    assert (code, data["kind"], data["checks"][0]["status"]) == (0, "match", "pass")  # type: ignore[index]
    code, data = run_json(capsys, str(files["leaf"]), str(files["csr"]), "--ca", str(files["qa"]), "--at", AT)
    assert data["kind"] == "match"


def test_csr_needs_no_ca(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, str(files["csr"]))
    assert (code, data["kind"], data["verdict"]) == (0, "csr", "pass")


def test_chain_needs_no_ca_and_prints_the_bundle(
    pki: NuvyPKI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = mk.make_ca("Partner Root", key_slot=40)
    inter = mk.make_ca("Partner Issuing CA", parent=root, key_type="rsa2048", key_slot=41)
    leaf = mk.make_client(inter, key_slot=42)
    path = tmp_path / "chain.pem"
    path.write_text(root.pem + leaf.pem + inter.pem)
    assert main(["check", str(path), "--at", AT]) == 0
    out = capsys.readouterr().out
    assert "Kind: chain" in out
    assert "CA certificates to send to Nuvy (guide step 12):" in out
    assert out.endswith(inter.pem + root.pem)


def test_crl_option(
    pki: NuvyPKI, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cryptography import x509

    serial = x509.load_pem_x509_certificate(files["leaf"].read_bytes()).serial_number
    crl = mk.make_crl(pki.qa, [serial]).write_to(tmp_path, "qa")
    code, data = run_json(
        capsys, str(files["leaf"]), "--ca", f"qa={files['qa']}", "--crl", f"qa={crl}", "--at", AT
    )
    assert code == 1
    revocation = next(c for c in data["checks"] if c["id"] == "revocation.status")  # type: ignore[attr-defined]
    assert revocation["status"] == "fail"


def test_table_has_no_colour_when_not_a_terminal(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(files["expired"]), "--ca", str(files["qa"]), "--at", AT]) == 1
    out = capsys.readouterr().out
    assert "\033[" not in out
    assert "FAIL  validity.period" in out
    assert "Verdict: FAIL" in out
    assert "Subject as Nuvy sees it: /C=BR/O=CLIENT_NAME/OU=Production/CN=client-name" in out


def test_table_is_coloured_on_a_terminal(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    main(["check", str(files["expired"]), "--ca", str(files["qa"]), "--at", AT])
    assert "\033[31mFAIL" in capsys.readouterr().out
    monkeypatch.setenv("NO_COLOR", "1")
    main(["check", str(files["expired"]), "--ca", str(files["qa"]), "--at", AT])
    assert "\033[" not in capsys.readouterr().out


def test_module_entry_point(files: dict[str, Path]) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "validator_py",
            "check",
            str(files["leaf"]),
            "--ca",
            f"qa={files['qa']}",
            "--at",
            AT,
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["verdict"] == "pass"
    bad = subprocess.run(
        [sys.executable, "-m", "validator_py", "check", str(files["garbage"]), "--ca", str(files["qa"])],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.startswith("error: ")


def test_unlabelled_crl_covers_a_partner_chain(
    pki: NuvyPKI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = mk.make_ca("Partner Root", key_slot=40)
    inter = mk.make_ca("Partner Issuing CA", parent=root, key_type="rsa2048", key_slot=41)
    leaf = mk.make_client(inter, key_slot=42)
    chain = tmp_path / "chain.pem"
    chain.write_text(leaf.pem + inter.pem + root.pem)
    crl = mk.make_crl(inter, [leaf.cert.serial_number]).write_to(tmp_path, "partner")
    code, data = run_json(capsys, str(chain), "--crl", str(crl), "--at", AT)
    assert code == 1
    assert data["kind"] == "chain"
    checks = {c["id"]: c for c in data["checks"]}  # type: ignore[attr-defined]
    assert checks["revocation.crl_signature"]["status"] == "pass"
    assert checks["revocation.status"]["status"] == "fail"
    message = checks["revocation.status"]["message"]
    assert "was revoked by intermediate certificate 1 (Partner Issuing CA)" in message


def test_unlabelled_ca_has_a_readable_name(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, data = run_json(capsys, str(files["leaf"]), "--ca", str(files["prod"]), "--at", AT)
    assert code == 1
    checks = {c["id"]: c for c in data["checks"]}  # type: ignore[attr-defined]
    assert "the CA in prod.pem (ca)" in checks["path.build"]["message"]
    assert "CA CA" not in json.dumps(data)


def test_help_describes_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["check", "--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines to the terminal width
    assert text == (
        "usage: python -m validator_py check [-h] [--ca [LABEL=]FILE] [--env LABEL] [--crl [LABEL=]FILE] "
        "[--csr FILE] [--at ISO-8601] [--warn-days N] [--json] [--fail-on {fail,warn}] FILE [FILE ...] "
        "Auto-detects a certificate, a CSR, a certificate plus its CSR, or a partner chain. "
        "positional arguments: FILE PEM or DER files (use - for stdin) "
        "options: -h, --help show this help message and exit "
        "--ca [LABEL=]FILE a Nuvy CA certificate, optionally labelled with its environment "
        "(qa=nuvy-ca-qa.crt) "
        "--env LABEL environment to check against (default: first --ca) "
        "--crl [LABEL=]FILE a CRL: LABEL=FILE for an environment's, FILE alone for a partner chain's "
        "(matched by issuer) "
        "--csr FILE check that the certificate belongs to this CSR "
        "--at ISO-8601 check at this time, not now (UTC if no offset) "
        "--warn-days N warn when the certificate expires within N days (default: 30) "
        "--json print one JSON object instead of a table "
        "--fail-on {fail,warn} exit 1 on this verdict or worse (warn: a cron job fails before the "
        "certificate expires)"
    )


def test_a_certificate_without_a_ca_names_both_ways_to_give_one(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(files["leaf"])]) == 2
    assert capsys.readouterr().err == (
        "error: A certificate is checked against a Nuvy CA: add --ca FILE (or --ca qa=FILE --ca "
        "production=FILE).\n"
    )


def test_two_unlabelled_cas_are_named_by_their_files(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, data = run_json(capsys, str(files["leaf"]), "--ca", str(files["qa"]), "--ca", str(files["prod"]),
                          "--at", AT)
    assert code == 0
    env = next(c for c in data["checks"] if c["id"] == "environment.issuer")  # type: ignore[attr-defined]
    assert env["message"] == "Issued under the CA in qa.pem (qa), the environment you selected."


def test_an_unlabelled_crl_does_not_hide_a_labelled_one(
    pki: NuvyPKI, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every --crl is read: one without a label (for a partner chain) before one for an environment."""
    from cryptography import x509

    serial = x509.load_pem_x509_certificate(files["leaf"].read_bytes()).serial_number
    partner = mk.make_crl(mk.make_ca("Partner Root", key_slot=40), []).write_to(tmp_path, "partner")
    revoking = mk.make_crl(pki.qa, [serial], number=1).write_to(tmp_path, "qa")
    code, data = run_json(capsys, str(files["leaf"]), "--ca", f"qa={files['qa']}", "--crl", str(partner),
                          "--crl", f"qa={revoking}", "--at", AT)
    assert code == 1
    status = next(c for c in data["checks"] if c["id"] == "revocation.status")  # type: ignore[attr-defined]
    assert status["status"] == "fail"


def test_the_table_lists_the_fingerprint(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _code, data = run_json(capsys, str(files["leaf"]), "--ca", str(files["qa"]), "--at", AT)
    fingerprint = data["details"]["sha256_fingerprint"]  # type: ignore[index]
    main(["check", str(files["leaf"]), "--ca", str(files["qa"]), "--at", AT])
    assert f"\nSha256 fingerprint: {fingerprint}\n" in capsys.readouterr().out
