"""Signatures through the validator's own parsing: a certificate signed with each scheme and parameter set
the validator accepts, good and forged, goes through ``validate()``; so do links it cannot verify (MD5,
DSA, an unknown algorithm, a key of the wrong type, an unsupported curve, a backend that fails).

Wycheproof builds its ``SignatureRequest`` values by hand, so only these tests exercise the code that reads
the algorithm and its parameters (hash, PSS salt, curve) out of a certificate.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pytest
from asn1crypto import algos
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes

from tests import pki as mk
from validator_py import Environment, Report, Status, validate_async
from validator_py._compat._cpython import CryptographyVerifier
from validator_py.pipeline import run_sync
from validator_py.signatures import SignatureAlgorithm, SignatureRequest, build_request, describe_algorithm

P, W, F, NA = Status.PASS, Status.WARN, Status.FAIL, Status.NOT_APPLICABLE
QA = "the QA CA (qa)"
FORGED = (
    f"The issuer name matches {QA}, but the signature does not verify with its public key, so it was not "
    "issued by this CA: the certificate is forged, corrupted, or from a CA that copies Nuvy's name. Do not "
    "use it; ask Nuvy for a certificate."
)


def _pss(hash_name: str, mgf_hash: str | None = None, salt: int = 32) -> dict[str, object]:
    """An RSASSA-PSS AlgorithmIdentifier (RFC 4055): message hash, MGF1's hash (the same by default), salt."""
    return {"algorithm": "rsassa_pss", "parameters": {
        "hash_algorithm": {"algorithm": hash_name},
        "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": mgf_hash or hash_name}},
        "salt_length": salt,
    }}


@functools.cache
def _key(kind: str) -> CertificateIssuerPrivateKeyTypes:
    curves = {"p256": ec.SECP256R1(), "p384": ec.SECP384R1(), "p521": ec.SECP521R1(), "k1": ec.SECP256K1()}
    if kind in curves:
        return ec.generate_private_key(curves[kind])
    return mk.private_key(kind, 170)


@functools.cache
def _ca(kind: str) -> mk.Issued:
    return mk.make_ca(f"Nuvy QA CA {kind}", key=_key(kind))


def _envs(ca: mk.Issued) -> list[Environment]:
    return [Environment("qa", "QA", ca.pem)]


