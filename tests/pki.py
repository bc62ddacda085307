"""A small test PKI built at run time with pyca/cryptography, so no key is ever committed.

Every helper returns a frozen value object; nothing is written to disk unless a test asks for it
(use ``write_to(tmp_path)`` on the result, which only ever writes into pytest's tmp directories).

API (stable, other test packages import it)::

    from tests import pki

    now = pki.NOW                                     # fixed, timezone-aware "now" for every test
    qa = pki.make_ca("Nuvy QA CA")                    # RSA-4096 self-signed root, valid NOW-1y .. NOW+10y
    prod = pki.make_ca("Nuvy Production CA", key_slot=1)
    inter = pki.make_ca("Partner Intermediate", parent=qa, path_length=0, key_type="rsa2048")
    leaf = pki.make_client(qa)                        # the guide's profile: RSA-2048, SHA-256,
                                                      # /C=BR/O=CLIENT_NAME/OU=Production/CN=client-name,
                                                      # EKU clientAuth, KU digitalSignature+keyEncipherment
    bad = pki.make_client(qa, hash_alg=pki.SHA1, eku=(pki.SERVER_AUTH,), not_after=now - pki.DAY)
    forged = pki.make_client(qa, signing_key=prod.key)  # issuer name copies QA, signed by another key
    csr = pki.make_csr(cn="client-name")              # same defaults as make_client
    leaf_for_csr = pki.make_client(qa, key=csr.key)   # a certificate for that CSR's key
    crl = pki.make_crl(qa, [leaf.cert.serial_number])
    cert = pki.issue(qa, csr.csr.subject, csr.csr.public_key())  # sign a CSR whose key is elsewhere

    leaf.cert / leaf.key / leaf.pem (str) / leaf.der (bytes) / leaf.key_pem (str, in memory only)
    leaf.write_to(tmp_path, "leaf")  -> Path of tmp_path / "leaf.pem"  (certificate only)

Key types (``key_type``): ``rsa1024``, ``rsa2048``, ``rsa3072``, ``rsa4096``, ``ec256``, ``ec384``,
``ed25519``. ``make_ca`` also accepts ``key_type="rsa"`` with ``key_size``, or an explicit ``key``. Keys
are cached per ``(key_type, key_slot)`` for the whole process, because RSA-4096 generation is slow on
small machines; pass a different ``key_slot`` to get an independent key of the same type.

Hashes: ``SHA1``, ``SHA256``, ``SHA384``, ``SHA512``, ``MD5``; ``pss=True`` signs with RSA-PSS.
"""

from __future__ import annotations

import datetime as dt
import functools
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, Unpack

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificatePublicKeyTypes,
)
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

UTC = dt.UTC
NOW = dt.datetime(2026, 6, 15, 12, 0, 0, tzinfo=UTC)
DAY = dt.timedelta(days=1)
YEAR = dt.timedelta(days=365)

SHA1 = hashes.SHA1()  # noqa: S303 - defect certificates need weak hashes on purpose.
SHA256 = hashes.SHA256()
SHA384 = hashes.SHA384()
SHA512 = hashes.SHA512()
MD5 = hashes.MD5()  # noqa: S303

CLIENT_AUTH = ExtendedKeyUsageOID.CLIENT_AUTH
SERVER_AUTH = ExtendedKeyUsageOID.SERVER_AUTH

# The guide's step 5 key usage: digitalSignature and keyEncipherment.
CLIENT_KEY_USAGE: dict[str, bool] = {"digital_signature": True, "key_encipherment": True}

_KU_FIELDS = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)

_serials = iter(range(0x1000, 0x7FFFFFFF))


def key_usage(**flags: bool) -> x509.KeyUsage:
    """Build a KeyUsage extension from keyword flags (unset flags are False)."""
    values = {name: flags.get(name, False) for name in _KU_FIELDS}
    if not values["key_agreement"]:
        values["encipher_only"] = values["decipher_only"] = False
    return x509.KeyUsage(**values)


@functools.cache
def private_key(key_type: str, key_slot: int = 0) -> CertificateIssuerPrivateKeyTypes:
    """A process-wide cached private key; ``key_slot`` distinguishes independent keys of one type."""
    del key_slot  # Only part of the cache key.
    if key_type.startswith("rsa"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(key_type[3:]))
    if key_type == "ec256":
        return ec.generate_private_key(ec.SECP256R1())
    if key_type == "ec384":
        return ec.generate_private_key(ec.SECP384R1())
    if key_type == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    raise ValueError(f"unknown key type {key_type!r}")


