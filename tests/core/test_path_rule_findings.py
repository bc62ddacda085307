"""Path-rule findings on chains the catalogue does not build, with their messages in full.

Issue 17's mutation run found these branches of ``path/rules.py`` unasserted: a critical Subject Key
Identifier or authorityInfoAccess, an Authority Key Identifier with only issuer and serial, a 22-octet serial,
an issuing CA on a curve web PKI verifiers refuse, empty or unprocessable name constraints, and the
self-issued certificates that RFC 5280 §6.1.3 (b) leaves out of name-constraint checking. Every chain is a
partner chain (the anchor is the self-signed root given), and the catalogue's good chain gives the passing
wording of every rule.
"""

from __future__ import annotations

import pytest
from asn1crypto import core
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtensionOID

from validator_py import Report, Status

from .oracles import our_report
from .path_cases import CASES, chain_mode, nc, partner
from .pathkit import (
    OID,
    Cert,
    ec_key,
    make_ca,
    make_cert,
    make_leaf,
    replace_extension,
    resign,
    serial_of,
    set_serial,
)

P, W, F, NA = Status.PASS, Status.WARN, Status.FAIL, Status.NOT_APPLICABLE

KEY_IDENTIFIER_ADVICE = ". Strict verifiers reject this chain; ask for re-issued certificates."
CRITICAL_ADVICE = (
    ". TLS servers must reject certificates with critical extensions they do not process (RFC 5280 section "
    "4.2). Ask the issuer to drop it or mark it non-critical."
)
ALGORITHM_ADVICE = (
    "Servers refuse keys and signatures outside the web PKI's list (RSA of 2048 bits or more, ECDSA on "
    "P-256, P-384 or P-521, signed with SHA-256, -384 or -512); ask for a re-issue that uses them."
)
UNCHECKED_ADVICE = (
    "A signature that cannot be checked is not trusted either: ask for a certificate signed with RSA, or "
    "ECDSA on P-256, P-384 or P-521, and SHA-256"
)
NAME_CONSTRAINT_ADVICE = ". Servers reject this chain; ask for a certificate within the CA's names."


def _under_root(inter: Cert, leaf: Cert | None = None) -> Report:
    """root -> ``inter`` -> ``leaf`` (a default client certificate under ``inter`` when not given)."""
    return our_report(chain_mode(leaf or make_leaf(inter), [inter], partner()[0]), "chain")


def _result(report: Report, check_id: str) -> tuple[Status, str]:
    result = report.check(check_id)
    return result.status, result.message


GOOD_CHAIN = {
    "path.unused": (P, "Every certificate given is on the path."),
    "path.issuer_v3": (P, "Every issuer is a version 3 certificate."),
    "path.key_cert_sign": (P, "Every issuer may sign certificates (Key Usage keyCertSign)."),
    "path.issuer_subject": (P, "Every issuer has a non-empty subject."),
    "extensions.critical_known": (P, "Every critical extension on the path is one TLS servers understand."),
    "extensions.well_formed": (P, "Every extension on the path appears once and is well formed."),
    "path.serial_numbers": (P, "Every serial number is positive and at most 20 octets."),
    "path.policies": (
        NA,
        "Certificate policies are not processed (RFC 5280 section 6.1, steps d to f): Nuvy's servers do not "
        "require a policy, so the validator neither checks nor reports them.",
    ),
}


@pytest.mark.parametrize("check_id", GOOD_CHAIN)
def test_a_good_chain_passes_every_rule_in_these_words(check_id: str) -> None:
    case = next(c for c in CASES if c.name == "build-ok-chain-mode")
    assert _result(our_report(case.build(), case.mode), check_id) == GOOD_CHAIN[check_id]


def test_a_critical_subject_key_identifier_is_a_key_identifier_finding_only() -> None:
    """§4.2.1.2: SKI MUST NOT be critical. path.key_identifiers says so; critical_known does not repeat it."""
    root = partner()[0]
    inter = resign(make_ca("Critical SKI CA", root), root.key, replace_extension(OID["ski"], critical=True))
    report = _under_root(inter)
    assert _result(report, "path.key_identifiers") == (
        F,
        "Intermediate certificate 1 (Critical SKI CA) marks its Subject Key Identifier critical, which "
        "RFC 5280 forbids" + KEY_IDENTIFIER_ADVICE,
    )
    assert _result(report, "extensions.critical_known") == GOOD_CHAIN["extensions.critical_known"]


