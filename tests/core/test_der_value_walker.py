"""The DER walker for extension values (``validator_py.der.der_problem``) at its exact boundaries.

Each case is one value and the fragment ``der_problem`` returns for it (None: the value is DER). The cases
sit where a rule changes its mind: a header of one byte, a length of four and of five octets, a length with a
leading zero octet, the first long-form length that is valid, the deepest nesting taken and one level more,
and BIT STRINGs of one and three content octets, whose first and last octets are different bytes.
"""

from __future__ import annotations

import pytest

from validator_py.der import der_problem


def _nested(levels: int) -> bytes:
    """A NULL inside ``levels`` SEQUENCEs: the NULL is at depth ``levels`` (the outer value is depth 0)."""
    der = b"\x05\x00"
    for _ in range(levels):
        der = b"\x30" + bytes([len(der)]) + der
    return der


@pytest.mark.parametrize(
    ("der", "problem"),
    [
        # A tag with no length octet, alone and as the last child of a SEQUENCE: never an IndexError.
        (bytes.fromhex("30"), "a length is missing"),
        (bytes.fromhex("300105"), "a length is missing"),
        # Four length octets are read (the value then does not fit); five are refused before reading.
        (bytes.fromhex("308401000000"), "a value longer than its container"),
        (bytes.fromhex("30850100000000"), "a length that does not fit"),
        # 0x0080 in two octets is 0x80 in one: the leading zero octet makes it BER, not DER.
        (bytes.fromhex("30820080") + bytes(128), "a length in a longer form than needed"),
        # The first length that needs the long form, as DER writes it, is read past its two octets.
        (bytes.fromhex("308180") + bytes.fromhex("0500") * 64, None),
        # A long form inside a SEQUENCE: the child's content starts after its own length octets.
        (bytes.fromhex("308183048180") + bytes(128), None),
    ],
    ids=["tag-only", "child-tag-only", "four-length-octets", "five-length-octets", "leading-zero-length",
         "long-form-128", "long-form-child"],
)
def test_header_boundaries(der: bytes, problem: str | None) -> None:
    assert der_problem(der) == problem


def test_every_child_is_checked_not_only_the_last() -> None:
    """The walk pops the last child first; a primitive that is fine must not end the walk early."""
    # SEQUENCE { INTEGER 00 01 (a needless leading octet), NULL }
    assert der_problem(bytes.fromhex("3006020200010500")) == "an INTEGER with a needless leading octet"


@pytest.mark.parametrize(
    ("levels", "problem"),
    [(32, None), (33, "nesting deeper than any certificate extension")],
)
def test_the_deepest_nesting_taken(levels: int, problem: str | None) -> None:
    assert der_problem(_nested(levels)) == problem


@pytest.mark.parametrize(
    ("hex_value", "named_bits", "problem"),
    [
        # An empty BIT STRING (no bits, so no unused bits) is DER, also as a named bit list (Key Usage
        # with no bit set drops every trailing zero bit).
        ("030100", False, None),
        ("030100", True, None),
        # One content octet is only the unused-bits count: it cannot count unused bits of nothing.
        ("030101", False, "a BIT STRING with a wrong unused-bits count"),
        # The unused bits are those of the last octet, not of the first octet after the count.
        ("0303010100", False, None),
        ("0303010001", False, "a BIT STRING whose unused bits are not zero"),
        # A named bit list is judged by its last octet: decipherOnly (bit 8) alone is DER ...
        ("0303070080", True, None),
        # ... and a last octet whose last used bit is zero is not, whatever the octet before it holds.
        ("0303000180", True, "a named bit list with trailing zero bits"),
        # Trailing zero bits are DER in a BIT STRING that is no named bit list (a key or a signature),
        # which is what ``der_problem`` checks unless told otherwise.
        ("03020700", False, None),
        ("03020700", True, "a named bit list with trailing zero bits"),
    ],
)
def test_bit_strings(hex_value: str, named_bits: bool, problem: str | None) -> None:
    assert der_problem(bytes.fromhex(hex_value), named_bits=named_bits) == problem


def test_a_bit_string_is_not_a_named_bit_list_by_default() -> None:
    assert der_problem(bytes.fromhex("03020700")) is None
