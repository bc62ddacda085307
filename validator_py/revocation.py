"""Revocation from CRLs (RFC 5280 §5 and §6.3), for the environment's CRL and a partner's.

A CRL counts only when the CA that issued the certificate issued it: same name, that CA's key signed it,
and that CA may sign CRLs. It must be a complete CRL (no delta), current at the time of the check, and
carry no critical extension the validator does not process.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import CRL, Certificate
from .path.context import PathContext
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


@dataclass(frozen=True)
class MatchedCRL:
    crl: CRL
    issuer_index: int | None  # position on the path of the CA whose name issued it; None: no such CA
    verified: Verified  # the CRL's signature with that CA's key


@dataclass(frozen=True)
class RevocationContext:
    path: PathContext
    crls: tuple[MatchedCRL, ...]
    missing: str  # what to say when no CRL was given, e.g. "No CRL is configured for the QA CA (qa)"

    @property
    def leaf_crl(self) -> MatchedCRL | None:
        """The CRL that covers the leaf: issued under the leaf's issuer name, a verified one first."""
        covering = [m for m in self.crls if m.crl.issuer.key == self.path.cert.issuer.key]
        return next((m for m in covering if m.verified is True), covering[0] if covering else None)

    def ca_name(self, matched: MatchedCRL) -> str:
        return self.path.name(matched.issuer_index) if matched.issuer_index is not None else "its issuer"


def match_crls(crls: tuple[CRL, ...], certs: tuple[Certificate, ...]) -> list[tuple[CRL, int | None]]:
    """Pair each CRL with the CA on the path (position >= 1) whose subject is the CRL's issuer."""
    matched = []
    for crl in crls:
        index = next((i for i in range(1, len(certs)) if certs[i].subject.key == crl.issuer.key), None)
        matched.append((crl, index))
    return matched


def _crl_signature(context: RevocationContext) -> Outcome:
    """RFC 5280 §6.3.3 (f) and (g): the CRL's issuer issued the certificate, may sign CRLs, and signed it."""
    matched = context.leaf_crl
    if matched is None:
        if context.crls:
            issuers = ", ".join(str(m.crl.issuer) for m in context.crls)
            return F, (
                f"The CRL was issued by {issuers}, not by the CA that issued the certificate "
                f"({context.path.cert.issuer}); it cannot be trusted. Use the CRL that CA publishes."
            )
        return NA, context.missing + "."
    ca = context.ca_name(matched)
    if matched.issuer_index is None:
        return F, (
            f"The CRL names {matched.crl.issuer} as its issuer, but that CA is not on the path, so its "
            "signature cannot be checked. Check the certificate against its own CA."
        )
    usage = context.path.certs[matched.issuer_index].key_usage
    if usage is not None and "crl_sign" not in usage:
        return F, (
            f"{ca} may not sign CRLs (its Key Usage lacks cRLSign), so this CRL cannot be trusted "
            "(RFC 5280 section 6.3.3). Ask the CA how it publishes revocation."
        )
    if matched.verified is True:
        return P, f"The CRL's signature verifies with {ca}."
    return F, (
        f"The CRL's signature could not be verified with {ca} ({unverified_reason(matched.verified)}); "
        "it cannot be trusted. Download the CRL again."
    )


def _crl_extensions(context: RevocationContext) -> Outcome:
    """RFC 5280 §5.2: a CRL number, not critical; no delta CRL; no unknown critical (entry) extension."""
    matched = context.leaf_crl
    if matched is None:
        return NA, "No CRL for the certificate's issuer was given."
    crl, problems = matched.crl, []
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
    if problems:
        return F, f"The CRL cannot be used: {'; '.join(problems)}. Ask the CA for its complete, current CRL."
    return P, f"The CRL is a complete CRL (number {crl.crl_number}) with no unknown critical extension."


def _crl_dates(context: RevocationContext) -> Outcome:
    """RFC 5280 §5.1.2.4, §5.1.2.5 and §6.3.3 (a)(2): thisUpdate <= time <= nextUpdate."""
    matched = context.leaf_crl
    if matched is None:
        return NA, "No CRL for the certificate's issuer was given."
    crl, at = matched.crl, context.path.moment
    if crl.this_update > at:
        return F, (
            f"The CRL was issued on {day(crl.this_update)}, after the time of the check ({day(at)}). "
            "Check the clock of the machine, or the CRL."
        )
    if crl.next_update is None:
        return F, (
            "The CRL has no nextUpdate, so nobody can tell whether it is current (RFC 5280 section 5.1.2.5 "
            "requires one). Ask the CA for a CRL with a next update time."
        )
    if crl.next_update < at:
        return W, (
            f"The CRL is out of date since {day(crl.next_update)} (issued {day(crl.this_update)}): "
            "certificates revoked since then are not on it. Download the current CRL from the CA "
            "(for Nuvy, the Download page) and check again."
        )
    return P, f"The CRL is current: issued {day(crl.this_update)}, next update {day(crl.next_update)}."


def _status(context: RevocationContext) -> Outcome:
    """RFC 5280 §6.3.3 (i): a certificate whose serial is on its issuer's CRL is revoked."""
    matched = context.leaf_crl
    if matched is None:
        return NA, (
            f"{context.missing}, so revocation was not checked. Nuvy may revoke certificates at any time "
            "(guide step 9)."
        )
    trusted = matched.issuer_index is not None and matched.verified is True
    usage = context.path.certs[matched.issuer_index].key_usage if matched.issuer_index is not None else None
    if not trusted or (usage is not None and "crl_sign" not in usage):
        return (
            F,
            "Revocation cannot be decided because the CRL is not trustworthy (see revocation.crl_signature).",
        )
    leaf = context.path.cert
    if leaf.serial in matched.crl.revoked:
        when = matched.crl.revoked[leaf.serial]
        on = f" on {day(when)}" if when else ""
        reason = matched.crl.reasons.get(leaf.serial)
        why = f" (reason: {_REASONS.get(reason, reason)})" if reason else ""
        return F, (
            f"{context.path.sentence_name(0)} (serial {leaf.serial_hex}) was "
            f"revoked by {context.ca_name(matched)}{on}{why}. "
            "Stop using it; generate a new key and CSR and ask for a new certificate (guide step 9)."
        )
    return P, (
        f"Not revoked: the serial is not on the CRL of {context.ca_name(matched)} "
        f"(issued {day(matched.crl.this_update)})."
    )


def stale_since(crl: CRL, at: dt.datetime) -> dt.datetime | None:
    return crl.next_update if crl.next_update is not None and crl.next_update < at else None


REVOCATION_CHECKS: list[Check[RevocationContext]] = [
    Check("revocation.crl_signature", "CRL signature", _crl_signature),
    Check("revocation.crl_extensions", "CRL is complete and understood", _crl_extensions),
    Check("revocation.crl_dates", "CRL is current", _crl_dates),
    Check("revocation.status", "Not revoked", _status),
]
