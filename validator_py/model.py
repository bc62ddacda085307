"""Plain, fully parsed values extracted from asn1crypto objects at the input boundary.

asn1crypto parses lazily, so a damaged extension could otherwise raise deep inside a check. Everything
the checks need is read here, once, inside one ``try``; the checks then only see these frozen values.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

# Only what a certificate check needs is imported here (the environments' CRLs included): CSRs and PKCS#7
# bundles import their asn1crypto modules on first use, so neither the browser's cold start nor the CLI
# pays for them (asn1crypto.cms alone also brings in asn1crypto.ocsp).
from asn1crypto import crl, keys, x509

from .extensions import (
    Extension,
    GeneralName,
    NameConstraints,
    general_name,
    name_constraints,
    read_extensions,
)
from .inputs import MAX_BLOCKS, WHAT_TO_PASTE, Blob, InputError, children, opening, too_many, top_level
from .names import NameInfo, name_info
from .record import field, record
from .signatures import SignatureAlgorithm, SignatureRequest, build_request, describe_algorithm

_CURVES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
# The other key types asn1crypto names, as RFCs and OpenSSL write them.
_KEY_NAMES = {
    "ed25519": "Ed25519",
    "ed448": "Ed448",
    "x25519": "X25519",
    "x448": "X448",
    "dsa": "DSA",
    "dh": "DH",
    "rsassa_pss": "RSASSA-PSS",
    "rsaes_oaep": "RSAES-OAEP",
}


@record
class PublicKey:
    algorithm: str  # asn1crypto's name: "rsa", "ec" or a key of _KEY_NAMES ("ed25519", "dsa", ...)
    bits: int | None
    curve: str | None  # "P-256" ... or the asn1crypto curve name when unusual
    spki_der: bytes

    def describe(self) -> str:
        if self.algorithm == "rsa":
            return f"RSA {self.bits}-bit"
        if self.algorithm == "ec":
            return f"EC {self.curve}"
        return _KEY_NAMES.get(self.algorithm, self.algorithm)

    @property
    def sha256(self) -> str:
        return colon_hex(hashlib.sha256(self.spki_der).digest())


@record
class Certificate:
    der: bytes
    tbs_der: bytes
    subject: NameInfo
    issuer: NameInfo
    serial: int
    not_before: dt.datetime
    not_after: dt.datetime
    public_key: PublicKey
    algorithm: SignatureAlgorithm
    signature: bytes
    extensions: tuple[Extension, ...]
    is_ca: bool | None  # None: no basicConstraints extension
    path_length: int | None
    key_usage: frozenset[str] | None  # None: no keyUsage extension
    eku: frozenset[str] | None  # asn1crypto names ("client_auth") or dotted OIDs; None: no EKU
    version: int = 3
    serial_octets: int = 1  # length of the serial number's DER contents (RFC 5280 §4.1.2.2: at most 20)
    subject_key_id: bytes | None = None
    authority_key_id: bytes | None = None  # AKI keyIdentifier; None when absent
    has_authority_key_info: bool = False  # an AKI extension is present (with or without keyIdentifier)
    alt_names: tuple[GeneralName, ...] = ()
    constraints: NameConstraints | None = None
    extension_problems: tuple[str, ...] = ()
    time_problems: tuple[str, ...] = ()  # how notBefore/notAfter break RFC 5280 §4.1.2.5, as phrases

    @property
    def self_issued(self) -> bool:
        return self.subject.key == self.issuer.key

    def extension(self, oid: str) -> Extension | None:
        return next((ext for ext in self.extensions if ext.oid == oid), None)

    @property
    def sha256(self) -> str:
        return colon_hex(hashlib.sha256(self.der).digest())

    @property
    def sha1(self) -> str:
        return colon_hex(hashlib.sha1(self.der, usedforsecurity=False).digest())

    @property
    def serial_hex(self) -> str:
        return serial_hex(self.serial)


@record
class CSR:
    der: bytes
    info_der: bytes
    subject: NameInfo
    public_key: PublicKey
    algorithm: SignatureAlgorithm
    signature: bytes
    requests_ca: bool
    requests_key_cert_sign: bool


@record
class CRL:
    der: bytes
    tbs_der: bytes
    issuer: NameInfo
    this_update: dt.datetime
    next_update: dt.datetime | None
    revoked: Mapping[int, dt.datetime | None]
    algorithm: SignatureAlgorithm
    signature: bytes
    extensions: tuple[Extension, ...] = ()
    crl_number: int | None = None
    reasons: Mapping[int, str] = field(default_factory=dict)  # serial -> asn1crypto reason name
    entry_extensions: tuple[Extension, ...] = ()  # of every entry, for the criticality rule
    time_problems: tuple[str, ...] = ()  # how thisUpdate, nextUpdate or a revocationDate break RFC 5280


@record
class Parsed:
    certificates: tuple[Certificate, ...]
    csrs: tuple[CSR, ...]
    crls: tuple[CRL, ...]


def signed_request(
    algorithm: SignatureAlgorithm, signer: PublicKey, message: bytes, signature: bytes
) -> SignatureRequest | str:
    """What to ask the verifier: did ``signer`` make ``signature`` over ``message`` with ``algorithm``?"""
    return build_request(
        algorithm,
        signer_algorithm=signer.algorithm,
        signer_curve=signer.curve,
        spki_der=signer.spki_der,
        message=message,
        signature=signature,
    )


# RFC 5280 §4.2.1.12 names (as OpenSSL prints them) of the purposes asn1crypto calls by snake-case names.
_PURPOSES = {
    "any_extended_key_usage": "anyExtendedKeyUsage",
    "server_auth": "serverAuth",
    "client_auth": "clientAuth",
    "code_signing": "codeSigning",
    "email_protection": "emailProtection",
    "time_stamping": "timeStamping",
    "ocsp_signing": "OCSPSigning",
}


@functools.cache
def _purpose_oids() -> dict[str, str]:
    """asn1crypto's purpose names to their OIDs (its own map, turned round once)."""
    return {name: oid for oid, name in x509.KeyPurposeId._map.items()}


