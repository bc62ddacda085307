"""How a name is shown (RFC 4514 and OpenSSL's slash form) and which ASN.1 string types it holds.

Found unasserted by the mutation run of validator_py.names: an attribute type outside the short-name table,
the escaping of ordinary letters, multi-valued RDNs in the OpenSSL form, and the type of an attribute whose
value is not a DirectoryString choice.
"""

from __future__ import annotations

from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from validator_py.names import name_info


def _info(name: x509.Name) -> tuple[str, str, tuple[str, ...]]:
    info = name_info(a_x509.Name.load(name.public_bytes(serialization.Encoding.DER)))
    return info.rfc4514, info.openssl, info.types


def test_an_attribute_without_a_short_name_is_shown_by_its_oid() -> None:
    name = x509.Name([x509.NameAttribute(x509.ObjectIdentifier("1.3.6.1.4.1.55555.9"), "Xenon")])
    assert _info(name)[:2] == ("1.3.6.1.4.1.55555.9=Xenon", "/1.3.6.1.4.1.55555.9=Xenon")


def test_ordinary_letters_are_not_escaped_but_specials_are() -> None:
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "X, Y + Z"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "#XX Corp "),
    ])
    assert _info(name)[0] == "O=\\#XX Corp\\ ,CN=X\\, Y \\+ Z"


def test_a_multi_valued_rdn_joins_with_plus_in_both_forms() -> None:
    name = x509.Name([
        x509.RelativeDistinguishedName([
            x509.NameAttribute(NameOID.COMMON_NAME, "client"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "ops"),
        ]),
        x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.COUNTRY_NAME, "BR")]),
    ])
    # DER sorts a SET's members by their encoding, which puts OU before CN here.
    assert _info(name)[:2] == ("C=BR,OU=ops+CN=client", "/OU=ops+CN=client/C=BR")


def test_string_types_are_named_for_choices_and_fixed_types_alike() -> None:
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
        x509.NameAttribute(NameOID.COMMON_NAME, "client"),
        x509.NameAttribute(NameOID.EMAIL_ADDRESS, "ops@example.com"),
    ])
    # emailAddress is an IA5String in asn1crypto's spec (no DirectoryString choice), so its class is named.
    assert _info(name)[2] == ("printable_string", "utf8_string", "EmailAddress")


def test_an_empty_name_is_shown_as_such() -> None:
    """Messages that name a subject or an issuer (path.build, path.unused) must not show an empty string."""
    info = name_info(a_x509.Name.load(x509.Name([]).public_bytes(serialization.Encoding.DER)))
    assert (info.rfc4514, str(info)) == ("", "(empty name)")
