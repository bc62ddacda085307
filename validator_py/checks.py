"""Certificate checks against the selected environment's CA (guide steps 5, 6, 9 and 11)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from .model import CRL, Certificate
from .names import NameInfo
from .policy import Policy
from .profile import PROFILE_CHECKS, subject_checks
from .runner import NA, Check, F, Outcome, P, Verified, W, day, unverified_reason


@dataclass(frozen=True)
class EnvironmentCA:
    """A configured environment with its CA (and CRL) parsed."""

    id: str
    name: str
    ca: Certificate
    crl: CRL | None

    @property
    def label(self) -> str:
        return f"the {self.name} CA ({self.id})"


@dataclass(frozen=True)
class CertContext:
    """Everything the certificate checks read: the certificate, the CAs, verified signatures, time, policy."""

    cert: Certificate
    selected: EnvironmentCA
    environments: tuple[EnvironmentCA, ...]
    issued_by: Mapping[str, Verified]  # environment id -> did that CA's key sign the certificate?
    crl_verified: Verified  # the selected CRL's signature with the CA key; ignored without a CRL
    at: dt.datetime
    policy: Policy

    @property
    def subject(self) -> NameInfo:
        return self.cert.subject


def _issuer_matches(context: CertContext) -> Outcome:
    ca = context.selected.ca
    if context.cert.issuer.key == ca.subject.key:
        return P, f"The issuer is {ca.subject}, the subject of {context.selected.label}."
    return F, (
        f"The issuer is {context.cert.issuer}, but {context.selected.label} is {ca.subject}. "
        "This certificate was not issued by the CA you selected: check the environment, or ask Nuvy."
    )


def _signature_valid(context: CertContext) -> Outcome:
    env = context.selected
    verified = context.issued_by.get(env.id)
    if verified is True:
        return P, f"The signature verifies with the public key of {env.label}."
    names_match = context.cert.issuer.key == env.ca.subject.key
    if verified is False and names_match:
        return F, (
            f"The issuer name matches {env.label}, but the signature does not verify with its public "
            "key, so it was not issued by this CA: the certificate is forged, corrupted, or from a CA "
            "that copies Nuvy's name. Do not use it; ask Nuvy for a certificate."
        )
    if verified is False:
        return F, (
            f"The signature does not verify with the public key of {env.label}; "
            "this CA did not issue the certificate. Check that you selected the right environment "
            "(see environment.issuer)."
        )
    return F, (
        f"The signature could not be checked against {env.label}: {unverified_reason(verified)}. "
        "Run `openssl verify -CAfile nuvy-ca.crt nuvy-client.crt` (guide step 6)."
    )


def _environment(context: CertContext) -> Outcome:
    selected = context.selected
    if context.issued_by.get(selected.id) is True:
        return P, f"Issued by {selected.label}, the environment you selected."
    for env in context.environments:
        if env.id != selected.id and context.issued_by.get(env.id) is True:
            return F, (
                f"This certificate was issued by {env.label}, not by {selected.label} you selected. "
                f"Use it against {env.name}, or ask Nuvy for a {selected.name} certificate."
            )
    for env in context.environments:
        verified = context.issued_by.get(env.id)
        if verified is not False and context.cert.issuer.key == env.ca.subject.key:
            return F, (
                f"The issuer name is that of {env.label}, but which CA signed it could not be confirmed: "
                f"{unverified_reason(verified)}. Ask Nuvy for a certificate signed with SHA-256."
            )
    configured = ", ".join(env.label for env in context.environments)
    return F, (
        f"None of the configured CAs ({configured}) issued this certificate. It is from another CA; "
        "a server trusting Nuvy's CA will answer ClientCertUntrusted (guide step 11)."
    )


def _validity(context: CertContext) -> Outcome:
    cert, at = context.cert, context.at
    if at < cert.not_before:
        return F, (
            f"Not valid yet: valid from {day(cert.not_before)} (checked at {day(at)}). Check the clock "
            "of the machine, or wait until then."
        )
    if at > cert.not_after:
        return F, (
            f"Expired on {day(cert.not_after)} (checked at {day(at)}). Rotate: generate a new key and "
            "CSR and ask Nuvy for a new certificate (guide step 9)."
        )
    return P, f"Valid from {day(cert.not_before)} until {day(cert.not_after)}."


def _expiring(context: CertContext) -> Outcome:
    cert, at = context.cert, context.at
    if not cert.not_before <= at <= cert.not_after:
        return NA, "Not applicable: the certificate is outside its validity period (see validity.period)."
    left = cert.not_after - at
    if left <= dt.timedelta(days=context.policy.warn_days):
        return W, (
            f"Expires on {day(cert.not_after)}, in {left.days} days. Plan the rotation now: new key, "
            "new CSR, new signature by Nuvy, client update (guide step 9)."
        )
    return P, f"{left.days} days left before it expires on {day(cert.not_after)}."


def _crl_signature(context: CertContext) -> Outcome:
    env = context.selected
    crl = env.crl
    if crl is None:
        return NA, f"No CRL is configured for {env.label}."
    if crl.issuer.key != env.ca.subject.key:
        return F, (
            f"The CRL was issued by {crl.issuer}, not by {env.label}; it cannot be trusted. "
            f"Configure the CRL that {env.label} publishes."
        )
    if context.crl_verified is True:
        return P, f"The CRL's signature verifies with {env.label}."
    return F, (
        f"The CRL's signature could not be verified with {env.label} "
        f"({unverified_reason(context.crl_verified)}); it cannot be trusted. Download the CRL again."
    )


def _revocation(context: CertContext) -> Outcome:
    env = context.selected
    crl = env.crl
    if crl is None:
        return NA, (
            f"No CRL is configured for {env.label}, so revocation was not checked. "
            "Nuvy may revoke certificates at any time (guide step 9)."
        )
    if crl.issuer.key != env.ca.subject.key or context.crl_verified is not True:
        return F, (
            "Revocation cannot be decided because the CRL is not trustworthy "
            "(see revocation.crl_signature)."
        )
    if context.cert.serial in crl.revoked:
        when = crl.revoked[context.cert.serial]
        on = f" on {day(when)}" if when else ""
        return F, (
            f"The certificate (serial {context.cert.serial_hex}) was revoked by {env.label}{on}. "
            "Stop using it; generate a new key and CSR and ask Nuvy for a new certificate (guide step 9)."
        )
    if crl.next_update is not None and crl.next_update < context.at:
        return W, (
            f"Not listed as revoked, but the CRL is out of date (next update was {day(crl.next_update)}). "
            "Download a current CRL."
        )
    return P, f"Not revoked: the serial is not on the CRL of {env.label} (issued {day(crl.this_update)})."


CERTIFICATE_CHECKS: list[Check[CertContext]] = [
    Check("issuer.matches_ca", "Issuer is the selected CA", _issuer_matches),
    Check("signature.valid", "Signature verifies with the CA key", _signature_valid),
    Check("environment.issuer", "Issued by the selected environment", _environment),
    Check("validity.period", "Valid at the checked time", _validity),
    Check("validity.expiring_soon", "Not about to expire", _expiring),
    *PROFILE_CHECKS,
    # Nuvy chose the certificate's subject, so a missing C, O or OU only warns here.
    *subject_checks(required=False, what="certificate"),
    Check("revocation.crl_signature", "CRL signature", _crl_signature),
    Check("revocation.status", "Not revoked", _revocation),
]
