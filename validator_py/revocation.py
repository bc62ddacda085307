"""Revocation from CRLs (RFC 5280 §5 and §6.3), for the environment's CRL and a partner's.

A CRL covers the certificates its CA issued on the path: its issuer is that CA's name, that CA's key
signed it, and that CA may sign CRLs. It must be a complete CRL (no delta), current at the time of the
check, and carry no critical extension the validator does not process. An environment's CRL that the path
never reaches (the certificate is from another CA) says nothing about it and is left out; a CRL the user
gave that no CA on the path issued is a finding, since it was meant to cover something.
"""

from __future__ import annotations

import datetime as dt

from .model import CRL, Certificate
from .path.context import PathContext, sentence
from .record import record
from .report import Status
from .runner import NA, Check, F, Outcome, P, Verified, W, day, unverified_reason

# RFC 5280 §5.2 and §5.3: the CRL and entry extensions the validator processes or may safely ignore.
# issuingDistributionPoint (a partitioned CRL) and certificateIssuer (an indirect CRL) change what a CRL
# covers; the validator does not process them, so when critical they are refused, as the RFC requires.
_CRL_EXTENSIONS = {"2.5.29.35", "2.5.29.18", "2.5.29.20", "2.5.29.46", "1.3.6.1.5.5.7.1.1"}
_ENTRY_EXTENSIONS = {"2.5.29.21", "2.5.29.24", "2.5.29.23"}
_CRL_NUMBER, _DELTA = "2.5.29.20", "2.5.29.27"
_REASONS = {
    "unspecified": "unspecified",
    "key_compromise": "key compromise",
    "ca_compromise": "CA compromise",
    "affiliation_changed": "affiliation changed",
    "superseded": "superseded",
    "cessation_of_operation": "cessation of operation",
    "certificate_hold": "certificate hold",
    "remove_from_crl": "remove from CRL",
    "privilege_withdrawn": "privilege withdrawn",
    "aa_compromise": "AA compromise",
}


@record
class MatchedCRL:
    crl: CRL
    issuer_index: int | None  # position on the path of the CA whose name issued it; None: no such CA
    verified: Verified  # the CRL's signature with that CA's key
    configured_for: Certificate | None = None  # the environment CA an environment's CRL belongs to

    @property
    def misconfigured(self) -> bool:
        """An environment's CRL issued by another CA than the environment's: the configuration is wrong."""
        return self.configured_for is not None and self.configured_for.subject.key != self.crl.issuer.key

    @property
    def stray(self) -> bool:
        """A CRL the user gave that no CA on the path issued."""
        return self.configured_for is None and self.issuer_index is None


@record
class RevocationContext:
    path: PathContext
    crls: tuple[MatchedCRL, ...]
    missing: str  # what to say when no CRL was given, e.g. "No CRL is configured for the QA CA (qa)"

    @property
    def used(self) -> tuple[MatchedCRL, ...]:
        """The CRLs that cover a certificate on the path."""
        return tuple(m for m in self.crls if m.issuer_index is not None and not m.misconfigured)

    def covering(self, index: int) -> MatchedCRL | None:
        """The CRL of the CA that issued ``certs[index]``, a verified one first."""
        found = [m for m in self.used if m.issuer_index == index + 1]
        return next((m for m in found if m.verified is True), found[0] if found else None)

    def ca_name(self, matched: MatchedCRL) -> str:
        return self.path.name(matched.issuer_index) if matched.issuer_index is not None else "its issuer"

    def trusted(self, matched: MatchedCRL) -> bool:
        return matched.verified is True and _may_sign_crls(self, matched)


def match_crls(crls: tuple[CRL, ...], certs: tuple[Certificate, ...]) -> list[tuple[CRL, int | None]]:
    """Pair each CRL with the CA on the path (position >= 1) whose subject is the CRL's issuer."""
    matched = []
    for crl in crls:
        index = next((i for i in range(1, len(certs)) if certs[i].subject.key == crl.issuer.key), None)
        matched.append((crl, index))
    return matched