def test_a_critical_authority_key_identifier_is_a_key_identifier_finding_only() -> None:
    case = next(c for c in CASES if c.name == "aki-critical-leaf")
    report = our_report(case.build(), case.mode)
    assert _result(report, "extensions.critical_known") == GOOD_CHAIN["extensions.critical_known"]
    assert _result(report, "path.key_identifiers") == (
        F,
        "The leaf certificate (critical-aki-client) marks its Authority Key Identifier critical, which RFC "
        "5280 forbids" + KEY_IDENTIFIER_ADVICE,
    )


def test_a_critical_authority_information_access_is_forbidden() -> None:
    """§4.2.2.1: authorityInfoAccess MUST be non-critical."""
    aia = x509.AuthorityInformationAccess(
        [
            x509.AccessDescription(
                AuthorityInformationAccessOID.CA_ISSUERS, x509.UniformResourceIdentifier("http://ca.example/ca.crt")
            )
        ]
    )
    report = _under_root(make_ca("Critical AIA CA", partner()[0], extra=[(aia, True)]))
    assert _result(report, "extensions.critical_known") == (
        F,
        "Intermediate certificate 1 (Critical AIA CA) marks authorityInfoAccess critical, which RFC 5280 "
        "forbids" + CRITICAL_ADVICE,
    )


def test_a_critical_extension_known_but_not_processed_is_named() -> None:
    case = next(c for c in CASES if c.name == "policy-constraints-critical")
    assert _result(our_report(case.build(), case.mode), "extensions.critical_known") == (
        F,
        "Intermediate certificate 1 (Policy Constraints CA) has a critical policyConstraints extension, "
        "which the validator does not process" + CRITICAL_ADVICE,
    )


def test_an_authority_key_identifier_with_only_issuer_and_serial_fails() -> None:
    """pyca/cryptography refuses an AKI without keyIdentifier (the docstring of _key_identifier_findings)."""
    root = partner()[0]
    aki = x509.AuthorityKeyIdentifier(
        key_identifier=None,
        authority_cert_issuer=[x509.DirectoryName(root.cert.subject)],
        authority_cert_serial_number=serial_of(root),
    )
    report = _under_root(make_ca("Issuer Serial AKI CA", root, aki=False, extra=[(aki, False)]))
    assert _result(report, "path.key_identifiers") == (
        F,
        "Intermediate certificate 1 (Issuer Serial AKI CA) has an Authority Key Identifier without a "
        "keyIdentifier" + KEY_IDENTIFIER_ADVICE,
    )


def test_a_serial_of_22_octets_fails() -> None:
    """§4.1.2.2: 20 octets, and a 21st for the sign only warns (catalogue); 22 is one too many."""
    root, inter, _ = partner()
    leaf = resign(make_leaf(inter, "very-long-serial-client"), inter.key, set_serial(2**168))
    report = our_report(chain_mode(leaf, [inter], root), "chain")
    assert _result(report, "path.serial_numbers") == (
        F,
        "The leaf certificate (very-long-serial-client) has a serial number of 22 octets. Strict verifiers "
        "reject such certificates; ask for a re-issue.",
    )


def test_an_issuing_ca_on_a_curve_servers_refuse() -> None:
    """secp256k1 is no web PKI curve: the CA's key is a path finding (its signatures cannot be checked)."""
    inter = make_ca("K1 CA", partner()[0], key=ec.generate_private_key(ec.SECP256K1()))
    report = _under_root(inter)
    assert _result(report, "path.algorithms") == (
        F, "Intermediate certificate 1 (K1 CA) has a key on the curve secp256k1. " + ALGORITHM_ADVICE
    )
    # Its signature on the leaf cannot be checked here (OpenSSL could): neither check may call it forged.
    reason = "the signer's curve secp256k1 is not P-256, P-384 or P-521"
    assert _result(report, "path.build") == (
        F,
        "No trusted path: intermediate certificate 1 (K1 CA) carries the name of the issuer of the leaf "
        f"certificate (client-name), but its signature could not be checked ({reason}; see signature.valid). "
        f"{UNCHECKED_ADVICE}.",
    )
    assert _result(report, "signature.valid") == (
        F,
        "The signature of the leaf certificate (client-name) could not be checked with the key of "
        f"intermediate certificate 1 (K1 CA) ({reason}). {UNCHECKED_ADVICE}, then confirm with "
        "`openssl verify -CAfile partner-root.crt -untrusted partner-intermediate.crt partner-client.crt`.",
    )


