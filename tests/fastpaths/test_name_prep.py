"""names.py prepares ASCII name values itself (RFC 4518, for speed); it must agree with asn1crypto exactly.

A name's key decides which CA issued a certificate and whether a name constraint matches, so a single
character prepared differently would change verdicts. Every ASCII character, random ASCII and non-ASCII
strings, multi-valued RDNs and real certificates are compared with asn1crypto's own ``hashable``.
"""

from __future__ import annotations

import re

import pytest
from asn1crypto import x509
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import pki
from validator_py.names import name_info, rdn_key

ASCII = st.characters(max_codepoint=0x7F)
# Spaces and controls are where RFC 4518's steps differ from a plain lower(); weight them.
SPACEY = st.sampled_from([" ", "  ", "\t", "\n", "\v", "\f", "\r", "\x00", "\x1f", "\x7f", "\x1c", "A", "z"])


def _attribute(
    value: str, kind: str = "utf8_string", attribute: str = "common_name"
) -> x509.NameTypeAndValue:
    return x509.NameTypeAndValue({"type": attribute, "value": x509.DirectoryString(name=kind, value=value)})


def _fresh(attribute: x509.NameTypeAndValue) -> x509.NameTypeAndValue:
    # A parsed copy, as a certificate's names are: nothing cached from building it.
    return x509.NameTypeAndValue.load(attribute.dump())


def _same(value: str) -> None:
    rdn = x509.RelativeDistinguishedName([_attribute(value)])
    ours, theirs = rdn_key(x509.RelativeDistinguishedName.load(rdn.dump())), rdn.hashable
    assert ours == theirs, (value, ours, theirs)


def test_every_ascii_character_alone_and_in_a_value() -> None:
    for code in range(0x80):
        char = chr(code)
        for value in (char, f"a{char}b", f" {char} ", char * 3):
            _same(value)


def test_empty_value() -> None:
    _same("")


@settings(max_examples=400, deadline=None)
@given(st.text(ASCII, max_size=40))
def test_random_ascii(value: str) -> None:
    _same(value)


@settings(max_examples=300, deadline=None)
@given(st.lists(SPACEY | st.text(ASCII, max_size=3), max_size=20).map("".join))
def test_random_spaces_and_controls(value: str) -> None:
    _same(value)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=20))
def test_non_ascii_goes_to_asn1crypto(value: str) -> None:
    # asn1crypto may refuse a value (a prohibited character): then both must refuse it the same way.
    rdn = x509.RelativeDistinguishedName([_attribute(value)])
    try:
        theirs = rdn.hashable
    except ValueError as error:
        with pytest.raises(ValueError, match=re.escape(str(error))):
            rdn_key(x509.RelativeDistinguishedName.load(rdn.dump()))
        return
    assert rdn_key(x509.RelativeDistinguishedName.load(rdn.dump())) == theirs


def test_string_types_and_multi_valued_rdns() -> None:
    for kind in ("printable_string", "teletex_string", "bmp_string", "universal_string", "utf8_string"):
        _same_rdn([_attribute("Client  Name", kind), _attribute("BR", "printable_string", "country_name")])
    # The same type twice in one RDN: asn1crypto keeps the last value, sorted by type name.
    _same_rdn([_attribute("B"), _attribute("a"), _attribute("x", attribute="organization_name")])


def _same_rdn(attributes: list[x509.NameTypeAndValue]) -> None:
    rdn = x509.RelativeDistinguishedName([_fresh(a) for a in attributes])
    assert rdn_key(x509.RelativeDistinguishedName.load(rdn.dump())) == rdn.hashable


def test_certificate_names() -> None:
    ca = pki.make_ca("Nuvy  QA\tCA", key_slot=100)
    leaf = pki.make_client(ca)
    for der in (ca.der, leaf.der):
        cert = x509.Certificate.load(der)
        for name in (cert.subject, cert.issuer):
            info = name_info(x509.Name.load(name.dump()))
            assert info.key == name.hashable
            assert info.rdns == tuple(rdn.hashable for rdn in name.chosen)
