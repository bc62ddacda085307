"""How a name is matched against a name-constraint subtree (RFC 5280 §4.2.1.10), one form at a time, with the
exact sentence fragment ``violations`` gives. The catalogue builds one chain per form; these are the edges
inside each form that issue 17's mutation run found unasserted: a leading or trailing period, an empty DNS
subtree, a quoted local part holding an "@", an address of the other IP family, a subtree of another form.
"""

from __future__ import annotations

import ipaddress

import pytest

from validator_py.extensions import GeneralName, NameConstraints
from validator_py.path.name_constraints import violations


def _dns(value: str) -> GeneralName:
    return GeneralName("dns", value)


def _email(value: str) -> GeneralName:
    return GeneralName("email", value)


def _uri(value: str) -> GeneralName:
    return GeneralName("uri", value)


def _ip(text: str) -> GeneralName:
    """An address (SAN form: its bytes) or a network (subtree form: address bytes, then mask bytes)."""
    if "/" in text:
        network = ipaddress.ip_network(text)
        return GeneralName("ip", "", raw=network.network_address.packed + network.netmask.packed)
    return GeneralName("ip", "", raw=ipaddress.ip_address(text).packed)


OUTSIDE = "is outside the permitted subtrees"
EXCLUDED = "is in an excluded subtree"

# (name, permitted subtree, fragment): the fragment ``violations`` returns, or None when the name is inside.
PERMITTED = [
    # DNS: the constraint matches the name and any name with labels added on the left.
    (_dns("host.example.com"), _dns("example.com"), None),
    (_dns("example.com"), _dns("example.com"), None),
    (_dns("badexample.com"), _dns("example.com"), f"its DNS name badexample.com {OUTSIDE}"),
    # An empty dNSName subtree holds every DNS name.
    (_dns("anything.example"), _dns(""), None),
    # A leading period (the pre-RFC form) matches only names with labels added, not the domain itself.
    (_dns("host.example.com"), _dns(".example.com"), None),
    (_dns("example.com"), _dns(".example.com"), f"its DNS name example.com {OUTSIDE}"),
    # A trailing period (an absolute name) on the subtree is the same domain.
    (_dns("host.example.com"), _dns("example.com."), None),
    # E-mail: a host, a domain with a leading period, or one mailbox.
    (_email("a@example.com"), _email("example.com"), None),
    (_email("a@badexample.com"), _email("example.com"), f"its e-mail address a@badexample.com {OUTSIDE}"),
    (_email("a@mail.example.com"), _email(".example.com"), None),
    # A quoted local part may hold an "@" (RFC 5321): the host is what follows the last one.
    (_email('"a@b"@example.com'), _email("example.com"), None),
    (_email('"a@b"@example.com'), _email('"a@b"@example.com'), None),
    (
        _email('"a@c"@example.com'),
        _email('"a@b"@example.com'),
        f'its e-mail address "a@c"@example.com {OUTSIDE}',
    ),
    # An address without an "@" is in no subtree of mailboxes.
    (_email("postmaster"), _email("example.com"), f"its e-mail address postmaster {OUTSIDE}"),
    # URI: the host of the authority, matched like an e-mail host.
    (_uri("https://example.com/a/b"), _uri("example.com"), None),
    (_uri("https://badexample.com/"), _uri("example.com"), f"its URI https://badexample.com/ {OUTSIDE}"),
    # IP: an IPv4 subtree says nothing in favour of an IPv6 address.
    (_ip("10.1.2.3"), _ip("10.0.0.0/8"), None),
    (_ip("2001:db8::5"), _ip("10.0.0.0/8"), f"its IP address 2001:db8:0:0:0:0:0:5 {OUTSIDE}"),
]


@pytest.mark.parametrize(("name", "subtree", "fragment"), PERMITTED)
def test_a_name_against_a_permitted_subtree(
    name: GeneralName, subtree: GeneralName, fragment: str | None
) -> None:
    assert violations(name, NameConstraints(permitted=(subtree,), excluded=())) == fragment


EXCLUDED_CASES = [
    # IPv6 addresses are written as eight groups of hexadecimal, each made of two octets.
    (_ip("2001:db8::5"), _ip("2001:db8::/32"), f"its IP address 2001:db8:0:0:0:0:0:5 {EXCLUDED}"),
    (
        _ip("2001:db8:a0b:c0d:e0f:1011:1213:1415"),
        _ip("2001:db8::/32"),
        f"its IP address 2001:db8:a0b:c0d:e0f:1011:1213:1415 {EXCLUDED}",
    ),
    (_ip("2001:db9::5"), _ip("2001:db8::/32"), None),
    # A subtree constrains only names of its own form: an e-mail domain does not exclude a DNS name.
    (_dns("host.example.com"), _email("example.com"), None),
    (_dns("host.example.com"), _uri("example.com"), None),
    (_email("a@example.com"), _dns("example.com"), None),
]


@pytest.mark.parametrize(("name", "subtree", "fragment"), EXCLUDED_CASES)
def test_a_name_against_an_excluded_subtree(
    name: GeneralName, subtree: GeneralName, fragment: str | None
) -> None:
    assert violations(name, NameConstraints(permitted=(), excluded=(subtree,))) == fragment
