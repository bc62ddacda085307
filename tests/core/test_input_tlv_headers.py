"""The input boundary's own TLV reader (``inputs._read_tlv``, run before asn1crypto sees the bytes): tags with
high tag numbers, lengths of four and five octets, values that run past their container, and the depth walk
into a BIT STRING. Each input is raw DER and its whole message is asserted: the reader's reason in
parentheses when it refuses the structure, "not a certificate" when the structure is read and found to be
something else. A reader that lost its place would answer "truncated header" or raise an IndexError."""

from __future__ import annotations

import pytest

from tests import pki as mk
from validator_py import InputError, validate
from validator_py.inputs import MAX_DEPTH, WHAT_TO_PASTE

NOT_A_CERTIFICATE = f"The DER input is not a certificate. {WHAT_TO_PASTE}"


def _not_der(reason: str) -> str:
    return f"The DER input is not valid DER ({reason}): the file is truncated or damaged. {WHAT_TO_PASTE}"


def _refused(der: bytes) -> tuple[str, str]:
    with pytest.raises(InputError) as caught:
        validate(der, [], selected="", at=mk.NOW)
    return caught.value.code, caught.value.message


@pytest.mark.parametrize(
    ("hex_der", "message"),
    [
        # SEQUENCE { [UNIVERSAL 33] 00 00 }: a two-octet tag (1F 21) is read whole, then its length 02.
        ("30051f21020000", NOT_A_CERTIFICATE),
        # A three-octet tag (1F 81 01): 81 has its continuation bit set, so 01 is part of the tag too.
        ("30051f81010100", NOT_A_CERTIFICATE),
        # Four continuation octets are the most read; the fifth octet is not looked at.
        ("30071f818181810100", _not_der("tag number too large")),
        # The tag's continuation octets run to the end of the SEQUENCE (and of the input).
        ("30031f8181", _not_der("truncated tag")),
        # The tag ends the SEQUENCE: no octet is left for the length.
        ("30021f21", _not_der("truncated length")),
        # A length in four octets (BER, not minimal) is read; in five it is refused.
        ("308400000003020100", NOT_A_CERTIFICATE),
        ("30850000000003020100", _not_der("length too large")),
        # The SEQUENCE announces five octets and holds three.
        ("3005020100", _not_der("content runs past its container")),
    ],
    ids=["two-octet-tag", "three-octet-tag", "tag-too-long", "tag-cut-off", "length-missing",
         "four-length-octets", "five-length-octets", "content-cut-off"],
)
def test_tlv_headers(hex_der: str, message: str) -> None:
    assert _refused(bytes.fromhex(hex_der)) == ("unparseable", message)


def _nested(levels: int) -> bytes:
    der = b"\x05\x00"
    for _ in range(levels):
        der = b"\x30" + bytes([len(der)]) + der
    return der


@pytest.mark.parametrize("unused", [0x00, 0x07])
def test_deep_nesting_inside_a_bit_string_is_found(unused: int) -> None:
    """A BIT STRING's content after its unused-bits octet is walked too (asn1crypto parses a public key's
    BIT STRING later), whatever that octet says."""
    content = bytes([unused]) + _nested(MAX_DEPTH + 8)
    bit_string = b"\x03" + bytes([len(content)]) + content
    der = b"\x30" + bytes([len(bit_string)]) + bit_string
    assert _refused(der) == (
        "too_deep",
        f"The DER input is nested more than {MAX_DEPTH} levels deep, which no certificate is. The file is "
        f"damaged or crafted; {WHAT_TO_PASTE}",
    )
