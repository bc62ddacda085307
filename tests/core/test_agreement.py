"""Our signature and validity verdicts agree with ``openssl verify`` and pyca/cryptography's verifier.

For every generated certificate of the defect catalogue (``defects.py``):

* ``openssl verify -CAfile <selected CA> -attime <epoch> leaf.pem``: when openssl reports a signature or
  issuer error (7, 20) we must fail ``signature.valid``; when it reports a time error (9, 10) we must
  fail ``validity.period``; when it says OK both must pass. openssl stops at the first error it meets and
  checks extensions (error 34, unhandled critical extension) before signatures, so for that defect we
  compare with ``extensions.critical_known`` instead. openssl does not check EKU, key usage, key size,
  hashes or the subject without ``-purpose``/``-auth_level``, so it legitimately says OK where our
  profile checks fail; those are compared with pyca/cryptography below.
* pyca/cryptography ``PolicyBuilder().store(...).time(at).build_client_verifier()`` (with an extension
  policy that lets a client certificate go without a SAN, which the guide's profile has none of): it
  enforces the web PKI profile, so it also rejects SHA-1/MD5, RSA-1024, missing clientAuth and CA leaves.
  Agreement rule: when it accepts, we pass ``signature.valid`` and ``validity.period``; when we fail
  either of those, it rejects. When it rejects for a profile reason, our verdict must be fail as well,
  except for the documented cases in ``CRYPTOGRAPHY_STRICTER``.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from tests.conftest import NuvyPKI
from validator_py import Environment, Report, Status, validate

from .defects import DEFECTS, Defect

SIGNATURE_ERRORS = {7, 20}
TIME_ERRORS = {9, 10}
# cryptography's web PKI extension policy requires things the guide's profile does not ask for, so it
# rejects certificates we only warn about. Each entry names the reason.
# openssl verifies MD5 signatures when no security level is set; we refuse to, because the signature
# seam (and WebCrypto in the browser) has no MD5, and a certificate signed with MD5 fails anyway.
OPENSSL_LENIENT = {"md5", "md5-signature", "md5-environment"}
# Checks that are Nuvy's profile rather than path validation; pyca/cryptography accepts some of these
# defects (it does not require digitalSignature, a CN, or 2048-bit RSA in a client certificate).
PROFILE_CHECK_IDS = {"ku.digital_signature", "subject.cn", "eku.client_auth", "key.strength"}
CRYPTOGRAPHY_STRICTER = {
    "no-key-encipherment": "accepts it; listed only in case the EE policy changes",
    "no-c": "accepts it; we warn because the guide's subject has C",
    "no-o": "accepts it; we warn",
    "no-ou": "accepts it; we warn",
    "lowercase-c": "accepts it; we warn",
    "expiring-soon": "accepts it; we warn",
}


def _report(pki: NuvyPKI, defect: Defect, pem: str) -> Report:
    envs = [Environment("qa", "QA", pki.qa.pem), Environment("production", "Production", pki.production.pem)]
    return validate(pem, envs, selected=defect.selected, at=pki.now)


def _ca(pki: NuvyPKI, defect: Defect) -> x509.Certificate:
    return pki.qa.cert if defect.selected == "qa" else pki.production.cert


def _openssl_errors(ca_pem: str, leaf_pem: str, at_epoch: int, tmp: Path) -> set[int] | None:
    (tmp / "ca.pem").write_text(ca_pem)
    (tmp / "leaf.pem").write_text(leaf_pem)
    done = subprocess.run(
        [
            "openssl",
            "verify",
            "-CAfile",
            str(tmp / "ca.pem"),
            "-attime",
            str(at_epoch),
            str(tmp / "leaf.pem"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if done.returncode == 0 and done.stdout.strip().endswith(": OK"):
        return None
    codes = {int(code) for code in re.findall(r"error (\d+) at", done.stdout + done.stderr)}
    assert codes, f"openssl failed without an error code: {done.stdout} {done.stderr}"
    return codes


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_openssl_agrees(pki: NuvyPKI, defect: Defect, tmp_path: Path) -> None:
    leaf = defect.make(pki)
    ca = _ca(pki, defect)
    report = _report(pki, defect, leaf.pem)
    signature = report.check("signature.valid").status
    validity = report.check("validity.period").status
    errors = _openssl_errors(
        pki.qa.pem if defect.selected == "qa" else pki.production.pem,
        leaf.pem,
        int(pki.now.timestamp()),
        tmp_path,
    )
    del ca
    if errors is None and defect.name in OPENSSL_LENIENT:
        assert signature is Status.FAIL
        assert "MD5 is broken" in report.check("signature.valid").message
        return
    if errors is None:
        assert signature is Status.PASS, report.check("signature.valid")
        assert validity is Status.PASS, report.check("validity.period")
        return
    built = report.check("path.build").status
    if errors & SIGNATURE_ERRORS:
        # 7: the signature does not verify; 20: no issuer found, which our path.build reports.
        assert Status.FAIL in (signature, built), (signature, built)
    if errors & TIME_ERRORS:
        assert validity is Status.FAIL
    if 34 in errors:
        assert report.check("extensions.critical_known").status is Status.FAIL
    unexplained = errors - SIGNATURE_ERRORS - TIME_ERRORS - {34}
    assert not unexplained, f"openssl errors {unexplained} not mapped for {defect.name}"
    # The reverse direction: our failures are openssl failures too.
    if signature is Status.FAIL and 34 not in errors:
        assert errors & SIGNATURE_ERRORS, errors
    if validity is Status.FAIL and 34 not in errors:
        assert errors & (TIME_ERRORS | SIGNATURE_ERRORS), errors


def _client_verifier(ca: x509.Certificate, pki: NuvyPKI):  # type: ignore[no-untyped-def]
    ee = ExtensionPolicy.webpki_defaults_ee().may_be_present(
        x509.SubjectAlternativeName, Criticality.AGNOSTIC, None
    )
    return (
        PolicyBuilder()
        .store(Store([ca]))
        .time(pki.now)
        .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ee)
        .build_client_verifier()
    )


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_cryptography_agrees(pki: NuvyPKI, defect: Defect) -> None:
    leaf = defect.make(pki)
    report = _report(pki, defect, leaf.pem)
    signature = report.check("signature.valid").status
    validity = report.check("validity.period").status
    reason: str | None
    try:
        _client_verifier(_ca(pki, defect), pki).verify(leaf.cert, [])
    except VerificationError as error:
        reason = str(error)
    else:
        reason = None
    if reason is None:
        assert signature is Status.PASS
        assert validity is Status.PASS
        if report.verdict is Status.FAIL:
            # Where cryptography is more lenient than Nuvy's profile, the failing check must be a profile one.
            failing = {c.id for c in report.checks if c.status is Status.FAIL}
            assert failing <= PROFILE_CHECK_IDS, (failing, defect.name)
        return
    if signature is Status.FAIL or validity is Status.FAIL:
        return  # both reject
    assert report.verdict is Status.FAIL or defect.name in CRYPTOGRAPHY_STRICTER, (
        f"cryptography rejects {defect.name} ({reason}) but our verdict is {report.verdict}"
    )
