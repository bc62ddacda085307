"""A certificate check imports only what it needs; CSR and PKCS#7 support load on first use.

The browser's cold start (and the CLI's) waits for every module the validator imports before its first
check, so asn1crypto.cms (which brings in asn1crypto.ocsp), asn1crypto.csr and csr_checks stay out until
an input needs them. Each case runs in a fresh interpreter, since this one has imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

from tests import pki as pkilib

ROOT = Path(__file__).resolve().parents[2]
LAZY = ("asn1crypto.cms", "asn1crypto.ocsp", "asn1crypto.csr", "validator_py.csr_checks")

CHECK = f"""
import datetime, json, sys
from validator_py import Environment, validate
import validator_py.browser
ca, data, csr = json.loads(sys.stdin.read())
loaded = sorted(m for m in {LAZY!r} if m in sys.modules)
report = validate(data, [Environment("qa", "QA", ca)], selected="qa", csr=csr,
                  at=datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC))
print(json.dumps([loaded, report.kind, sorted(m for m in {LAZY!r} if m in sys.modules)]))
"""


def _check(ca: str, data: str, csr: str | None = None) -> tuple[list[str], str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", CHECK], input=json.dumps([ca, data, csr]), capture_output=True, text=True,
        cwd=ROOT, check=True,
    )
    before, kind, after = json.loads(done.stdout)
    return before, kind, after


def test_a_certificate_check_loads_no_csr_or_pkcs7_module() -> None:
    ca = pkilib.make_ca("Nuvy QA CA", key_slot=100)
    before, kind, after = _check(ca.pem, pkilib.make_client(ca).pem)
    assert kind == "certificate"
    assert before == after == []


def test_a_csr_loads_its_modules_when_it_comes() -> None:
    ca = pkilib.make_ca("Nuvy QA CA", key_slot=100)
    csr = pkilib.make_csr(cn="client-name")
    before, kind, after = _check(ca.pem, csr.pem)
    assert (before, kind) == ([], "csr")
    assert {"asn1crypto.csr", "validator_py.csr_checks"} <= set(after)


def test_a_pkcs7_bundle_loads_its_module_when_it_comes() -> None:
    ca = pkilib.make_ca("Nuvy QA CA", key_slot=100)
    leaf = pkilib.make_client(ca)
    bundle = pkcs7.serialize_certificates([leaf.cert, ca.cert], Encoding.PEM).decode("ascii")
    before, kind, after = _check(ca.pem, bundle)
    assert (before, kind) == ([], "certificate")
    assert {"asn1crypto.cms", "asn1crypto.ocsp"} <= set(after)
