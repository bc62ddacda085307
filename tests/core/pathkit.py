"""A chain factory for path-validation tests, on top of ``tests/pki.py``.

Two layers:

* ``make_ca`` / ``make_leaf`` build well-formed certificates with ``cryptography``'s builder, with every
  field a path-validation rule looks at exposed as a keyword (validity, basicConstraints
  presence/criticality/pathLen, keyUsage, EKU, SANs, name constraints, AKI/SKI, extra extensions, serial,
  signer). Keys are EC P-256 from ``pki.private_key`` slots, so building hundreds of chains costs
  milliseconds, not RSA key generation.
* ``resign`` edits the TBS with asn1crypto and signs it again with the issuer's key, for what the builder
  refuses to make: duplicate extensions, v1 certificates, 21-octet / zero / negative serials, malformed
  extension values, weak signature hashes. Edits that are not touched keep their original bytes (asn1crypto
  re-encodes only the parts that changed), so a malformed value stays exactly as written.

Everything is generated at run time; nothing is written to disk except by the oracles, into pytest tmp dirs.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import itertools
import warnings
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from asn1crypto import algos, core
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests import pki

Key = CertificateIssuerPrivateKeyTypes
NOW = pki.NOW
SECOND = dt.timedelta(seconds=1)
DAY = pki.DAY
YEAR = pki.YEAR

# An OID under an arc nobody uses, so no validator can know it.
UNKNOWN_OID = x509.ObjectIdentifier("1.3.6.1.4.1.55555.1.1")
CA_KEY_USAGE: dict[str, bool] = {"key_cert_sign": True, "crl_sign": True, "digital_signature": True}
LEAF_KEY_USAGE: dict[str, bool] = {"digital_signature": True}

# Serials come from one counter per process: unique within a run (openssl and CRLs key on issuer + serial),
# and far from pki.py's range so a chain mixing both never repeats a serial.
_serials = itertools.count(0x4000_0000)


@functools.cache
def ec_key(slot: int) -> Key:
    """An EC P-256 key, cached per slot for the whole process (P-256 generation is cheap, signing cheaper)."""
    return pki.private_key("ec256", 50_000 + slot)


def key_for(name: str) -> Key:
    """The default key of a CA name: two names never share a key unless a test says so."""
    return ec_key(zlib.crc32(name.encode()) & 0xFFFF)


def pem_of(der: bytes, label: str = "CERTIFICATE") -> str:
    """PEM without parsing, so certificates ``cryptography`` refuses to load still have a PEM form."""
    body = base64.b64encode(der).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


@dataclass(frozen=True, eq=False)
class Cert:
    """One certificate as bytes, the private key of its subject, and its CN (what messages name it by)."""

    der: bytes
    key: Key
    name: str

    @property
    def pem(self) -> str:
        return pem_of(self.der)

    @functools.cached_property
    def cert(self) -> x509.Certificate:
        """The pyca object; raises ``ValueError`` when pyca refuses to parse it (that is a verdict too)."""
        with warnings.catch_warnings():
            # Negative or zero serials parse with a deprecation warning, which the suite turns into an error.
            warnings.simplefilter("ignore")
            return x509.load_der_x509_certificate(self.der)

    def __repr__(self) -> str:
        return f"Cert({self.name!r})"


def ca_name(cn: str, *, o: str = "Nuvy Test", extra: Sequence[x509.NameAttribute] = ()) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, o),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            *extra,
        ]
    )


Extra = tuple[x509.ExtensionType, bool]


def make_cert(
    cn: str,
    *,
    issuer: Cert | None,
    key: Key | None = None,
    subject: x509.Name | None = None,
    issuer_name: x509.Name | None = None,
    signing_key: Key | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    ca: bool | None,
    bc_critical: bool = True,
    path_length: int | None = None,
    ku: dict[str, bool] | None,
    ku_critical: bool = True,
    eku: Sequence[x509.ObjectIdentifier] | None = None,
    san: Sequence[x509.GeneralName] = (),
    name_constraints: x509.NameConstraints | None = None,
    nc_critical: bool = True,
    ski: bool = True,
    aki: bool = True,
    aki_critical: bool = False,
    extra: Iterable[Extra] = (),
    serial: int | None = None,
    hash_alg: hashes.HashAlgorithm = pki.SHA256,
) -> Cert:
    """The one builder behind ``make_ca`` and ``make_leaf``; ``issuer=None`` means self-signed.

    ``ca=None`` omits basicConstraints, ``ku=None`` omits keyUsage, ``eku=None`` omits EKU. ``signing_key``
    signs with another key while keeping the issuer's name (a wrong-key or forged link). ``issuer_name``
    overrides the issuer field (a self-issued certificate signed by an older key of the same name).
    """
    key = key or key_for(cn)
    subject = subject if subject is not None else ca_name(cn)
    if issuer_name is None:
        issuer_name = issuer.cert.subject if issuer else subject
    signer = signing_key or (issuer.key if issuer else key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(serial if serial is not None else next(_serials))
        .not_valid_before(not_before or NOW - YEAR)
        .not_valid_after(not_after or NOW + 5 * YEAR)
    )
    if ca is not None:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=ca, path_length=path_length if ca else None), critical=bc_critical
        )
    if ku is not None:
        builder = builder.add_extension(pki.key_usage(**ku), critical=ku_critical)
    if eku is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(san)), critical=False)
    if name_constraints is not None:
        builder = builder.add_extension(name_constraints, critical=nc_critical)
    if ski:
        builder = builder.add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
    if aki:
        aki_key = issuer.key if issuer else key
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(aki_key.public_key()),  # type: ignore[arg-type]
            critical=aki_critical,
        )
    for ext, critical in extra:
        builder = builder.add_extension(ext, critical=critical)
    if isinstance(signer, ed25519.Ed25519PrivateKey):
        built = builder.sign(signer, None)
    else:
        built = builder.sign(signer, hash_alg)
    name = cn if subject.get_attributes_for_oid(NameOID.COMMON_NAME) else ""
    return Cert(der=built.public_bytes(serialization.Encoding.DER), key=key, name=name)


def make_ca(cn: str, parent: Cert | None = None, **options: object) -> Cert:
    """A CA: basicConstraints critical CA:TRUE, keyUsage keyCertSign+cRLSign+digitalSignature, SKI, AKI."""
    options.setdefault("ca", True)
    options.setdefault("ku", CA_KEY_USAGE)
    return make_cert(cn, issuer=parent, **options)  # type: ignore[arg-type]


def make_leaf(parent: Cert, cn: str = "client-name", **options: object) -> Cert:
    """A client certificate with the guide's subject, CA:FALSE, digitalSignature, EKU clientAuth."""
    options.setdefault("ca", False)
    options.setdefault("ku", LEAF_KEY_USAGE)
    options.setdefault("eku", (ExtendedKeyUsageOID.CLIENT_AUTH,))
    options.setdefault("subject", pki.subject_name(cn=cn))
    options.setdefault("key", ec_key(zlib.crc32(b"leaf:" + cn.encode()) & 0xFFFF))
    return make_cert(cn, issuer=parent, **options)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------------------
