"""The path rules of RFC 5280 §6.1, one small function each, as zlint writes lints.

Each rule answers "would a correct TLS server accept this chain?" for one requirement, names the
certificates that break it by position and CN, and says what to ask for. The client profile (what Nuvy
issues) lives in ``profile.py``; these rules hold for any chain.
"""

from __future__ import annotations

import datetime as dt

from ..extensions import KNOWN_EXTENSIONS
from ..model import Certificate, purposes_text
from ..policy import SUPPORTED_CURVES, SUPPORTED_CURVES_TEXT, one_of
from ..profile import PURPOSE_REFUSED_LOG
from ..runner import NA, Check, F, Outcome, P, W, day, unverified_reason
from . import name_constraints as nc
from .context import PathContext, sentence

_AKI, _SKI, _NC = "2.5.29.35", "2.5.29.14", "2.5.29.30"
_BASIC_CONSTRAINTS, _KEY_USAGE = "2.5.29.19", "2.5.29.15"
# RFC 5280 §4.1.2.2: "Certificate users MUST be able to handle serialNumber values up to 20 octets."
_MAX_SERIAL_OCTETS = 20
# The hashes a web PKI verifier (pyca/cryptography, rustls, Go) accepts in a certificate signature, with
# their output in bytes, which an RSA-PSS signature's salt must equal.
_HASH_BYTES = {"sha256": 32, "sha384": 48, "sha512": 64}
_PATH_HASHES = frozenset(_HASH_BYTES)
# The same hashes as the message names them, "SHA-256, -384 or -512", so it cannot fall behind the set.
_PATH_HASHES_TEXT = "SHA" + one_of([f"-{bits}" for bits in sorted(int(h[3:]) for h in _PATH_HASHES)])
_MIN_PATH_RSA_BITS = 2048
# Extensions the validator processes when critical (RFC 5280 §4.2); AKI, SKI and AIA must never be
# critical (§4.2.1.1, §4.2.1.2, §4.2.2.1); policies and CRL distribution points are not processed, so a
# critical one is refused, as pyca/cryptography does.
_PROCESSED_WHEN_CRITICAL = frozenset(
    {"2.5.29.15", "2.5.29.19", "2.5.29.37", "2.5.29.17", "2.5.29.18", "2.5.29.30"}
)
_NEVER_CRITICAL = {
    "2.5.29.35": "authorityKeyIdentifier",
    "2.5.29.14": "subjectKeyIdentifier",
    "1.3.6.1.5.5.7.1.1": "authorityInfoAccess",
}


def _build(context: PathContext) -> Outcome:
    """RFC 5280 §6.1 and §6.1.3 (a)(4): the names chain from the leaf to a trust anchor (§7.1)."""
    path, certs = context.path, context.certs
    if context.built.exhausted and not context.built.valid:
        return F, _incomplete(context)
    if path.complete:
        steps = " → ".join(context.name(i) for i in range(len(certs)))
        return P, f"The path reaches a trusted CA: {steps}."
    return F, _incomplete(context)


def _incomplete(context: PathContext) -> str:
    """Why no path reaches a trust anchor, in the words that say what to add."""
    certs, links = context.certs, context.path.links
    if context.built.exhausted:
        return (
            f"No trusted path was found for {context.name(0)}: {context.built.exhausted}. The input holds "
            "too many "
            "certificates that could issue one another; send only the client certificate and the CAs "
            "that issued it."
        )
    if links and len(links) == len(certs) - 1 and links[-1] is not True:
        named = (
            f"No trusted path: {context.name(len(certs) - 1)} carries the name of the issuer of "
            f"{context.name(len(certs) - 2)}"
        )
        if links[-1] is False:
            return (
                f"{named} but did not sign it (see signature.valid). Ask for the certificate that really "
                "issued it."
            )
        # Not checkable is not forged: the algorithm or key is one this validator cannot verify.
        return (
            f"{named}, but its signature could not be checked ({unverified_reason(links[-1])}; see "
            f"signature.valid). {_UNCHECKED_ADVICE}."
        )
    return _missing_issuer(context) if context.mode == "certificate" else _missing_partner_issuer(context)