def test_an_issuing_ca_with_an_ed25519_key_is_named_by_its_key_type() -> None:
    inter = make_ca("Ed CA", partner()[0], key=ed25519.Ed25519PrivateKey.generate())
    assert _result(_under_root(inter), "path.algorithms") == (
        F,
        "The leaf certificate (client-name) is signed with Ed25519; intermediate certificate 1 (Ed CA) has a "
        "key of type Ed25519. " + ALGORITHM_ADVICE,
    )


def test_empty_name_constraints_are_forbidden() -> None:
    """§4.2.1.10: "either the permittedSubtrees field or the excludedSubtrees MUST be present"."""
    empty = x509.UnrecognizedExtension(ExtensionOID.NAME_CONSTRAINTS, b"\x30\x00")
    report = _under_root(make_ca("Empty NC CA", partner()[0], extra=[(empty, True)]))
    assert _result(report, "path.name_constraints") == (
        F,
        "Intermediate certificate 1 (Empty NC CA) has empty name constraints (RFC 5280 section 4.2.1.10 "
        "forbids it)" + NAME_CONSTRAINT_ADVICE,
    )


def test_every_form_the_validator_cannot_process_is_listed() -> None:
    upn = x509.ObjectIdentifier("1.3.6.1.4.1.311.20.2.3")
    constraints = nc(
        [
            x509.RegisteredID(x509.ObjectIdentifier("1.2.3.4")),
            x509.OtherName(upn, core.UTF8String("a@example.com").dump()),
        ]
    )
    report = _under_root(make_ca("Two Forms CA", partner()[0], name_constraints=constraints))
    assert _result(report, "path.name_constraints") == (
        F,
        "Intermediate certificate 1 (Two Forms CA) has critical name constraints of a form the validator "
        "cannot process (other_name, registered_id)" + NAME_CONSTRAINT_ADVICE,
    )


BAD_NAME = x509.DNSName("bad.example")


def _rolled_over() -> Report:
    """root -> Top CA (excludes bad.example) -> Rolled CA (old key) -> Rolled CA (new key) -> leaf.

    The new Rolled CA is self-issued. Both Rolled CA certificates carry the excluded name, and
    §6.1.3 (b) skips the self-issued one (position 1)
    and checks the one Top CA issued (position 2). The self-issued one has no AKI, which RFC 5280 §4.2.1.1
    requires of every certificate but a self-signed one.
    """
    root = partner()[0]
    top = make_ca("Top CA", root, name_constraints=nc(excluded=[BAD_NAME]))
    old = make_ca("Rolled CA", top, key=ec_key(4300), san=[BAD_NAME])
    new = make_cert(
        "Rolled CA", issuer=old, key=ec_key(4301), ca=True, ku={"key_cert_sign": True}, san=[BAD_NAME],
        aki=False,
    )
    return our_report(chain_mode(make_leaf(new, "rolled-client"), [new, old, top], root), "chain")


def test_a_self_issued_intermediate_is_not_checked_against_name_constraints() -> None:
    report = _rolled_over()
    assert report.check("path.build").message == (
        "The path reaches a trusted CA: the leaf certificate (rolled-client) → intermediate certificate 1 "
        "(Rolled CA) → intermediate certificate 2 (Rolled CA) → intermediate certificate 3 (Top CA) → the "
        "root certificate (Partner Root)."
    )
    assert _result(report, "path.name_constraints") == (
        F,
        "Intermediate certificate 2 (Rolled CA): its DNS name bad.example is in an excluded subtree of "
        "intermediate certificate 3 (Top CA)" + NAME_CONSTRAINT_ADVICE,
    )


def test_a_self_issued_intermediate_without_authority_key_identifier_is_warned_about() -> None:
    assert _result(_rolled_over(), "path.key_identifiers") == (
        W,
        "Intermediate certificate 1 (Rolled CA) has no Authority Key Identifier (RFC 5280 section 4.2.1.1). "
        "Most servers accept this, but the CA should include it.",
    )


def test_a_self_issued_leaf_is_checked_against_name_constraints() -> None:
    """§6.1.3 (b) skips self-issued certificates "not the final certificate in the path", not a leaf."""
    inter = make_ca("Same Name CA", partner()[0], name_constraints=nc(excluded=[BAD_NAME]))
    leaf = make_leaf(inter, "Same Name CA", subject=inter.cert.subject, san=[BAD_NAME])
    assert _result(_under_root(inter, leaf), "path.name_constraints") == (
        F,
        "The leaf certificate (Same Name CA): its DNS name bad.example is in an excluded subtree of "
        "intermediate certificate 1 (Same Name CA)" + NAME_CONSTRAINT_ADVICE,
    )
