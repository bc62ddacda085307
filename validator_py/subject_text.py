"""Subject text as `openssl req -subj` gets it wrong without -utf8, and the string types that carry it.

What OpenSSL 3.0 writes for ``-subj "/O=São João"`` typed in a UTF-8 terminal (tests/core/test_subject_text.py
runs it):

- without -utf8 it reads every byte of the UTF-8 text as one character (Latin-1), so the name becomes
  "SÃ£o JoÃ£o": a UTF8String with the configuration's ``string_mask = utf8only`` (OpenSSL's default, and
  Debian's openssl.cnf), a T61String (teletexString) holding the UTF-8 bytes with ``string_mask = default``
  or ``nombstr`` (older configuration files), a BMPString with ``pkix``;
- with -utf8 it reads the text as UTF-8: a UTF8String "São João" with ``utf8only``, but a T61String holding
  Latin-1 bytes with ``default`` or ``nombstr``, a BMPString with ``pkix``.

The garbled text is recognised by undoing the mistake: characters that all fit in one byte, among them
non-ASCII ones, whose bytes are valid UTF-8 for other text. A legitimate name rarely does that (it needs
"Ã" or "Â" followed by a character such as "£" or "©"). The legacy string types are named even when their
text is right, when it is not plain ASCII: software reads a T61String's bytes in different ways (pyca/
cryptography refuses to load one with non-ASCII bytes), and RFC 5280 section 4.1.2.6 asks CAs for
UTF8String.

Only built-in codecs are used (UTF-8 and byte values), so the module needs nothing more of Pyodide's
trimmed standard library.
"""

from __future__ import annotations

# asn1crypto's name of a DirectoryString choice -> how openssl asn1parse and users name the type.
LEGACY_TYPES = {
    "teletex_string": "T61String (teletexString)",
    "bmp_string": "BMPString",
    "universal_string": "UniversalString",
}

_LATIN1_TOP = 0x100


def repaired(value: str) -> str | None:
    """The text `value` was meant to be when it is UTF-8 read byte by byte as Latin-1; None otherwise."""
    if value.isascii() or any(ord(char) >= _LATIN1_TOP for char in value):
        return None
    try:
        fixed = bytes(ord(char) for char in value).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return fixed if fixed != value else None


def openssl_subject(attributes: tuple[tuple[str, str], ...]) -> str:
    """A ``-subj`` argument for `attributes` ((short name, value) pairs), "/" and "\\" escaped."""
    return "".join(
        f"/{short}={value.replace(chr(92), chr(92) * 2).replace('/', chr(92) + '/')}"
        for short, value in attributes
    )
