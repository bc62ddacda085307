"""How the input boundary reads text: the encodings a pasted or dropped file comes in, the whitespace and line
ends inside a PEM body, base64 that holds two values, an empty block, a cut-off block, the block bound for
one text, and the size bound counted in UTF-8 bytes. Every refusal is asserted as (code, whole message)."""

from __future__ import annotations

import base64
import functools

import pytest

from tests import pki as mk
from validator_py.inputs import MAX_BLOCKS, MAX_INPUT_BYTES, WHAT_TO_PASTE

from .against_qa import qa_ca, refused, run


@functools.cache
def _leaf() -> mk.Issued:
    return mk.make_client(qa_ca(), serial=0x5151)


def _passes(data: str | bytes) -> bool:
    report = run(data)
    return report.kind == "certificate" and report.verdict.value == "pass"


def _pem(body_lines: list[str], eol: str = "\n") -> str:
    return eol.join(["-----BEGIN CERTIFICATE-----", *body_lines, "-----END CERTIFICATE-----", ""])


# Encodings of a dropped file ---------------------------------------------------------------------------


def _latin1_note() -> bytes:
    """A Portuguese note and the PEM, in Latin-1 (no BOM, not UTF-8), made an even number of bytes so that
    UTF-16 would also decode it (into nonsense) if the reader took UTF-16 without its byte order mark."""
    text = "Olá, segue o certificado:\n" + _leaf().pem
    data = text.encode("latin-1")
    return data if len(data) % 2 == 0 else data + b"\n"


ENCODED = {
    # Windows Notepad's "Unicode": UTF-16 little-endian with its byte order mark FF FE.
    "utf-16-le-bom": lambda: b"\xff\xfe" + _leaf().pem.encode("utf-16-le"),
    "utf-16-be-bom": lambda: b"\xfe\xff" + _leaf().pem.encode("utf-16-be"),
    # UTF-8 with the en dashes a word processor puts in the armour: read as UTF-8, then the dashes mended.
    "utf-8-en-dashes": lambda: _leaf().pem.replace("-----", "\u2013" * 5).encode(),
    "latin-1-even": _latin1_note,
}


@pytest.mark.parametrize("form", sorted(ENCODED))
def test_text_files_in_each_encoding_are_read(form: str) -> None:
    data = ENCODED[form]()
    if form == "latin-1-even":
        assert len(data) % 2 == 0
    assert _passes(data)


# Whitespace and line ends inside a PEM body ------------------------------------------------------------


def test_indented_base64_lines_are_read() -> None:
    """A PEM quoted in an e-mail or a YAML file: spaces before and after each base64 line are not base64."""
    lines = _leaf().pem.strip().splitlines()
    assert _passes(_pem([f"  {line} \t" for line in lines[1:-1]]))


@functools.cache
def _leaf_with_xxxx() -> tuple[mk.Issued, int]:
    """A certificate whose base64 holds 'XXXX' (the octets 5D 75 D7 at a multiple of three): its serial
    holds those octets at offsets 0, 4 and 8, so one copy falls on the base64 grid wherever the serial is."""
    leaf = mk.make_client(qa_ca(), serial=int.from_bytes(bytes.fromhex("5d75d7005d75d7005d75d7"), "big"))
    body = base64.b64encode(leaf.der).decode()
    assert "XXXX" in body
    return leaf, body.index("XXXX")


@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_a_line_break_between_letters_loses_no_letter(eol: str) -> None:
    """The line break falls inside 'XXXX': the two 'XX' halves on each side of it are kept."""
    leaf, at = _leaf_with_xxxx()
    body = base64.b64encode(leaf.der).decode()
    assert _passes(_pem([body[: at + 2], body[at + 2 :]], eol))


# What the base64 holds ---------------------------------------------------------------------------------


