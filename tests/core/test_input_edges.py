"""Edges of the input boundary that issue 17's mutation sample found unasserted: the exact size bound,
TLV lengths that end where their container ends, the depth walk into a two-byte OCTET STRING, base64 that
is not base64, and the name each kind of input is given in messages."""

from __future__ import annotations

import base64
import functools

import pytest

from tests import pki as mk
from validator_py.inputs import MAX_INPUT_BYTES, WHAT_TO_PASTE

from .against_qa import qa_ca, refused, run


@functools.cache
def _leaf() -> mk.Issued:
    return mk.make_client(qa_ca())


def _nested(levels: int, inner: bytes) -> bytes:
    for _ in range(levels):
        length = len(inner)
        inner = b"\x30" + (bytes([length]) if length < 0x80 else b"\x81" + bytes([length])) + inner
    return inner


def test_exactly_the_size_bound_is_taken() -> None:
    pem = _leaf().pem
    padded = pem + "x" * (MAX_INPUT_BYTES - len(pem))
    assert len(padded.encode()) == MAX_INPUT_BYTES
    assert run(padded).kind == "certificate"
    assert refused(padded + "x") == (
        "too_large",
        "The input is 64 KiB; the validator takes at most 64 KiB, far more than a certificate chain needs. "
        "Paste only the certificate, CSR or chain, not a whole file store.",
    )


@pytest.mark.parametrize(
    ("der", "expected"),
    [
        # Two length octets announced, one present.
        (b"\x30\x82\x01", ("unparseable", "The DER input is not valid DER (length too large): the file is "
                           f"truncated or damaged. {WHAT_TO_PASTE}")),
        # One length octet that ends the input: the header fits, the value (empty) does too.
        (b"\x30\x81\x00", ("unparseable", f"The DER input is not a certificate. {WHAT_TO_PASTE}")),
    ],
    ids=["length-octets-missing", "length-octets-end-the-input"],
)
def test_long_form_lengths_at_the_end_of_the_input(der: bytes, expected: tuple[str, str]) -> None:
    assert refused(der) == expected


def test_the_depth_walk_enters_a_two_byte_octet_string() -> None:
    """An OCTET STRING of two bytes that start a SEQUENCE is walked too (asn1crypto would parse it later),
    so at 31 levels it makes the input too deep; the same two bytes that are no SEQUENCE do not."""
    assert refused(_nested(31, b"\x04\x02\x30\x00")) == (
        "too_deep",
        "The DER input is nested more than 32 levels deep, which no certificate is. The file is damaged or "
        f"crafted; {WHAT_TO_PASTE}",
    )
    assert refused(_nested(31, b"\x04\x02\x05\x00"))[0] == "unparseable"


@pytest.mark.parametrize("edit", ["replaced", "inserted"])
def test_a_character_that_is_no_base64_isrefused(edit: str) -> None:
    """Also when the rest still decodes: a stray character is never skipped over."""
    lines = _leaf().pem.splitlines()
    lines[3] = lines[3][:10] + "*" + lines[3][11 if edit == "replaced" else 10 :]
    assert refused("\n".join(lines) + "\n") == (
        "unparseable",
        "PEM block 1 (CERTIFICATE) is not valid base64: a character was changed or lost when it was copied. "
        "Copy the block again from the original file.",
    )


def test_bare_base64_is_named_as_such() -> None:
    assert refused(base64.b64encode(bytes.fromhex("3003020100")).decode()) == (
        "unparseable", f"The base64 input is not a certificate. {WHAT_TO_PASTE}"
    )
