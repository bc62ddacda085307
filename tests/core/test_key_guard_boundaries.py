"""The private-key guard: every key encoding (PKCS#8, encrypted PKCS#8, PKCS#1 with two or more primes, SEC1,
OpenSSH) in DER and under every PEM label, with and without its own label, is refused as a key, never
called "unparseable"; look-alike structures that are not keys are not refused as keys.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools

import pytest
from cryptography.hazmat.primitives import serialization

from tests import pki as mk
from validator_py import Environment, InputError, validate
from validator_py.inputs import PRIVATE_KEY_MESSAGE, refuse_private_key_der

_PKCS8 = serialization.PrivateFormat.PKCS8
_TRADITIONAL = serialization.PrivateFormat.TraditionalOpenSSL
_NONE = serialization.NoEncryption()
_PASSWORD = serialization.BestAvailableEncryption(b"correct horse")


def _tlv(tag: int, content: bytes) -> bytes:
    length = len(content)
    if length < 0x80:
        return bytes([tag, length]) + content
    size = (length.bit_length() + 7) // 8
    return bytes([tag, 0x80 | size]) + length.to_bytes(size, "big") + content


def _multi_prime(pkcs1: bytes) -> bytes:
    """The shape of a multi-prime RSAPrivateKey (RFC 8017 A.1.2), as `openssl genrsa -primes 3` writes it:
    version 1, the eight integers, then otherPrimeInfos. pyca/cryptography cannot make one, and the guard
    reads shapes only, so the third prime's values here are placeholders."""
    assert pkcs1[:2] == b"\x30\x82"  # A 2048-bit key: a two-byte SEQUENCE length.
    assert pkcs1[4:7] == b"\x02\x01\x00"  # Version 0.
    integers = pkcs1[7:]
    third_prime = _tlv(0x30, b"".join(_tlv(0x02, bytes([value])) for value in (7, 3, 5)))
    return _tlv(0x30, b"\x02\x01\x01" + integers + _tlv(0x30, third_prime))


@functools.cache
def keys() -> dict[str, bytes]:
    """DER of each key encoding the guard must recognise."""
    rsa, ec, ed = mk.private_key("rsa2048"), mk.private_key("ec256"), mk.private_key("ed25519")
    der = serialization.Encoding.DER
    ed_pkcs8 = ed.private_bytes(der, _PKCS8, _NONE)
    public = ed.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    # OneAsymmetricKey (RFC 5958) version 1 (v2) with the public key as [1] IMPLICIT BIT STRING.
    body = b"\x02\x01\x01" + ed_pkcs8[5:] + b"\x81\x21\x00" + public
    pkcs1 = rsa.private_bytes(der, _TRADITIONAL, _NONE)
    return {
        "rsa-pkcs8": rsa.private_bytes(der, _PKCS8, _NONE),
        "rsa-pkcs1": pkcs1,
        "rsa-pkcs1-multi-prime": _multi_prime(pkcs1),
        "rsa-pkcs8-encrypted": rsa.private_bytes(der, _PKCS8, _PASSWORD),
        "ec-pkcs8": ec.private_bytes(der, _PKCS8, _NONE),
        "ec-sec1": ec.private_bytes(der, _TRADITIONAL, _NONE),
        "ec-pkcs8-encrypted": ec.private_bytes(der, _PKCS8, _PASSWORD),
        "ed25519-pkcs8": ed_pkcs8,
        "ed25519-pkcs8-encrypted": ed.private_bytes(der, _PKCS8, _PASSWORD),
        "ed25519-one-asymmetric-key-v2": b"\x30" + bytes([len(body)]) + body,
    }


# Every label the validator takes. A key under a label it does not take ("PUBLIC KEY", "FOO") is refused
# as "unsupported" before the DER guard sees it: reported in issue 17's report, not asserted here.
# Every label the validator takes, and labels it does not take (a key there is still a key).
LABELS = [
    "CERTIFICATE", "X509 CERTIFICATE", "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST", "PKCS7", "CMS",
    "X509 CRL", "PUBLIC KEY", "FOO",
]


def _pem(der: bytes, label: str) -> str:
    body = base64.encodebytes(der).decode()
    return f"-----BEGIN {label}-----\n{body}-----END {label}-----\n"


@functools.cache
def _env() -> list[Environment]:
    return [Environment("qa", "QA", mk.make_ca("Nuvy QA CA", key_slot=100).pem)]


def _refused(data: bytes | str) -> None:
    with pytest.raises(InputError) as caught:
        validate(data, _env(), selected="qa", at=mk.NOW)
    assert caught.value.code == "private_key"
    assert caught.value.message == PRIVATE_KEY_MESSAGE
    assert str(caught.value) == PRIVATE_KEY_MESSAGE


@pytest.mark.parametrize("kind", sorted(keys()))
@pytest.mark.parametrize("label", LABELS)
def test_a_key_under_any_label_is_refused_as_a_key(kind: str, label: str) -> None:
    _refused(_pem(keys()[kind], label))