def _missing_issuer(context: PathContext) -> str:
    top = context.certs[-1]
    anchors = " or ".join(
        f"{label}, {_anchor_subject(context, der)}" for der, label in context.anchor_labels.items()
    )
    if len(context.certs) == 1:
        return (
            f"The issuer of {context.name(0)} is {top.issuer}, but that is not {anchors}, and no "
            "intermediate certificate "
            "given was issued by it. This certificate was not issued by the CA you selected: check "
            "the environment (see environment.issuer), or ask Nuvy."
        )
    return (
        f"The path stops at {context.name(len(context.certs) - 1)}, issued by {top.issuer}, which is "
        f"neither {anchors} nor a certificate given. Add the missing intermediate, or check the environment."
    )


def _missing_partner_issuer(context: PathContext) -> str:
    top, last = context.certs[-1], len(context.certs) - 1
    if last == 0:
        return (
            f"Nothing in the input issued {context.name(0)}; its issuer {top.issuer} is missing. "
            "Add the intermediate and root CA certificates of your partner."
        )
    if top.self_issued:
        return (
            f"The chain ends at {context.name(last)}, which names itself as issuer but whose "
            "self-signature does not verify, so it is not a root. Ask your partner for their root CA "
            "certificate."
        )
    return (
        f"The chain stops at {context.name(last)}, issued by {top.issuer}, whose certificate "
        "is missing. Add that intermediate or root certificate to the chain."
    )


def _anchor_subject(context: PathContext, der: bytes) -> str:
    anchor = next((cert for cert in context.built.anchors if cert.der == der), None)
    return str(anchor.subject) if anchor is not None else "a configured CA"


def _unused(context: PathContext) -> Outcome:
    """Certificates given that are not on the path: harmless to a server, but not what Nuvy needs."""
    unused = context.built.unused
    if unused:
        listed = "; ".join(str(cert.subject) for cert in unused)
        return W, (
            f"{len(unused)} certificate(s) given are not needed on the path: {listed}. Leave them out "
            "of what you configure and send."
        )
    return P, "Every certificate given is on the path."


_UNCHECKED_ADVICE = (
    "A signature that cannot be checked is not trusted either: ask for a certificate signed with RSA, or "
    f"ECDSA on {SUPPORTED_CURVES_TEXT}, and SHA-256"
)


def _link_problem(context: PathContext, index: int) -> str:
    verified, signer = context.path.links[index], context.name(index + 1)
    if verified is False:
        return f"the signature of {context.name(index)} does not verify with the key of {signer}"
    return (
        f"the signature of {context.name(index)} could not be checked with the key of {signer} "
        f"({unverified_reason(verified)})"
    )


def _signatures(context: PathContext) -> Outcome:
    """RFC 5280 §6.1.3 (a)(1): every certificate's signature verifies with its issuer's public key."""
    links = context.path.links
    if not links:
        return NA, "No issuer certificate was found, so no signature could be checked (see path.build)."
    broken = [index for index, link in enumerate(links) if link is not True]
    if not broken:
        if len(links) == 1:
            return P, f"The signature verifies with the public key of {context.name(1)}."
        return P, f"All {len(links)} signatures on the path verify."
    if broken == [0] and context.mode == "certificate" and context.is_anchor(1):
        label = context.label(1)
        if links[0] is False:
            return F, (
                f"The issuer name matches {label}, but the signature does not verify with its public key, "
                "so it was not issued by this CA: the certificate is forged, corrupted, or from a CA that "
                "copies Nuvy's name. Do not use it; ask Nuvy for a certificate."
            )
        return F, (
            f"The signature could not be checked against {label}: {unverified_reason(links[0])}. "
            "Run `openssl verify -CAfile nuvy-ca-<env>.crt nuvy-client-<env>.crt` (guide step 6)."
        )
    # The search follows only links that verify (path/building.py), so a path holds one unverified link at
    # most, its last: one kind of advice fits.
    advice = (
        "A signature that does not verify is a broken link: the chain will not be trusted. Ask for the "
        "certificate that really issued it"
        if links[broken[-1]] is False
        else _UNCHECKED_ADVICE
    )
    return F, (
        f"{sentence([_link_problem(context, index) for index in broken])}. {advice}, then confirm with "
        f"{context.verify_command}."
    )