def _sign_args(
    key: CertificateIssuerPrivateKeyTypes, hash_alg: hashes.HashAlgorithm, pss: bool
) -> dict[str, Any]:
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return {"algorithm": None}
    if pss:
        return {
            "algorithm": hash_alg,
            "rsa_padding": padding.PSS(mgf=padding.MGF1(hash_alg), salt_length=hash_alg.digest_size),
        }
    return {"algorithm": hash_alg}


# cryptography refuses to sign certificates with SHA-1 or MD5, so defect certificates are signed with
# SHA-256 first and then re-signed here with the weak hash (asn1crypto rewrites both algorithm fields).
_WEAK_RSA_OIDS = {"sha1": "sha1_rsa", "md5": "md5_rsa"}


def _resign_weak(der: bytes, key: CertificateIssuerPrivateKeyTypes, hash_alg: hashes.HashAlgorithm) -> bytes:
    from asn1crypto import algos
    from asn1crypto import x509 as a_x509

    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("weak-hash defect certificates are RSA only")
    parsed = a_x509.Certificate.load(der)
    tbs = parsed["tbs_certificate"]
    algorithm = algos.SignedDigestAlgorithm({"algorithm": _WEAK_RSA_OIDS[hash_alg.name]})
    tbs["signature"] = algorithm
    tbs_der = tbs.dump(force=True)
    signature = key.sign(tbs_der, padding.PKCS1v15(), hash_alg)
    rebuilt = a_x509.Certificate({
        "tbs_certificate": a_x509.TbsCertificate.load(tbs_der),
        "signature_algorithm": algorithm,
        "signature_value": signature,
    })
    return bytes(rebuilt.dump())


def _sign_cert(
    builder: x509.CertificateBuilder, signer: CertificateIssuerPrivateKeyTypes,
    hash_alg: hashes.HashAlgorithm, pss: bool,
) -> x509.Certificate:
    if hash_alg.name in _WEAK_RSA_OIDS:
        draft = builder.sign(signer, SHA256)
        der = _resign_weak(draft.public_bytes(serialization.Encoding.DER), signer, hash_alg)
        return x509.load_der_x509_certificate(der)
    return builder.sign(signer, **_sign_args(signer, hash_alg, pss))


def _sign_csr(
    builder: x509.CertificateSigningRequestBuilder, signer: CertificateIssuerPrivateKeyTypes,
    hash_alg: hashes.HashAlgorithm, pss: bool,
) -> x509.CertificateSigningRequest:
    if hash_alg.name not in _WEAK_RSA_OIDS:
        return builder.sign(signer, **_sign_args(signer, hash_alg, pss))
    from asn1crypto import algos
    from asn1crypto import csr as a_csr

    if not isinstance(signer, rsa.RSAPrivateKey):
        raise ValueError("weak-hash defect CSRs are RSA only")
    draft_der = builder.sign(signer, SHA256).public_bytes(serialization.Encoding.DER)
    draft = a_csr.CertificationRequest.load(draft_der)
    info_der = draft["certification_request_info"].dump()
    rebuilt = a_csr.CertificationRequest({
        "certification_request_info": a_csr.CertificationRequestInfo.load(info_der),
        "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": _WEAK_RSA_OIDS[hash_alg.name]}),
        "signature": signer.sign(info_der, padding.PKCS1v15(), hash_alg),
    })
    return x509.load_der_x509_csr(rebuilt.dump())


