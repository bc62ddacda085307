"""Two independent path validators to compare ours with: pyca/cryptography's and ``openssl verify``.

* ``pyca_verdict``: ``cryptography.x509.verification`` with the web PKI policy a server built on it applies
  to a client certificate, except that the end entity may go without a SAN (the guide's profile has none),
  exactly as ``test_agreement.py`` configures it.
* ``openssl_verdict``: ``openssl verify -x509_strict -purpose sslclient -attime <epoch>`` with the anchor
  as the only ``-CAfile`` certificate and every other certificate ``-untrusted``.
* ``openssl_crl_verdict``: the same plus ``-crl_check -CRLfile`` (the leaf's CRL only; pyca has no CRL
  checking).

``our_report`` runs our validator on the same input, and ``load_known_differences`` reads the one file that
lists where the verdicts may differ. Each oracle returns ``(ok, reason)``; a certificate a tool cannot even
parse is a rejection with that reason. Files are written only into the directory the caller passes (a
pytest tmp dir).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import warnings
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from validator_py import Environment, Report, Status, validate

from .pathkit import Built, Cert, Mode

Verdict = tuple[bool, str]
KNOWN_DIFFERENCES_FILE = Path(__file__).with_name("path_known_differences.json")
OPENSSL = "/usr/bin/openssl"
NO_ANCHOR = "no trust anchor in the input"


def _load(cert: Cert) -> x509.Certificate:
    # cryptography warns (and the suite turns warnings into errors) on some malformed certificates it still
    # parses, e.g. negative serials; the oracle's answer is what it does with them, not the warning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return x509.load_der_x509_certificate(cert.der)


def _client_verifier(anchor: x509.Certificate, at: dt.datetime):  # type: ignore[no-untyped-def]
    # The web PKI EE policy requires a SAN; a client certificate made from the guide's CSR has none, and a
    # server accepts it, so the SAN becomes optional (criticality agnostic, no extra validation).
    ee = ExtensionPolicy.webpki_defaults_ee().may_be_present(
        x509.SubjectAlternativeName, Criticality.AGNOSTIC, None
    )
    return (
        PolicyBuilder()
        .store(Store([anchor]))
        .time(at)
        .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ee)
        .build_client_verifier()
    )


def pyca_verdict(leaf: Cert, intermediates: Sequence[Cert], anchor: Cert | None, at: dt.datetime) -> Verdict:
    """Does pyca/cryptography's client verifier accept ``leaf`` at ``at``?"""
    if anchor is None:
        return False, NO_ANCHOR
    try:
        anchor_cert = _load(anchor)
        leaf_cert = _load(leaf)
        untrusted = [_load(c) for c in intermediates]
    except ValueError as error:
        return False, f"unparseable: {error}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _client_verifier(anchor_cert, at).verify(leaf_cert, untrusted)
    except VerificationError as error:
        return False, str(error)
    except ValueError as error:  # e.g. a duplicate or malformed extension met while verifying
        return False, f"{type(error).__name__}: {error}"
    return True, "OK"


def _write(path: Path, certs: Sequence[Cert]) -> Path:
    path.write_text("".join(c.pem for c in certs))
    return path


def _openssl(args: list[str]) -> Verdict:
    done = subprocess.run([OPENSSL, "verify", *args], capture_output=True, text=True, check=False, timeout=60)
    output = (done.stdout + done.stderr).strip()
    if done.returncode == 0 and done.stdout.strip().endswith(": OK"):
        return True, "OK"
    codes = re.findall(r"error (\d+) at (\d+) depth lookup: ([^\n]*)", output)
    if codes:
        return False, "; ".join(f"error {code} at depth {depth}: {text}" for code, depth, text in codes)
    # openssl could not load a file: it rejects the input without a verify error code.
    return False, "load: " + (output.splitlines()[-1] if output else f"exit {done.returncode}")


def _base_args(
    leaf: Cert, intermediates: Sequence[Cert], anchor: Cert, at: dt.datetime, tmp: Path
) -> list[str]:
    args = [
        "-x509_strict",
        "-purpose",
        "sslclient",
        "-attime",
        str(int(at.timestamp())),
        "-CAfile",
        str(_write(tmp / "anchor.pem", [anchor])),
    ]
    if intermediates:
        args += ["-untrusted", str(_write(tmp / "inter.pem", intermediates))]
    return args


def openssl_verdict(
    leaf: Cert, intermediates: Sequence[Cert], anchor: Cert | None, at: dt.datetime, *, tmp: Path
) -> Verdict:
    """``openssl verify -x509_strict -purpose sslclient -attime``, ``anchor`` the only trusted certificate."""
    if anchor is None:
        return False, NO_ANCHOR
    args = _base_args(leaf, intermediates, anchor, at, tmp)
    return _openssl([*args, str(_write(tmp / "leaf.pem", [leaf]))])


def openssl_crl_verdict(
    leaf: Cert,
    intermediates: Sequence[Cert],
    anchor: Cert | None,
    crl_pem: str,
    at: dt.datetime,
    *,
    tmp: Path,
) -> Verdict:
    """``openssl_verdict`` plus ``-crl_check -CRLfile``: the leaf's revocation status from ``crl_pem``."""
    if anchor is None:
        return False, NO_ANCHOR
    crl = tmp / "crl.pem"
    crl.write_text(crl_pem)
    args = _base_args(leaf, intermediates, anchor, at, tmp)
    return _openssl([*args, "-crl_check", "-CRLfile", str(crl), str(_write(tmp / "leaf.pem", [leaf]))])


# ----------------------------------------------------------------------------------------------------
# Our validator, seen the same way, and the file that lists where the verdicts may differ.


def our_report(built: Built, mode: Mode) -> Report:
    """``validate`` on ``built``: certificate mode anchors on the environment CA, chain mode on the data."""
    data: list[str | bytes] = [c.pem for c in built.given]
    if mode == "certificate":
        assert built.anchor is not None
        environment = Environment("qa", "QA", built.anchor.pem, crl=built.crl)
        return validate(data, [environment], selected="qa", at=built.at)
    if built.crl is not None:
        data.append(built.crl)
    return validate(data, [], selected="", at=built.at)


def structural_ok(report: Report) -> bool:
    """The contract's structural verdict: no check of the "path" group fails."""
    return not any(c.group == "path" and c.status is Status.FAIL for c in report.checks)


def verdict_word(ok: bool) -> str:
    return "accept" if ok else "reject"


def load_known_differences() -> dict[tuple[str, str], dict[str, str]]:
    """``{(case, tool): entry}``; catalogue cases by name, random mutations as ``random:<kind>``."""
    known: dict[tuple[str, str], dict[str, str]] = {}
    for entry in json.loads(KNOWN_DIFFERENCES_FILE.read_text()):
        key = (entry["case"], entry["tool"])
        assert key not in known, f"listed twice: {key}"
        known[key] = entry
    return known