def _validity(context: PathContext) -> Outcome:
    """RFC 5280 §6.1.3 (a)(2) and §4.1.2.5: notBefore <= time <= notAfter, for every certificate."""
    at = context.moment
    problems: dict[int, str] = {}
    for index, cert in enumerate(context.certs):
        if at < cert.not_before:
            problems[index] = f"{context.name(index)} is not valid until {day(cert.not_before)}"
        elif at > cert.not_after:
            problems[index] = f"{context.name(index)} expired on {day(cert.not_after)}"
    leaf = context.cert
    if list(problems) == [0]:
        if at < leaf.not_before:
            return F, (
                f"{context.sentence_name(0)} is not valid yet: valid from "
                f"{day(leaf.not_before)} (checked at {day(at)}). Check the clock of the machine, or wait "
                "until then."
            )
        return F, (
            f"{context.sentence_name(0)} expired on {day(leaf.not_after)} (checked "
            f"at {day(at)}). Rotate: generate a new key and CSR and ask Nuvy for a new certificate "
            "(guide step 9)."
        )
    if problems:
        return F, (
            sentence(list(problems.values())) + f" (checked at {day(at)}). Ask the CA that issued it for "
            "a current one."
        )
    if len(context.certs) == 1:
        return P, f"Valid from {day(leaf.not_before)} until {day(leaf.not_after)}."
    return P, (
        f"Every certificate on the path is valid now; the leaf from {day(leaf.not_before)} until "
        f"{day(leaf.not_after)}."
    )


def _expiring(context: PathContext) -> Outcome:
    """Not an RFC rule: a warning, ``policy.warn_days`` ahead, so nobody is surprised (guide step 9)."""
    at, horizon = context.moment, dt.timedelta(days=context.policy.warn_days)
    leaf = context.cert
    if not leaf.not_before <= at <= leaf.not_after:
        return NA, "Not applicable: the certificate is outside its validity period (see validity.period)."
    soon = [
        i
        for i, cert in enumerate(context.certs)
        if cert.not_before <= at <= cert.not_after and cert.not_after - at <= horizon
    ]
    if soon == [0]:
        left = leaf.not_after - at
        return W, (
            f"Expires on {day(leaf.not_after)}, in {left.days} days. Plan the rotation now: new key, "
            "new CSR, new signature by Nuvy, client update (guide step 9)."
        )
    if soon:
        listed = sentence([f"{context.name(i)} expires on {day(context.certs[i].not_after)}" for i in soon])
        return W, f"{listed}. Plan the renewal with the CA that issued it."
    return P, f"{(leaf.not_after - at).days} days left before it expires on {day(leaf.not_after)}."


def _absent_or_unreadable(cert: Certificate, oid: str) -> str:
    """How to say that an extension the rule needs is missing: absent, or present but unreadable."""
    name = KNOWN_EXTENSIONS[oid]
    if cert.extension(oid) is None:
        return f"no {name} extension"
    return f"a {name} extension that cannot be used (see extensions.well_formed)"


def _issuer_rule(context: PathContext, findings: list[str], advice: str, ok: str) -> Outcome:
    if not context.issuers():
        return NA, "There is no issuer certificate on the path."
    if findings:
        return F, sentence(findings) + ". " + advice
    return P, ok


def _issuer_v3(context: PathContext) -> Outcome:
    """RFC 5280 §6.1.4 (k): an issuer must be a v3 certificate, since only v3 can say it is a CA."""
    findings = [
        f"{context.name(i)} is a version {context.certs[i].version} certificate"
        for i in context.issuers()
        if context.certs[i].version != 3
    ]
    return _issuer_rule(
        context,
        findings,
        "Only version 3 certificates can carry basicConstraints; ask for a v3 CA certificate.",
        "Every issuer is a version 3 certificate.",
    )


def _basic_constraints(context: PathContext) -> Outcome:
    """RFC 5280 §4.2.1.9 and §6.1.4 (k): every issuer has a critical basicConstraints with CA:TRUE."""
    findings = []
    for i in context.issuers():
        cert = context.certs[i]
        ext = cert.extension(_BASIC_CONSTRAINTS)
        if cert.is_ca is None:
            findings.append(f"{context.name(i)} has {_absent_or_unreadable(cert, _BASIC_CONSTRAINTS)}")
        elif not cert.is_ca:
            findings.append(f"{context.name(i)} is not a CA (basicConstraints CA:FALSE)")
        elif ext is not None and not ext.critical:
            findings.append(f"{context.name(i)} has basicConstraints that is not marked critical")
    return _issuer_rule(
        context,
        findings,
        "Servers reject chains through such certificates. Ask for the issuing CA's "
        "certificate with a critical basicConstraints CA:TRUE.",
        "Every issuer is a CA (critical basicConstraints, CA:TRUE).",
    )


