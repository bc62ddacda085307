"""Partner chains (guide step 12): ordering, every link, completeness, CA flags, validity, path length."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests import pki as mk
from tests.conftest import NuvyPKI
from validator_py import Report, Status, validate

from .pathkit import Cert, corrupt_signature

P, W, F, NA = Status.PASS, Status.WARN, Status.FAIL, Status.NOT_APPLICABLE


def chain(p: NuvyPKI, *items: mk.Issued) -> Report:
    return validate(mk.pem_bundle(*items), [], selected="", at=p.now)


@pytest.fixture(scope="module")
def partner() -> tuple[mk.Issued, mk.Issued, mk.Issued]:
    root = mk.make_ca("Partner Root", key_slot=40)
    inter = mk.make_ca("Partner Issuing CA", parent=root, key_type="rsa2048", key_slot=41, path_length=0)
    leaf = mk.make_client(inter, key_slot=42)
    return root, inter, leaf


def test_ordered_chain_passes_and_bundles_the_cas(pki: NuvyPKI, partner: tuple[mk.Issued, ...]) -> None:
    root, inter, leaf = partner
    report = chain(pki, leaf, inter, root)
    assert report.kind == "chain"
    assert report.verdict is P, [c for c in report.checks if c.status is not P]
    assert report.check("path.build").message == (
        "The path reaches a trusted CA: the leaf certificate (client-name) → intermediate certificate 1 "
        "(Partner Issuing CA) → the root certificate (Partner Root)."
    )
    assert report.check("path.unused").status is P
    assert report.bundle_pem == inter.pem + root.pem
    assert report.to_dict()["bundle_pem"] == inter.pem + root.pem
    assert "path" not in report.details  # Listed once, as "certificates".
    assert [c["position"] for c in report.details["certificates"]] == [
        "the leaf certificate",
        "intermediate certificate 1",
        "the root certificate",
    ]


def test_any_order_is_reordered(pki: NuvyPKI, partner: tuple[mk.Issued, ...]) -> None:
    root, inter, leaf = partner
    report = chain(pki, root, leaf, inter)
    assert report.verdict is P, [c for c in report.checks if c.status is not P and c.status is not NA]
    assert report.bundle_pem == inter.pem + root.pem


def test_missing_intermediate(pki: NuvyPKI, partner: tuple[mk.Issued, ...]) -> None:
    root, _inter, leaf = partner
    report = chain(pki, leaf, root)
    result = report.check("path.build")
    assert result.status is F
    assert "its issuer CN=Partner Issuing CA,O=Nuvy Test,C=BR is missing" in result.message
    assert report.check("path.unused").status is W
    assert "not needed on the path: CN=Partner Root" in report.check("path.unused").message


def test_missing_root(pki: NuvyPKI, partner: tuple[mk.Issued, ...]) -> None:
    _root, inter, leaf = partner
    result = chain(pki, leaf, inter).check("path.build")
    assert result.status is F
    assert re.search(
        r"stops at intermediate certificate 1 \(Partner Issuing CA\), issued by CN=Partner Root",
        result.message,
    )


def test_a_root_whose_self_signature_fails_is_no_trust_anchor(
    pki: NuvyPKI, partner: tuple[mk.Issued, ...]
) -> None:
    """A chain is trusted through its own root only if that root really signed itself: a corrupted root
    still signs the intermediate, but it is not an anchor, so the chain fails."""
    root, inter, leaf = partner
    corrupted = corrupt_signature(Cert(der=root.der, key=root.key, name="Partner Root"))
    report = validate(leaf.pem + inter.pem + corrupted.pem, [], selected="", at=pki.now)
    result = report.check("path.build")
    assert (result.status, result.message) == (
        F,
        "The chain ends at intermediate certificate 2 (Partner Root), which names itself as issuer but whose "
        "self-signature does not verify, so it is not a root. Ask your partner for their root CA "
        "certificate.",
    )
    assert report.verdict is F


def test_broken_link_is_named_by_position(pki: NuvyPKI, partner: tuple[mk.Issued, ...]) -> None:
    root, inter, _leaf = partner
    forged = mk.make_client(inter, signing_key=mk.private_key("rsa2048", 43), key_slot=42)
    report = chain(pki, forged, inter, root)
    result = report.check("signature.valid")
    assert result.status is F
    assert result.message == (
        "The signature of the leaf certificate (client-name) does not verify with the key of "
        "intermediate certificate 1 (Partner Issuing CA). A signature that does not verify is a broken link: "
        "the chain will not be trusted. Ask for the certificate that really issued it, then confirm with "
        "`openssl verify -CAfile partner-root.crt -untrusted partner-intermediate.crt partner-client.crt`."
    )
    assert "did not sign it (see signature.valid)" in report.check("path.build").message


@dataclass(frozen=True)
class BadLink:
    """One defective link under the partner root, and the chain check that must say so."""

    name: str
    intermediate: dict[str, Any]  # make_ca options of the intermediate under the partner root
    check_id: str
    status: Status
    message: str  # a fragment of the check's message
    leaf: dict[str, Any] = field(default_factory=dict)  # make_client options of the leaf


BAD_LINKS = [
    BadLink(
        "non-ca-intermediate",
        {"name": "Partner Not A CA", "key_slot": 44, "ca": False},
        "path.basic_constraints",
        F,
        "Intermediate certificate 1 (Partner Not A CA) is not a CA (basicConstraints CA:FALSE). Servers "
        "reject chains through such certificates. Ask for the issuing CA's certificate",
    ),
    BadLink(
        "intermediate-without-key-cert-sign",
        {"name": "Partner No Sign", "key_slot": 45, "key_cert_sign": False},
        "path.key_cert_sign",
        F,
        "may not sign certificates (Key Usage lacks keyCertSign)",
    ),
    BadLink(
        "expired-link",
        {
            "name": "Partner Old CA",
            "key_slot": 46,
            "not_before": mk.NOW - 3 * mk.YEAR,
            "not_after": mk.NOW - mk.DAY,
        },
        "validity.period",
        F,
        "Intermediate certificate 1 (Partner Old CA) expired on 2026-06-14 12:00 UTC",
    ),
    BadLink(
        "expiring-link-warns",
        {"name": "Partner Ending CA", "key_slot": 47, "not_after": mk.NOW + 5 * mk.DAY},
        "validity.expiring_soon",
        W,
        "The leaf certificate (client-name) expires on 2026-06-19 12:00 UTC",
        leaf={"not_after": mk.NOW + 4 * mk.DAY},
    ),
]


@pytest.mark.parametrize("bad", BAD_LINKS, ids=lambda bad: bad.name)
def test_bad_link(pki: NuvyPKI, partner: tuple[mk.Issued, ...], bad: BadLink) -> None:
    root = partner[0]
    inter = mk.make_ca(parent=root, key_type="rsa2048", **bad.intermediate)
    leaf = mk.make_client(inter, key_slot=42, **bad.leaf)
    result = chain(pki, leaf, inter, root).check(bad.check_id)
    assert result.status is bad.status, result
    assert bad.message in result.message


def test_path_length_violation(pki: NuvyPKI) -> None:
    root = mk.make_ca("Partner Root", key_slot=40)
    top = mk.make_ca("Partner Policy CA", parent=root, key_type="rsa2048", key_slot=48, path_length=0)
    low = mk.make_ca("Partner Issuing CA 2", parent=top, key_type="rsa2048", key_slot=49)
    leaf = mk.make_client(low, key_slot=42)
    report = chain(pki, leaf, low, top, root)
    result = report.check("path.path_length")
    assert result.status is F
    assert (
        "Intermediate certificate 2 (Partner Policy CA) allows 0 intermediate(s) below it" in result.message
    )
    assert result.message.endswith("ask for one that respects the constraint.")
    assert report.check("signature.valid").status is P


def test_leaf_profile_is_checked_in_chains(pki: NuvyPKI, partner: tuple[mk.Issued, ...]) -> None:
    root, inter, _leaf = partner
    server = mk.make_client(inter, key_slot=42, eku=(mk.SERVER_AUTH,))
    result = chain(pki, server, inter, root).check("eku.client_auth")
    assert result.status is F


def test_chain_with_configured_environments_still_a_chain(
    pki: NuvyPKI, partner: tuple[mk.Issued, ...]
) -> None:
    from validator_py import Environment

    root, inter, leaf = partner
    report = validate(
        mk.pem_bundle(leaf, inter, root), [Environment("qa", "QA", pki.qa.pem)], selected="qa", at=pki.now
    )
    assert report.kind == "chain"


def test_duplicates_count_once(pki: NuvyPKI, partner: tuple[mk.Issued, ...]) -> None:
    root, inter, leaf = partner
    report = chain(pki, leaf, inter, root, leaf)
    assert report.check("path.unused").status is P
    assert report.bundle_pem == inter.pem + root.pem
