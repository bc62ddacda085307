"""The CPython signature backend: pyca/cryptography. The only module that imports cryptography."""

from __future__ import annotations

from collections.abc import Callable

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

from ..signatures import SignatureRequest

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
_CURVES = {"P-256": "secp256r1", "P-384": "secp384r1", "P-521": "secp521r1"}


class _WrongKeyError(Exception):
    """The key cannot have made this signature (wrong type, wrong curve, missing parameters)."""


class CryptographyVerifier:
    """Verifies ``SignatureRequest`` values with pyca/cryptography. It never suspends, so the CPython
    pipeline can drive the coroutine without an event loop."""

    async def verify(self, request: SignatureRequest) -> bool | None:
        return verify_now(request)


def verify_now(request: SignatureRequest) -> bool | None:
    try:
        key = serialization.load_der_public_key(request.spki_der)
        _SCHEMES[request.scheme](key, request)
    except UnsupportedAlgorithm:
        return None
    except (InvalidSignature, _WrongKeyError, ValueError):
        # Malformed keys and signatures (wrong length, bad DER) are invalid signatures, not crashes.
        return False
    return True


def _hash(request: SignatureRequest) -> hashes.HashAlgorithm:
    if request.hash is None:
        raise _WrongKeyError
    return _HASHES[request.hash]()


def _rsa(key: PublicKeyTypes, request: SignatureRequest) -> None:
    if not isinstance(key, rsa.RSAPublicKey):
        raise _WrongKeyError
    hash_algorithm = _hash(request)
    pad: padding.AsymmetricPadding = padding.PKCS1v15()
    if request.scheme == "rsa-pss":
        if request.salt_length is None:
            raise _WrongKeyError
        pad = padding.PSS(mgf=padding.MGF1(hash_algorithm), salt_length=request.salt_length)
    key.verify(request.signature, request.message, pad, hash_algorithm)


def _ecdsa(key: PublicKeyTypes, request: SignatureRequest) -> None:
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise _WrongKeyError
    if request.curve is None or key.curve.name != _CURVES[request.curve]:
        raise _WrongKeyError
    key.verify(request.signature, request.message, ec.ECDSA(_hash(request)))


def _ed25519(key: PublicKeyTypes, request: SignatureRequest) -> None:
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise _WrongKeyError
    key.verify(request.signature, request.message)


_SCHEMES: dict[str, Callable[[PublicKeyTypes, SignatureRequest], None]] = {
    "rsa-pkcs1v15": _rsa,
    "rsa-pss": _rsa,
    "ecdsa": _ecdsa,
    "ed25519": _ed25519,
}