def _may_sign_crls(context: RevocationContext, matched: MatchedCRL) -> bool:
    assert matched.issuer_index is not None
    usage = context.path.certs[matched.issuer_index].key_usage
    return usage is None or "crl_sign" in usage


def _signature_problem(context: RevocationContext, matched: MatchedCRL) -> str | None:
    ca = context.ca_name(matched)
    if not _may_sign_crls(context, matched):
        return f"{ca} may not sign CRLs (its Key Usage lacks cRLSign), so its CRL cannot be trusted"
    if matched.verified is not True:
        return (
            f"the CRL's signature could not be verified with {ca} ({unverified_reason(matched.verified)}); "
            "download the CRL again"
        )
    return None


def _crl_signature(context: RevocationContext) -> Outcome:
    """RFC 5280 §6.3.3 (f) and (g): the CRL's issuer is a CA on the path, may sign CRLs, and signed it."""
    problems = []
    for matched in context.crls:
        if matched.misconfigured:
            problems.append(
                f"the CRL configured for this environment was issued by {matched.crl.issuer}, not by its CA "
                f"({matched.configured_for.subject if matched.configured_for else ''}); configure the CRL "
                "that CA publishes"
            )
        elif matched.stray:
            problems.append(
                f"the CRL given was issued by {matched.crl.issuer}, which is no CA on the path of "
                f"{context.path.name(0)}; use the CRL of the CA that issued it"
            )
    problems += [problem for m in context.used if (problem := _signature_problem(context, m)) is not None]
    if problems:
        return F, f"{sentence(problems)}. A CRL that cannot be trusted cannot say what is revoked."
    if not context.used:
        return NA, context.missing + "."
    signers = ", ".join(context.ca_name(m) for m in context.used)
    return P, f"The CRL's signature verifies with the key of {signers}."


def _extension_problems(crl: CRL) -> list[str]:
    problems = []
    listed = {ext.oid: ext for ext in crl.extensions}
    if _DELTA in listed:
        problems.append("it is a delta CRL, which the validator does not take: give the complete CRL")
    if _CRL_NUMBER not in listed:
        problems.append("it has no CRL number (RFC 5280 section 5.2.3 requires one)")
    elif listed[_CRL_NUMBER].critical:
        problems.append("its CRL number is marked critical (RFC 5280 section 5.2.3 forbids it)")
    unknown = sorted(
        {ext.oid for ext in crl.extensions if ext.critical and ext.oid not in _CRL_EXTENSIONS}
        - {_DELTA, _CRL_NUMBER}
    )
    if unknown:
        problems.append(f"it has critical extensions the validator does not process ({', '.join(unknown)})")
    entry = sorted(
        {ext.oid for ext in crl.entry_extensions if ext.critical and ext.oid not in _ENTRY_EXTENSIONS}
    )
    if entry:
        problems.append(
            f"an entry has critical extensions the validator does not process ({', '.join(entry)})"
        )
    return problems


def _crl_extensions(context: RevocationContext) -> Outcome:
    """RFC 5280 §5.2: a CRL number, not critical; no delta CRL; no unknown critical (entry) extension."""
    if not context.used:
        return NA, "No CRL covers a certificate on the path."
    problems = [
        f"the CRL of {context.ca_name(m)}: {'; '.join(found)}"
        for m in context.used
        if (found := _extension_problems(m.crl))
    ]
    if problems:
        return F, f"{sentence(problems)}. Ask the CA for its complete, current CRL."
    numbers = ", ".join(str(m.crl.crl_number) for m in context.used)
    return P, f"Complete CRL (number {numbers}) with no unknown critical extension."