@pytest.mark.parametrize("kind", sorted(keys()))
def test_a_key_in_der_bare_base64_or_beside_a_certificate_is_refused(kind: str) -> None:
    der = keys()[kind]
    _refused(der)
    _refused(base64.b64encode(der).decode())
    _refused(base64.encodebytes(der))
    leaf = mk.make_client(mk.make_ca("Nuvy QA CA", key_slot=100))
    _refused(leaf.pem + _pem(der, "CERTIFICATE"))
    _refused([leaf.pem, der])


@pytest.mark.parametrize(
    ("fmt", "encryption"),
    [
        (_PKCS8, _NONE), (_PKCS8, _PASSWORD), (_TRADITIONAL, _NONE), (_TRADITIONAL, _PASSWORD),
        (serialization.PrivateFormat.OpenSSH, _NONE),  # an encrypted one needs bcrypt, which is not installed
    ],
    ids=["pkcs8", "pkcs8-encrypted", "traditional", "traditional-encrypted", "openssh"],
)
def test_a_key_under_its_own_label_is_refused(
    fmt: serialization.PrivateFormat, encryption: serialization.KeySerializationEncryption
) -> None:
    key = mk.private_key("ec256")
    text = key.private_bytes(serialization.Encoding.PEM, fmt, encryption).decode()
    _refused(text)
    _refused(text.encode())
    _refused(text.replace("-----", "\u2013\u2013\u2013\u2013\u2013"))  # look-alike dashes


@pytest.mark.parametrize(
    ("der", "why"),
    [
        (bytes.fromhex("3009020102300004020000"), "version 2 is no PrivateKeyInfo"),
        (bytes.fromhex("300a0201023000040100"), "version 2 is no PrivateKeyInfo"),
        (bytes.fromhex("3009300004020000020100"), "EncryptedPrivateKeyInfo takes exactly two fields"),
        (bytes.fromhex("3018") + bytes.fromhex("020100") * 8, "eight integers are no RSAPrivateKey"),
        (bytes.fromhex("301b020101") + bytes.fromhex("020100") * 8,
         "RSAPrivateKey version 1 (multi-prime) needs its otherPrimeInfos"),
        (bytes.fromhex("301d020102") + bytes.fromhex("020100") * 8 + b"\x30\x00",
         "RSAPrivateKey has no version 2"),
        (bytes.fromhex("3006020100040100"), "ECPrivateKey has version 1"),
        (bytes.fromhex("3006020102040100"), "ECPrivateKey has version 1"),
        (bytes.fromhex("3103020100"), "a SET is no key"),
        (bytes.fromhex("0403020100"), "an OCTET STRING is no key"),
        (bytes.fromhex("3005020100"), "truncated"),
        (bytes.fromhex("3003020100ff"), "trailing bytes"),
    ],
)
def test_structures_that_are_not_keys_are_not_refused_as_keys(der: bytes, why: str) -> None:
    refuse_private_key_der(der)  # does not raise
    with pytest.raises(InputError) as caught:
        validate(der, _env(), selected="qa", at=mk.NOW)
    assert caught.value.code != "private_key", why


@pytest.mark.parametrize(
    "der",
    [
        bytes.fromhex("300a020100300004030000ff"),
        bytes.fromhex("300a020101300004030000ff"),
        bytes.fromhex("3006300004020000"),
        bytes.fromhex("301b") + bytes.fromhex("020100") * 9,
        bytes.fromhex("301d020101") + bytes.fromhex("020100") * 8 + b"\x30\x00",
        bytes.fromhex("3006020101040100"),
    ],
    ids=["pkcs8-v0", "pkcs8-v1", "encrypted", "pkcs1", "pkcs1-multi-prime", "sec1"],
)
def test_the_smallest_key_shapes_are_refused(der: bytes) -> None:
    with pytest.raises(InputError) as caught:
        refuse_private_key_der(der)
    assert (caught.value.code, caught.value.message) == ("private_key", PRIVATE_KEY_MESSAGE)


def test_the_guard_decides_by_the_fields_a_key_starts_with() -> None:
    """PKCS#1 is recognised by its first nine fields: what follows them (a tenth field that is no INTEGER,
    or damage after a tenth) does not hide the key, because the guard reads no further than ten fields."""
    pkcs1 = keys()["rsa-pkcs1"]
    header = 4  # 30 82 LL LL: a 2048-bit key's SEQUENCE has a two-byte length.
    assert pkcs1[:2] == b"\x30\x82"
    fields = pkcs1[header:]
    for extra in (b"\x30\x00", b"\x02\x01\x00" + b"\x02\x05\x00"):
        body = fields + extra
        _refused(b"\x30\x82" + len(body).to_bytes(2, "big") + body)


def test_a_certificate_csr_and_crl_are_not_keys() -> None:
    ca = mk.make_ca("Nuvy QA CA", key_slot=100)
    for der in (mk.make_client(ca).der, mk.make_csr().der, mk.make_crl(ca, [1]).der, ca.der):
        refuse_private_key_der(der)
    report = validate(mk.make_client(ca).der, _env(), selected="qa", at=mk.NOW + dt.timedelta(seconds=1))
    assert report.kind == "certificate"