# Low level: edit the TBS with asn1crypto and sign it again.

Edit = Callable[[a_x509.TbsCertificate], None]

_SIG_OIDS: dict[tuple[str, str], str] = {
    ("ec", "sha1"): "sha1_ecdsa",
    ("ec", "sha256"): "sha256_ecdsa",
    ("ec", "sha384"): "sha384_ecdsa",
    ("rsa", "sha1"): "sha1_rsa",
    ("rsa", "sha256"): "sha256_rsa",
    ("rsa", "md5"): "md5_rsa",
}
_HASHES: dict[str, hashes.HashAlgorithm] = {
    "sha1": hashes.SHA1(),  # noqa: S303 - weak-hash cases need it on purpose.
    "sha256": hashes.SHA256(),
    "sha384": hashes.SHA384(),
    "md5": hashes.MD5(),  # noqa: S303
}


def _algorithm_oid(signer: Key, hash_name: str) -> str:
    if isinstance(signer, ed25519.Ed25519PrivateKey):
        return "ed25519"
    family = "ec" if isinstance(signer, ec.EllipticCurvePrivateKey) else "rsa"
    return _SIG_OIDS[(family, hash_name)]


def _signature(signer: Key, message: bytes, hash_name: str) -> tuple[str, bytes]:
    if isinstance(signer, ed25519.Ed25519PrivateKey):
        return "ed25519", signer.sign(message)
    if isinstance(signer, ec.EllipticCurvePrivateKey):
        return _SIG_OIDS[("ec", hash_name)], signer.sign(message, ec.ECDSA(_HASHES[hash_name]))
    if isinstance(signer, rsa.RSAPrivateKey):
        return _SIG_OIDS[("rsa", hash_name)], signer.sign(message, padding.PKCS1v15(), _HASHES[hash_name])
    raise TypeError(f"no signer for {type(signer).__name__}")


