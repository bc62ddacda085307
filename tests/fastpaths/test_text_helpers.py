"""The report's text helpers take shortcuts for speed; they must write exactly what the plain loops wrote."""

from __future__ import annotations

import itertools

from validator_py.model import colon_hex
from validator_py.names import _escape_rfc4514


def _escaped_by_the_loop(value: str) -> str:
    out = []
    for index, char in enumerate(value):
        leading = index == 0 and char in " #"
        trailing = index == len(value) - 1 and char == " "
        out.append("\\" + char if char in ',+"\\<>;' or leading or trailing else char)
    return "".join(out)


def test_rfc4514_escaping_of_every_short_value_over_the_special_characters() -> None:
    alphabet = ' #,+"\\<>;aZ\u00e9'
    for length in range(5):
        for chars in itertools.product(alphabet, repeat=length):
            value = "".join(chars)
            assert _escape_rfc4514(value) == _escaped_by_the_loop(value), value


def test_colon_hex_is_openssls_upper_case_form() -> None:
    for raw in (b"", b"\x00", b"\x0a\xff", bytes(range(256))):
        assert colon_hex(raw) == ":".join(f"{byte:02X}" for byte in raw)
