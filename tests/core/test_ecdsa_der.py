"""The ECDSA DER-to-P1363 converter (``signatures.ecdsa_der_to_p1363``), tested directly on CPython.

It runs only under WebCrypto, which wants r||s where certificates carry a DER ``Ecdsa-Sig-Value``, but it is
pure Python, so every rule it enforces is pinned here: each ``ValueError`` with its exact message, and the
boundaries where strict DER changes its mind (a SEQUENCE of 127 or 128 content bytes, the one-byte long
form 0x81, the 0x80 that is indefinite length, a leading zero that is needed or not). A converter that
accepted BER would make the browser more lenient than OpenSSL; one that refused strict DER would fail
valid P-521 certificates, whose signatures need the long form.
"""

from __future__ import annotations

import re

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from validator_py.signatures import ecdsa_der_to_p1363


def _integer(body: bytes) -> bytes:
    """An INTEGER with ``body`` as its content octets, as given (no minimality fix-up)."""
    return b"\x02" + bytes([len(body)]) + body


def _sequence(content: bytes) -> bytes:
    """A SEQUENCE in the shortest DER length form for ``content``."""
    if len(content) < 0x80:
        return b"\x30" + bytes([len(content)]) + content
    return b"\x30\x81" + bytes([len(content)]) + content


def _value(size: int, first: int = 0x11) -> bytes:
    """``size`` bytes starting with ``first`` (no sign bit, not zero, so a minimal positive INTEGER)."""
    return bytes([first]) + bytes(range(1, size))


# 61 + 62 bytes of r and s make 127 content bytes (the last short-form length); 62 + 62 make 128, the
# first that needs the long form 0x81 0x80; 66 + 66 is a full-size P-521 signature.
SHORT_127 = _sequence(_integer(_value(61)) + _integer(_value(62)))
LONG_128 = _sequence(_integer(_value(62)) + _integer(_value(62)))
P521_FULL = _sequence(_integer(_value(66, 0x01)) + _integer(_value(66, 0x01)))


@pytest.mark.parametrize(
    ("sig", "size", "expected"),
    [
        # The smallest values, zero-padded to the curve size.
        (bytes.fromhex("3006020101020102"), 32, bytes(31) + b"\x01" + bytes(31) + b"\x02"),
        # A leading zero is required before a byte with the sign bit set, and is dropped.
        (_sequence(_integer(b"\x00\x80") + _integer(b"\x00\xff")), 32,
         bytes(31) + b"\x80" + bytes(31) + b"\xff"),
        # Zero is one content byte 0x00 (verification then fails; the converter only changes the form).
        (bytes.fromhex("3006020100020100"), 32, bytes(64)),
        # Only zero bytes are stripped: an r starting with 0x58 ('X') keeps it.
        (_sequence(_integer(b"\x58\x00") + _integer(b"\x01")), 32,
         bytes(30) + b"\x58\x00" + bytes(31) + b"\x01"),
        # A 33-byte INTEGER of a 32-byte value (the sign-bit zero) fits a 32-byte curve.
        (_sequence(_integer(b"\x00" + _value(32, 0xff)) + _integer(b"\x01")), 32,
         _value(32, 0xff) + bytes(31) + b"\x01"),
        (SHORT_127, 66, bytes(5) + _value(61) + bytes(4) + _value(62)),
        (LONG_128, 66, bytes(4) + _value(62) + bytes(4) + _value(62)),
        (P521_FULL, 66, _value(66, 0x01) + _value(66, 0x01)),
    ],
    ids=["one-two", "sign-bit-zero", "zero", "no-strip-beyond-zero", "33-byte-integer", "127-short-form",
         "128-long-form", "p521-full"],
)
def test_strict_der_converts_to_fixed_size_r_and_s(sig: bytes, size: int, expected: bytes) -> None:
    assert ecdsa_der_to_p1363(sig, size) == expected


def test_a_real_p521_signature_converts() -> None:
    """A signature from pyca/cryptography (long-form SEQUENCE length) gives back its own r and s."""
    key = ec.generate_private_key(ec.SECP521R1())
    der = key.sign(b"nuvy", ec.ECDSA(hashes.SHA512()))
    assert der[1] == 0x81
    r, s = decode_dss_signature(der)
    assert ecdsa_der_to_p1363(der, 66) == r.to_bytes(66, "big") + s.to_bytes(66, "big")


