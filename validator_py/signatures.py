"""The signature seam: ``SignatureRequest`` values built from parsed structures, verified by a backend.

The core never verifies a signature itself. It describes what was signed, by which key and how, and an
``AsyncVerifier`` (pyca/cryptography on CPython, WebCrypto in the browser) answers True, False, or None
when it cannot check that algorithm.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol, cast

from .policy import SUPPORTED_CURVES, SUPPORTED_CURVES_TEXT
from .record import record

Scheme = Literal["rsa-pkcs1v15", "rsa-pss", "ecdsa", "ed25519"]
HashName = Literal["sha1", "sha256", "sha384", "sha512"]
Curve = Literal["P-256", "P-384", "P-521"]

_HASHES: frozenset[str] = frozenset({"sha1", "sha256", "sha384", "sha512"})
_KEY_FOR_SCHEME = {"rsa-pkcs1v15": "rsa", "rsa-pss": "rsa", "ecdsa": "ec", "ed25519": "ed25519"}
_DISPLAY_HASH = {"sha1": "SHA-1", "sha224": "SHA-224", "sha256": "SHA-256", "sha384": "SHA-384",
                 "sha512": "SHA-512", "md5": "MD5", "md2": "MD2"}


@record
class SignatureRequest:
    scheme: Scheme
    hash: HashName | None  # None for ed25519
    salt_length: int | None  # rsa-pss only
    curve: Curve | None  # ecdsa only
    spki_der: bytes
    message: bytes
    signature: bytes  # as in the structure: ECDSA is DER (Ecdsa-Sig-Value)


class AsyncVerifier(Protocol):
    async def verify(self, request: SignatureRequest) -> bool | None: ...


@record
class SignatureAlgorithm:
    """A signature algorithm as read from a certificate, CSR or CRL."""

    name: str  # for people: "sha256WithRSAEncryption"-like, e.g. "RSA PKCS#1 v1.5 with SHA-256"
    scheme: Scheme | None  # None: not an algorithm the seam can verify (DSA, GOST, ...)
    hash: str | None  # "sha256", "sha1", "md5", ...; None for Ed25519 or unknown
    salt_length: int | None = None
    problem: str | None = None  # why this signature cannot be verified at all, if it cannot


def describe_algorithm(outer: Any, inner: Any | None) -> SignatureAlgorithm:
    """Read an asn1crypto ``SignedDigestAlgorithm`` (and the copy inside the signed part, if any)."""
    oid = outer["algorithm"]
    try:
        signature_algo = str(outer.signature_algo)
        # asn1crypto names some identifiers whose hash it cannot tell (ECDSA with SHA-3, rsaEncryption or
        # the bare ECDSA signature arc 1.2.840.10045.4 as a signature algorithm): read it here, so they fall
        # to the "not accepted" branch below instead of raising later, which would call the file damaged.
        hash_algo = str(outer.hash_algo) if signature_algo in ("rsassa_pkcs1v15", "ecdsa") else ""
    except ValueError:
        signature_algo = ""
    if signature_algo == "ed25519":
        algorithm = SignatureAlgorithm("Ed25519", "ed25519", None)
    elif signature_algo in ("rsassa_pkcs1v15", "ecdsa"):
        algorithm = _hashed(signature_algo, hash_algo)
    elif signature_algo == "rsassa_pss":
        algorithm = _pss(outer["parameters"])
    else:
        algorithm = SignatureAlgorithm(
            str(oid.native), None, None, problem=f"the signature algorithm {oid.native} ({oid.dotted}) "
            "is not one Nuvy accepts (RSA, RSA-PSS, ECDSA or Ed25519)"
        )
    if inner is not None and bytes(inner.dump()) != bytes(outer.dump()):
        return SignatureAlgorithm(
            algorithm.name, algorithm.scheme, algorithm.hash, algorithm.salt_length,
            problem="the signature algorithm inside the signed part differs from the outer one "
            "(RFC 5280 section 4.1.1.2 requires them to be identical)",
        )
    return algorithm


def _hashed(signature_algo: str, hash_algo: str) -> SignatureAlgorithm:
    scheme: Scheme = "rsa-pkcs1v15" if signature_algo == "rsassa_pkcs1v15" else "ecdsa"
    family = "RSA PKCS#1 v1.5" if scheme == "rsa-pkcs1v15" else "ECDSA"
    display = _DISPLAY_HASH.get(hash_algo, hash_algo)
    problem = None if hash_algo in _HASHES else f"{display} is broken and cannot be verified safely"
    return SignatureAlgorithm(f"{family} with {display}", scheme, hash_algo, problem=problem)


def _pss(params: Any) -> SignatureAlgorithm:
    hash_algo = str(params["hash_algorithm"]["algorithm"].native)
    mgf = params["mask_gen_algorithm"]
    mgf_hash = str(mgf["parameters"]["algorithm"].native)
    salt = int(params["salt_length"].native)
    display = _DISPLAY_HASH.get(hash_algo, hash_algo)
    problem = None
    if hash_algo not in _HASHES:
        problem = f"{display} is not a hash the validator can verify"
    elif mgf["algorithm"].native != "mgf1" or mgf_hash != hash_algo:
        problem = "RSA-PSS with a mask hash different from the message hash is not supported"
    return SignatureAlgorithm(f"RSA-PSS with {display}", "rsa-pss", hash_algo, salt, problem)


def build_request(
    algorithm: SignatureAlgorithm,
    *,
    signer_algorithm: str,
    signer_curve: str | None,
    spki_der: bytes,
    message: bytes,
    signature: bytes,
) -> SignatureRequest | str:
    """A request for the verifier, or the reason (a sentence fragment) why none can be made."""
    if algorithm.problem or algorithm.scheme is None:
        return algorithm.problem or "the signature algorithm is not supported"
    expected = _KEY_FOR_SCHEME[algorithm.scheme]
    if signer_algorithm != expected:
        return (
            f"the signature was made with {algorithm.name}, but the signer's key is "
            f"{signer_algorithm.upper()}, so that key cannot have made it"
        )
    curve: Curve | None = None
    if algorithm.scheme == "ecdsa":
        if signer_curve not in SUPPORTED_CURVES:
            return f"the signer's curve {signer_curve} is not {SUPPORTED_CURVES_TEXT}"
        curve = cast(Curve, signer_curve)
    return SignatureRequest(
        scheme=algorithm.scheme,
        hash=cast(HashName, algorithm.hash) if algorithm.scheme != "ed25519" else None,
        salt_length=algorithm.salt_length if algorithm.scheme == "rsa-pss" else None,
        curve=curve,
        spki_der=spki_der,
        message=message,
        signature=signature,
    )


def _der_integer(data: bytes, pos: int) -> tuple[bytes, int]:
    if pos + 2 > len(data) or data[pos] != 0x02:
        raise ValueError("expected an INTEGER")
    length = data[pos + 1]
    if length & 0x80:
        # An r or s of at most 66 bytes never needs the long form; DER forbids it below 128.
        raise ValueError("INTEGER length in long form")
    start = pos + 2
    end = start + length
    if length == 0 or end > len(data):
        raise ValueError("INTEGER is empty or truncated")
    value = data[start:end]
    if value[0] & 0x80:
        raise ValueError("INTEGER is negative")
    if length > 1 and value[0] == 0 and not value[1] & 0x80:
        raise ValueError("INTEGER has a non-minimal leading zero")
    return value, end


def ecdsa_der_to_p1363(sig: bytes, curve_bytes: int) -> bytes:
    """Convert a DER Ecdsa-Sig-Value to the fixed-size r||s WebCrypto wants, accepting only strict DER.

    BER forms (long-form lengths where short suffice, leading zeros, trailing bytes, negative integers)
    raise ``ValueError``; accepting them would make the browser more lenient than OpenSSL.
    """
    if len(sig) < 2 or sig[0] != 0x30:
        raise ValueError("not a DER SEQUENCE")
    if sig[1] < 0x80:
        length, pos = sig[1], 2
    elif sig[1] == 0x81 and len(sig) > 2 and sig[2] >= 0x80:
        length, pos = sig[2], 3
    else:
        raise ValueError("SEQUENCE length is not minimal DER")
    if pos + length != len(sig):
        raise ValueError("SEQUENCE length does not match the signature size")
    r, pos = _der_integer(sig, pos)
    s, pos = _der_integer(sig, pos)
    if pos != len(sig):
        raise ValueError("trailing bytes inside the SEQUENCE")
    r, s = r.lstrip(b"\x00") or b"\x00", s.lstrip(b"\x00") or b"\x00"
    if len(r) > curve_bytes or len(s) > curve_bytes:
        raise ValueError("r or s is larger than the curve order")
    return r.rjust(curve_bytes, b"\x00") + s.rjust(curve_bytes, b"\x00")
