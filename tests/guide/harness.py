"""The stage the blocks run on (PKI, one test server, proxy, tools) and the runner that executes one block.

The harness also plays Nuvy: whenever a page has written a CSR (`nuvy-client-qa.csr`, or any `*.csr` a
filled page names) and no newer certificate of the same name (`.crt`) exists, it signs the CSR with the
test client CA, as Nuvy does in step 5.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from tests.pki import key_pem, make_crl

from . import mapping
from .blocks import SHELL_LANGUAGES, CodeBlock
from .pki import (
    TestPki,
    issue_client_certificate,
    make_ca,
    rsa_key,
    sign_csr,
    write_private,
)
from .servers import TestServer

BLOCK_TIMEOUT_SECONDS = 120


class Fault(StrEnum):
    """The mistakes troubleshooting.md covers; each one is staged in a working directory."""

    OTHER_CA = "other-ca"              # the certificate was issued by another CA
    EXPIRED = "expired"                # the certificate is past its notAfter
    NO_CLIENT_CERT = "no-client-cert"  # the tool does not send any certificate
    WRONG_TRUST = "wrong-trust"        # nuvy-ca-qa.crt used as the trust store for the SERVER certificate
    KEY_MISMATCH = "key-mismatch"      # the key file does not belong to the certificate


@dataclass(frozen=True)
class Stage:
    pki: TestPki
    server: TestServer
    proxy_port: int
    node_port: int   # the TCP forwarder to the server, for Node.js
    tools_dir: Path
    home: Path
    go_dir: Path

    @property
    def kind(self) -> str:
        return self.server.kind

    def environment(self, server_trust: Path | None = None) -> dict[str, str]:
        return mapping.tool_environment(
            tools_dir=self.tools_dir, home=self.home, proxy_port=self.proxy_port, node_port=self.node_port,
            server_trust=server_trust or self.pki.server_ca_file, go_dir=self.go_dir,
        )


@dataclass
class BlockRun:
    block: CodeBlock
    returncode: int
    output: str
    written_file: str | None = None
    server: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


@dataclass
class PageRun:
    page: str
    runs: list[BlockRun] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _client_csr_pem(subject: x509.Name) -> bytes:
    builder = x509.CertificateSigningRequestBuilder().subject_name(subject)
    csr = builder.sign(rsa_key("client"), hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM)


def _partner_files(workdir: Path, pki: TestPki) -> None:
    """A partner PKI (root -> intermediate -> leaf) for partner-certificates.md, same client key."""
    root = make_ca("Partner Root CA", rsa_key("partner-root"), pki.now)
    intermediate = make_ca("Partner Issuing CA", rsa_key("partner-intermediate"), pki.now, issuer=root)
    subject = x509.Name.from_rfc4514_string("CN=example-client,O=Example Client,C=BR")
    leaf = issue_client_certificate(intermediate, subject, rsa_key("client").public_key(), pki.now)
    (workdir / "partner-client.crt").write_bytes(leaf)
    (workdir / "partner-intermediate.crt").write_text(intermediate.pem)
    (workdir / "partner-root.crt").write_text(root.pem)


def _write_keystore(path: Path, certificate_pem: bytes, key: rsa.RSAPrivateKey) -> None:
    """The Java KeyStore of step 8, for pages that inspect it without building it first."""
    certificate = x509.load_pem_x509_certificate(certificate_pem)
    if certificate.public_key() != key.public_key():
        return  # openssl pkcs12 refuses a key that does not match; so does the guide's user.
    data = pkcs12.serialize_key_and_certificates(
        b"nuvy-client", key, certificate, None,
        serialization.BestAvailableEncryption(mapping.P12_PASSWORD.encode()),
    )
    path.write_bytes(data)
    path.chmod(0o600)


def _environment_name(environment: str) -> str:
    return {"qa": "QA", "production": "Production"}[environment]


def prepare_workdir(stage: Stage, workdir: Path, fault: Fault | None = None) -> Path:
    """Put the files the guide names where it says, valid or with one fault; returns the server trust file.

    Every environment gets its own set (nuvy-ca-<env>.crt, nuvy-client-<env>.key/.csr/.crt/.p12), as the
    pages name them; the test servers trust one client CA, so both sets come from it.
    """
    pki = stage.pki
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / mapping.SERVER_CA_NAME).write_text(pki.server_ca.pem)
    issuer = pki.other_ca if fault is Fault.OTHER_CA else pki.client_ca
    key = rsa_key("stranger") if fault is Fault.KEY_MISMATCH else rsa_key("client")
    # Step 9 checks the certificate against the CA's current CRL (with a CRL number, RFC 5280 5.2.3).
    crl = make_crl(pki.client_ca, [], number=1, last_update=pki.now - dt.timedelta(hours=1),
                   next_update=pki.now + dt.timedelta(days=7))
    for environment in mapping.ENVIRONMENT_IDS:
        (workdir / mapping.client_ca_name(environment)).write_text(pki.client_ca.pem)
        (workdir / mapping.client_crl_name(environment)).write_text(crl.pem)
        subject = x509.Name.from_rfc4514_string(
            f"CN=example-client,OU={_environment_name(environment)},O=Example Client,C=BR"
        )
        (workdir / mapping.client_file("csr", environment)).write_bytes(_client_csr_pem(subject))
        certificate = issue_client_certificate(
            issuer, subject, rsa_key("client").public_key(), pki.now, expired=fault is Fault.EXPIRED,
        )
        (workdir / mapping.client_file("crt", environment)).write_bytes(certificate)
        write_private(workdir / mapping.client_file("key", environment), key_pem(key))
        _write_keystore(workdir / mapping.client_file("p12", environment), certificate, key)
    _partner_files(workdir, pki)
    if fault is Fault.WRONG_TRUST:
        # The classic mistake: the Nuvy client CA given as the anchor for the server's certificate.
        (workdir / mapping.SERVER_CA_NAME).write_text(pki.client_ca.pem)
        return workdir / mapping.CLIENT_CA_NAME
    return pki.server_ca_file


def play_nuvy(stage: Stage, workdir: Path) -> None:
    """Step 5: sign every CSR that is newer than its certificate, like Nuvy would."""
    for csr in workdir.glob("*.csr"):
        certificate = csr.with_suffix(".crt")
        if not certificate.exists() or certificate.stat().st_mtime_ns < csr.stat().st_mtime_ns:
            certificate.write_bytes(sign_csr(stage.pki.client_ca, csr.read_bytes(), stage.pki.now))


def _command_for(block: CodeBlock) -> Sequence[str] | None:
    if block.language in SHELL_LANGUAGES:
        return ["bash", "-euo", "pipefail", "-c", block.text]
    if block.language == "python":
        return [shutil.which("python3") or "python3", "-c", block.text]
    if block.language == "javascript":
        return ["node", "-e", block.text]
    if block.language == "powershell":
        return ["bash", "-euo", "pipefail", "-c", mapping.powershell_as_bash(block.text, block.where)]
    return None


def run_block(block: CodeBlock, workdir: Path, env: dict[str, str]) -> BlockRun:
    """Execute one runnable block; a block with a title is written as that file instead."""
    if block.title:
        (workdir / block.title).write_text(block.text)
        return BlockRun(block, 0, "", written_file=block.title)
    command = _command_for(block)
    if command is None:
        raise ValueError(
            f"{block.where}: a `{block.language or 'plain'}` block is neither runnable here nor marked; "
            "add <!-- not-runnable: REASON --> before it, or teach tests/guide/harness.py to run it"
        )
    try:
        done = subprocess.run(
            command, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, timeout=BLOCK_TIMEOUT_SECONDS, check=False,
        )
    except subprocess.TimeoutExpired as error:
        output = (error.output or b"").decode(errors="replace")
        return BlockRun(block, -1, output + f"\n[timed out after {BLOCK_TIMEOUT_SECONDS} s]")
    return BlockRun(block, done.returncode, done.stdout.decode(errors="replace"))


def _line_matches(expected: str, output_lines: list[str]) -> bool:
    # A single word ("404") must be a whole line, so it cannot match inside a port number or a date, or
    # start a line as an error code does ("ERR_SSL_...: message"); a phrase may be part of a longer line
    # (curl and Python wrap messages in their own prefixes).
    if " " not in expected:
        return expected in output_lines or any(line.startswith(f"{expected}:") for line in output_lines)
    return any(expected in line for line in output_lines)


# Text that changes with a tool's patch release, not with the fault. The page shows what one machine printed;
# a new machine gets Debian's newest point release (seen: curl naming OpenSSL/3.0.20 where this page says
# 3.0.19, and Java 17.0.21 putting the alert's name before "Received fatal alert", which 17.0.15 does not).
_PATCH_DRIFT = (
    (re.compile(r"OpenSSL/\d+\.\d+\.\d+[a-z]?"), "OpenSSL/<version>"),
    (re.compile(r"SSLHandshakeException: \(\w+\) Received"), "SSLHandshakeException: Received"),
)


def without_patch_drift(line: str) -> str:
    for pattern, replacement in _PATCH_DRIFT:
        line = pattern.sub(replacement, line)
    return line


def missing_lines(expected: str, output: str) -> list[str]:
    """Lines of an expected-output or error block that the real output does not contain."""
    output_lines = [without_patch_drift(line.strip()) for line in output.splitlines()]
    wanted = [line.strip() for line in expected.splitlines() if line.strip()]
    return [line for line in wanted if not _line_matches(without_patch_drift(line), output_lines)]