def purposes_text(eku: frozenset[str]) -> str:
    """An EKU's purposes as a reader knows them: the RFC's names, else asn1crypto's name with its OID,
    else the dotted OID asn1crypto gave for a purpose it does not know."""
    oids = _purpose_oids()
    shown = [_PURPOSES.get(name) or (f"{name} ({oids[name]})" if name in oids else name) for name in eku]
    return ", ".join(sorted(shown))


def colon_hex(raw: bytes) -> str:
    """``AB:CD:...``, as OpenSSL prints fingerprints and serials (bytes.hex does it without a Python loop)."""
    return raw.hex(":").upper()


def parse(blobs: list[Blob]) -> Parsed:
    certs: list[Certificate] = []
    csrs: list[CSR] = []
    crls: list[CRL] = []
    for blob in blobs:
        kind = blob.kind or _detect(blob)
        try:
            if kind == "certificate":
                certs.append(certificate(blob.der))
            elif kind == "csr":
                csrs.append(request(blob.der))
            elif kind == "crl":
                crls.append(revocation_list(blob.der))
            else:
                ders = _pkcs7_certificates(blob.der)
                # A bundle counts as many blocks as it holds certificates, so the bound means the same.
                if len(certs) + len(csrs) + len(crls) + len(ders) > MAX_BLOCKS:
                    raise too_many(len(certs) + len(csrs) + len(crls) + len(ders))
                certs.extend(certificate(der) for der in ders)
        except InputError:
            raise
        except Exception as error:  # Broad on purpose: asn1crypto raises many types on damaged input.
            raise _unparseable(blob.origin, kind, error) from None
    return Parsed(tuple(certs), tuple(csrs), tuple(crls))


