"""A DER check for extension values that does not depend on re-encoding them.

asn1crypto can re-encode a parsed value and compare, but not the same way everywhere: in Pyodide its
pure-Python ``inet_pton`` cannot re-encode some IP subtrees that CPython's can. This walker reads the
bytes themselves (X.690 §10: definite, minimal lengths; §11.1 BOOLEAN; §8.3 minimal INTEGER; §11.2 BIT
STRING), so the browser and the CLI reach the same verdict on the same bytes.
"""

from __future__ import annotations

_BOOLEAN, _INTEGER, _BIT_STRING, _ENUMERATED = 0x01, 0x02, 0x03, 0x0A
# Constructed forms of string types: BER allows them, DER does not (X.690 §10.2).
_CONSTRUCTED_STRINGS = frozenset({0x23, 0x24, 0x2C, 0x33, 0x34, 0x36, 0x3C, 0x3D, 0x3E})
_MAX_DEPTH = 32


def _header(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the TLV at ``pos``; raises ``ValueError`` on non-DER."""
    if pos + 2 > end:
        raise ValueError("a length is missing")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise ValueError("a high tag number, which no certificate extension uses")
    first = data[pos + 1]
    start = pos + 2
    if first < 0x80:
        length = first
    elif first == 0x80:
        raise ValueError("an indefinite length")
    else:
        count = first & 0x7F
        if count > 4 or start + count > end:
            raise ValueError("a length that does not fit")
        length = int.from_bytes(data[start : start + count], "big")
        if data[start] == 0 or length < 0x80:
            raise ValueError("a length in a longer form than needed")
        start += count
    if start + length > end:
        raise ValueError("a value longer than its container")
    return tag, start, start + length


def _primitive(tag: int, content: bytes, named_bits: bool) -> None:
    if tag == _BOOLEAN and (len(content) != 1 or content[0] not in (0x00, 0xFF)):
        raise ValueError("a BOOLEAN that is not 00 or FF")
    if tag in (_INTEGER, _ENUMERATED):
        if not content:
            raise ValueError("an empty INTEGER")
        if len(content) > 1 and (content[0], content[1] >> 7) in ((0x00, 0), (0xFF, 1)):
            raise ValueError("an INTEGER with a needless leading octet")
    if tag == _BIT_STRING:
        if not content or content[0] > 7 or (len(content) == 1 and content[0]):
            raise ValueError("a BIT STRING with a wrong unused-bits count")
        unused = content[0]
        if len(content) > 1 and content[-1] & ((1 << unused) - 1):
            raise ValueError("a BIT STRING whose unused bits are not zero")
        # A named bit list (Key Usage) drops trailing zero bits in DER (X.690 §11.2.2).
        if named_bits and len(content) > 1 and not (content[-1] >> unused) & 1:
            raise ValueError("a named bit list with trailing zero bits")


def der_problem(data: bytes, *, named_bits: bool = False) -> str | None:
    """Why ``data`` (one complete value) is not DER, as a fragment, or None when it is."""
    try:
        tag, start, end = _header(data, 0, len(data))
        if end != len(data):
            return "extra bytes after the value"
        stack = [(tag, start, end, 0)]
        while stack:
            tag, start, end, depth = stack.pop()
            if depth > _MAX_DEPTH:
                return "nesting deeper than any certificate extension"
            if tag in _CONSTRUCTED_STRINGS:
                return "a string in constructed form"
            if not tag & 0x20:
                _primitive(tag, data[start:end], named_bits)
                continue
            pos = start
            while pos < end:
                child, child_start, child_end = _header(data, pos, end)
                stack.append((child, child_start, child_end, depth + 1))
                pos = child_end
    except ValueError as error:
        return str(error)
    return None