def test_two_base64_certificates_one_after_the_other_are_not_read_as_the_first() -> None:
    """Base64 stops at its padding '=' when not strict: the first certificate alone would then be checked."""
    # Serials of two, three and four octets give three lengths in a row: at least two need padding.
    leaves = [mk.make_client(qa_ca(), serial=serial) for serial in (0x5152, 0x515253, 0x51525354)]
    first = next(base64.b64encode(leaf.der).decode() for leaf in leaves if len(leaf.der) % 3)
    assert first.endswith("=")
    assert refused(first + "\n" + base64.b64encode(qa_ca().der).decode()) == (
        "unparseable",
        "The input looks like several base64 blocks pasted together without their PEM lines, which cannot "
        "be told apart. Paste each certificate with its -----BEGIN CERTIFICATE----- and -----END "
        "CERTIFICATE----- lines.",
    )


@pytest.mark.parametrize(
    "text", ["hello world", "QUJD", "QUJD\n=", "QQ=="], ids=["words", "not-der", "trailing-pad", "one-block"]
)
def test_base64_that_is_no_certificate_and_no_several_blocks_says_what_to_paste(text: str) -> None:
    assert refused(text) == (
        "unparseable",
        "The input is neither PEM (-----BEGIN CERTIFICATE----- ...), DER nor base64 of a certificate. "
        + WHAT_TO_PASTE,
    )


@pytest.mark.parametrize(
    "text", ["QQ==\nQQ==", "QQ==\n\n bWFu", "QUI=  =\n+/8="], ids=["upper", "lower", "symbol"]
)
def test_padding_followed_by_more_base64_is_several_blocks(text: str) -> None:
    assert refused(text) == (
        "unparseable",
        "The input looks like several base64 blocks pasted together without their PEM lines, which cannot "
        "be told apart. Paste each certificate with its -----BEGIN CERTIFICATE----- and -----END "
        "CERTIFICATE----- lines.",
    )


@pytest.mark.parametrize("bom", [b"\xff\xfe", b"\xfe\xff"], ids=["le", "be"])
def test_a_utf16_file_of_blanks_is_empty(bom: bytes) -> None:
    codec = "utf-16-le" if bom == b"\xff\xfe" else "utf-16-be"
    assert refused(bom + " \r\n\t ".encode(codec)) == (
        "empty", f"Nothing to check: the input is empty. {WHAT_TO_PASTE}"
    )


@pytest.mark.parametrize("inside", ["", "\n", "\n   \n"], ids=["nothing", "blank-line", "spaces"])
def test_an_empty_pem_block(inside: str) -> None:
    text = f"-----BEGIN CERTIFICATE-----\n{inside}-----END CERTIFICATE-----\n"
    assert refused(text) == ("unparseable", f"PEM block 1 (CERTIFICATE) is empty. {WHAT_TO_PASTE}")


def test_a_cut_off_block_is_said_in_full() -> None:
    assert refused(_leaf().pem[:-30]) == (
        "unparseable",
        "A PEM block is cut off or its BEGIN and END lines do not match. Copy the whole block, from "
        "-----BEGIN ...----- through -----END ...-----, including both lines.",
    )


# Bounds ------------------------------------------------------------------------------------------------


def test_the_block_bound_is_taken_in_one_text() -> None:
    """Ten blocks in one pasted text are taken (the bound is "at most"), as ten one-block files are."""
    report = run(qa_ca().pem * (MAX_BLOCKS - 1) + _leaf().pem)
    assert report.kind == "certificate"


def test_the_size_bound_counts_utf8_bytes_not_characters() -> None:
    """Pasted text is measured as the UTF-8 it is sent as: 'é' is two bytes."""
    pem = _leaf().pem
    padding = (MAX_INPUT_BYTES - len(pem)) // 2 + 1
    text = pem + "é" * padding
    assert len(text) <= MAX_INPUT_BYTES < len(text.encode())
    assert refused(text) == (
        "too_large",
        "The input is 64 KiB; the validator takes at most 64 KiB, far more than a certificate chain needs. "
        "Paste only the certificate, CSR or chain, not a whole file store.",
    )