def _date_finding(crl: CRL, at: dt.datetime) -> tuple[Status, str] | None:
    if crl.time_problems:
        # pyca cannot load such a CRL and OpenSSL reports a format error in its date: no server would use it.
        return F, (
            " and ".join(crl.time_problems) + "; strict verifiers refuse such a CRL (RFC 5280 sections "
            "5.1.2.4 to 5.1.2.6), so ask the CA for one with its dates written as RFC 5280 requires"
        )
    if crl.this_update > at:
        return F, (
            f"was issued on {day(crl.this_update)}, after the time of the check ({day(at)}); check the clock "
            "of the machine, or the CRL"
        )
    if crl.next_update is None:
        return F, (
            "has no nextUpdate, so nobody can tell whether it is current (RFC 5280 section 5.1.2.5 "
            "requires one); ask the CA for a CRL with a next update time"
        )
    if crl.next_update < at:
        return W, (
            f"is out of date since {day(crl.next_update)} (issued {day(crl.this_update)}): certificates "
            "revoked since then are not on it. Download the current CRL from the CA (for Nuvy, the "
            "Download page) and check again"
        )
    return None


def _crl_dates(context: RevocationContext) -> Outcome:
    """RFC 5280 §5.1.2.4 to §5.1.2.6, §6.3.3 (a)(2): dates in UTC; thisUpdate <= time <= nextUpdate."""
    if not context.used:
        return NA, "No CRL covers a certificate on the path."
    findings = [
        (status, f"the CRL of {context.ca_name(m)} {text}")
        for m in context.used
        if (found := _date_finding(m.crl, context.path.moment)) is not None
        for status, text in [found]
    ]
    if findings:
        status = F if any(status is F for status, _ in findings) else W
        return status, sentence([text for _, text in findings]) + "."
    listed = "; ".join(
        f"issued {day(m.crl.this_update)}, next update {day(m.crl.next_update)}"
        for m in context.used
        if m.crl.next_update is not None
    )
    return P, f"The CRL is current: {listed}."


def _revoked(context: RevocationContext, index: int, matched: MatchedCRL) -> str | None:
    cert = context.path.certs[index]
    if cert.serial not in matched.crl.revoked:
        return None
    when = matched.crl.revoked[cert.serial]
    on = f" on {day(when)}" if when else ""
    reason = matched.crl.reasons.get(cert.serial)
    why = f" (reason: {_REASONS.get(reason, reason)})" if reason else ""
    return (
        f"{context.path.name(index)} (serial {cert.serial_hex}) was revoked by "
        f"{context.ca_name(matched)}{on}{why}"
    )


def _status(context: RevocationContext) -> Outcome:
    """RFC 5280 §6.3.3 (i): a certificate whose serial is on its issuer's CRL is revoked."""
    covered = {
        index: matched
        for index in range(len(context.path.certs))
        if (matched := context.covering(index)) is not None
    }
    if not covered:
        return NA, (
            f"{context.missing}, so revocation was not checked. Nuvy may revoke certificates at any time "
            "(guide step 9)."
        )
    if not all(context.trusted(matched) for matched in covered.values()):
        return F, "Revocation cannot be decided: a CRL is not trustworthy (see revocation.crl_signature)."
    revoked = [found for index, m in covered.items() if (found := _revoked(context, index, m)) is not None]
    if revoked:
        return F, (
            f"{sentence(revoked)}. Stop using it; generate a new key and CSR and ask for a new certificate "
            "(guide step 9)."
        )
    checked = ", ".join(context.path.name(index) for index in covered)
    if 0 not in covered:
        return W, (
            f"Not revoked: {checked}. But no CRL of the leaf certificate's own issuer was given, so the leaf "
            "itself was not checked; add that CA's CRL."
        )
    signers = list(dict.fromkeys(context.ca_name(m) for m in covered.values()))
    return P, f"Not revoked: {checked}, on the CRL of {', '.join(signers)}."


REVOCATION_CHECKS: list[Check[RevocationContext]] = [
    Check("revocation.crl_signature", "CRL signature", _crl_signature),
    Check("revocation.crl_extensions", "CRL is complete and understood", _crl_extensions),
    Check("revocation.crl_dates", "CRL is current", _crl_dates),
    Check("revocation.status", "Not revoked", _status),
]