def _key_cert_sign(context: PathContext) -> Outcome:
    """RFC 5280 §4.2.1.3 (a CA MUST include Key Usage) and §6.1.4 (n) (it must assert keyCertSign)."""
    findings = []
    for i in context.issuers():
        usage = context.certs[i].key_usage
        if usage is None:
            findings.append(f"{context.name(i)} has {_absent_or_unreadable(context.certs[i], _KEY_USAGE)}")
        elif "key_cert_sign" not in usage:
            findings.append(f"{context.name(i)} may not sign certificates (Key Usage lacks keyCertSign)")
    return _issuer_rule(
        context,
        findings,
        "Ask for the issuing CA's certificate with Key Usage keyCertSign.",
        "Every issuer may sign certificates (Key Usage keyCertSign).",
    )


def _issuer_subject(context: PathContext) -> Outcome:
    """RFC 5280 §4.1.2.6: a CA's subject must be a non-empty distinguished name."""
    findings = [
        f"{context.name(i)} has an empty subject"
        for i in context.issuers()
        if not context.certs[i].subject.attributes
    ]
    return _issuer_rule(
        context,
        findings,
        "A CA must have a name; ask for a correctly issued CA certificate.",
        "Every issuer has a non-empty subject.",
    )


def _path_length(context: PathContext) -> Outcome:
    """RFC 5280 §4.2.1.9 and §6.1.4 (l)(m): pathLenConstraint, not counting self-issued intermediates."""
    certs = context.certs
    findings = []
    for i in context.issuers():
        limit = certs[i].path_length
        if limit is None:
            continue
        below = sum(1 for inner in certs[1:i] if not inner.self_issued)
        if below > limit:
            findings.append(
                f"{context.name(i)} allows {limit} intermediate(s) below it (pathLenConstraint) "
                f"but the path has {below}"
            )
    if findings:
        advice = ". Validators reject this chain; ask for one that respects the constraint."
        return F, sentence(findings) + advice
    return P, "No path length constraint is exceeded."


def _name_constraint_findings(context: PathContext, index: int) -> list[str]:
    cert = context.certs[index]
    constraints = cert.constraints
    if constraints is None:
        return []
    ext = cert.extension(_NC)
    if not constraints.permitted and not constraints.excluded:
        return [f"{context.name(index)} has empty name constraints (RFC 5280 section 4.2.1.10 forbids it)"]
    unsupported = nc.unsupported_forms(constraints)
    if unsupported and ext is not None and ext.critical:
        return [
            f"{context.name(index)} has critical name constraints of a form the validator cannot "
            f"process ({', '.join(unsupported)})"
        ]
    findings = []
    for below in range(index):
        if below > 0 and context.certs[below].self_issued:
            continue  # §6.1.3 (b): self-issued intermediates are not checked.
        for name in nc.names_of(context.certs[below]):
            problem = nc.violations(name, constraints)
            if problem is not None:
                findings.append(f"{context.name(below)}: {problem} of {context.name(index)}")
    return findings


def _name_constraints(context: PathContext) -> Outcome:
    """RFC 5280 §4.2.1.10 and §6.1.3 (b)(c): names below a CA stay inside its name constraints."""
    findings = []
    if context.cert.constraints is not None:
        findings.append(f"{context.name(0)} carries name constraints, which only a CA may carry")
    for i in context.issuers():
        findings.extend(_name_constraint_findings(context, i))
    if findings:
        return F, sentence(
            findings
        ) + ". Servers reject this chain; ask for a certificate within the CA's names."
    if not any(context.certs[i].constraints for i in context.issuers()):
        return NA, "No certificate on the path has name constraints."
    return P, "Every name is within the name constraints of the CAs above it."