def key_pem(key: CertificateIssuerPrivateKeyTypes) -> str:
    """The key as unencrypted PKCS#8 PEM, in memory; write it only into a tmp directory."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


class _Encoded:
    """``pem`` and ``der`` for a value that holds one pyca/cryptography object with ``public_bytes``."""

    def _public(self) -> x509.Certificate | x509.CertificateSigningRequest | x509.CertificateRevocationList:
        raise NotImplementedError

    @property
    def pem(self) -> str:
        return self._public().public_bytes(serialization.Encoding.PEM).decode()

    @property
    def der(self) -> bytes:
        return self._public().public_bytes(serialization.Encoding.DER)

    def _write(self, path: Path) -> Path:
        path.write_text(self.pem)
        return path


@dataclass(frozen=True)
class Issued(_Encoded):
    """A certificate and the key of its subject."""

    cert: x509.Certificate
    key: CertificateIssuerPrivateKeyTypes
    name: str = ""

    def _public(self) -> x509.Certificate:
        return self.cert

    @property
    def key_pem(self) -> str:
        return key_pem(self.key)

    def write_to(self, directory: Path, stem: str | None = None) -> Path:
        """Write the certificate (never the key) as PEM into a tmp directory."""
        return self._write(directory / f"{stem or self.name or 'cert'}.pem")


@dataclass(frozen=True)
class CSR(_Encoded):
    """A certificate signing request and its key."""

    csr: x509.CertificateSigningRequest
    key: CertificateIssuerPrivateKeyTypes

    def _public(self) -> x509.CertificateSigningRequest:
        return self.csr

    @property
    def key_pem(self) -> str:
        return key_pem(self.key)

    def write_to(self, directory: Path, stem: str = "client") -> Path:
        """Write the CSR (never the key) as PEM into a tmp directory."""
        return self._write(directory / f"{stem}.csr")


@dataclass(frozen=True)
class CRL(_Encoded):
    """A certificate revocation list and the serials it revokes."""

    crl: x509.CertificateRevocationList
    revoked: tuple[int, ...] = field(default=())

    def _public(self) -> x509.CertificateRevocationList:
        return self.crl

    def write_to(self, directory: Path, stem: str = "ca") -> Path:
        return self._write(directory / f"{stem}.crl.pem")


def subject_name(
    *, cn: str | None = "client-name", c: str | None = "BR", o: str | None = "CLIENT_NAME",
    ou: str | None = "Production",
) -> x509.Name:
    """The guide's subject (/C=BR/O=CLIENT_NAME/OU=Production/CN=client-name); None drops a field."""
    attrs = []
    for oid, value in ((NameOID.COUNTRY_NAME, c), (NameOID.ORGANIZATION_NAME, o),
                       (NameOID.ORGANIZATIONAL_UNIT_NAME, ou), (NameOID.COMMON_NAME, cn)):
        if value is not None:
            attrs.append(x509.NameAttribute(oid, value))
    return x509.Name(attrs)


def _ca_key_type(key_type: str, key_size: int) -> str:
    return f"rsa{key_size}" if key_type == "rsa" else key_type


def make_ca(
    name: str,
    *,
    key_size: int = 4096,
    key_type: str = "rsa",
    key_slot: int | None = None,
    key: CertificateIssuerPrivateKeyTypes | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    parent: Issued | None = None,
    path_length: int | None = None,
    hash_alg: hashes.HashAlgorithm = SHA256,
    pss: bool = False,
    ca: bool = True,
    key_cert_sign: bool = True,
) -> Issued:
    """A CA certificate: self-signed when ``parent`` is None, otherwise issued by ``parent``.

    ``key_slot`` defaults to a slot derived from the name, so two CAs with different names never
    share a key by accident; ``key`` overrides both. ``ca=False`` builds a "CA" without basicConstraints
    CA:TRUE (a defect).
    """
    if key is None:
        slot = key_slot if key_slot is not None else zlib.crc32(name.encode()) & 0xFFFF
        key = private_key(_ca_key_type(key_type, key_size), slot)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Nuvy Test"),
        x509.NameAttribute(NameOID.COMMON_NAME, name),
    ])
    issuer_name = parent.cert.subject if parent else subject
    signing_key = parent.key if parent else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(next(_serials))
        .not_valid_before(not_before or NOW - YEAR)
        .not_valid_after(not_after or NOW + 10 * YEAR)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length if ca else None), critical=True)
        .add_extension(
            key_usage(key_cert_sign=key_cert_sign, crl_sign=key_cert_sign, digital_signature=True),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if parent:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(parent.key.public_key()), critical=False
        )
    cert = _sign_cert(builder, signing_key, hash_alg, pss)
    return Issued(cert=cert, key=key, name=name)


class IssueOptions(TypedDict, total=False):
    """The options of ``issue``, which ``make_client`` passes on unchanged."""

    hash_alg: hashes.HashAlgorithm
    pss: bool
    eku: Sequence[x509.ObjectIdentifier] | None
    key_usage_flags: dict[str, bool] | None
    not_before: dt.datetime | None
    not_after: dt.datetime | None
    extra_extensions: Iterable[tuple[x509.ExtensionType, bool]]
    signing_key: CertificateIssuerPrivateKeyTypes | None
    basic_constraints_ca: bool | None
    serial: int | None
    san: Sequence[str]


def make_client(
    ca: Issued,
    *,
    cn: str | None = "client-name",
    c: str | None = "BR",
    o: str | None = "CLIENT_NAME",
    ou: str | None = "Production",
    subject: x509.Name | None = None,
    key_type: str = "rsa2048",
    key_slot: int = 0,
    key: CertificateIssuerPrivateKeyTypes | None = None,
    **options: Unpack[IssueOptions],
) -> Issued:
    """A client certificate issued by ``ca`` with the guide's profile unless told otherwise.

    ``key`` (or ``key_type`` and ``key_slot``) is the subject's key; every other option is ``issue``'s.
    """
    subject_key = key or private_key(key_type, key_slot)
    cert = issue(ca, subject or subject_name(cn=cn, c=c, o=o, ou=ou), subject_key.public_key(), **options)
    return Issued(cert=cert, key=subject_key, name=cn or "client")


