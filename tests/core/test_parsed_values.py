"""What the input boundary (``validator_py/model.py``) makes of unusual but readable input: how raw DER is
told apart, how parser failures are worded, times with an offset or none, keys described by name, the
PKCS#7 block bound and CSR attributes. Issue 17's full mutation run found these unasserted."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from asn1crypto import algos, core
from asn1crypto import crl as a_crl
from asn1crypto import csr as a_csr
from asn1crypto import keys as a_keys
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, padding, rsa, x25519
from cryptography.hazmat.primitives.serialization import pkcs7

from tests import pki as mk
from tests.conftest import NuvyPKI
from tests.core import pathkit as kit
from tests.core.oracles import openssl_verdict, pyca_verdict
from validator_py import Environment, InputError, Report, Status, validate
from validator_py.csr_checks import REGENERATE
from validator_py.inputs import WHAT_TO_PASTE
from validator_py.pipeline import read
from validator_py.profile import NEW_KEY

P, W, F = Status.PASS, Status.WARN, Status.FAIL


def _envs(p: NuvyPKI) -> list[Environment]:
    return [Environment("qa", "QA", p.qa.pem)]


def _check(p: NuvyPKI, data: str | bytes, **kwargs: object) -> Report:
    return validate(data, _envs(p), selected="qa", at=p.now, **kwargs)  # type: ignore[arg-type]


def _refused(p: NuvyPKI, data: str | bytes) -> tuple[str, str]:
    with pytest.raises(InputError) as caught:
        _check(p, data)
    return caught.value.code, caught.value.message


def _seq(*items: bytes) -> bytes:
    return kit.tlv(0x30, b"".join(items))


INT1 = kit.tlv(0x02, b"\x01")
UTC_TIME = kit.tlv(0x17, b"300101000000Z")
SIGNATURE = kit.tlv(0x03, b"\x00\x01")


# --- Raw DER is told apart by its shape --------------------------------------------------------------


def test_a_der_crl_whose_this_update_is_generalized_time_is_a_crl(pki: NuvyPKI) -> None:
    # A CRL from 2050 on writes thisUpdate as GeneralizedTime (tag 0x18), not UTCTime (0x17).
    late = mk.NOW.replace(year=2051)
    crl = mk.make_crl(pki.qa, [], last_update=late, next_update=late + mk.DAY)
    assert _refused(pki, crl.der) == (
        "unsupported",
        "The input is only a CRL. Paste the certificate to check with it (or give the CRL with the "
        "environment: --crl on the command line).",
    )


@pytest.mark.parametrize(
    ("der", "looks_like"),
    [
        # A time as the fifth field of the signed part: no CRL has one only there (its thisUpdate is the
        # third or fourth), so this is read as a certificate.
        (_seq(_seq(INT1, _seq(), _seq(), _seq(), UTC_TIME), _seq(), SIGNATURE), "a certificate"),
        # Four fields, but not a CSR's INTEGER, SEQUENCE, SEQUENCE, [0]: a (broken) certificate.
        (_seq(_seq(INT1, INT1, INT1, INT1), _seq(), SIGNATURE), "a certificate"),
        # The CSR shape itself.
        (_seq(_seq(INT1, _seq(), _seq(), kit.tlv(0xA0, b"")), _seq(), SIGNATURE), "a CSR"),
    ],
    ids=["time-fifth", "four-integers", "csr-shape"],
)
def test_raw_der_is_named_by_its_shape(pki: NuvyPKI, der: bytes, looks_like: str) -> None:
    code, message = _refused(pki, der)
    assert code == "unparseable"
    assert message.startswith(f"The DER input looks like {looks_like} but could not be read: "), message


def test_the_parser_detail_is_its_first_line(pki: NuvyPKI) -> None:
    # asn1crypto adds "\n    while parsing ..." lines to its errors; the report keeps only the first line.
    der = _seq(_seq(INT1, INT1, INT1, INT1), _seq(), SIGNATURE)
    assert _refused(pki, der)[1] == (
        "The DER input looks like a certificate but could not be read: the file is damaged or not what it "
        f"seems. {WHAT_TO_PASTE} (Parser detail, for a bug report: Field \"subject\" is missing from "
        "structure.)"
    )


def _with_version(version: int) -> kit.Cert:
    root = kit.make_ca("Version Root")
    leaf = kit.make_leaf(root)

    def edit(tbs: a_x509.TbsCertificate) -> None:
        tbs["version"] = version

    return kit.resign(leaf, root.key, edit)


def test_an_unknown_version_is_named_in_the_parser_detail(pki: NuvyPKI) -> None:
    assert _refused(pki, _with_version(3).pem) == (
        "unparseable",
        "PEM block 1 (CERTIFICATE) looks like a certificate but could not be read: the file is damaged or "
        f"not what it seems. {WHAT_TO_PASTE} (Parser detail, for a bug report: unknown X.509 version 3.)",
    )


def test_the_parser_detail_stops_at_160_characters(pki: NuvyPKI) -> None:
    version = int("7" * 200)
    detail = f"unknown X.509 version {version}"[:160]
    assert _refused(pki, _with_version(version).pem)[1].endswith(
        f"(Parser detail, for a bug report: {detail}.)"
    )


# --- Times -------------------------------------------------------------------------------------------


def _with_not_after(raw_time: bytes) -> kit.Cert:
    root = kit.make_ca("Time Root")
    return kit.resign(kit.make_leaf(root), root.key, kit.validity_written(not_after=raw_time))


def _check_under(root_name: str, leaf: kit.Cert) -> Report:
    root = kit.make_ca(root_name)
    return validate(leaf.pem, [Environment("t", "T", root.pem)], selected="t", at=mk.NOW)


def test_a_time_without_a_zone_is_read_as_utc() -> None:
    # RFC 5280 asks for "Z"; a GeneralizedTime without any zone is taken as UTC, not left naive (which
    # would make every comparison with the check's time raise).
    report = _check_under("Time Root", _with_not_after(kit.tlv(0x18, b"20300101000000")))
    assert report.details["not_after"] == "2030-01-01T00:00:00+00:00"
    assert report.check("validity.period").status is P


def test_a_time_with_an_offset_keeps_it() -> None:
    report = _check_under("Time Root", _with_not_after(kit.tlv(0x17, b"300101000000+0100")))
    assert report.details["not_after"] == "2030-01-01T00:00:00+01:00"
    assert report.check("validity.expiring_soon").message == (
        "1295 days left before it expires on 2029-12-31 23:00 UTC."
    )


ENCODING_ADVICE = ". Strict verifiers reject it; ask the issuer to re-issue it."


@pytest.mark.parametrize(
    ("raw_time", "written"),
    [
        (kit.tlv(0x17, b"300101000000+0100"), "300101000000+0100, not as YYMMDDHHMMSSZ"),  # an offset
        (kit.tlv(0x17, b"3001010000Z"), "3001010000Z, not as YYMMDDHHMMSSZ"),  # no seconds
        (kit.tlv(0x18, b"20300101000000"), "20300101000000, not as YYYYMMDDHHMMSSZ"),  # no zone
        (kit.tlv(0x18, b"20500101000000.5Z"), "20500101000000.5Z, not as YYYYMMDDHHMMSSZ"),  # a fraction
        # The hour alone and an offset: as long as the right form, so the length alone cannot tell.
        (kit.tlv(0x18, b"2050010100+0100"), "2050010100+0100, not as YYYYMMDDHHMMSSZ"),
    ],
    ids=["offset", "no-seconds", "no-zone", "fraction", "hour-and-offset"],
)
def test_a_validity_date_not_in_utc_with_seconds_is_a_finding(
    raw_time: bytes, written: str, tmp_path: Path
) -> None:
    """RFC 5280 §4.1.2.5.1 and .2: "Z", seconds, no fractions. asn1crypto reads them; both oracles refuse."""
    root = kit.make_ca("Time Root")
    leaf = _with_not_after(raw_time)
    report = _check_under("Time Root", leaf)
    result = report.check("path.time_encoding")
    assert (result.status, result.message) == (
        F, f"The leaf certificate (client-name) writes its notAfter as {written} (UTC, with seconds)"
        + ENCODING_ADVICE,
    )
    assert report.verdict is F
    pyca_ok, pyca_says = pyca_verdict(leaf, [], root, mk.NOW)
    assert not pyca_ok
    assert pyca_says.startswith("unparseable")
    openssl_ok, openssl_says = openssl_verdict(leaf, [], root, mk.NOW, tmp=tmp_path)
    assert not openssl_ok
    assert "format error in certificate's notAfter field" in openssl_says


def test_a_not_before_without_seconds_is_named_by_its_field() -> None:
    root = kit.make_ca("Time Root")
    edit = kit.validity_written(not_before=kit.tlv(0x17, b"2501010000Z"))
    report = _check_under("Time Root", kit.resign(kit.make_leaf(root), root.key, edit))
    result = report.check("path.time_encoding")
    assert (result.status, result.message) == (
        F, "The leaf certificate (client-name) writes its notBefore as 2501010000Z, not as YYMMDDHHMMSSZ "
        "(UTC, with seconds)" + ENCODING_ADVICE,
    )


def test_each_generalized_time_before_2050_is_named_by_its_field() -> None:
    root = kit.make_ca("Time Root")
    edit = kit.validity_written(kit.tlv(0x18, b"20250101000000Z"), kit.tlv(0x18, b"20300101000000Z"))
    report = _check_under("Time Root", kit.resign(kit.make_leaf(root), root.key, edit))
    result = report.check("path.time_encoding")
    assert (result.status, result.message) == (
        F, "The leaf certificate (client-name) encodes its notBefore through 2049 as GeneralizedTime and "
        "encodes its notAfter through 2049 as GeneralizedTime" + ENCODING_ADVICE,
    )


@pytest.mark.parametrize(
    "not_after",
    [
        # cryptography writes 2049 as UTCTime and 2050 on as GeneralizedTime, as RFC 5280 section 4.1.2.5
        # asks: both are well encoded.
        dt.datetime(2049, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
        dt.datetime(2050, 1, 1, tzinfo=dt.UTC),
    ],
    ids=["2049-utc-time", "2050-generalized-time"],
)
def test_the_year_2050_switches_the_time_type(not_after: dt.datetime) -> None:
    root = kit.make_ca("Long Root", not_after=dt.datetime(2060, 1, 1, tzinfo=dt.UTC))
    leaf = kit.make_leaf(root, not_after=not_after)
    report = validate(leaf.pem, [Environment("t", "T", root.pem)], selected="t", at=mk.NOW)
    result = report.check("path.time_encoding")
    assert (result.status, result.message) == (P, "Every validity date is encoded as RFC 5280 requires.")


# --- A PKCS#7 bundle counts as the certificates it holds ------------------------------------------------


def _bundle(count: int) -> str:
    root = kit.make_ca("Bundle Root")
    certs = [kit.make_leaf(root, f"client-{i}").cert for i in range(count)]
    return pkcs7.serialize_certificates(certs, serialization.Encoding.PEM).decode()


def test_a_bundle_of_exactly_the_block_bound_is_taken() -> None:
    assert len(read(_bundle(10)).certificates) == 10


def test_a_csr_and_a_full_bundle_are_one_block_too_many() -> None:
    with pytest.raises(InputError) as caught:
        read(mk.make_csr().pem + _bundle(10))
    assert (caught.value.code, caught.value.message) == (
        "too_many_blocks",
        "The input holds 11 blocks; the validator takes at most 10. A client certificate chain is rarely "
        "more than 4 certificates: paste only the leaf and its CA certificates.",
    )


# --- Keys are described by name ---------------------------------------------------------------------


def _with_spki(spki: a_keys.PublicKeyInfo) -> tuple[kit.Cert, kit.Cert]:
    root = kit.make_ca("Key Root")
    leaf = kit.make_leaf(root)

    def edit(tbs: a_x509.TbsCertificate) -> None:
        tbs["subject_public_key_info"] = spki

    return root, kit.resign(leaf, root.key, edit)


def _key_check(root: kit.Cert, leaf: kit.Cert) -> tuple[str, Status, str]:
    report = validate(leaf.pem, [Environment("k", "K", root.pem)], selected="k", at=mk.NOW)
    result = report.check("key.strength")
    return report.details["public_key"], result.status, result.message


def test_an_rsa_key_is_described_with_its_size(pki: NuvyPKI) -> None:
    assert _check(pki, mk.make_client(pki.qa).pem).details["public_key"] == "RSA 2048-bit"


def test_an_rsa_pss_key_is_named_rsassa_pss() -> None:
    rsa_key = a_keys.PublicKeyInfo.load(
        mk.private_key("rsa2048").public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    spki = a_keys.PublicKeyInfo(
        {"algorithm": {"algorithm": "rsassa_pss"}, "public_key": rsa_key["public_key"].parsed}
    )
    assert _key_check(*_with_spki(spki)) == (
        "RSASSA-PSS", F,
        f"The key type RSASSA-PSS is not accepted; the guide asks for RSA 2048. {NEW_KEY}.",
    )


def test_every_key_type_asn1crypto_names_has_a_display_name() -> None:
    from validator_py.model import _KEY_NAMES

    assert set(a_keys.PublicKeyAlgorithmId._map.values()) - {"rsa", "ec"} == set(_KEY_NAMES)


def test_a_key_type_asn1crypto_names_is_shown_by_its_rfc_name() -> None:
    # X25519 only agrees keys; it cannot sign a TLS handshake.
    raw = x25519.X25519PrivateKey.from_private_bytes(bytes(range(32))).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert _key_check(*_with_spki(a_keys.PublicKeyInfo.load(raw))) == (
        "X25519", F,
        f"The key type X25519 is not accepted; the guide asks for RSA 2048. {NEW_KEY}.",
    )


def test_a_dsa_csr_is_described_with_its_key_fingerprint(pki: NuvyPKI) -> None:
    key = dsa.generate_private_key(key_size=1024)  # noqa: S505 - refused for its type; small is fast.
    csr = x509.CertificateSigningRequestBuilder().subject_name(mk.subject_name()).sign(key, hashes.SHA256())
    report = _check(pki, csr.public_bytes(serialization.Encoding.PEM).decode())
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert report.details["public_key"] == "DSA"
    assert report.details["public_key_sha256"] == hashlib.sha256(spki).digest().hex(":").upper()
    assert report.check("key.strength").message == (
        f"The key type DSA is not accepted; the guide asks for RSA 2048. {NEW_KEY}."
    )


# --- CSR attributes ---------------------------------------------------------------------------------


def test_a_ca_request_after_another_attribute_is_still_found(pki: NuvyPKI) -> None:
    # DER sorts the attribute SET: a challengePassword comes before the extensionRequest.
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(mk.subject_name(cn="acme-api"))
        .add_attribute(x509.oid.AttributeOID.CHALLENGE_PASSWORD, b"secret")
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(mk.private_key("rsa2048"), hashes.SHA256())
    )
    request = a_csr.CertificationRequest.load(csr.public_bytes(serialization.Encoding.DER))
    types = [attribute["type"].native for attribute in request["certification_request_info"]["attributes"]]
    assert types == ["challenge_password", "extension_request"]
    result = _check(pki, csr.public_bytes(serialization.Encoding.PEM).decode()).check("csr.not_ca")
    assert (result.status, result.message) == (
        F,
        "The CSR requests a CA certificate (basicConstraints CA:TRUE). Nuvy issues client certificates "
        f"only. {REGENERATE} without a CA extension.",
    )


# --- The CRL's two algorithm fields ---------------------------------------------------------------------


def test_a_crl_whose_inner_algorithm_differs_is_not_trusted(pki: NuvyPKI) -> None:
    leaf = mk.make_client(pki.qa)
    parsed = a_crl.CertificateList.load(mk.make_crl(pki.qa, [], number=1).der)
    tbs = a_crl.TbsCertList.load(parsed["tbs_cert_list"].dump())
    tbs["signature"] = algos.SignedDigestAlgorithm({"algorithm": "sha384_rsa"})
    tbs_der = tbs.dump(force=True)
    key = pki.qa.key
    assert isinstance(key, rsa.RSAPrivateKey)
    rebuilt = a_crl.CertificateList({
        "tbs_cert_list": a_crl.TbsCertList.load(tbs_der),
        "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"}),
        "signature": core.OctetBitString(key.sign(tbs_der, padding.PKCS1v15(), hashes.SHA256())),
    })
    pem = kit.pem_of(rebuilt.dump(), "X509 CRL")
    result = _check(pki, leaf.pem + pem).check("revocation.crl_signature")
    assert (result.status, result.message) == (
        F,
        "The CRL's signature could not be verified with the QA CA (qa) (the signature algorithm inside the "
        "signed part differs from the outer one (RFC 5280 section 4.1.1.2 requires them to be identical)); "
        "download the CRL again. A CRL that cannot be trusted cannot say what is revoked.",
    )