def _critical_finding(context: PathContext, index: int, oid: str) -> str | None:
    if oid in _PROCESSED_WHEN_CRITICAL or oid in ("2.5.29.35", "2.5.29.14"):  # AKI/SKI: path.key_identifiers.
        return None
    if oid in _NEVER_CRITICAL:
        return f"{context.name(index)} marks {_NEVER_CRITICAL[oid]} critical, which RFC 5280 forbids"
    known = KNOWN_EXTENSIONS.get(oid)
    if known:
        return f"{context.name(index)} has a critical {known} extension, which the validator does not process"
    return f"{context.name(index)} has the unknown critical extension {oid}"


def _critical_known(context: PathContext) -> Outcome:
    """RFC 5280 §4.2: a critical extension the validator does not process makes a certificate unusable."""
    findings = [
        finding
        for i, cert in enumerate(context.certs)
        for ext in cert.extensions
        if ext.critical and (finding := _critical_finding(context, i, ext.oid)) is not None
    ]
    if findings:
        return F, (
            sentence(findings) + ". TLS servers must reject certificates with critical extensions they do "
            "not process (RFC 5280 section 4.2). Ask the issuer to drop it or mark it non-critical."
        )
    return P, "Every critical extension on the path is one TLS servers understand."


def _well_formed(context: PathContext) -> Outcome:
    """RFC 5280 §4.2: at most one instance of an extension; §4.1: every value DER as its syntax says."""
    findings = [
        f"{context.name(i)}: {problem}"
        for i, cert in enumerate(context.certs)
        for problem in cert.extension_problems
    ]
    if findings:
        return F, sentence(
            findings
        ) + ". Strict TLS stacks refuse such a certificate; ask its issuer to re-issue it."
    return P, "Every extension on the path appears once and is well formed."


def _key_identifier_findings(context: PathContext, index: int) -> tuple[list[str], list[str]]:
    """(failures, warnings) for one certificate's AKI and SKI.

    RFC 5280 requires an AKI in every certificate but a self-signed root (§4.2.1.1) and an SKI in every CA
    (§4.2.1.2). Verifiers differ: pyca/cryptography refuses a leaf without AKI (or an AKI without a
    keyIdentifier) and accepts a CA without either, so those two fail and the others only warn.
    """
    cert = context.certs[index]
    fails: list[str] = []
    warns: list[str] = []
    name = context.name(index)
    for oid, what in ((_AKI, "Authority"), (_SKI, "Subject")):
        ext = cert.extension(oid)
        if ext is not None and ext.critical:
            fails.append(f"{name} marks its {what} Key Identifier critical, which RFC 5280 forbids")
    if index == 0 and not cert.has_authority_key_info:
        fails.append(f"{name} has no Authority Key Identifier (RFC 5280 section 4.2.1.1)")
    elif cert.has_authority_key_info and cert.authority_key_id is None:
        fails.append(f"{name} has an Authority Key Identifier without a keyIdentifier")
    elif not cert.has_authority_key_info and not (context.is_anchor(index) and cert.self_issued):
        warns.append(f"{name} has no Authority Key Identifier (RFC 5280 section 4.2.1.1)")
    if index > 0 and cert.extension(_SKI) is None:
        # A MUST for CAs (§4.2.1.2). In an end entity it is only a SHOULD that no verifier uses, and Nuvy's
        # own profile leaves it out: a warning on every client certificate would teach people to ignore them.
        warns.append(f"{name} has no Subject Key Identifier (RFC 5280 section 4.2.1.2)")
    return fails, warns


def _key_identifiers(context: PathContext) -> Outcome:
    """RFC 5280 §4.2.1.1 and §4.2.1.2: AKI not critical; AKI and SKI present where verifiers need them."""
    fails, warns = [], []
    for i in range(len(context.certs)):
        f, w = _key_identifier_findings(context, i)
        fails += f
        warns += w
    if fails:
        return F, sentence(
            fails + warns
        ) + ". Strict verifiers reject this chain; ask for re-issued certificates."
    if warns:
        return W, sentence(warns) + ". Most servers accept this, but the CA should include it."
    return P, "Key identifiers are present and not critical."


