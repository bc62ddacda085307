"""Step 6 of the guide and our validator agree: `openssl verify` says OK exactly when the validator passes.

The validator is run through its command line, as documented in README.md:
`python -m validator_py check nuvy-client-qa.crt --ca qa=nuvy-ca-qa.crt --json` (exit 0 pass/warn, 1 fail).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509

from . import mapping
from .harness import Fault, Stage, prepare_workdir
from .pki import issue_client_certificate, make_ca, rsa_key

pytestmark = pytest.mark.guide

ROOT = Path(__file__).resolve().parents[2]
_DEPTH = "at 0 depth lookup: "
CLIENT_SUBJECT = x509.Name.from_rfc4514_string("CN=example-client,OU=QA,O=Example Client,C=BR")


def _impostor(stage: Stage, workdir: Path) -> None:
    """Same issuer name as the Nuvy CA, different key.

    OpenSSL looks the issuer up by key identifier and finds none (error 20); the validator finds the
    name and then a signature that does not verify. Both refuse the certificate, which is what matters.
    """
    impostor = make_ca("Nuvy Test Client CA", rsa_key("impostor"), stage.pki.now)
    (workdir / mapping.CLIENT_CERT_NAME).write_bytes(
        issue_client_certificate(impostor, CLIENT_SUBJECT, rsa_key("client").public_key(), stage.pki.now),
    )


def _not_yet_valid(stage: Stage, workdir: Path) -> None:
    public_key = rsa_key("client").public_key()
    (workdir / mapping.CLIENT_CERT_NAME).write_bytes(issue_client_certificate(
        stage.pki.client_ca, CLIENT_SUBJECT, public_key, stage.pki.now, not_yet_valid=True,
    ))


def _nothing(stage: Stage, workdir: Path) -> None:
    del stage, workdir


@dataclass(frozen=True)
class Case:
    name: str
    fault: Fault | None = None                         # staged by prepare_workdir
    change: Callable[[Stage, Path], None] = _nothing   # a further change to the files
    openssl_error: str | None = None                   # None: openssl verify prints "nuvy-client-qa.crt: OK"
    failing_check: str | None = None                   # the validator check that must fail


CASES = [
    Case("valid"),
    Case("other-ca", Fault.OTHER_CA, openssl_error=f"error 20 {_DEPTH}unable to get local issuer certificate",
         failing_check="path.build"),
    Case("expired", Fault.EXPIRED, openssl_error=f"error 10 {_DEPTH}certificate has expired",
         failing_check="validity.period"),
    Case("not-yet-valid", change=_not_yet_valid,
         openssl_error=f"error 9 {_DEPTH}certificate is not yet valid", failing_check="validity.period"),
    Case("impostor-signature", change=_impostor,
         openssl_error=f"error 20 {_DEPTH}unable to get local issuer certificate",
         failing_check="signature.valid"),
]


def _openssl_verify(workdir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/usr/bin/openssl", "verify", "-CAfile", mapping.CLIENT_CA_NAME, mapping.CLIENT_CERT_NAME],
        cwd=workdir, capture_output=True, text=True, check=False, timeout=60,
    )


def _validator(workdir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "validator_py", "check", mapping.CLIENT_CERT_NAME,
         "--ca", f"qa={mapping.CLIENT_CA_NAME}", "--json"],
        cwd=workdir, capture_output=True, text=True, check=False, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_openssl_verify_and_the_validator_agree(stage: Stage, tmp_path: Path, case: Case) -> None:
    prepare_workdir(stage, tmp_path, case.fault)
    case.change(stage, tmp_path)
    verify, validator = _openssl_verify(tmp_path), _validator(tmp_path)
    assert validator.returncode in (0, 1), f"{case.name}: the validator could not run:\n{validator.stderr}"
    report = json.loads(validator.stdout)
    statuses = {check["id"]: check["status"] for check in report["checks"]}
    said = (f"openssl verify said:\n{verify.stdout}{verify.stderr}"
            f"the validator said {report['verdict']}: {statuses}")
    if case.openssl_error is None:
        assert verify.returncode == 0, f"{case.name}: {said}"
        assert verify.stdout.strip() == f"{mapping.CLIENT_CERT_NAME}: OK", f"{case.name}: {said}"
        assert validator.returncode == 0, f"{case.name}: {said}"
    else:
        assert verify.returncode != 0, f"{case.name}: {said}"
        assert case.openssl_error in verify.stdout + verify.stderr, f"{case.name}: {said}"
        assert validator.returncode == 1, f"{case.name}: {said}"
        assert statuses.get(case.failing_check) == "fail", f"{case.name}: {said}"
