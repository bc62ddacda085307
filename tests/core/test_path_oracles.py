"""The path-validation catalogue (``path_cases.py``) against two oracles and against our validator.

(a) ``test_oracle_*``: pyca/cryptography's client verifier and ``openssl verify -x509_strict -purpose
sslclient`` give each case's ``expect_ok``, or the case is listed for that tool in
``path_known_differences.json`` with the RFC section that decides. A listed difference that no longer
differs fails too, so the file stays true. (b) ``test_validator_*``: ``validator_py.validate`` gives the
case's status for its ``check_id``, names the offending certificate by CN in that check's message, and its
structural verdict (no "path"-group check fails) equals ``expect_ok``.

The catalogue's verdicts come from RFC 5280 and the validator's contract, not from either oracle.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from validator_py import Report, Status

from .oracles import (
    load_known_differences,
    openssl_crl_verdict,
    openssl_verdict,
    our_report,
    pyca_verdict,
    structural_ok,
    verdict_word,
)
from .path_cases import CASES, PathCase

TOOLS = ("pyca", "openssl")
ENTRY_KEYS = {"case", "tool", "tool_says", "we_say", "why", "rfc"}
GROUPS = {"path", "profile", "environment", "revocation"}
PATH_CHECK_IDS = (
    "path.build",
    "path.unused",
    "signature.valid",
    "validity.period",
    "path.issuer_v3",
    "path.basic_constraints",
    "path.key_cert_sign",
    "path.issuer_subject",
    "path.path_length",
    "path.name_constraints",
    "extensions.critical_known",
    "extensions.well_formed",
    "path.key_identifiers",
    "path.serial_numbers",
    "path.algorithms",
    "path.leaf_purpose",
    "path.policies",
)
REVOCATION_CHECK_IDS = (
    "revocation.crl_signature",
    "revocation.crl_extensions",
    "revocation.crl_dates",
    "revocation.status",
)


KNOWN = load_known_differences()


def check_against(tool: str, case: PathCase, ok: bool, reason: str, expected: bool) -> None:
    """``tool`` agrees with the catalogue, or the case is listed for it, and then it must still differ."""
    entry = KNOWN.get((case.name, tool))
    if entry is None:
        assert ok == expected, (
            f"{tool} says {verdict_word(ok)} ({reason}) for {case.name}, the catalogue expects "
            f"{verdict_word(expected)} ({case.rule}): fix the case, or list the difference with its RFC "
            "section"
        )
        return
    assert ok != expected, (
        f"{case.name} is listed as a {tool} difference but {tool} now agrees ({reason}): remove the entry"
    )
    assert entry["tool_says"].split(":")[0] == verdict_word(ok), (entry, reason)
    assert entry["we_say"].split(":")[0] == verdict_word(expected), entry


def test_known_differences_file_is_well_formed() -> None:
    names = {c.name for c in CASES}
    for (name, tool), entry in KNOWN.items():
        assert set(entry) == ENTRY_KEYS, entry
        assert tool in TOOLS, entry
        assert name in names or name.startswith("random:"), f"no catalogue case {name!r}"
        assert entry["rfc"].strip(), entry
        assert entry["why"].strip(), entry
        assert entry["tool_says"].split(":")[0] in {"accept", "reject"}, entry
        assert entry["we_say"].split(":")[0] in {"accept", "reject"}, entry
        assert entry["tool_says"].split(":")[0] != entry["we_say"].split(":")[0], entry


def test_catalogue_covers_every_rule() -> None:
    """Issue 12: at least one case per rule; a failing and a passing form where both exist."""
    by_id: dict[str, set[Status]] = {}
    for c in CASES:
        if c.check_id is not None and c.expect_status is not None:
            by_id.setdefault(c.check_id, set()).add(c.expect_status)
    for check_id in (*PATH_CHECK_IDS, *REVOCATION_CHECK_IDS):
        assert check_id in by_id, f"no case for {check_id}"
    for check_id in set(PATH_CHECK_IDS) - {"path.unused", "path.policies"} | set(REVOCATION_CHECK_IDS):
        statuses = by_id[check_id]
        assert Status.FAIL in statuses or Status.WARN in statuses, check_id
    for check_id in ("validity.period", "path.path_length", "path.name_constraints", "revocation.crl_dates"):
        assert Status.PASS in by_id[check_id], f"{check_id} needs its passing boundary"
    assert len({c.name for c in CASES}) == len(CASES)


def _case_id(case: PathCase) -> str:
    return case.name


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_oracle_pyca(case: PathCase) -> None:
    built = case.built()
    # pyca has no CRL checking: for revocation cases it only sees the path, whose verdict is expect_ok.
    ok, reason = pyca_verdict(built.leaf, built.intermediates, built.anchor, built.at)
    check_against("pyca", case, ok, reason, case.expect_ok)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_oracle_openssl(case: PathCase, tmp_path: Path) -> None:
    built = case.built()
    if built.crl is not None:
        ok, reason = openssl_crl_verdict(
            built.leaf, built.intermediates, built.anchor, built.crl, built.at, tmp=tmp_path
        )
        check_against("openssl", case, ok, reason, case.accept_with_revocation)
        return
    ok, reason = openssl_verdict(built.leaf, built.intermediates, built.anchor, built.at, tmp=tmp_path)
    check_against("openssl", case, ok, reason, case.expect_ok)


# ----------------------------------------------------------------------------------------------------
# (b) our validator


def _summary(report: Report) -> list[Mapping[str, Any]]:
    return [
        {"id": c.id, "group": getattr(c, "group", None), "status": c.status.value, "message": c.message}
        for c in report.checks
        if c.status is not Status.PASS
    ]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_validator_matches_catalogue(case: PathCase) -> None:
    report = our_report(case.built(), case.mode)
    assert report.kind == case.mode
    for result in report.checks:
        assert result.group in GROUPS, result
    assert structural_ok(report) == case.expect_ok, (case.name, case.rule, _summary(report))
    assert report.check("path.policies").status is Status.NOT_APPLICABLE
    if case.check_id is None:
        return
    result = report.check(case.check_id)
    assert result.status is case.expect_status, (case.name, result, _summary(report))
    assert result.group == ("revocation" if case.is_crl_case else "path"), result
    if result.status in {Status.FAIL, Status.WARN}:
        assert result.message.strip(), result
        if case.culprits:
            assert any(cn in result.message for cn in case.culprits), (
                f"{case.check_id} must name the offending certificate ({' or '.join(case.culprits)}): "
                f"{result.message!r}"
            )