def _unparseable(origin: str, kind: str, error: BaseException) -> InputError:
    what = {"certificate": "a certificate", "csr": "a CSR", "crl": "a CRL", "pkcs7": "a PKCS#7 bundle"}
    detail = type(error).__name__ if isinstance(error, RecursionError) else str(error).split("\n")[0][:160]
    return InputError(
        "unparseable",
        f"{opening(origin)} looks like {what.get(kind, 'DER')} but could not be read: "
        f"the file is damaged or not what it seems. {WHAT_TO_PASTE} (Parser detail, for a bug report: "
        f"{detail}.)",
    )


def _detect(blob: Blob) -> str:
    """Tell a raw DER certificate, CSR, CRL and PKCS#7 ContentInfo apart by their outer shape."""
    try:
        top = top_level(blob.der)
        outer = children(blob.der, top, maximum=4)
        if outer and outer[0].tag == 0x06:
            return "pkcs7"
        if top.tag != 0x30 or not outer or outer[0].tag != 0x30:
            raise ValueError("not a signed structure")
        inner = children(blob.der, outer[0], maximum=6)
    except ValueError:
        raise InputError(
            "unparseable", f"{opening(blob.origin)} is not a certificate. {WHAT_TO_PASTE}"
        ) from None
    tags = [tlv.tag for tlv in inner]
    if any(tag in (0x17, 0x18) for tag in tags[:4]):
        return "crl"
    if len(tags) == 4 and tags[:3] == [0x02, 0x30, 0x30] and tags[3] == 0xA0:
        return "csr"
    return "certificate"


def _pkcs7_certificates(der: bytes) -> list[bytes]:
    from asn1crypto import cms  # noqa: PLC0415 - only PKCS#7 input needs it; see the imports above.

    info = cms.ContentInfo.load(der)
    if info["content_type"].native != "signed_data":
        raise ValueError("the PKCS#7 content is not SignedData")
    found = info["content"]["certificates"]
    out = []
    for choice in found if found.native is not None else []:
        if choice.name != "certificate":
            raise ValueError(f"the PKCS#7 bundle holds an entry of kind '{choice.name}', not a certificate")
        out.append(bytes(choice.chosen.dump()))
    if not out:
        raise ValueError("the PKCS#7 bundle holds no certificate")
    return out


