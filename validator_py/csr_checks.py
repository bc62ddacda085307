"""CSR pre-flight (before guide step 4): what Nuvy will check when you send the CSR."""

from __future__ import annotations

from dataclasses import dataclass

from .model import CSR
from .names import NameInfo
from .policy import Policy
from .profile import NEW_KEY, key_strength, signature_hash, subject_checks
from .runner import Check, F, Outcome, P, Verified, unverified_reason

REGENERATE = (
    'Regenerate it: openssl req -new -sha256 -key nuvy-client.key -out nuvy-client.csr '
    '-subj "/C=BR/O=CLIENT_NAME/OU=Production/CN=client-name"'
)


@dataclass(frozen=True)
class CSRContext:
    """Everything the CSR checks read: the CSR, whether its self-signature verified, and the policy."""

    csr: CSR
    verified: Verified
    policy: Policy

    @property
    def subject(self) -> NameInfo:
        return self.csr.subject


def _signature(context: CSRContext) -> Outcome:
    if context.verified is True:
        return P, "The CSR's self-signature verifies, so it was made with the key it contains."
    return F, (
        f"The CSR's self-signature is not valid ({unverified_reason(context.verified)}): the file was "
        f"changed after it was created, or is damaged. {REGENERATE}."
    )


def _key(context: CSRContext) -> Outcome:
    return key_strength(context.csr.public_key, context.policy, NEW_KEY)


def _hash(context: CSRContext) -> Outcome:
    return signature_hash(context.csr.algorithm, context.policy, REGENERATE)


def _not_ca(context: CSRContext) -> Outcome:
    if context.csr.requests_ca:
        return F, (
            "The CSR requests a CA certificate (basicConstraints CA:TRUE). Nuvy issues client "
            f"certificates only. {REGENERATE} without a CA extension."
        )
    if context.csr.requests_key_cert_sign:
        return F, f"The CSR requests keyCertSign, a CA permission. {REGENERATE} without that key usage."
    return P, "The CSR does not request a CA certificate."


CSR_CHECKS: list[Check[CSRContext]] = [
    Check("csr.signature", "CSR self-signature", _signature),
    Check("key.strength", "Key strength", _key),
    Check("signature.hash", "Signature hash", _hash),
    # The CSR's subject is what Nuvy will sign, so every field of the guide's subject is required.
    *subject_checks(required=True, what="CSR"),
    Check("csr.not_ca", "Does not request a CA", _not_ca),
]
