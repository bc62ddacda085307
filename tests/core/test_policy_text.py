"""``policy.one_of``: how messages offer alternatives, and the two lists they offer (curves, path hashes)."""

from __future__ import annotations

import pytest

from validator_py.path import rules
from validator_py.policy import SUPPORTED_CURVES_TEXT, one_of


@pytest.mark.parametrize(
    ("words", "text"),
    [
        (["a"], "a"),
        (["a", "b"], "a or b"),
        (["a", "b", "c"], "a, b or c"),
        (("w", "x", "y", "z"), "w, x, y or z"),
    ],
)
def test_one_of_lists_alternatives_the_way_messages_say_them(words: list[str], text: str) -> None:
    assert one_of(words) == text


def test_the_curve_and_hash_lists_read_as_before() -> None:
    assert SUPPORTED_CURVES_TEXT == "P-256, P-384 or P-521"
    assert rules._PATH_HASHES_TEXT == "SHA-256, -384 or -512"