def _serial_numbers(context: PathContext) -> Outcome:
    """RFC 5280 §4.1.2.2: a serial number is a positive integer of at most 20 octets."""
    findings, odd = [], []
    for i, cert in enumerate(context.certs):
        if cert.serial < 0:
            findings.append(f"{context.name(i)} has a negative serial number")
        elif cert.serial_octets > _MAX_SERIAL_OCTETS + 1:
            findings.append(f"{context.name(i)} has a serial number of {cert.serial_octets} octets")
        elif cert.serial == 0:
            odd.append(f"{context.name(i)} has the serial number 0")
        elif cert.serial_octets > _MAX_SERIAL_OCTETS:
            odd.append(f"{context.name(i)} has a serial number of {cert.serial_octets} octets")
    if findings:
        return F, sentence(findings) + ". Strict verifiers reject such certificates; ask for a re-issue."
    if odd:
        # §4.1.2.2: users "SHOULD be prepared to gracefully handle" a zero serial and, as pyca/cryptography
        # does, a 21st octet (a 20-octet number and its sign octet), so these only warn.
        return W, f"{sentence(odd)}, which RFC 5280 section 4.1.2.2 does not allow CAs to use."
    return P, "Every serial number is positive and at most 20 octets."


def _signed_with_accepted(cert: Certificate) -> bool:
    """RSA PKCS#1 v1.5, RSA-PSS (salt = hash length) or ECDSA, with SHA-256, -384 or -512.

    This is the web PKI's list, which pyca/cryptography and rustls enforce. Ed25519 (RFC 8410) is not on
    it, and AWS's mTLS load balancers, which Nuvy's API most likely sits behind, take only RSA and ECDSA.
    """
    signed = cert.algorithm
    if signed.scheme not in ("rsa-pkcs1v15", "rsa-pss", "ecdsa") or signed.hash not in _PATH_HASHES:
        return False
    return signed.scheme != "rsa-pss" or signed.salt_length == _HASH_BYTES[str(signed.hash)]


def _algorithm_findings(context: PathContext, index: int, cert: Certificate) -> list[str]:
    findings = []
    key = cert.public_key
    if index > 0:  # The leaf's own key is the profile's business (key.strength); an issuer's is the path's.
        if key.algorithm == "rsa" and (key.bits or 0) < _MIN_PATH_RSA_BITS:
            findings.append(f"{context.name(index)} has an RSA {key.bits}-bit key")
        elif key.algorithm == "ec" and key.curve not in SUPPORTED_CURVES:
            findings.append(f"{context.name(index)} has a key on the curve {key.curve}")
        elif key.algorithm not in ("rsa", "ec"):
            findings.append(f"{context.name(index)} has a key of type {key.describe()}")
    # The trust anchor's own signature is not part of the path (RFC 5280 §6.1.1 (d)).
    if not context.is_anchor(index) and not _signed_with_accepted(cert):
        findings.append(f"{context.name(index)} is signed with {cert.algorithm.name}")
    return findings


def _algorithms(context: PathContext) -> Outcome:
    """Keys and signature hashes a web PKI verifier accepts (RSA >= 2048, P-256/384/521, SHA-256 or more)."""
    findings = [
        problem for i, cert in enumerate(context.certs) for problem in _algorithm_findings(context, i, cert)
    ]
    if findings:
        return F, sentence(findings) + (
            ". Servers refuse keys and signatures outside the web PKI's list (RSA of 2048 bits or more, "
            f"ECDSA on {SUPPORTED_CURVES_TEXT}, signed with {_PATH_HASHES_TEXT}); ask for a re-issue that "
            "uses them."
        )
    return P, "Every key and signature on the path uses an accepted algorithm."


def _leaf_purpose(context: PathContext) -> Outcome:
    """RFC 5280 §4.2.1.9, §4.2.1.3 and §4.2.1.12: a TLS client certificate is no CA and allows clientAuth."""
    leaf, name = context.cert, context.sentence_name(0)
    if leaf.is_ca:
        return F, (
            f"{name} is a CA certificate (basicConstraints CA:TRUE); servers refuse CA certificates "
            "as client certificates."
        )
    if leaf.key_usage is not None and "key_cert_sign" in leaf.key_usage:
        return (
            F,
            f"{name} asserts keyCertSign, which only a CA may; servers refuse it as a client certificate.",
        )
    # anyExtendedKeyUsage alone is refused too: §4.2.1.12 lets applications require the purpose itself,
    # and both OpenSSL and pyca/cryptography do.
    if leaf.eku is not None and "client_auth" not in leaf.eku:
        return F, (
            f"{name}'s Extended Key Usage does not include clientAuth, so a server refuses it for a "
            f"TLS client ({PURPOSE_REFUSED_LOG})."
        )
    return P, "The leaf may authenticate a TLS client."


