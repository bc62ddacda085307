"""The client profile of guide steps 3 and 5, shared by certificates, CSRs and partner-chain leaves."""

from __future__ import annotations

import re
from typing import Protocol

from .model import Certificate, PublicKey, purposes_text
from .names import NameInfo
from .policy import SUPPORTED_CURVES, SUPPORTED_CURVES_TEXT, Policy
from .runner import NA, Check, F, Outcome, P, W
from .signatures import SignatureAlgorithm
from .subject_text import LEGACY_TYPES, openssl_subject, repaired

NEW_KEY = (
    "Generate a new key and CSR as in guide steps 2 and 3 (`openssl genrsa -out nuvy-client-<env>.key 2048`, "
    "then `openssl req -new -sha256 -key nuvy-client-<env>.key ...`)"
)
REISSUE = "Ask Nuvy to re-issue the certificate"

_COUNTRY = re.compile(r"[A-Z]{2}")


class HasCertificate(Protocol):
    """What the certificate profile checks read; certificate and chain contexts both have it."""

    @property
    def cert(self) -> Certificate: ...

    @property
    def policy(self) -> Policy: ...


class HasSubject(Protocol):
    """What the subject checks read; certificate and CSR contexts both have it."""

    @property
    def subject(self) -> NameInfo: ...


UTF8_CSR = "openssl req -new -utf8 -key nuvy-client-<env>.key -out nuvy-client-<env>.csr -subj"


def subject_encoding(context: HasSubject, what: str) -> Outcome:
    """A subject garbled by a missing -utf8, or stored in a string type software reads differently.

    On a CSR it fails (Nuvy would sign the name as it is); on a certificate it warns (Nuvy has signed it).
    """
    attributes = context.subject.attributes
    kinds = context.subject.types
    garbled: list[str] = []
    legacy: list[tuple[str, str]] = []
    meant: list[tuple[str, str]] = []
    for (short, value), kind in zip(attributes, kinds, strict=True):
        fixed = repaired(value)
        meant.append((short, fixed or value))
        if fixed is not None:
            garbled.append(f"{short} is {value!r}, which is {fixed!r} with each UTF-8 byte read as a letter")
        if kind in LEGACY_TYPES and not value.isascii():
            legacy.append((short, LEGACY_TYPES[kind]))
    if not garbled and not legacy:
        return P, "The subject's text is plain UTF-8, with no sign of a missing -utf8."
    findings = []
    if garbled:
        findings.append(
            f"{'; '.join(garbled)}: openssl req writes that when -subj has accented letters and -utf8 "
            "is missing."
        )
    if legacy:
        stored = "; ".join(
            f"{' and '.join(short for short, named in legacy if named == kind)} "
            f"{'are' if sum(named == kind for _, named in legacy) > 1 else 'is'} stored as a {kind}"
            for kind in dict.fromkeys(named for _, named in legacy)
        )
        findings.append(
            f"{stored}, which programs read in different ways (some refuse it); RFC 5280 asks for "
            "UTF8String. Your openssl.cnf sets string_mask to something other than utf8only: set "
            "string_mask = utf8only in its [req] section (OpenSSL's default)."
        )
    command = f'{UTF8_CSR} "{openssl_subject(tuple(meant))}"'
    if what == "CSR":
        fix = f"Nuvy would sign the name as it is. Make the CSR again with -utf8: {command}"
    else:
        fix = (
            f"The CSR it was issued from had this mistake. Make a new CSR with -utf8 ({command}) and "
            f"{REISSUE[0].lower()}{REISSUE[1:]} from it"
        )
    return (F if what == "CSR" else W), f"{' '.join(findings)} {fix}."


def key_strength(key: PublicKey, policy: Policy, fix: str) -> Outcome:
    if key.algorithm == "rsa":
        bits = key.bits or 0
        if bits < policy.min_rsa_bits:
            return F, (
                f"The key is RSA {bits}-bit; Nuvy requires at least {policy.min_rsa_bits} bits, because "
                f"shorter keys can be factored. {fix}."
            )
        return P, f"The key is RSA {bits}-bit (at least {policy.min_rsa_bits} required)."
    if key.algorithm == "ec":
        if key.curve in SUPPORTED_CURVES:
            return P, f"The key is EC {key.curve}."
        return F, f"The key uses the EC curve {key.curve}, which is not {SUPPORTED_CURVES_TEXT}. {fix}."
    if key.algorithm == "ed25519":
        return P, "The key is Ed25519."
    return F, f"The key type {key.describe()} is not accepted; the guide asks for RSA 2048. {fix}."


def signature_hash(algorithm: SignatureAlgorithm, policy: Policy, fix: str) -> Outcome:
    if algorithm.scheme == "ed25519":
        return P, "Signed with Ed25519, which has its own built-in hash."
    if algorithm.hash in policy.allowed_hashes:
        return P, f"Signed with {algorithm.name}."
    return F, (
        f"Signed with {algorithm.name}. Nuvy accepts only SHA-256 or stronger, because weaker hashes "
        f"allow forged signatures. {fix}."
    )


# An AWS load balancer's connection log, which Nuvy's support may quote, gives each refusal a reason code:
# ClientCertPurposeInvalid ("Client certificate purpose is invalid") for a certificate whose purposes
# leave out the one asked for; ClientCertUntrusted is for one that does not chain to the trust store.
# The path rules name it too, so it is written once.
PURPOSE_REFUSED_LOG = "an AWS load balancer logs ClientCertPurposeInvalid"