def _aware(value: Any) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise ValueError("a time field is not a date")
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def serial_hex(serial: int) -> str:
    """A serial number as OpenSSL prints it: its DER content octets (two's complement), in colon hex."""
    return colon_hex(serial.to_bytes(max(1, (serial.bit_length() + 8) // 8), "big", signed=True))


def public_key(info: keys.PublicKeyInfo) -> PublicKey:
    algorithm = info["algorithm"]["algorithm"]
    name = algorithm.native
    spki_der = bytes(info.dump())
    if name == "rsa":
        modulus = info["public_key"].parsed["modulus"].native
        return PublicKey("rsa", int(modulus).bit_length(), None, spki_der)
    if name == "ec":
        params = info["algorithm"]["parameters"]
        curve = params.chosen.native if params.name == "named" else "explicit parameters"
        info["public_key"].native  # noqa: B018 - forces the point to parse here, not in a check.
        return PublicKey("ec", None, _CURVES.get(str(curve), str(curve)), spki_der)
    # Parses the keys we only describe; an algorithm asn1crypto does not name fails here, at the boundary, so
    # ``name`` is one of asn1crypto's names (test_parsed_values checks _KEY_NAMES holds every one).
    info.native  # noqa: B018
    return PublicKey(name, None, None, spki_der)


def _tbs_native(tbs: x509.TbsCertificate) -> None:
    """Parse every field of the signed part except the extensions, which ``read_extensions`` reads."""
    for name in ("version", "serial_number", "signature", "issuer", "validity", "subject",
                 "subject_public_key_info", "issuer_unique_id", "subject_unique_id"):
        tbs[name].native  # noqa: B018 - parse at the boundary, not in a check.


def certificate(der: bytes) -> Certificate:
    cert = x509.Certificate.load(der, strict=True)
    tbs = cert["tbs_certificate"]
    _tbs_native(tbs)
    cert["signature_algorithm"].native  # noqa: B018
    cert["signature_value"].native  # noqa: B018
    # asn1crypto keeps unknown version numbers as integers; RFC 5280 knows only v1 to v3.
    version = tbs["version"].native
    if version not in ("v1", "v2", "v3"):
        raise ValueError(f"unknown X.509 version {version}")
    read = read_extensions(tbs["extensions"])
    values = read.values
    basic = values.get("2.5.29.19")
    ku = values.get("2.5.29.15")
    eku = values.get("2.5.29.37")
    san = values.get("2.5.29.17")
    aki = values.get("2.5.29.35")
    ski = values.get("2.5.29.14")
    path_length = basic["path_len_constraint"].native if basic is not None else None
    return Certificate(
        der=bytes(der),
        tbs_der=bytes(tbs.dump()),
        subject=name_info(cert.subject),
        issuer=name_info(cert.issuer),
        serial=int(cert.serial_number),
        not_before=_aware(tbs["validity"]["not_before"].native),
        not_after=_aware(tbs["validity"]["not_after"].native),
        public_key=public_key(cert.public_key),
        algorithm=describe_algorithm(cert["signature_algorithm"], tbs["signature"]),
        signature=bytes(cert["signature_value"].native),
        extensions=read.listed,
        is_ca=bool(basic["ca"].native) if basic is not None else None,
        path_length=int(path_length) if path_length is not None else None,
        key_usage=frozenset(ku.native) if ku is not None else None,
        eku=frozenset(str(purpose) for purpose in eku.native) if eku is not None else None,
        version=int(version[1:]),
        serial_octets=len(tbs["serial_number"].contents),
        subject_key_id=bytes(ski.native) if ski is not None else None,
        authority_key_id=_key_id(aki),
        has_authority_key_info="2.5.29.35" in {ext.oid for ext in read.listed},
        alt_names=tuple(general_name(name) for name in san) if san is not None else (),
        constraints=name_constraints(values.get("2.5.29.30")),
        extension_problems=read.problems,
        time_problems=tuple(
            _time_problems((name, tbs["validity"][end]) for end, name in _VALIDITY_ENDS)
        ),
    )


# RFC 5280 §4.1.2.5.1 and §4.1.2.5.2 (and §5.1.2.4 to §5.1.2.6 for CRLs): in UTC ("Z"), with seconds,
# without fractions, and UTCTime through 2049. asn1crypto also reads an offset (+0100), no zone at all, or
# no seconds; pyca/cryptography refuses to load such a certificate or CRL and OpenSSL reports a format error
# in the field, so they are findings, not silently accepted dates.
_RFC5280_TIME_FORMS = {"utc_time": (12, "YYMMDDHHMMSSZ"), "general_time": (14, "YYYYMMDDHHMMSSZ")}
_VALIDITY_ENDS = (("not_before", "notBefore"), ("not_after", "notAfter"))


def _time_fault(choice: Any) -> tuple[str, str] | None:
    """How one Time breaks RFC 5280's encoding, as the verb and the words after the field's name, or None.

    The field is named by the caller, and only for a faulty time: a CRL's entries are many.
    """
    digits, form = _RFC5280_TIME_FORMS[choice.name]
    raw = bytes(choice.chosen.contents)
    if not (len(raw) == digits + 1 and raw[:digits].isdigit() and raw.endswith(b"Z")):
        return "writes", f"as {raw.decode('ascii', 'replace')}, not as {form} (UTC, with seconds)"
    if choice.name != ("utc_time" if choice.native.year < 2050 else "general_time"):
        return "encodes", "through 2049 as GeneralizedTime"
    return None


def _time_phrase(name: str, fault: tuple[str, str]) -> str:
    """A faulty time as a finding's phrase: "writes its notAfter as ...", "encodes its thisUpdate ..."."""
    return f"{fault[0]} its {name} {fault[1]}"


def _time_problems(named_times: Iterable[tuple[str, Any]]) -> list[str]:
    """The phrases of the faulty times among (field name, Time) pairs."""
    faults = ((name, _time_fault(choice)) for name, choice in named_times)
    return [_time_phrase(name, fault) for name, fault in faults if fault is not None]


def _key_id(aki: Any) -> bytes | None:
    if aki is None or aki["key_identifier"].native is None:
        return None
    return bytes(aki["key_identifier"].native)


def request(der: bytes) -> CSR:
    from asn1crypto import csr  # noqa: PLC0415 - only CSR input needs it; see the imports above.

    req = csr.CertificationRequest.load(der, strict=True)
    req.native  # noqa: B018 - parse every field once, at the boundary.
    info = req["certification_request_info"]
    if info["version"].native != "v1":
        raise ValueError(f"unknown CSR version {info['version'].native}")
    requests_ca = False
    requests_key_cert_sign = False
    for attribute in info["attributes"]:
        if attribute["type"].native != "extension_request":
            continue
        for extensions in attribute["values"]:
            for ext in extensions:
                value = ext["extn_value"].parsed
                if ext["extn_id"].native == "basic_constraints":
                    requests_ca = requests_ca or bool(value["ca"].native)
                elif ext["extn_id"].native == "key_usage":
                    requests_key_cert_sign = requests_key_cert_sign or "key_cert_sign" in value.native
    return CSR(
        der=bytes(der),
        info_der=bytes(info.dump()),
        subject=name_info(info["subject"]),
        public_key=public_key(info["subject_pk_info"]),
        algorithm=describe_algorithm(req["signature_algorithm"], None),
        signature=bytes(req["signature"].native),
        requests_ca=requests_ca,
        requests_key_cert_sign=requests_key_cert_sign,
    )


def revocation_list(der: bytes) -> CRL:
    parsed = crl.CertificateList.load(der, strict=True)
    parsed.native  # noqa: B018 - parse every field once, at the boundary.
    tbs = parsed["tbs_cert_list"]
    revoked: dict[int, dt.datetime | None] = {}
    reasons: dict[int, str] = {}
    entry_extensions: list[Extension] = []
    next_update = tbs["next_update"].native
    dates = [("thisUpdate", tbs["this_update"]), ("nextUpdate", tbs["next_update"])]
    time_problems = _time_problems(dates if next_update is not None else dates[:1])
    for entry in tbs["revoked_certificates"] if tbs["revoked_certificates"].native else []:
        when = entry["revocation_date"].native
        serial = int(entry["user_certificate"].native)
        if (fault := _time_fault(entry["revocation_date"])) is not None:  # named only when faulty
            time_problems.append(_time_phrase(f"revocationDate for serial {serial_hex(serial)}", fault))
        revoked[serial] = _aware(when) if when is not None else None
        for ext in entry["crl_entry_extensions"] if entry["crl_entry_extensions"].native else []:
            entry_extensions.append(_listed(ext))
            if ext["extn_id"].native == "crl_reason":
                reasons[serial] = str(ext["extn_value"].parsed.native)
    listed = tbs["crl_extensions"] if tbs["crl_extensions"].native else []
    extensions = tuple(_listed(ext) for ext in listed)
    number = parsed.crl_number_value
    return CRL(
        der=bytes(der),
        tbs_der=bytes(tbs.dump()),
        issuer=name_info(tbs["issuer"]),
        this_update=_aware(tbs["this_update"].native),
        next_update=_aware(next_update) if next_update is not None else None,
        revoked=revoked,
        algorithm=describe_algorithm(parsed["signature_algorithm"], tbs["signature"]),
        signature=bytes(parsed["signature"].native),
        extensions=extensions,
        crl_number=int(number.native) if number is not None else None,
        reasons=reasons,
        entry_extensions=tuple(entry_extensions),
        # One entry's date is enough to say the CRL is badly written; a CRL may list thousands.
        time_problems=tuple(time_problems[:3]),
    )


def _listed(ext: Any) -> Extension:
    return Extension(ext["extn_id"].dotted, str(ext["extn_id"].native), bool(ext["critical"].native))
