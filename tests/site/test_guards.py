"""Every build guard stops the build with a message that names the file and says what to do."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from site_helpers import CertMaker, pkcs8_private_key_pem, run_build

QA_CA = "docs/assets/ca/qa/nuvy-ca.crt"


def _set_qa_pin(project: Path, pin: str | None) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    replacement = f'sha256: "{pin}"' if pin else ""
    text, count = re.subn(r'(id: qa\n(?:\s+\w+: .*\n)*?\s+)sha256: "[^"]*"', rf"\g<1>{replacement}", text)
    assert count == 1, "the QA environment in mkdocs.yml has no sha256 pin to edit"
    config.write_text(text, encoding="utf-8")


def _assert_fails(project: Path, *fragments: str) -> str:
    result = run_build(project)
    assert result.returncode != 0, f"the build should have failed:\n{result.output}"
    for fragment in fragments:
        assert fragment in result.output, f"{fragment!r} not in:\n{result.output}"
    assert "Traceback" not in result.output
    return result.output


def test_pin_mismatch_fails_naming_the_file(project: Path) -> None:
    _set_qa_pin(project, "AA:" * 31 + "AA")
    _assert_fails(project, QA_CA, "does not match the pin", "environment 'qa'", "update the pin")


def test_replaced_ca_file_fails_against_the_committed_pin(project: Path, make_cert: CertMaker) -> None:
    (project / QA_CA).write_bytes(make_cert())
    _assert_fails(project, QA_CA, "does not match the pin")


def test_ca_without_ca_flag_fails(project: Path, make_cert: CertMaker) -> None:
    (project / QA_CA).write_bytes(make_cert(ca=False))
    _set_qa_pin(project, None)
    _assert_fails(project, QA_CA, "is not a CA certificate", "basicConstraints CA:TRUE")


def test_expired_ca_fails(project: Path, make_cert: CertMaker) -> None:
    now = dt.datetime.now(dt.UTC)
    (project / QA_CA).write_bytes(
        make_cert(not_before=now - dt.timedelta(days=800), not_after=now - dt.timedelta(days=1))
    )
    _set_qa_pin(project, None)
    _assert_fails(project, QA_CA, "expired on", "replace it with the current CA certificate")


def test_missing_ca_file_fails(project: Path) -> None:
    (project / QA_CA).unlink()
    _assert_fails(project, QA_CA, "CA file not found")


def test_unreadable_ca_file_fails(project: Path) -> None:
    (project / QA_CA).write_bytes(
        b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"
    )
    _assert_fails(project, QA_CA, "not a readable X.509 certificate")


@pytest.mark.parametrize(
    "relative", ["docs/assets/samples/leaked.pem", "docs/guide-extra.md", "site_assets/worker.js"]
)
def test_private_key_in_published_files_fails(
    project: Path, signing_key: rsa.RSAPrivateKey, relative: str
) -> None:
    target = project / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    previous = target.read_bytes() if target.exists() else b""
    target.write_bytes(previous + b"\n" + pkcs8_private_key_pem(signing_key))
    _assert_fails(project, f"private key found in {relative}", "Delete the key")


def test_pkcs1_private_key_fails(project: Path) -> None:
    # Built at run time so no committed file contains the marker.
    header = "-----BEGIN " + "RSA PRIVATE KEY-----"
    (project / "docs" / "notes.md").write_text(f"# Notes\n\n{header}\nMIIE\n", encoding="utf-8")
    _assert_fails(project, "private key found in docs/notes.md")


def _fake_pyodide(project: Path, tamper: str | None = None, drop: str | None = None) -> Path:
    # A private copy of node_modules/pyodide made of symlinks, with one file changed or missing.
    real = (project / "node_modules" / "pyodide").resolve()
    fake = project / "node_modules" / "pyodide"
    fake.unlink()
    fake.mkdir()
    for source in real.iterdir():
        if source.name == drop:
            continue
        if source.name == tamper:
            (fake / source.name).write_bytes(source.read_bytes() + b"\n// tampered\n")
        else:
            (fake / source.name).symlink_to(source)
    return fake


def test_vendored_file_hash_mismatch_fails(project: Path) -> None:
    _fake_pyodide(project, tamper="pyodide.mjs")
    _assert_fails(
        project, "node_modules/pyodide/pyodide.mjs", "does not match the pin", "hooks/vendor-hashes.json"
    )


def test_vendored_file_missing_fails(project: Path) -> None:
    _fake_pyodide(project, drop="python_stdlib.zip")
    _assert_fails(project, "node_modules/pyodide/python_stdlib.zip", "file not found", "npm ci")


def test_missing_node_modules_says_run_npm_ci(project: Path) -> None:
    (project / "node_modules" / "pyodide").unlink()
    _assert_fails(project, "node_modules/pyodide/ is missing: run `npm ci`")


def test_pyodide_version_other_than_pinned_fails(project: Path) -> None:
    fake = _fake_pyodide(project)
    package = json.loads((fake / "package.json").read_text(encoding="utf-8"))
    (fake / "package.json").unlink()
    (fake / "package.json").write_text(json.dumps({**package, "version": "0.0.1"}), encoding="utf-8")
    _assert_fails(project, "Pyodide 0.0.1 is installed but hooks/vendor-hashes.json pins 314.0.7")


def test_wheel_hash_mismatch_fails(project: Path) -> None:
    wheels = project / "build" / "wheels"
    real = wheels.resolve()
    wheels.unlink()
    wheels.mkdir()
    for wheel in real.iterdir():
        (wheels / wheel.name).write_bytes(wheel.read_bytes() + b"tampered")
    _assert_fails(project, "build/wheels/asn1crypto-1.5.1-py2.py3-none-any.whl", "does not match the pin")


def test_missing_environments_fails(project: Path) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  environments:", "  unused_environments:"), encoding="utf-8")
    _assert_fails(project, "mkdocs.yml: extra.environments must be a non-empty list")


def test_missing_sample_fails_naming_it(project: Path) -> None:
    (project / "docs" / "assets" / "samples" / "client.csr").unlink()
    _assert_fails(project, "docs/assets/samples/client.csr: sample not found", "make_demo_pki.py")


def _bundle_pin(project: Path) -> dict[str, str]:
    return dict(json.loads((project / "hooks" / "vendor-hashes.json").read_text(encoding="utf-8"))["bundle"])


def _set_bundle_pin(project: Path, **changes: str) -> None:
    path = project / "hooks" / "vendor-hashes.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["bundle"].update(changes)
    path.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")


def test_bundle_with_another_hash_than_its_pin_fails_naming_it(project: Path) -> None:
    _set_bundle_pin(project, sha256="0" * 64)
    output = _assert_fails(project, "assets/runtime/validator-", ".zip", "does not match the pin", "0" * 64)
    assert "not reproducible" in output


def test_changed_validator_source_needs_a_new_pin(project: Path) -> None:
    source = project / "validator_py" / "report.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n# A reviewed change.\n", encoding="utf-8")
    _assert_fails(project, "assets/runtime/validator-", "not pinned", "nox -s pin")


def test_the_committed_pin_is_current(built_site: Path) -> None:
    # The suite's own site was built from this checkout; its bundle must be the pinned one, byte for byte.
    pin = _bundle_pin(Path(__file__).resolve().parents[2])
    manifests = list((built_site / "assets" / "runtime").glob("validator-*.json"))
    assert len(manifests) == 1, manifests
    manifest = json.loads(manifests[0].read_text(encoding="utf-8"))
    assert (manifest["input_hash"], manifest["sha256"]) == (pin["input_hash"], pin["sha256"])
    assert manifests[0].with_suffix(".zip").name == f"validator-{pin['sha256'][:12]}.zip"


def test_missing_boot_script_fails_naming_it(project: Path) -> None:
    (project / "site_assets" / "boot.js").unlink()
    _assert_fails(project, "site_assets/boot.js", "cannot be read", "restore it from git")


def test_boot_script_that_would_end_its_inline_block_fails(project: Path) -> None:
    boot = project / "site_assets" / "boot.js"
    boot.write_text(boot.read_text(encoding="utf-8") + '\n// "</script>" in a comment\n', encoding="utf-8")
    _assert_fails(project, "docs/validator.md", "site_assets/boot.js", "must not contain '</script'")