def _eku(context: HasCertificate) -> Outcome:
    eku = context.cert.eku
    if eku is None:
        return F, (
            "The certificate has no Extended Key Usage extension; Nuvy issues client certificates with "
            "ExtendedKeyUsage = clientAuth (guide step 5). Ask Nuvy to re-issue it."
        )
    if "client_auth" in eku:
        return P, "Extended Key Usage includes clientAuth, so it may authenticate a TLS client."
    if not eku:
        return F, (
            "Extended Key Usage lists no purpose at all (RFC 5280 section 4.2.1.12 requires one), so "
            f"servers will refuse it for mTLS ({PURPOSE_REFUSED_LOG}). Ask Nuvy to re-issue it with "
            "clientAuth (guide step 5)."
        )
    return F, (
        f"Extended Key Usage lists {purposes_text(eku)} but not clientAuth, so servers will refuse it for "
        f"mTLS ({PURPOSE_REFUSED_LOG}). Ask Nuvy to re-issue it with clientAuth (guide step 5)."
    )


def _ku_digital_signature(context: HasCertificate) -> Outcome:
    usage = context.cert.key_usage
    if usage is None:
        return F, (
            "The certificate has no Key Usage extension; Nuvy's profile sets digitalSignature "
            "(guide step 5). Ask Nuvy to re-issue it."
        )
    if "digital_signature" in usage:
        return P, "Key Usage includes digitalSignature, which the TLS client handshake needs."
    return F, (
        "Key Usage lacks digitalSignature, which a TLS client needs to prove it holds the key. "
        "Ask Nuvy to re-issue the certificate (guide step 5)."
    )


def _ku_key_encipherment(context: HasCertificate) -> Outcome:
    cert = context.cert
    if cert.public_key.algorithm != "rsa":
        return NA, f"keyEncipherment only applies to RSA keys; this key is {cert.public_key.describe()}."
    if not context.policy.expect_key_encipherment_for_rsa:
        return NA, "The policy in use does not expect keyEncipherment on RSA keys, so it was not checked."
    if cert.key_usage is not None and "key_encipherment" in cert.key_usage:
        return P, "Key Usage includes keyEncipherment, as Nuvy's profile sets for RSA keys."
    return W, (
        "Key Usage lacks keyEncipherment, which Nuvy's profile sets for RSA keys (guide step 5). "
        "Modern TLS does not need it, but if Nuvy issued this it is not the expected profile: ask Nuvy."
    )


def _not_ca(context: HasCertificate) -> Outcome:
    cert = context.cert
    if cert.is_ca:
        return F, (
            "The certificate says CA:TRUE in Basic Constraints: it could issue other certificates, and "
            "servers refuse CA certificates as client certificates. Ask Nuvy for a client (CA:FALSE) one."
        )
    if cert.key_usage is not None and "key_cert_sign" in cert.key_usage:
        return F, (
            "Key Usage includes keyCertSign, a CA permission a client certificate must not have. "
            "Ask Nuvy to re-issue it with digitalSignature and keyEncipherment only."
        )
    return P, "Not a CA certificate (no CA:TRUE, no keyCertSign)."


def subject_checks(required: bool, what: str) -> list[Check[HasSubject]]:
    """Subject field checks; missing C/O/OU warn on certificates (Nuvy chose them) and fail on CSRs."""
    missing = F if required else W

    def cn(context: HasSubject) -> Outcome:
        values = context.subject.get("CN")
        if not values or not values[0].strip():
            return F, (
                f"The {what} has no Common Name (CN). The CN is your unique client identifier "
                '(guide step 3: -subj "/C=BR/O=CLIENT_NAME/OU=Production/CN=client-name").'
            )
        if values[0] != values[0].strip():
            return F, f"The CN {values[0]!r} has leading or trailing spaces; remove them."
        return P, f"CN is {values[0]!r}."

    def field(short: str, meaning: str) -> Check[HasSubject]:
        def run(context: HasSubject) -> Outcome:
            values = context.subject.get(short)
            if not values or not values[0].strip():
                return missing, (
                    f"The {what} has no {short} ({meaning}); the guide's subject is "
                    "/C=BR/O=CLIENT_NAME/OU=Production/CN=client-name."
                )
            if short == "C" and not _COUNTRY.fullmatch(values[0]):
                return missing, (
                    f"C is {values[0]!r}; it must be a two-letter upper-case country code such as BR."
                )
            return P, f"{short} is {values[0]!r}."

        return Check(f"subject.{short.lower()}", f"Subject {short}", run)

    def encoding(context: HasSubject) -> Outcome:
        return subject_encoding(context, what)

    return [
        Check("subject.cn", "Subject CN", cn),
        field("C", "two-letter country code"),
        field("O", "company name"),
        field("OU", "environment, e.g. Production"),
        Check("subject.encoding", "Subject text encoding", encoding),
    ]


def _key_strength_cert(context: HasCertificate) -> Outcome:
    return key_strength(context.cert.public_key, context.policy, NEW_KEY)


def _hash_cert(context: HasCertificate) -> Outcome:
    return signature_hash(context.cert.algorithm, context.policy, REISSUE + " with SHA-256")


PROFILE_CHECKS: list[Check[HasCertificate]] = [
    Check("eku.client_auth", "Extended Key Usage: clientAuth", _eku),
    Check("ku.digital_signature", "Key Usage: digitalSignature", _ku_digital_signature),
    Check("ku.key_encipherment", "Key Usage: keyEncipherment", _ku_key_encipherment),
    Check("basic_constraints.not_ca", "Not a CA", _not_ca),
    Check("key.strength", "Key strength", _key_strength_cert),
    Check("signature.hash", "Signature hash", _hash_cert),
]
