"""Exact messages of path rules that every verdict leans on, which issue 17's mutation run found unasserted:
the leaf's purpose, the signature check's not-applicable and multi-link forms, and a lone leaf's validity."""

from __future__ import annotations

import pytest

from tests import pki as mk
from tests.conftest import NuvyPKI
from validator_py import Environment, Report, Status, validate

P, W, F, NA = Status.PASS, Status.WARN, Status.FAIL, Status.NOT_APPLICABLE


def _qa(p: NuvyPKI, data: str) -> Report:
    return validate(data, [Environment("qa", "QA", p.qa.pem)], selected="qa", at=p.now)


def _chain(p: NuvyPKI, *certs: mk.Issued) -> Report:
    return validate(mk.pem_bundle(*certs), [], selected="", at=p.now)


@pytest.fixture(scope="module")
def partner() -> tuple[mk.Issued, mk.Issued]:
    root = mk.make_ca("Partner Root", key_slot=40)
    inter = mk.make_ca("Partner Issuing CA", parent=root, key_type="rsa2048", key_slot=41)
    return root, inter


@pytest.mark.parametrize(
    ("options", "status", "message"),
    [
        ({}, P, "The leaf may authenticate a TLS client."),
        (
            {"basic_constraints_ca": True},
            F,
            "The leaf certificate (client-name) is a CA certificate (basicConstraints CA:TRUE); servers "
            "refuse CA certificates as client certificates.",
        ),
        (
            {"key_usage_flags": {"digital_signature": True, "key_cert_sign": True}},
            F,
            "The leaf certificate (client-name) asserts keyCertSign, which only a CA may; servers refuse it "
            "as a client certificate.",
        ),
        (
            {"eku": (mk.SERVER_AUTH,)},
            F,
            "The leaf certificate (client-name)'s Extended Key Usage does not include clientAuth, so a "
            "server refuses it for a TLS client (an AWS load balancer logs ClientCertPurposeInvalid).",
        ),
    ],
    ids=["client", "ca-true", "key-cert-sign", "server-auth-only"],
)
def test_leaf_purpose(pki: NuvyPKI, options: dict[str, object], status: Status, message: str) -> None:
    result = _qa(pki, mk.make_client(pki.qa, **options).pem).check("path.leaf_purpose")  # type: ignore[arg-type]
    assert (result.status, result.message) == (status, message)


def test_signature_check_without_an_issuer_is_not_applicable(pki: NuvyPKI) -> None:
    stranger = mk.make_ca("Stranger CA", key_type="ec256", key_slot=62)
    result = _qa(pki, mk.make_client(stranger, key_type="ec256").pem).check("signature.valid")
    assert (result.status, result.message) == (
        NA, "No issuer certificate was found, so no signature could be checked (see path.build)."
    )


def test_signatures_of_a_longer_path_are_counted(pki: NuvyPKI, partner: tuple[mk.Issued, mk.Issued]) -> None:
    root, inter = partner
    result = _chain(pki, mk.make_client(inter, key_slot=42), inter, root).check("signature.valid")
    assert (result.status, result.message) == (P, "All 2 signatures on the path verify.")


def test_one_verified_link_names_its_signer(pki: NuvyPKI, partner: tuple[mk.Issued, mk.Issued]) -> None:
    root, inter = partner
    chain = _chain(pki, mk.make_client(inter, key_slot=42), inter)  # The root is missing.
    assert chain.check("signature.valid").message == (
        "The signature verifies with the public key of intermediate certificate 1 (Partner Issuing CA)."
    )
    direct = _chain(pki, mk.make_client(root, key_slot=42), root).check("signature.valid")
    assert direct.message == (
        "The signature verifies with the public key of the root certificate (Partner Root)."
    )
    qa = _qa(pki, mk.make_client(pki.qa).pem).check("signature.valid")
    assert qa.message == "The signature verifies with the public key of the QA CA (qa)."


def test_a_forged_leaf_directly_under_a_partner_root_gets_the_chain_wording(
    pki: NuvyPKI, partner: tuple[mk.Issued, mk.Issued]
) -> None:
    """Only the certificate report speaks of "the issuer name matches the QA CA"; a chain names both ends."""
    root, _ = partner
    forged = mk.make_client(root, signing_key=mk.private_key("rsa2048", 43), key_slot=42)
    result = _chain(pki, forged, root).check("signature.valid")
    assert result.status is F
    assert result.message == (
        "The signature of the leaf certificate (client-name) does not verify with the key of the root "
        "certificate (Partner Root). A signature that does not verify is a broken link: the chain will not "
        "be trusted. Ask for the certificate that really issued it, then confirm with `openssl verify "
        "-CAfile partner-root.crt -untrusted partner-intermediate.crt partner-client.crt`."
    )


def test_a_lone_leaf_says_its_validity_period(pki: NuvyPKI) -> None:
    stranger = mk.make_ca("Stranger CA", key_type="ec256", key_slot=62)
    leaf = mk.make_client(stranger, key_type="ec256", not_before=mk.NOW - mk.DAY, not_after=mk.NOW + mk.YEAR)
    result = _qa(pki, leaf.pem).check("validity.period")
    expected = "Valid from 2026-06-14 12:00 UTC until 2027-06-15 12:00 UTC."
    assert (result.status, result.message) == (P, expected)


