"""Name constraints (RFC 5280 §4.2.1.10): the helpers that read a URI's host and word a violation, and a
constrained path that passes, asserted in full (issue 17's mutation sample found them unasserted)."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtensionOID

from tests import pki as mk
from validator_py import validate
from validator_py.extensions import GeneralName, NameConstraints
from validator_py.path.name_constraints import uri_host, violations

from .pathkit import ec_key, make_ca, make_leaf


@pytest.mark.parametrize(
    ("uri", "host"),
    [
        ("https://user@Host.example.com:8443/path?q=1#frag", "Host.example.com"),
        ("https://[2001:db8::1]:443/", "2001:db8::1"),
        ("https://example.com#a#b", "example.com"),
        # The host ends at the first "/", "]" or "://" even when more follow.
        ("https://example.com/a/b", "example.com"),
        ("https://[2001:db8::1]]/", "2001:db8::1"),
        ("https://example.com/next?to=https://other.example/", "example.com"),
        ("urn:example:no-authority", None),
        ("https://:443/", None),
    ],
)
def test_uri_host(uri: str, host: str | None) -> None:
    assert uri_host(uri) == host


def test_violations_name_the_address_and_the_subtree() -> None:
    constraints = NameConstraints(
        permitted=(GeneralName("ip", "", raw=bytes([10, 0, 0, 0, 255, 0, 0, 0])),),
        excluded=(GeneralName("dns", "bad.example.com"),),
    )
    assert violations(GeneralName("ip", "", raw=bytes([192, 168, 1, 7])), constraints) == (
        "its IP address 192.168.1.7 is outside the permitted subtrees"
    )
    assert violations(GeneralName("ip", "", raw=bytes([10, 1, 2, 3])), constraints) is None
    assert violations(GeneralName("dns", "x.bad.example.com"), constraints) == (
        "its DNS name x.bad.example.com is in an excluded subtree"
    )


def test_a_name_within_a_dns_constraint_passes_in_full() -> None:
    """A DNS subtree is not an iPAddress subtree: the extension is well formed, and the leaf's name fits."""
    constraints = x509.NameConstraints(permitted_subtrees=[x509.DNSName("partner.example")],
                                       excluded_subtrees=None)
    root = make_ca("Constrained Root", key=ec_key(4200))
    inter = make_ca("Constrained Issuing CA", root, key=ec_key(4201), name_constraints=constraints)
    leaf = make_leaf(inter, key=ec_key(4202), san=[x509.DNSName("api.partner.example")])
    report = validate(leaf.pem + inter.pem + root.pem, [], selected="", at=mk.NOW)
    well_formed = report.check("extensions.well_formed")
    assert well_formed.status.value == "pass", well_formed.message
    result = report.check("path.name_constraints")
    assert (result.status.value, result.message) == (
        "pass", "Every name is within the name constraints of the CAs above it."
    )


@pytest.mark.parametrize(
    ("subtree", "problem"),
    [
        ("870a0a000000ff000000ffff", "an iPAddress subtree is 10 octets, not an address and a mask"),
        ("87080a000000ff00ff00", "an iPAddress subtree's mask is not a prefix (such as 255.255.255.0)"),
    ],
    ids=["ten-octets", "mask-with-a-hole"],
)
def test_an_ip_subtree_must_be_an_address_and_a_prefix_mask(subtree: str, problem: str) -> None:
    body = bytes.fromhex(subtree)
    general_subtree = b"\x30" + bytes([len(body)]) + body
    permitted = b"\xa0" + bytes([len(general_subtree)]) + general_subtree
    value = b"\x30" + bytes([len(permitted)]) + permitted
    raw = x509.UnrecognizedExtension(ExtensionOID.NAME_CONSTRAINTS, value)
    root = make_ca("Constrained Root", key=ec_key(4200))
    inter = make_ca("Constrained Issuing CA", root, key=ec_key(4201), extra=[(raw, True)])
    leaf = make_leaf(inter, key=ec_key(4202))
    report = validate(leaf.pem + inter.pem + root.pem, [], selected="", at=mk.NOW)
    result = report.check("extensions.well_formed")
    assert (result.status.value, result.message) == (
        "fail",
        f"Intermediate certificate 1 (Constrained Issuing CA): the nameConstraints extension is malformed: "
        f"{problem}. Strict TLS stacks refuse such a certificate; ask its issuer to re-issue it.",
    )


def test_a_trailing_dot_and_a_subject_name_outside_the_subtrees() -> None:
    constraints = NameConstraints(
        permitted=(GeneralName("dns", "partner.example"),
                   GeneralName("dirname", "", rdns=("o=partner",))),
        excluded=(),
    )
    # The absolute form of a DNS name (a trailing dot) is the same name.
    assert violations(GeneralName("dns", "api.partner.example."), constraints) is None
    assert violations(GeneralName("dirname", "o=other\x1ecn=x", rdns=("o=other", "cn=x")), constraints) == (
        "its subject name is outside the permitted subtrees"
    )


def test_a_constraint_of_a_form_not_processed_is_named_by_its_form() -> None:
    constraints = x509.NameConstraints(
        permitted_subtrees=[x509.RegisteredID(x509.ObjectIdentifier("1.2.3.4"))], excluded_subtrees=None
    )
    root = make_ca("Constrained Root", key=ec_key(4200))
    inter = make_ca("Constrained Issuing CA", root, key=ec_key(4201), name_constraints=constraints)
    leaf = make_leaf(inter, key=ec_key(4202))
    report = validate(leaf.pem + inter.pem + root.pem, [], selected="", at=mk.NOW)
    result = report.check("path.name_constraints")
    assert (result.status.value, result.message) == (
        "fail",
        "Intermediate certificate 1 (Constrained Issuing CA) has critical name constraints of a form the "
        "validator cannot process (registered_id). Servers reject this chain; ask for a certificate within "
        "the CA's names.",
    )