def _exactly(message: str) -> str:
    """A pattern that matches ``message`` and nothing longer or shorter."""
    return rf"\A{re.escape(message)}\Z"


def _id(value: object) -> str:
    """A short test id: the signature's first bytes in hex, the message's first words."""
    if isinstance(value, bytes):
        return value[:12].hex() or "empty"
    return "-".join(str(value).split()[:3])


NOT_A_SEQUENCE = "not a DER SEQUENCE"
NOT_MINIMAL = "SEQUENCE length is not minimal DER"
SIZE_MISMATCH = "SEQUENCE length does not match the signature size"
NOT_INTEGER = "expected an INTEGER"
LONG_INTEGER = "INTEGER length in long form"
EMPTY = "INTEGER is empty or truncated"
NEGATIVE = "INTEGER is negative"
LEADING_ZERO = "INTEGER has a non-minimal leading zero"
TRAILING = "trailing bytes inside the SEQUENCE"
TOO_LARGE = "r or s is larger than the curve order"


@pytest.mark.parametrize(
    ("sig", "message"),
    [
        (b"", NOT_A_SEQUENCE),
        (b"\x30", NOT_A_SEQUENCE),
        (bytes.fromhex("3100"), NOT_A_SEQUENCE),
        (bytes.fromhex("3106020101020101"), NOT_A_SEQUENCE),
        # Two bytes are a whole (empty) SEQUENCE: the converter goes on and finds no INTEGER in it.
        (bytes.fromhex("3000"), NOT_INTEGER),
        # 0x80 is BER's indefinite length, not a short-form 128.
        (bytes.fromhex("3080") + bytes(128), NOT_MINIMAL),
        # 0x81 with a length below 128 should have been the short form.
        (b"\x30\x81\x7f" + SHORT_127[2:], NOT_MINIMAL),
        (bytes.fromhex("3081"), NOT_MINIMAL),
        # Two length bytes are never needed for an ECDSA signature.
        (b"\x30\x82\x00\x80" + LONG_128[3:], NOT_MINIMAL),
        (b"\x30\x82\x80" + bytes(128), NOT_MINIMAL),
        # A one-byte long form that is well formed but whose SEQUENCE is not there.
        (bytes.fromhex("308180"), SIZE_MISMATCH),
        (LONG_128[:-1], SIZE_MISMATCH),
        (bytes.fromhex("3006020101020101") + b"\x00", SIZE_MISMATCH),
        (bytes.fromhex("3007020101020101"), SIZE_MISMATCH),
        (bytes.fromhex("3003030101"), NOT_INTEGER),
        (bytes.fromhex("3003020101"), NOT_INTEGER),
        # The INTEGER header ends exactly at the end: length 0, nothing is missing but it is empty.
        (bytes.fromhex("30020200"), EMPTY),
        (bytes.fromhex("3005020101" "0200"), EMPTY),
        (bytes.fromhex("3003020201"), EMPTY),
        (bytes.fromhex("3004028101" "01"), LONG_INTEGER),
        (bytes.fromhex("3006020101" "028101"), LONG_INTEGER),
        (bytes.fromhex("3007020101" "02810101"), LONG_INTEGER),
        (bytes.fromhex("3006020180020101"), NEGATIVE),
        (bytes.fromhex("30060201010201ff"), NEGATIVE),
        (bytes.fromhex("3007020200010201" "01"), LEADING_ZERO),
        (bytes.fromhex("3007020101020200" "7f"), LEADING_ZERO),
        (bytes.fromhex("3007020200000201" "01"), LEADING_ZERO),
        (bytes.fromhex("3008020101020101" "0000"), TRAILING),
        (bytes.fromhex("3009020101020101" "020101"), TRAILING),
        (_sequence(_integer(_value(33)) + _integer(b"\x01")), TOO_LARGE),
        (_sequence(_integer(b"\x01") + _integer(_value(33))), TOO_LARGE),
    ],
    ids=_id,
)
def test_ber_and_damaged_signatures_are_refused_with_their_reason(sig: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=_exactly(message)):
        ecdsa_der_to_p1363(sig, 32)


def test_the_curve_size_is_the_limit() -> None:
    """66 bytes fit P-521 and not P-384."""
    assert ecdsa_der_to_p1363(P521_FULL, 66)[:66] == _value(66, 0x01)
    with pytest.raises(ValueError, match=_exactly(TOO_LARGE)):
        ecdsa_der_to_p1363(P521_FULL, 48)
