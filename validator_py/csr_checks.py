"""CSR pre-flight (before guide step 4): what Nuvy will check when you send the CSR."""

from __future__ import annotations

import re

from .model import CSR
from .names import NameInfo
from .policy import Policy
from .profile import NEW_KEY, UTF8_CSR, key_strength, signature_hash, subject_checks
from .record import record
from .runner import Check, F, Outcome, P, Verified, unverified_reason

REGENERATE = (
    'Regenerate it: openssl req -new -utf8 -sha256 -key nuvy-client-<env>.key -out nuvy-client-<env>.csr '
    '-subj "/C=BR/O=CLIENT_NAME/OU=Production/CN=client-name"'
)


@record
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


# The guide's placeholders (step 3, and earlier versions of it): "Example Client", "example-client",
# "CLIENT_NAME", "client-name", in any case and with spaces, hyphens or underscores between the words.
_PLACEHOLDERS = frozenset({"example-client", "client-name"})
_SEPARATORS = re.compile(r"[\s_-]+")
_WANTED = {
    "O": "your company name",
    "CN": "the client identifier agreed with Nuvy",
    "OU": "QA or Production",
    "C": "your two-letter country code",
}


def is_placeholder(value: str) -> bool:
    return _SEPARATORS.sub("-", value.strip().lower()) in _PLACEHOLDERS


def _placeholder(context: CSRContext) -> Outcome:
    attributes = context.subject.attributes
    found = [(short, value) for short, value in attributes if is_placeholder(value)]
    if not found:
        return P, "No subject field holds one of the guide's placeholders (Example Client, example-client)."
    listed = " and ".join(f"{short} is {value!r}" for short, value in found)
    wanted = " and ".join(f"{_WANTED.get(short, 'your own value')} in {short}" for short, _ in found)
    subject = "".join(
        f"/{short}=<{_WANTED.get(short, 'your own value')}>" if is_placeholder(value) else f"/{short}={value}"
        for short, value in attributes
    )
    return F, (
        f"{listed}: the guide's placeholder{'s' if len(found) > 1 else ''} (step 3), not your name, and Nuvy "
        f"would issue the certificate in {'them' if len(found) > 1 else 'it'}. Put {wanted}, then make the "
        f'CSR again (with -utf8, so accented letters survive): {UTF8_CSR} "{subject}".'
    )


CSR_CHECKS: list[Check[CSRContext]] = [
    Check("csr.signature", "CSR self-signature", _signature),
    Check("key.strength", "Key strength", _key),
    Check("signature.hash", "Signature hash", _hash),
    # The CSR's subject is what Nuvy will sign, so every field of the guide's subject is required.
    *subject_checks(required=True, what="CSR"),
    Check("subject.placeholder", "Subject is not the guide's placeholder", _placeholder),
    Check("csr.not_ca", "Does not request a CA", _not_ca),
]
