"""On the page (Pyodide + WebCrypto): revocation against the environments' published CRLs, with the
revoked-certificate sample, and the CSR pre-flight's subject checks on CSRs the real openssl made."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests import pki
from tests.e2e.validator_page import ValidatorPage

# Every test of this module must leave the page private (nothing sent, stored or blocked).
pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("stays_private")]


def _der(pem: str) -> bytes:
    return base64.b64decode("".join(line for line in pem.splitlines() if not line.startswith("-----")))


def test_revoked_sample_fails_on_the_published_crl(vp: ValidatorPage) -> None:
    data = vp.data()
    assert all("crl_pem" in env for env in data["environments"])
    sample = data["samples"]["revoked"]
    vp.remember(_der(sample))
    outcome = vp.sample("revoked")
    assert outcome.verdict == "fail", outcome
    assert outcome.status("path.build") == "pass"
    assert outcome.status("revocation.crl_signature") == "pass"
    assert outcome.status("revocation.crl_dates") == "pass"
    assert outcome.status("revocation.status") == "fail"
    serial = x509.load_pem_x509_certificate(sample.encode("ascii")).serial_number
    message = outcome.message("revocation.status")
    assert "was revoked by the QA CA (qa)" in message, message
    assert "(reason: key compromise)" in message
    assert f"{serial:X}"[-8:] in message.replace(":", "")


def test_valid_sample_is_checked_and_not_revoked(vp: ValidatorPage) -> None:
    vp.remember(_der(vp.data()["samples"]["valid"]))
    outcome = vp.sample("valid")
    assert outcome.verdict == "pass", outcome
    assert outcome.status("revocation.status") == "pass"
    assert outcome.message("revocation.status").startswith("Not revoked:")


def _openssl_csr(tmp_path: Path, subject: str, mask: str | None = None) -> str:
    key = tmp_path / "nuvy-client.key"
    key.write_text(pki.key_pem(pki.private_key("rsa2048", 33)))
    command = ["/usr/bin/openssl", "req", "-new", "-key", str(key), "-subj", subject]
    if mask:
        config = tmp_path / "req.cnf"
        config.write_text(f"[req]\ndistinguished_name = dn\nstring_mask = {mask}\n[dn]\n")
        command += ["-config", str(config)]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}).stdout


def test_csr_made_without_utf8_fails_with_the_fix(vp: ValidatorPage, tmp_path: Path) -> None:
    outcome = vp.paste(_openssl_csr(tmp_path, "/C=BR/O=São João/OU=QA/CN=sao-joao-api"))
    assert outcome.kind == "csr", outcome
    assert outcome.verdict == "fail"
    assert outcome.status("subject.encoding") == "fail"
    message = outcome.message("subject.encoding")
    assert "O is 'SÃ£o JoÃ£o', which is 'São João' with each UTF-8 byte read as a letter" in message
    assert (
        "openssl req -new -utf8 -key nuvy-client-<env>.key -out nuvy-client-<env>.csr "
        '-subj "/C=BR/O=São João/OU=QA/CN=sao-joao-api"'
    ) in message
    assert outcome.status("subject.placeholder") == "pass"


def test_t61string_csr_fails_in_the_browser_too(vp: ValidatorPage, tmp_path: Path) -> None:
    # An old openssl.cnf (string_mask = default) with -utf8: Latin-1 bytes in a T61String.
    outcome = vp.paste(_openssl_csr(tmp_path, "/C=BR/O=São João/OU=QA/CN=sao-joao-api", "default"))
    assert outcome.status("subject.encoding") == "fail", outcome
    assert "O is stored as a T61String (teletexString)" in outcome.message("subject.encoding")


def test_the_guides_placeholders_fail(vp: ValidatorPage) -> None:
    csr = pki.make_csr(o="Example Client", cn="example-client", ou="QA", key_slot=34)
    outcome = vp.paste(csr.csr.public_bytes(serialization.Encoding.PEM).decode("ascii"))
    assert outcome.status("subject.placeholder") == "fail", outcome
    assert outcome.message("subject.placeholder").startswith(
        "O is 'Example Client' and CN is 'example-client': the guide's placeholders (step 3)"
    )


def test_the_csr_sample_passes_the_preflight(vp: ValidatorPage) -> None:
    outcome = vp.sample("csr")
    assert outcome.verdict == "pass", outcome
    assert outcome.status("subject.encoding") == "pass"
    assert outcome.status("subject.placeholder") == "pass"