def issue(
    ca: Issued,
    subject: x509.Name,
    public_key: CertificatePublicKeyTypes,
    *,
    hash_alg: hashes.HashAlgorithm = SHA256,
    pss: bool = False,
    eku: Sequence[x509.ObjectIdentifier] | None = (CLIENT_AUTH,),
    key_usage_flags: dict[str, bool] | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    extra_extensions: Iterable[tuple[x509.ExtensionType, bool]] = (),
    signing_key: CertificateIssuerPrivateKeyTypes | None = None,
    basic_constraints_ca: bool | None = False,
    serial: int | None = None,
    san: Sequence[str] = (),
) -> x509.Certificate:
    """Sign a certificate for ``public_key`` as ``ca``, like Nuvy signs a CSR in guide step 5.

    Only the public key is needed, so this also signs CSRs whose private key lives elsewhere.
    ``eku=None`` omits the EKU extension; ``key_usage_flags=None`` means the guide's KU, ``{}`` omits KU;
    ``basic_constraints_ca=None`` omits basicConstraints; ``signing_key`` signs with another key while
    keeping ``ca``'s subject as the issuer name (a forgery).
    """
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.cert.subject)
        .public_key(public_key)
        .serial_number(serial if serial is not None else next(_serials))
        .not_valid_before(not_before or NOW - 30 * DAY)
        .not_valid_after(not_after or NOW + YEAR)
    )
    if basic_constraints_ca is not None:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=basic_constraints_ca, path_length=None), critical=True
        )
    flags = CLIENT_KEY_USAGE if key_usage_flags is None else key_usage_flags
    if flags:
        builder = builder.add_extension(key_usage(**flags), critical=True)
    if eku is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
    if san:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in san]), critical=False
        )
    builder = builder.add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
    )
    for ext, critical in extra_extensions:
        builder = builder.add_extension(ext, critical=critical)
    return _sign_cert(builder, signing_key or ca.key, hash_alg, pss)


def make_csr(
    *,
    cn: str | None = "client-name",
    c: str | None = "BR",
    o: str | None = "CLIENT_NAME",
    ou: str | None = "Production",
    subject: x509.Name | None = None,
    key_type: str = "rsa2048",
    key_slot: int = 0,
    key: CertificateIssuerPrivateKeyTypes | None = None,
    hash_alg: hashes.HashAlgorithm = SHA256,
    pss: bool = False,
    basic_constraints_ca: bool | None = None,
    extra_extensions: Iterable[tuple[x509.ExtensionType, bool]] = (),
) -> CSR:
    """A CSR like the guide's ``openssl req -new -subj "/C=BR/O=CLIENT_NAME/OU=Production/CN=client-name"``.

    ``basic_constraints_ca=True`` requests a CA certificate (a defect the pre-flight must catch).
    """
    subject_key = key or private_key(key_type, key_slot)
    builder = x509.CertificateSigningRequestBuilder().subject_name(
        subject or subject_name(cn=cn, c=c, o=o, ou=ou)
    )
    if basic_constraints_ca is not None:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=basic_constraints_ca, path_length=None), critical=True
        )
    for ext, critical in extra_extensions:
        builder = builder.add_extension(ext, critical=critical)
    csr = _sign_csr(builder, subject_key, hash_alg, pss)
    return CSR(csr=csr, key=subject_key)


def make_crl(
    ca: Issued,
    revoked_serials: Iterable[int],
    *,
    last_update: dt.datetime | None = None,
    next_update: dt.datetime | None = None,
    signing_key: CertificateIssuerPrivateKeyTypes | None = None,
    hash_alg: hashes.HashAlgorithm = SHA256,
    number: int | None = None,
) -> CRL:
    """A CRL for ``ca`` listing ``revoked_serials``; ``signing_key`` forges it with another key.

    ``number`` adds the CRL number RFC 5280 section 5.2.3 requires of a CA's CRLs (without it the validator
    refuses the CRL: revocation.crl_extensions fails).
    """
    serials = tuple(revoked_serials)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.cert.subject)
        .last_update(last_update or NOW - DAY)
        .next_update(next_update or NOW + 7 * DAY)
    )
    if number is not None:
        builder = builder.add_extension(x509.CRLNumber(number), critical=False)
    for serial in serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(NOW - 2 * DAY).build()
        )
    signer = signing_key or ca.key
    crl = builder.sign(signer, **_sign_args(signer, hash_alg, pss=False))
    return CRL(crl=crl, revoked=serials)


def pem_bundle(*items: Issued) -> str:
    """Concatenate certificates as one PEM paste."""
    return "".join(item.pem for item in items)