CATALOGUE_MESSAGES = {
    "build-missing-intermediate": (
        "path.build", F,
        "Nothing in the input issued the leaf certificate (gap-client); its issuer CN=Gap Issuing CA,O=Nuvy "
        "Test,C=BR is missing. Add the intermediate and root CA certificates of your partner.",
    ),
    "kcs-intermediate-without": (
        "path.key_cert_sign", F,
        "Intermediate certificate 1 (No Cert Sign CA) may not sign certificates (Key Usage lacks "
        "keyCertSign). Ask for the issuing CA's certificate with Key Usage keyCertSign.",
    ),
    "aki-missing-intermediate": (
        "path.key_identifiers", W,
        "Intermediate certificate 1 (No AKI CA) has no Authority Key Identifier (RFC 5280 section 4.2.1.1). "
        "Most servers accept this, but the CA should include it.",
    ),
    "serial-negative-leaf": (
        "path.serial_numbers", F,
        "The leaf certificate (negative-serial-client) has a negative serial number. Strict verifiers reject "
        "such certificates; ask for a re-issue.",
    ),
    "build-missing-intermediate/unused": (
        "path.unused", W,
        "1 certificate(s) given are not needed on the path: CN=Gap Root,O=Nuvy Test,C=BR. Leave them out of "
        "what you configure and send.",
    ),
    "aki-missing-leaf": (
        "path.key_identifiers", F,
        "The leaf certificate (no-aki-client) has no Authority Key Identifier (RFC 5280 section 4.2.1.1). "
        "Strict verifiers reject this chain; ask for re-issued certificates.",
    ),
    "ski-missing-leaf": ("path.key_identifiers", P, "Key identifiers are present and not critical."),
    "critical-unknown-leaf": (
        "extensions.critical_known", F,
        "The leaf certificate (unknown-ext-client) has the unknown critical extension 1.3.6.1.4.1.55555.1.1. "
        "TLS servers must reject certificates with critical extensions they do not process (RFC 5280 "
        "section 4.2). Ask the issuer to drop it or mark it non-critical.",
    ),
    "build-depth-9": (
        "path.build", F,
        "No trusted path was found for the leaf certificate (deep9-client): no path of at most 8 "
        "certificates reaches a trusted CA. The input holds too many certificates that could issue one "
        "another; send only the client certificate and the CAs that issued it.",
    ),
    "signature-leaf-wrong-key": (
        "path.build", F,
        "No trusted path: intermediate certificate 1 (Partner Issuing CA) carries the name of the issuer of "
        "the leaf certificate (forged-client) but did not sign it (see signature.valid). Ask for the "
        "certificate that really issued it.",
    ),
    "issuer-v1-intermediate": (
        "path.issuer_v3", F,
        "Intermediate certificate 1 (Version One CA) is a version 1 certificate. Only version 3 certificates "
        "can carry basicConstraints; ask for a v3 CA certificate.",
    ),
    "pathlen-exceeded": (
        "path.path_length", F,
        "Intermediate certificate 2 (Zero Length Top CA) allows 0 intermediate(s) below it "
        "(pathLenConstraint) but the path has 1. Validators reject this chain; ask for one that respects the "
        "constraint.",
    ),
    "crl-good": ("path.basic_constraints", P, "Every issuer is a CA (critical basicConstraints, CA:TRUE)."),
    "crl-good/ca-purpose": ("path.ca_purpose", P, "No CA on the path excludes client authentication."),
    "purpose-intermediate-eku-server-only": (
        "path.ca_purpose", F,
        "Intermediate certificate 1 (Server Only CA) limits its Extended Key Usage to serverAuth. "
        "Certificates it issues cannot authenticate TLS clients; ask for a CA that allows clientAuth.",
    ),
    "purpose-intermediate-eku-client-and-server": (
        "path.ca_purpose", P, "No CA on the path excludes client authentication.",
    ),
    "purpose-intermediate-eku-any": (
        "path.ca_purpose", W,
        "Intermediate certificate 1 (Any Purpose CA) allows every purpose (anyExtendedKeyUsage) but does not "
        "name clientAuth. OpenSSL-based servers (nginx, HAProxy) refuse client certificates under such a CA, "
        "as RFC 5280 section 4.2.1.12 lets them; ask for a CA whose Extended Key Usage includes clientAuth.",
    ),
}


def test_a_ca_whose_eku_lists_no_purpose_allows_no_client() -> None:
    from tests.core.oracles import our_report
    from tests.core.path_cases import under_partner_root

    result = our_report(under_partner_root("Empty EKU CA", eku=()), "chain").check("path.ca_purpose")
    assert (result.status, result.message) == (
        F,
        "Intermediate certificate 1 (Empty EKU CA) has an Extended Key Usage that lists no purpose. "
        "Certificates it issues cannot authenticate TLS clients; ask for a CA that allows clientAuth.",
    )


@pytest.mark.parametrize("name", CATALOGUE_MESSAGES)
def test_catalogue_messages(name: str) -> None:
    """Path-rule messages of catalogue cases, in full (the catalogue itself asserts only statuses)."""
    from tests.core.oracles import our_report
    from tests.core.path_cases import CASES

    check_id, status, message = CATALOGUE_MESSAGES[name]
    case = next(c for c in CASES if c.name == name.split("/", maxsplit=1)[0])
    result = our_report(case.build(), case.mode).check(check_id)
    assert (result.status, result.message) == (status, message)