def resign(cert: Cert, signer: Key, *edits: Edit, hash_name: str = "sha256") -> Cert:
    """``cert`` with ``edits`` applied to its TBS, signed again by ``signer`` (normally the issuer's key)."""
    tbs = a_x509.TbsCertificate.load(a_x509.Certificate.load(cert.der)["tbs_certificate"].dump())
    for edit in edits:
        edit(tbs)
    # The signature algorithm inside the TBS must name the algorithm actually used, or the certificate is
    # malformed for a reason the test did not ask for.
    algorithm = algos.SignedDigestAlgorithm({"algorithm": _algorithm_oid(signer, hash_name)})
    tbs["signature"] = algorithm
    tbs_der = tbs.dump()
    _, signature = _signature(signer, tbs_der, hash_name)
    rebuilt = a_x509.Certificate(
        {
            "tbs_certificate": a_x509.TbsCertificate.load(tbs_der),
            "signature_algorithm": algorithm,
            "signature_value": signature,
        }
    )
    return Cert(der=rebuilt.dump(), key=cert.key, name=cert.name)


def corrupt_signature(cert: Cert) -> Cert:
    """Flip one bit of the signature value: a link whose signature does not verify, everything else intact."""
    parsed = a_x509.Certificate.load(cert.der)
    signature = bytearray(parsed["signature_value"].native)
    signature[len(signature) // 2] ^= 0x01
    rebuilt = a_x509.Certificate(
        {
            "tbs_certificate": parsed["tbs_certificate"],
            "signature_algorithm": parsed["signature_algorithm"],
            "signature_value": bytes(signature),
        }
    )
    return Cert(der=rebuilt.dump(), key=cert.key, name=cert.name)


def tlv(tag: int, content: bytes) -> bytes:
    """One DER TLV (definite length), for hand-made extension values."""
    length = len(content)
    if length < 0x80:
        return bytes([tag, length]) + content
    size = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + content


def raw_extension(oid: str, value: bytes, *, critical: bool) -> a_x509.Extension:
    """An Extension whose extnValue is exactly ``value`` (any bytes, well-formed or not)."""
    body = core.ObjectIdentifier(oid).dump()
    if critical:
        body += core.Boolean(True).dump()
    body += core.OctetString(value).dump()
    return a_x509.Extension.load(tlv(0x30, body))


def _extensions(tbs: a_x509.TbsCertificate) -> list[a_x509.Extension]:
    existing = tbs["extensions"]
    return [] if isinstance(existing, core.Void) else [a_x509.Extension.load(e.dump()) for e in existing]


def _set_extensions(tbs: a_x509.TbsCertificate, extensions: list[a_x509.Extension]) -> None:
    tbs["extensions"] = a_x509.Extensions(extensions) if extensions else None


def _value(extension: a_x509.Extension) -> bytes:
    return bytes(extension["extn_value"].contents)


def duplicate_extension(oid: str) -> Edit:
    """Append a second copy of the extension ``oid`` (RFC 5280 §4.2: at most one instance of each)."""

    def edit(tbs: a_x509.TbsCertificate) -> None:
        extensions = _extensions(tbs)
        copy = next(e for e in extensions if e["extn_id"].dotted == oid)
        _set_extensions(tbs, [*extensions, a_x509.Extension.load(copy.dump())])

    return edit


def replace_extension(oid: str, value: bytes | None = None, *, critical: bool | None = None) -> Edit:
    """Replace the value and/or criticality of ``oid``; appended when absent (needs ``value`` then)."""

    def edit(tbs: a_x509.TbsCertificate) -> None:
        extensions = _extensions(tbs)
        out: list[a_x509.Extension] = []
        found = False
        for ext in extensions:
            if ext["extn_id"].dotted != oid:
                out.append(ext)
                continue
            found = True
            new_critical = bool(ext["critical"].native) if critical is None else critical
            out.append(raw_extension(oid, _value(ext) if value is None else value, critical=new_critical))
        if not found:
            if value is None:
                raise ValueError(f"{oid} is absent and no value was given")
            out.append(raw_extension(oid, value, critical=bool(critical)))
        _set_extensions(tbs, out)

    return edit


def drop_extension(oid: str) -> Edit:
    def edit(tbs: a_x509.TbsCertificate) -> None:
        _set_extensions(tbs, [e for e in _extensions(tbs) if e["extn_id"].dotted != oid])

    return edit


def set_serial(serial: int) -> Edit:
    """Any INTEGER, including 0, negative and longer than 20 octets (the builder refuses all three)."""

    def edit(tbs: a_x509.TbsCertificate) -> None:
        tbs["serial_number"] = serial

    return edit


def validity_written(not_before: bytes | None = None, not_after: bytes | None = None) -> Edit:
    """An edit that writes notBefore/notAfter as the given raw Time TLVs (asn1crypto reads any of them)."""

    def edit(tbs: a_x509.TbsCertificate) -> None:
        if not_before is not None:
            tbs["validity"]["not_before"] = a_x509.Time.load(not_before)
        if not_after is not None:
            tbs["validity"]["not_after"] = a_x509.Time.load(not_after)

    return edit


def make_v1(tbs: a_x509.TbsCertificate) -> None:
    """Version 1: no version field and no extensions (a v1 certificate cannot carry any)."""
    tbs["version"] = "v1"
    tbs["extensions"] = None


def set_not_after(when: dt.datetime) -> Edit:
    def edit(tbs: a_x509.TbsCertificate) -> None:
        tbs["validity"]["not_after"] = a_x509.Time(name="utc_time", value=when)

    return edit


OID = {
    "basic_constraints": "2.5.29.19",
    "key_usage": "2.5.29.15",
    "ext_key_usage": "2.5.29.37",
    "san": "2.5.29.17",
    "ski": "2.5.29.14",
    "aki": "2.5.29.35",
    "name_constraints": "2.5.29.30",
}


# ----------------------------------------------------------------------------------------------------
# CRLs


@dataclass(frozen=True)
class Revoked:
    serial: int
    reason: x509.ReasonFlags | None = None
    extra: tuple[Extra, ...] = ()
    when: dt.datetime = NOW - 2 * DAY


def make_crl(
    issuer: Cert,
    revoked: Iterable[Revoked] = (),
    *,
    this_update: dt.datetime | None = None,
    next_update: dt.datetime | None = None,
    number: int | None = 1,
    number_critical: bool = False,
    extra: Iterable[Extra] = (),
    signing_key: Key | None = None,
) -> str:
    """A CRL in PEM naming ``issuer``; ``number=None`` omits the CRL number, ``extra`` adds CRL extensions."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.cert.subject)
        .last_update(this_update or NOW - DAY)
        .next_update(next_update or NOW + 7 * DAY)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
    )
    if number is not None:
        builder = builder.add_extension(x509.CRLNumber(number), critical=number_critical)
    for ext, critical in extra:
        builder = builder.add_extension(ext, critical=critical)
    for item in revoked:
        entry = x509.RevokedCertificateBuilder().serial_number(item.serial).revocation_date(item.when)
        if item.reason is not None:
            entry = entry.add_extension(x509.CRLReason(item.reason), critical=False)
        for ext, critical in item.extra:
            entry = entry.add_extension(ext, critical=critical)
        builder = builder.add_revoked_certificate(entry.build())
    crl = builder.sign(signing_key or issuer.key, pki.SHA256)  # type: ignore[arg-type]
    return crl.public_bytes(serialization.Encoding.PEM).decode()


def serial_of(cert: Cert) -> int:
    return int(a_x509.Certificate.load(cert.der)["tbs_certificate"]["serial_number"].native)


# ----------------------------------------------------------------------------------------------------
# What a test case hands to the validator and to the oracles.

Mode = Literal["certificate", "chain"]


@dataclass(frozen=True)
class Built:
    """One input: the certificates in the order given, which one is the leaf, and the trust anchor.

    In "certificate" mode ``anchor`` is the environment CA and is not part of ``given``; in "chain" mode it
    is the self-signed root inside ``given`` (or None when the input has no root). ``crl`` is a PEM CRL:
    inside the data in chain mode, the environment's CRL in certificate mode.
    """

    leaf: Cert
    given: tuple[Cert, ...]
    anchor: Cert | None
    at: dt.datetime = NOW
    crl: str | None = None
    extras: tuple[Cert, ...] = field(default=())

    @property
    def intermediates(self) -> list[Cert]:
        """Everything given that is neither the leaf nor the anchor (extras and duplicates included)."""
        return [c for c in self.given if c is not self.leaf and c is not self.anchor]


def chain_input(
    leaf: Cert, intermediates: Sequence[Cert], root: Cert | None, *, order: Sequence[int] = ()
) -> tuple[Cert, ...]:
    """leaf + intermediates + root, optionally permuted by ``order`` (indexes into that list)."""
    items = [leaf, *intermediates, *([root] if root else [])]
    return tuple(items[i] for i in order) if order else tuple(items)


def linear(
    depth: int, *, prefix: str = "Path", leaf_cn: str = "client-name"
) -> tuple[Cert, list[Cert], Cert]:
    """root -> ``depth`` intermediates -> leaf, all well formed: (root, [CA 1 (below root), ...], leaf)."""
    root = make_ca(f"{prefix} Root")
    chain: list[Cert] = []
    parent = root
    for level in range(1, depth + 1):
        parent = make_ca(f"{prefix} CA {level}", parent)
        chain.append(parent)
    leaf = make_leaf(parent, leaf_cn)
    return root, chain, leaf
