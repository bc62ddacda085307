"""The input boundary: whatever a user pastes or drops becomes DER blobs, or one ``InputError``.

Order matters here. The private-key guard runs on the raw text and on every decoded blob before any
ASN.1 parser sees the bytes, and the size, block-count and nesting bounds run before asn1crypto does,
because asn1crypto recurses on nesting and would raise ``RecursionError`` (or take long) on hostile input.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence

from .record import record

MAX_INPUT_BYTES = 64 * 1024
MAX_BLOCKS = 10
MAX_DEPTH = 32

INPUT_CODES = frozenset(
    {"empty", "private_key", "too_large", "too_many_blocks", "too_deep", "unparseable", "unsupported"}
)

WHAT_TO_PASTE = (
    "Paste the certificate Nuvy sent you (nuvy-client-<env>.crt, starting with -----BEGIN CERTIFICATE-----), "
    "your CSR (nuvy-client-<env>.csr) or your partner chain."
)

PRIVATE_KEY_MESSAGE = (
    "This is a private key. It must never be shared with anyone, including Nuvy (guide step 2), and the "
    "validator refused it before reading it: nothing was kept or sent. If you pasted or sent this key "
    "anywhere else (a chat, a ticket, an e-mail), treat it as compromised: generate a new key and CSR and "
    "ask Nuvy for a new certificate (guide step 9). Paste the certificate (.crt) or the CSR (.csr) instead."
)


def opening(text: str) -> str:
    """``text`` to open a sentence with: its first character in capitals, the rest as written.

    Not ``str.capitalize``, which lowers the rest: "the DER input" must become "The DER input".
    """
    return text[:1].upper() + text[1:]


class InputError(ValueError):
    """The one error raised at the input boundary. Branch on ``code``, never on the message."""

    def __init__(self, code: str, message: str) -> None:
        if code not in INPUT_CODES:
            raise ValueError(f"unknown InputError code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message


@record
class Blob:
    """One DER object found in the input, with what the input said it was (``None`` for raw DER)."""

    der: bytes
    kind: str | None  # "certificate" | "csr" | "pkcs7" | "crl" | None (detect from the structure)
    origin: str  # e.g. "PEM block 2", used in messages


# PEM labels we take, mapped to what they hold; RFC 7468 plus the legacy labels OpenSSL still writes.
_PEM_KINDS = {
    "CERTIFICATE": "certificate",
    "X509 CERTIFICATE": "certificate",
    "CERTIFICATE REQUEST": "csr",
    "NEW CERTIFICATE REQUEST": "csr",
    "PKCS7": "pkcs7",
    "CMS": "pkcs7",
    "X509 CRL": "crl",
}

_UNSUPPORTED_HINTS = {
    "PUBLIC KEY": "This is a public key, not a certificate. Paste the certificate Nuvy issued for it.",
    "RSA PUBLIC KEY": "This is a public key, not a certificate. Paste the certificate Nuvy issued for it.",
    "TRUSTED CERTIFICATE": (
        "This is an OpenSSL 'TRUSTED CERTIFICATE'. Convert it with "
        "`openssl x509 -in FILE -out plain.crt` and paste plain.crt."
    ),
}

# Look-alike dashes that word processors and chat apps substitute for '-' in PEM armour.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"))

_PRIVATE_KEY_TEXT = re.compile(
    r"PRIVATE\s+KEY-----|BEGIN\s+[A-Z0-9 ]*PRIVATE\s+KEY|PuTTY-User-Key-File|openssh-key-v1", re.IGNORECASE
)
_BEGIN = re.compile(r"-----BEGIN ([^\r\n-]*)-----")
_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.DOTALL)
_BASE64_TEXT = re.compile(r"[A-Za-z0-9+/=\s]+")


def _as_text(data: bytes) -> str | None:
    """Decode bytes that look like text; ``None`` for binary (DER)."""
    if data[:1] == b"\x30":
        return None
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        return text
    return data.decode("latin-1")


EMPTY_MESSAGE = f"Nothing to check: the input is empty. {WHAT_TO_PASTE}"


def check_size(parts: Sequence[bytes | str]) -> list[bytes | str]:
    kept = [part for part in parts if part.strip()]
    if not kept:
        raise InputError("empty", EMPTY_MESSAGE)
    total = sum(len(part.encode("utf-8")) if isinstance(part, str) else len(part) for part in kept)
    if total > MAX_INPUT_BYTES:
        raise InputError(
            "too_large",
            f"The input is {total // 1024} KiB; the validator takes at most 64 KiB, far more than a "
            "certificate chain needs. Paste only the certificate, CSR or chain, not a whole file store.",
        )
    return kept


def refuse_private_key_text(text: str) -> None:
    if _PRIVATE_KEY_TEXT.search(text.translate(_DASHES)):
        raise InputError("private_key", PRIVATE_KEY_MESSAGE)


def split(parts: Sequence[bytes | str]) -> list[Blob]:
    """Turn every part of the input into DER blobs, enforcing the bounds and the private-key guard."""
    blobs: list[Blob] = []
    for part in check_size(parts):
        text = part if isinstance(part, str) else _as_text(part)
        if text is None:
            assert isinstance(part, bytes)
            refuse_private_key_text(part.decode("latin-1"))
            blobs.append(Blob(der=part, kind=None, origin="the DER input"))
        elif text.strip():  # blank once decoded: a UTF-16 file of spaces passes check_size's byte test
            refuse_private_key_text(text)
            blobs.extend(_split_text(text))
        if len(blobs) > MAX_BLOCKS:
            raise too_many(len(blobs))
    if not blobs:
        raise InputError("empty", EMPTY_MESSAGE)
    for blob in blobs:
        refuse_private_key_der(blob.der)
        check_depth(blob.der, blob.origin)
    return blobs


def too_many(count: int) -> InputError:
    return InputError(
        "too_many_blocks",
        f"The input holds {count} blocks; the validator takes at most {MAX_BLOCKS}. A client certificate "
        "chain is rarely more than 4 certificates: paste only the leaf and its CA certificates.",
    )


def _split_text(text: str) -> list[Blob]:
    text = text.translate(_DASHES).replace("\r\n", "\n").replace("\r", "\n")
    begins = _BEGIN.findall(text)
    if len(begins) > MAX_BLOCKS:
        raise too_many(len(begins))
    if not begins:
        return [_bare_base64(text)]
    blocks = _BLOCK.findall(text)
    if len(blocks) != len(begins):
        raise InputError(
            "unparseable",
            "A PEM block is cut off or its BEGIN and END lines do not match. Copy the whole block, from "
            "-----BEGIN ...----- through -----END ...-----, including both lines.",
        )
    blobs = []
    for index, (label, body) in enumerate(blocks, start=1):
        origin = f"PEM block {index} ({label})"
        kind = _PEM_KINDS.get(label)
        if kind is None:
            # A private key under a label we do not take (PUBLIC KEY, a typo) is still a private key: say so,
            # rather than call it unsupported, or worse, a public key.
            _refuse_key_in_unknown_block(body, origin)
            hint = _UNSUPPORTED_HINTS.get(label, f"The validator does not take '{label}' blocks.")
            raise InputError("unsupported", f"{origin}: {hint} {WHAT_TO_PASTE}")
        blobs.append(Blob(der=_decode_base64(body, origin), kind=kind, origin=origin))
    return blobs


def _refuse_key_in_unknown_block(body: str, origin: str) -> None:
    try:
        der = _decode_base64(body, origin)
    except InputError:
        return  # Not a readable body: the block is refused as unsupported anyway.
    refuse_private_key_der(der)


def _decode_base64(body: str, origin: str) -> bytes:
    lines = [line for line in body.split("\n") if line.strip()]
    if any(":" in line for line in lines):
        raise InputError(
            "unsupported",
            f"{origin} has PEM headers (e.g. Proc-Type), which only encrypted keys use. {WHAT_TO_PASTE}",
        )
    compact = "".join("".join(lines).split())
    try:
        der = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(
            "unparseable",
            f"{origin} is not valid base64: a character was changed or lost when it was copied. "
            "Copy the block again from the original file.",
        ) from None
    if not der:
        raise InputError("unparseable", f"{origin} is empty. {WHAT_TO_PASTE}")
    return der


def _bare_base64(text: str) -> Blob:
    stripped = text.strip()
    if _BASE64_TEXT.fullmatch(stripped):
        try:
            der = base64.b64decode("".join(stripped.split()), validate=True)
        except (binascii.Error, ValueError):
            der = b""
        # Only base64 that decodes to a DER SEQUENCE counts; ordinary words are also valid base64.
        if der[:1] == b"\x30":
            return Blob(der=der, kind=None, origin="the base64 input")
        # Padding ends a base64 block, so padding followed by more base64 is several blocks pasted together.
        if re.search(r"=[\s=]*[A-Za-z0-9+/]", stripped):
            raise InputError(
                "unparseable",
                "The input looks like several base64 blocks pasted together without their PEM lines, which "
                "cannot be told apart. Paste each certificate with its -----BEGIN CERTIFICATE----- and "
                "-----END CERTIFICATE----- lines.",
            )
    raise InputError(
        "unparseable",
        "The input is neither PEM (-----BEGIN CERTIFICATE----- ...), DER nor base64 of a certificate. "
        + WHAT_TO_PASTE,
    )


# ----------------------------------------------------------------------------------------------------
# DER structure, read without asn1crypto: a bounded, iterative TLV walk.


@record
class _TLV:
    tag: int  # first identifier octet
    start: int  # offset of the content
    end: int  # offset just past the content

    @property
    def constructed(self) -> bool:
        return bool(self.tag & 0x20)


def _read_tlv(data: bytes, pos: int, limit: int) -> _TLV:
    """Read one TLV header at ``pos``; raises ``ValueError`` when it does not fit inside ``limit``."""
    if pos + 2 > limit:
        raise ValueError("truncated header")
    tag = data[pos]
    pos += 1
    if tag & 0x1F == 0x1F:
        # High tag numbers: skip the continuation octets, bounded so a run of 0xFF cannot loop long.
        for _ in range(4):
            if pos >= limit:
                raise ValueError("truncated tag")
            pos += 1
            if not data[pos - 1] & 0x80:
                break
        else:
            raise ValueError("tag number too large")
    if pos >= limit:
        raise ValueError("truncated length")
    first = data[pos]
    pos += 1
    if first < 0x80:
        length = first
    elif first == 0x80:
        raise ValueError("indefinite length is not DER")
    else:
        count = first & 0x7F
        if count > 4 or pos + count > limit:
            raise ValueError("length too large")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > limit:
        raise ValueError("content runs past its container")
    return _TLV(tag=tag, start=pos, end=pos + length)


def children(data: bytes, tlv: _TLV, maximum: int = 16) -> list[_TLV]:
    """The first ``maximum`` direct children of a constructed TLV."""
    out: list[_TLV] = []
    pos = tlv.start
    while pos < tlv.end and len(out) < maximum:
        child = _read_tlv(data, pos, tlv.end)
        out.append(child)
        pos = child.end
    return out


def top_level(data: bytes) -> _TLV:
    tlv = _read_tlv(data, 0, len(data))
    if tlv.end != len(data):
        raise ValueError("trailing bytes after the DER object")
    return tlv


def check_depth(der: bytes, origin: str) -> None:
    """Reject DER nested deeper than ``MAX_DEPTH`` or malformed at the TLV level, without recursion.

    OCTET STRING and BIT STRING contents that themselves parse as DER (extension values, keys) are
    walked too, because asn1crypto parses them lazily later; for those a TLV error is not fatal, since
    such strings may legitimately hold arbitrary bytes.
    """
    regions: list[tuple[int, int, int, bool]] = [(0, len(der), 0, False)]
    named = opening(origin)
    while regions:
        start, end, base, optional = regions.pop()
        try:
            _walk_region(der, start, end, base, regions)
        except _TooDeepError:
            raise InputError(
                "too_deep",
                f"{named} is nested more than {MAX_DEPTH} levels deep, which no certificate is. "
                "The file is damaged or crafted; " + WHAT_TO_PASTE,
            ) from None
        except ValueError as error:
            if not optional:
                raise InputError(
                    "unparseable",
                    f"{named} is not valid DER ({error}): the file is truncated or damaged. "
                    + WHAT_TO_PASTE,
                ) from None


class _TooDeepError(Exception):
    pass


def _walk_region(
    der: bytes, start: int, end: int, base: int, regions: list[tuple[int, int, int, bool]]
) -> None:
    ends: list[int] = [end]
    pos = start
    if start == 0 and end == len(der):
        top_level(der)
    while True:
        while ends and pos == ends[-1]:
            ends.pop()
        if not ends:
            return
        tlv = _read_tlv(der, pos, ends[-1])
        depth = base + len(ends)
        if depth > MAX_DEPTH:
            raise _TooDeepError
        if tlv.constructed:
            ends.append(tlv.end)
            pos = tlv.start
            continue
        skip = 1 if tlv.tag == 0x03 else 0
        if tlv.tag in (0x03, 0x04) and tlv.end - tlv.start > skip + 1 and der[tlv.start + skip] & 0x20:
            regions.append((tlv.start + skip, tlv.end, depth, True))
        pos = tlv.end


def refuse_private_key_der(der: bytes) -> None:
    """Recognise PKCS#8, encrypted PKCS#8, PKCS#1 RSA and SEC1 EC private keys by their shape alone."""
    try:
        top = top_level(der)
        if top.tag != 0x30:
            return
        kids = children(der, top, maximum=10)
    except ValueError:
        return
    tags = [kid.tag for kid in kids]
    first_int = der[kids[0].start : kids[0].end] if kids and kids[0].tag == 0x02 else None
    is_key = (
        # PrivateKeyInfo / OneAsymmetricKey: version, AlgorithmIdentifier, OCTET STRING key.
        (tags[:3] == [0x02, 0x30, 0x04] and first_int in (b"\x00", b"\x01"))
        # EncryptedPrivateKeyInfo: AlgorithmIdentifier, OCTET STRING, and nothing else.
        or (tags == [0x30, 0x04])
        # RSAPrivateKey: version 0 then eight integers; a multi-prime key (RFC 8017 appendix A.1.2, `openssl
        # genrsa -primes 3`) has version 1 and its otherPrimeInfos SEQUENCE after them.
        or (len(tags) >= 9 and all(tag == 0x02 for tag in tags[:9]) and first_int == b"\x00")
        or (tags[:10] == [0x02] * 9 + [0x30] and first_int == b"\x01")
        # ECPrivateKey: version 1, OCTET STRING private key.
        or (tags[:2] == [0x02, 0x04] and first_int == b"\x01")
    )
    if is_key:
        raise InputError("private_key", PRIVATE_KEY_MESSAGE)