def _ca_purpose(context: PathContext) -> Outcome:
    """EKU chaining: a CA whose EKU is present must allow clientAuth (OpenSSL and pyca/cryptography agree).

    A CA whose EKU allows every purpose (anyExtendedKeyUsage) without naming clientAuth is a warning, not a
    pass: RFC 5280 §4.2.1.12 lets an application that needs a purpose reject it, OpenSSL (so nginx and
    HAProxy) does, and pyca/cryptography does not (tests/core/path_known_differences.json).
    """
    allowing = {"client_auth", "any_extended_key_usage"}
    findings = [
        f"{context.name(i)} limits its Extended Key Usage to {purposes_text(eku)}"
        if eku
        else f"{context.name(i)} has an Extended Key Usage that lists no purpose"
        for i in context.issuers()
        if (eku := context.certs[i].eku) is not None and not allowing & eku
    ]
    # With no finding, a CA whose EKU lacks clientAuth can only be one that allows anyExtendedKeyUsage.
    any_only = [] if findings else [
        context.name(i)
        for i in context.issuers()
        if (eku := context.certs[i].eku) is not None and "client_auth" not in eku
    ]
    if any_only:
        return W, (
            f"{sentence(any_only)} allows every purpose (anyExtendedKeyUsage) but does not name clientAuth. "
            "OpenSSL-based servers (nginx, HAProxy) refuse client certificates under such a CA, as RFC 5280 "
            "section 4.2.1.12 lets them; ask for a CA whose Extended Key Usage includes clientAuth."
        )
    return _issuer_rule(
        context,
        findings,
        "Certificates it issues cannot authenticate TLS clients; ask for a CA that allows clientAuth.",
        "No CA on the path excludes client authentication.",
    )


def _time_encoding(context: PathContext) -> Outcome:
    """RFC 5280 §4.1.2.5: dates through 2049 are UTCTime, later GeneralizedTime; all in UTC, with seconds."""
    findings = [
        f"{context.name(i)} {' and '.join(cert.time_problems)}"
        for i, cert in enumerate(context.certs)
        if cert.time_problems
    ]
    if findings:
        return F, sentence(findings) + ". Strict verifiers reject it; ask the issuer to re-issue it."
    return P, "Every validity date is encoded as RFC 5280 requires."


def _policies(context: PathContext) -> Outcome:
    """RFC 5280 §6.1.3 (d)-(f): certificate policies; not processed, and said so once."""
    del context
    return NA, (
        "Certificate policies are not processed (RFC 5280 section 6.1, steps d to f): Nuvy's servers do "
        "not require a policy, so the validator neither checks nor reports them."
    )


PATH_CHECKS: list[Check[PathContext]] = [
    Check("path.build", "Path to a trusted CA", _build),
    Check("path.unused", "No unneeded certificates", _unused),
    Check("signature.valid", "Every signature on the path", _signatures),
    Check("validity.period", "Valid at the checked time", _validity),
    Check("validity.expiring_soon", "Not about to expire", _expiring),
    Check("path.issuer_v3", "Issuers are version 3", _issuer_v3),
    Check("path.basic_constraints", "Issuers are CAs", _basic_constraints),
    Check("path.key_cert_sign", "Issuers may sign certificates", _key_cert_sign),
    Check("path.issuer_subject", "Issuers have a subject", _issuer_subject),
    Check("path.path_length", "Path length constraints", _path_length),
    Check("path.name_constraints", "Name constraints", _name_constraints),
    Check("extensions.critical_known", "Critical extensions", _critical_known),
    Check("extensions.well_formed", "Extensions well formed", _well_formed),
    Check("path.key_identifiers", "Key identifiers", _key_identifiers),
    Check("path.serial_numbers", "Serial numbers", _serial_numbers),
    Check("path.algorithms", "Keys and hashes on the path", _algorithms),
    Check("path.leaf_purpose", "Leaf usable as a TLS client", _leaf_purpose),
    Check("path.ca_purpose", "CAs allow client authentication", _ca_purpose),
    Check("path.time_encoding", "Validity dates encoded correctly", _time_encoding),
    Check("path.policies", "Certificate policies", _policies),
]