def _flip_signature(der: bytes) -> bytes:
    cert = a_x509.Certificate.load(der)
    signature = bytearray(cert["signature_value"].native)
    signature[len(signature) // 2] ^= 0x01
    return bytes(a_x509.Certificate({
        "tbs_certificate": cert["tbs_certificate"],
        "signature_algorithm": cert["signature_algorithm"],
        "signature_value": bytes(signature),
    }).dump())


def _flip_tbs(der: bytes) -> bytes:
    """Change the serial number, so the signed part differs from what was signed."""
    cert = a_x509.Certificate.load(der)
    tbs = cert["tbs_certificate"]
    tbs["serial_number"] = tbs["serial_number"].native + 1
    return bytes(a_x509.Certificate({
        "tbs_certificate": a_x509.TbsCertificate.load(tbs.dump(force=True)),
        "signature_algorithm": cert["signature_algorithm"],
        "signature_value": cert["signature_value"],
    }).dump())


@dataclass
class Recorder:
    """The real backend, remembering every request the pipeline built."""

    requests: list[SignatureRequest]

    async def verify(self, request: SignatureRequest) -> bool | None:
        self.requests.append(request)
        return await CryptographyVerifier().verify(request)


def _validate(data: bytes | str, ca: mk.Issued) -> tuple[Report, list[SignatureRequest]]:
    recorder = Recorder([])
    report = run_sync(validate_async(data, _envs(ca), selected="qa", at=mk.NOW, verifier=recorder))
    return report, recorder.requests


# (CA key, hash, pss) -> (name of the algorithm, scheme, hash, salt, curve in the request)
SCHEMES = {
    "rsa-sha256": ("rsa2048", mk.SHA256, False, "RSA PKCS#1 v1.5 with SHA-256", "rsa-pkcs1v15", None, None),
    "rsa-sha384": ("rsa2048", mk.SHA384, False, "RSA PKCS#1 v1.5 with SHA-384", "rsa-pkcs1v15", None, None),
    "rsa-sha512": ("rsa2048", mk.SHA512, False, "RSA PKCS#1 v1.5 with SHA-512", "rsa-pkcs1v15", None, None),
    "pss-sha256": ("rsa2048", mk.SHA256, True, "RSA-PSS with SHA-256", "rsa-pss", 32, None),
    "pss-sha384": ("rsa2048", mk.SHA384, True, "RSA-PSS with SHA-384", "rsa-pss", 48, None),
    "pss-sha512": ("rsa2048", mk.SHA512, True, "RSA-PSS with SHA-512", "rsa-pss", 64, None),
    "ecdsa-p256-sha256": ("p256", mk.SHA256, False, "ECDSA with SHA-256", "ecdsa", None, "P-256"),
    "ecdsa-p384-sha384": ("p384", mk.SHA384, False, "ECDSA with SHA-384", "ecdsa", None, "P-384"),
    "ecdsa-p384-sha256": ("p384", mk.SHA256, False, "ECDSA with SHA-256", "ecdsa", None, "P-384"),
    "ecdsa-p521-sha512": ("p521", mk.SHA512, False, "ECDSA with SHA-512", "ecdsa", None, "P-521"),
    "ed25519": ("ed25519", mk.SHA256, False, "Ed25519", "ed25519", None, None),
}


def _signed(scheme: str) -> mk.Issued:
    key, hash_alg, pss, *_ = SCHEMES[scheme]
    return mk.make_client(_ca(key), hash_alg=hash_alg, pss=pss)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_each_scheme_verifies_through_validate(scheme: str) -> None:
    key, _hash, _pss, name, kind, salt, curve = SCHEMES[scheme]
    leaf = _signed(scheme)
    report, requests = _validate(leaf.der, _ca(key))
    result = report.check("signature.valid")
    assert (result.status, result.message) == (P, f"The signature verifies with the public key of {QA}.")
    assert report.check("environment.issuer").status is P
    [request] = requests
    expected_hash = None if kind == "ed25519" else _hash.name
    assert (request.scheme, request.hash, request.salt_length, request.curve) == (
        kind, expected_hash, salt, curve
    )
    assert request.spki_der == _ca(key).cert.public_key().public_bytes(
        mk.serialization.Encoding.DER, mk.serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert request.message == leaf.cert.tbs_certificate_bytes
    assert request.signature == leaf.cert.signature
    assert report.details["signature_algorithm"] == name
    if kind == "ed25519":
        # Verified, but not on the web PKI's list, so the path refuses it.
        algorithms = report.check("path.algorithms")
        assert algorithms.status is F
        assert f"is signed with {name}" in algorithms.message
    else:
        assert report.check("path.algorithms").status is P
        assert report.verdict is P


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("forge", [_flip_signature, _flip_tbs], ids=["signature", "signed-part"])
def test_each_scheme_refuses_a_forged_certificate(scheme: str, forge: object) -> None:
    key = SCHEMES[scheme][0]
    assert callable(forge)
    report, requests = _validate(forge(_signed(scheme).der), _ca(key))
    result = report.check("signature.valid")
    assert (result.status, result.message) == (F, FORGED)
    assert len(requests) == 1
    assert report.verdict is F
    environment = report.check("environment.issuer")
    assert environment.status is F
    assert environment.message == (
        "None of the configured CAs (the QA CA (qa)) issued this certificate. It is from another CA; "
        "a server trusting Nuvy's CA refuses it in the TLS handshake, and an AWS load balancer logs "
        "ClientCertUntrusted (guide step 11)."
    )


def _sign_pss(ca: mk.Issued, salt: int, hash_alg: hashes.HashAlgorithm) -> bytes:
    draft = mk.make_client(ca)
    builder = (
        x509.CertificateBuilder().subject_name(draft.cert.subject).issuer_name(draft.cert.issuer)
        .public_key(draft.cert.public_key()).serial_number(draft.cert.serial_number)
        .not_valid_before(draft.cert.not_valid_before_utc).not_valid_after(draft.cert.not_valid_after_utc)
    )
    for ext in draft.cert.extensions:
        builder = builder.add_extension(ext.value, ext.critical)
    key = ca.key
    assert isinstance(key, rsa.RSAPrivateKey)
    cert = builder.sign(key, hash_alg, rsa_padding=padding.PSS(padding.MGF1(hash_alg), salt))
    return cert.public_bytes(mk.serialization.Encoding.DER)


@pytest.mark.parametrize(("salt", "hash_alg"), [(20, mk.SHA256), (0, mk.SHA384), (32, mk.SHA512)])
def test_pss_salt_is_read_from_the_certificate(salt: int, hash_alg: hashes.HashAlgorithm) -> None:
    """Verifies with the salt the certificate names; the path refuses a salt other than the hash length."""
    report, requests = _validate(_sign_pss(_ca("rsa2048"), salt, hash_alg), _ca("rsa2048"))
    [request] = requests
    assert (request.scheme, request.hash, request.salt_length) == ("rsa-pss", hash_alg.name, salt)
    assert report.check("signature.valid").status is P
    algorithms = report.check("path.algorithms")
    assert algorithms.status is F
    assert algorithms.message == (
        f"The leaf certificate (client-name) is signed with RSA-PSS with {hash_alg.name.upper()[:3]}-"
        f"{hash_alg.name[3:]}. Servers refuse keys and signatures outside the web PKI's list (RSA of 2048 "
        "bits or more, ECDSA on P-256, P-384 or P-521, signed with SHA-256, -384 or -512); ask for a "
        "re-issue that uses them."
    )


def _with_algorithm(der: bytes, outer: str | dict[str, object], inner: str | dict[str, object] | None = None,
                    ) -> bytes:
    """The certificate with its algorithm identifiers replaced (the signature is left as it was)."""
    cert = a_x509.Certificate.load(der)
    tbs = cert["tbs_certificate"]
    spec = inner if inner is not None else outer
    tbs["signature"] = algos.SignedDigestAlgorithm(spec if isinstance(spec, dict) else {"algorithm": spec})
    return bytes(a_x509.Certificate({
        "tbs_certificate": a_x509.TbsCertificate.load(tbs.dump(force=True)),
        "signature_algorithm": algos.SignedDigestAlgorithm(
            outer if isinstance(outer, dict) else {"algorithm": outer}
        ),
        "signature_value": cert["signature_value"],
    }).dump())


UNVERIFIABLE = {
    "md5": (
        lambda der: _with_algorithm(der, "md5_rsa"),
        "MD5 is broken and cannot be verified safely",
    ),
    "sha1": (lambda der: _with_algorithm(der, "sha1_rsa"), None),
    "dsa": (
        lambda der: _with_algorithm(der, "sha256_dsa"),
        "the signature algorithm sha256_dsa (2.16.840.1.101.3.4.3.2) is not one Nuvy accepts "
        "(RSA, RSA-PSS, ECDSA or Ed25519)",
    ),
    "unknown-oid": (
        lambda der: _with_algorithm(der, "1.2.3.4.5"),
        "the signature algorithm 1.2.3.4.5 (1.2.3.4.5) is not one Nuvy accepts "
        "(RSA, RSA-PSS, ECDSA or Ed25519)",
    ),
    # Identifiers asn1crypto knows but cannot take apart into a scheme and a hash (they once made the
    # certificate look damaged).
    "ecdsa-sha3-256": (
        lambda der: _with_algorithm(der, "sha3_256_ecdsa"),
        "the signature algorithm sha3_256_ecdsa (2.16.840.1.101.3.4.3.10) is not one Nuvy accepts "
        "(RSA, RSA-PSS, ECDSA or Ed25519)",
    ),
    "rsa-encryption": (
        lambda der: _with_algorithm(der, "rsassa_pkcs1v15"),
        "the signature algorithm rsassa_pkcs1v15 (1.2.840.113549.1.1.1) is not one Nuvy accepts "
        "(RSA, RSA-PSS, ECDSA or Ed25519)",
    ),
    "inner-differs": (
        lambda der: _with_algorithm(der, "sha256_rsa", "sha384_rsa"),
        "the signature algorithm inside the signed part differs from the outer one (RFC 5280 section "
        "4.1.1.2 requires them to be identical)",
    ),
    "pss-sha224": (
        lambda der: _with_algorithm(der, _pss("sha224", salt=28)),
        "SHA-224 is not a hash the validator can verify",
    ),
    "pss-mgf-differs": (
        lambda der: _with_algorithm(der, _pss("sha256", "sha1", 32)),
        "RSA-PSS with a mask hash different from the message hash is not supported",
    ),
    "ecdsa-with-rsa-key": (
        lambda der: _with_algorithm(der, "sha256_ecdsa"),
        "the signature was made with ECDSA with SHA-256, but the signer's key is RSA, so that key cannot "
        "have made it",
    ),
}


@pytest.mark.parametrize("case", UNVERIFIABLE)
def test_a_leaf_whose_signature_cannot_be_verified_never_passes(case: str) -> None:
    make, reason = UNVERIFIABLE[case]
    ca = _ca("rsa2048")
    report, requests = _validate(make(mk.make_client(ca).der), ca)
    result = report.check("signature.valid")
    assert result.status is F
    assert report.verdict is F
    if reason is None:  # SHA-1 is a hash the seam verifies: the re-labelled signature then fails.
        assert result.message == FORGED
        assert len(requests) == 1
        return
    assert requests == []
    assert result.message == (
        f"The signature could not be checked against {QA}: {reason}. Run `openssl verify -CAfile "
        "nuvy-ca-<env>.crt nuvy-client-<env>.crt` (guide step 6)."
    )
    environment = report.check("environment.issuer")
    assert environment.status is F
    assert environment.message == (
        f"The issuer name is that of {QA}, but which CA signed it could not be confirmed: {reason}. "
        "Ask Nuvy for a certificate signed with SHA-256."
    )


def test_a_ca_on_an_unsupported_curve_cannot_sign() -> None:
    report, requests = _validate(mk.make_client(_ca("k1")).der, _ca("k1"))
    assert requests == []
    result = report.check("signature.valid")
    assert result.status is F
    assert "the signer's curve secp256k1 is not P-256, P-384 or P-521" in result.message


def test_an_ecdsa_signature_over_the_wrong_curve_is_refused_by_the_backend() -> None:
    """The request names the signer's curve, so a P-384 key never checks a signature as P-256."""
    leaf = _signed("ecdsa-p256-sha256")
    request = SignatureRequest(
        "ecdsa", "sha256", None, "P-384",
        _ca("p256").cert.public_key().public_bytes(
            mk.serialization.Encoding.DER, mk.serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        leaf.cert.tbs_certificate_bytes, leaf.cert.signature,
    )
    assert run_sync_verify(request) is False
    assert run_sync_verify(SignatureRequest(**{**request.__dict__, "curve": "P-256"})) is True
    assert run_sync_verify(SignatureRequest(**{**request.__dict__, "curve": None})) is False
    assert run_sync_verify(SignatureRequest(**{**request.__dict__, "curve": "P-256", "hash": None})) is False
    assert run_sync_verify(SignatureRequest(**{**request.__dict__, "scheme": "rsa-pkcs1v15"})) is False
    assert run_sync_verify(SignatureRequest(**{**request.__dict__, "scheme": "ed25519"})) is False
    assert run_sync_verify(SignatureRequest(**{**request.__dict__, "spki_der": b"\x30\x00"})) is False


def run_sync_verify(request: SignatureRequest) -> bool | None:
    from validator_py._compat._cpython import verify_now

    return verify_now(request)


def test_a_key_that_cannot_sign_is_refused_not_a_pass() -> None:
    """An X25519 key (key agreement only) named as the signer of an Ed25519 signature: False, never True."""
    from cryptography.hazmat.primitives.asymmetric import x25519

    spki = x25519.X25519PrivateKey.generate().public_key().public_bytes(
        mk.serialization.Encoding.DER, mk.serialization.PublicFormat.SubjectPublicKeyInfo
    )
    verified = run_sync_verify(SignatureRequest("ed25519", None, None, None, spki, b"m", b"\x00" * 64))
    assert verified is False


class Failing:
    async def verify(self, request: SignatureRequest) -> bool | None:
        raise RuntimeError(request.scheme)


class CannotCheck:
    async def verify(self, request: SignatureRequest) -> bool | None:
        del request
        return None


def test_a_failing_backend_is_a_finding_not_a_pass() -> None:
    ca = _ca("rsa2048")
    report = run_sync(validate_async(mk.make_client(ca).der, _envs(ca), selected="qa", at=mk.NOW,
                                     verifier=Failing()))
    result = report.check("signature.valid")
    assert result.status is F
    assert result.message == (
        f"The signature could not be checked against {QA}: the signature backend failed (RuntimeError). "
        "Run `openssl verify -CAfile nuvy-ca-<env>.crt nuvy-client-<env>.crt` (guide step 6)."
    )


def test_a_backend_that_cannot_check_is_a_finding_not_a_pass() -> None:
    ca = _ca("rsa2048")
    report = run_sync(validate_async(mk.make_client(ca).der, _envs(ca), selected="qa", at=mk.NOW,
                                     verifier=CannotCheck()))
    result = report.check("signature.valid")
    assert result.status is F
    assert result.message == (
        f"The signature could not be checked against {QA}: this platform cannot verify that signature "
        "algorithm. Run `openssl verify -CAfile nuvy-ca-<env>.crt nuvy-client-<env>.crt` (guide step 6)."
    )
    assert report.check("environment.issuer").message.startswith(
        f"The issuer name is that of {QA}, but which CA signed it could not be confirmed: this platform "
        "cannot verify that signature algorithm."
    )


def test_describe_algorithm_names() -> None:
    def named(spec: dict[str, object]) -> tuple[str, str | None, str | None, int | None, str | None]:
        algorithm = describe_algorithm(algos.SignedDigestAlgorithm(spec), None)
        return algorithm.name, algorithm.scheme, algorithm.hash, algorithm.salt_length, algorithm.problem

    assert named({"algorithm": "sha256_rsa"}) == ("RSA PKCS#1 v1.5 with SHA-256", "rsa-pkcs1v15", "sha256",
                                                  None, None)
    assert named({"algorithm": "sha1_rsa"}) == ("RSA PKCS#1 v1.5 with SHA-1", "rsa-pkcs1v15", "sha1", None,
                                                None)
    assert named({"algorithm": "sha384_ecdsa"}) == ("ECDSA with SHA-384", "ecdsa", "sha384", None, None)
    assert named({"algorithm": "sha224_ecdsa"}) == (
        "ECDSA with SHA-224", "ecdsa", "sha224", None, "SHA-224 is broken and cannot be verified safely"
    )
    assert named({"algorithm": "md2_rsa"}) == (
        "RSA PKCS#1 v1.5 with MD2", "rsa-pkcs1v15", "md2", None, "MD2 is broken and cannot be verified safely"
    )
    assert named({"algorithm": "ed25519"}) == ("Ed25519", "ed25519", None, None, None)
    assert named(_pss("sha512", salt=64)) == ("RSA-PSS with SHA-512", "rsa-pss", "sha512", 64, None)
    # A hash the display table does not know is shown by its own name.
    assert named(_pss("sha3_256", salt=32)) == ("RSA-PSS with sha3_256", "rsa-pss", "sha3_256", 32,
            "sha3_256 is not a hash the validator can verify")
    assert named({"algorithm": "ed448"}) == (
        "ed448", None, None, None,
        "the signature algorithm ed448 (1.3.101.113) is not one Nuvy accepts "
        "(RSA, RSA-PSS, ECDSA or Ed25519)",
    )
    # The same algorithm inside the signed part is fine; a different encoding of it is not.
    outer = algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"})
    assert describe_algorithm(outer, algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"})).problem is None
    differs = describe_algorithm(outer, algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa",
                                                                     "parameters": None}))
    assert (differs.name, differs.scheme, differs.hash, differs.salt_length) == (
        "RSA PKCS#1 v1.5 with SHA-256", "rsa-pkcs1v15", "sha256", None
    )
    assert differs.problem == (
        "the signature algorithm inside the signed part differs from the outer one (RFC 5280 section "
        "4.1.1.2 requires them to be identical)"
    )
    pss = algos.SignedDigestAlgorithm(_pss("sha384", salt=48))
    other = describe_algorithm(pss, algos.SignedDigestAlgorithm({"algorithm": "sha384_rsa"}))
    assert (other.name, other.scheme, other.hash, other.salt_length) == (
        "RSA-PSS with SHA-384", "rsa-pss", "sha384", 48
    )
    assert other.problem == differs.problem


def test_build_request_gives_the_backend_only_what_the_scheme_uses() -> None:
    """build_request does not trust the algorithm it is given to be tidy: Ed25519 has no hash, only RSA-PSS
    has a salt, and an algorithm without a scheme or a reason still gets a reason, never a request."""
    def built(algorithm: SignatureAlgorithm, signer: str = "rsa") -> SignatureRequest | str:
        return build_request(algorithm, signer_algorithm=signer, signer_curve=None, spki_der=b"k",
                             message=b"m", signature=b"s")

    assert built(SignatureAlgorithm("DSA with SHA-256", None, "sha256")) == (
        "the signature algorithm is not supported"
    )
    assert built(SignatureAlgorithm("Ed25519", "ed25519", "sha512"), "ed25519") == SignatureRequest(
        scheme="ed25519", hash=None, salt_length=None, curve=None, spki_der=b"k", message=b"m", signature=b"s"
    )
    assert built(SignatureAlgorithm("RSA PKCS#1 v1.5 with SHA-256", "rsa-pkcs1v15", "sha256", 32)) == (
        SignatureRequest(scheme="rsa-pkcs1v15", hash="sha256", salt_length=None, curve=None, spki_der=b"k",
                         message=b"m", signature=b"s")
    )
    assert built(SignatureAlgorithm("RSA-PSS with SHA-256", "rsa-pss", "sha256", 32)) == SignatureRequest(
        scheme="rsa-pss", hash="sha256", salt_length=32, curve=None, spki_der=b"k", message=b"m",
        signature=b"s",
    )
