"""The report's text helpers take shortcuts for speed; they must write exactly what an independent
implementation writes.

The reference for RFC 4514 escaping is pyca/cryptography's ``Name.rfc4514_string``, not a copy of our own
loop: a copy would agree with the loop's mistakes (it did: NUL went out unescaped, against RFC 4514 §2.4).
"""

from __future__ import annotations

import itertools

from cryptography import x509
from cryptography.x509.oid import NameOID

from validator_py.model import colon_hex
from validator_py.names import _escape_rfc4514


def _escaped_by_pyca(value: str) -> str:
    written = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, value)]).rfc4514_string()
    assert written.startswith("O=")
    return written.removeprefix("O=")


def test_rfc4514_escaping_of_every_short_value_agrees_with_pyca() -> None:
    # Every string of up to four characters over the special ones, NUL, '=' (never escaped), ASCII and not.
    alphabet = ' #,+"\\<>;=\x00aZ\u00e9'
    for length in range(1, 5):  # pyca refuses an empty attribute value
        for chars in itertools.product(alphabet, repeat=length):
            value = "".join(chars)
            assert _escape_rfc4514(value) == _escaped_by_pyca(value), repr(value)


def test_rfc4514_escaping_exact_forms() -> None:
    # RFC 4514 §2.4, one case per rule, written out so that the expected text is read, not computed.
    assert _escape_rfc4514("") == ""
    assert _escape_rfc4514("plain") == "plain"
    assert _escape_rfc4514(" a") == "\\ a"
    assert _escape_rfc4514("a ") == "a\\ "
    assert _escape_rfc4514(" ") == "\\ "
    assert _escape_rfc4514("#a#") == "\\#a#"
    assert _escape_rfc4514('a,b+c"d\\e<f>g;h') == 'a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h'
    assert _escape_rfc4514("a\x00b") == "a\\00b"
    assert _escape_rfc4514("a=b") == "a=b"


def test_colon_hex_is_openssls_upper_case_form() -> None:
    for raw in (b"", b"\x00", b"\x0a\xff", bytes(range(256))):
        assert colon_hex(raw) == ":".join(f"{byte:02X}" for byte in raw)
