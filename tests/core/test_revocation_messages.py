"""Exact messages of the four revocation checks (RFC 5280 §5 and §6.3), which issue 17's mutation run found
asserted by status only: a check that crashes also ends as a failure, so a status-only test cannot tell a
broken check from a working one. Each CRL defect is forged here, and the pass of a good CRL is asserted in
full, since a crash would turn it into a failure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pytest
from asn1crypto import crl as a_crl
from asn1crypto import pem
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests import pki as mk
from tests.conftest import NuvyPKI
from validator_py import Environment, Report, Status, validate

from .oracles import openssl_crl_verdict
from .pathkit import Cert, tlv

P, W, F, NA = Status.PASS, Status.WARN, Status.FAIL, Status.NOT_APPLICABLE
Extra = tuple[x509.ExtensionType, bool]
UNKNOWN_A = x509.ObjectIdentifier("1.3.6.1.4.1.55555.1")
UNKNOWN_B = x509.ObjectIdentifier("1.3.6.1.4.1.55555.2")
UNTRUSTED = "A CRL that cannot be trusted cannot say what is revoked."
ASK = "Ask the CA for its complete, current CRL."


def _unknown(oid: x509.ObjectIdentifier) -> x509.UnrecognizedExtension:
    return x509.UnrecognizedExtension(oid, b"\x05\x00")


def _crl(
    ca: mk.Issued,
    revoked: Iterable[tuple[int, x509.ReasonFlags | None, Sequence[Extra]]] = (),
    *,
    number: int | None = 1,
    number_critical: bool = False,
    extra: Sequence[Extra] = (),
    signing_key: rsa.RSAPrivateKey | None = None,
    issuer: x509.Name | None = None,
    this_update: dt.datetime = mk.NOW - mk.DAY,
) -> str:
    """A PEM CRL in ``ca``'s name (or ``issuer``), signed with its key unless ``signing_key`` forges it."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer or ca.cert.subject)
        .last_update(this_update)
        .next_update(this_update + 8 * mk.DAY)
    )
    if number is not None:
        builder = builder.add_extension(x509.CRLNumber(number), critical=number_critical)
    for extension, critical in extra:
        builder = builder.add_extension(extension, critical=critical)
    for serial, reason, entry_extra in revoked:
        entry = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(mk.NOW - 2 * mk.DAY)
        if reason is not None:
            entry = entry.add_extension(x509.CRLReason(reason), critical=False)
        for extension, critical in entry_extra:
            entry = entry.add_extension(extension, critical=critical)
        builder = builder.add_revoked_certificate(entry.build())
    key = signing_key or ca.key
    assert isinstance(key, rsa.RSAPrivateKey)
    return builder.sign(key, mk.SHA256).public_bytes(serialization.Encoding.PEM).decode()


def _edited(
    ca: mk.Issued, edit: Callable[[a_crl.TbsCertList], None], crl: str | None = None
) -> str:
    """``crl`` (by default a plain one of ``ca``) with ``edit`` applied to its signed part, signed by ``ca``.

    Written as PEM by hand: pyca, which would write it, cannot load every CRL these tests make.
    """
    loaded = a_crl.CertificateList.load(pem.unarmor((crl or _crl(ca)).encode())[2])
    tbs = a_crl.TbsCertList.load(loaded["tbs_cert_list"].dump())
    edit(tbs)
    tbs_der = tbs.dump()  # not force=True: that would write every time again in asn1crypto's own form
    key = ca.key
    assert isinstance(key, rsa.RSAPrivateKey)
    signature = key.sign(tbs_der, padding.PKCS1v15(), mk.SHA256)
    der = a_crl.CertificateList({
        "tbs_cert_list": a_crl.TbsCertList.load(tbs_der),
        "signature_algorithm": loaded["signature_algorithm"],
        "signature": signature,
    }).dump()
    return pem.armor("X509 CRL", der).decode()


def _without_next_update(ca: mk.Issued) -> str:
    """A CRL with no nextUpdate (optional in the ASN.1, required by RFC 5280), re-signed by ``ca``."""

    def edit(tbs: a_crl.TbsCertList) -> None:
        tbs["next_update"] = None

    return _edited(ca, edit)


def _run(p: NuvyPKI, leaf: mk.Issued, environment_crl: str | None, *given_crls: str) -> Report:
    return validate([leaf.pem, *given_crls], [Environment("qa", "QA", p.qa.pem, environment_crl)],
                    selected="qa", at=p.now)


def _revoked(why: str = "") -> str:
    return (
        "The leaf certificate (client-name) (serial 7A:2B:3C) was revoked by the QA CA "
        f"(qa) on 2026-06-13 12:00 UTC{why}. Stop using it; generate a new key and CSR and ask for a new "
        "certificate (guide step 9)."
    )


def _results(report: Report) -> list[tuple[Status, str]]:
    return [
        (result.status, result.message)
        for result in (report.check(f"revocation.{name}") for name in ("crl_signature", "crl_extensions",
                                                                       "crl_dates", "status"))
    ]


@pytest.fixture(scope="module")
def leaf(pki: NuvyPKI) -> mk.Issued:
    return mk.make_client(pki.qa, key_slot=90, serial=0x7A2B3C)


def test_a_good_crl_passes_every_check_in_full(pki: NuvyPKI, leaf: mk.Issued) -> None:
    # An unknown extension that is not critical may be ignored (RFC 5280 §5.2), and so may one of an entry.
    crl = _crl(pki.qa, [(12345, None, [(_unknown(UNKNOWN_A), False)])], extra=[(_unknown(UNKNOWN_B), False)])
    assert _results(_run(pki, leaf, crl)) == [
        (P, "The CRL's signature verifies with the key of the QA CA (qa)."),
        (P, "Complete CRL (number 1) with no unknown critical extension."),
        (P, "The CRL is current: issued 2026-06-14 12:00 UTC, next update 2026-06-22 12:00 UTC."),
        (P, "Not revoked: the leaf certificate (client-name), on the CRL of the QA CA (qa)."),
    ]


def test_no_crl_is_not_applicable(pki: NuvyPKI, leaf: mk.Issued) -> None:
    assert _results(_run(pki, leaf, None)) == [
        (NA, "No CRL is configured for the QA CA (qa)."),
        (NA, "No CRL covers a certificate on the path."),
        (NA, "No CRL covers a certificate on the path."),
        (NA, "No CRL is configured for the QA CA (qa), so revocation was not checked. Nuvy may revoke "
             "certificates at any time (guide step 9)."),
    ]


@pytest.mark.parametrize(
    ("options", "found"),
    [
        ({"number": None}, "it has no CRL number (RFC 5280 section 5.2.3 requires one)"),
        ({"number_critical": True}, "its CRL number is marked critical (RFC 5280 section 5.2.3 forbids it)"),
        (
            {"number": None, "extra": [(x509.DeltaCRLIndicator(1), True)]},
            "it is a delta CRL, which the validator does not take: give the complete CRL; it has no CRL "
            "number (RFC 5280 section 5.2.3 requires one)",
        ),
        (
            {"extra": [(_unknown(UNKNOWN_B), True), (_unknown(UNKNOWN_A), True)]},
            "it has critical extensions the validator does not process (1.3.6.1.4.1.55555.1, "
            "1.3.6.1.4.1.55555.2)",
        ),
    ],
    ids=["no-number", "critical-number", "delta", "unknown-critical"],
)
def test_crl_extension_findings(
    pki: NuvyPKI, leaf: mk.Issued, options: dict[str, object], found: str
) -> None:
    report = _run(pki, leaf, _crl(pki.qa, **options))  # type: ignore[arg-type]
    result = report.check("revocation.crl_extensions")
    assert (result.status, result.message) == (F, f"The CRL of the QA CA (qa): {found}. {ASK}")


def test_critical_entry_extensions(pki: NuvyPKI, leaf: mk.Issued) -> None:
    """An unknown critical entry extension is refused; a known one (invalidity date) may be critical."""
    invalidity = x509.InvalidityDate(mk.NOW - 3 * mk.DAY)
    crl = _crl(pki.qa, [
        (1, None, [(_unknown(UNKNOWN_B), True), (invalidity, True)]),
        (2, None, [(_unknown(UNKNOWN_A), True)]),
    ])
    result = _run(pki, leaf, crl).check("revocation.crl_extensions")
    assert (result.status, result.message) == (
        F,
        "The CRL of the QA CA (qa): an entry has critical extensions the validator does not process "
        f"(1.3.6.1.4.1.55555.1, 1.3.6.1.4.1.55555.2). {ASK}",
    )
    known_only = _crl(pki.qa, [(1, None, [(invalidity, True)])])
    known = _run(pki, leaf, known_only).check("revocation.crl_extensions")
    assert (known.status, known.message) == (P, "Complete CRL (number 1) with no unknown critical extension.")


def test_a_crl_without_next_update_fails(pki: NuvyPKI, leaf: mk.Issued) -> None:
    result = _run(pki, leaf, _without_next_update(pki.qa)).check("revocation.crl_dates")
    assert (result.status, result.message) == (
        F,
        "The CRL of the QA CA (qa) has no nextUpdate, so nobody can tell whether it is current (RFC 5280 "
        "section 5.1.2.5 requires one); ask the CA for a CRL with a next update time.",
    )


DATES_ADVICE = (
    "; strict verifiers refuse such a CRL (RFC 5280 sections 5.1.2.4 to 5.1.2.6), so ask the CA for one with "
    "its dates written as RFC 5280 requires."
)


def _this_update_with_an_offset(tbs: a_crl.TbsCertList) -> None:
    tbs["this_update"] = a_x509.Time.load(tlv(0x17, b"260613120000+0100"))


def _revocation_date_without_seconds(tbs: a_crl.TbsCertList) -> None:
    tbs["revoked_certificates"][0]["revocation_date"] = a_x509.Time.load(tlv(0x17, b"2606121200Z"))


def test_a_crl_date_not_in_utc_with_seconds_fails_as_both_oracles_do(
    pki: NuvyPKI, leaf: mk.Issued, tmp_path: Path
) -> None:
    crl = _edited(pki.qa, _this_update_with_an_offset)
    result = _run(pki, leaf, crl).check("revocation.crl_dates")
    assert (result.status, result.message) == (
        F,
        "The CRL of the QA CA (qa) writes its thisUpdate as 260613120000+0100, not as YYMMDDHHMMSSZ (UTC, "
        "with seconds)" + DATES_ADVICE,
    )
    with pytest.raises(ValueError, match=r"this_update|Time"):
        x509.load_pem_x509_crl(crl.encode())
    leaf_cert = Cert(der=leaf.der, key=leaf.key, name="client-name")
    root = Cert(der=pki.qa.der, key=pki.qa.key, name="Nuvy QA CA")
    ok, says = openssl_crl_verdict(leaf_cert, [], root, crl, pki.now, tmp=tmp_path)
    assert not ok
    assert "lastUpdate" in says


def test_a_revocation_date_and_a_next_update_are_named_with_their_entry(
    pki: NuvyPKI, leaf: mk.Issued
) -> None:
    def next_update_as_generalized_time(tbs: a_crl.TbsCertList) -> None:
        tbs["next_update"] = a_x509.Time.load(tlv(0x18, b"20260621120000Z"))

    crl = _edited(pki.qa, _revocation_date_without_seconds, _crl(pki.qa, [(0x7A2B3C, None, ())]))
    crl = _edited(pki.qa, next_update_as_generalized_time, crl)
    result = _run(pki, leaf, crl).check("revocation.crl_dates")
    assert (result.status, result.message) == (
        F,
        "The CRL of the QA CA (qa) encodes its nextUpdate through 2049 as GeneralizedTime and writes its "
        "revocationDate for serial 7A:2B:3C as 2606121200Z, not as YYMMDDHHMMSSZ (UTC, with seconds)"
        + DATES_ADVICE,
    )


def test_a_crl_with_many_badly_written_dates_names_the_first_three(
    pki: NuvyPKI, leaf: mk.Issued
) -> None:
    def every_date_without_seconds(tbs: a_crl.TbsCertList) -> None:
        tbs["this_update"] = a_x509.Time.load(tlv(0x17, b"2606131200Z"))
        tbs["next_update"] = a_x509.Time.load(tlv(0x17, b"2606211200Z"))
        for entry in tbs["revoked_certificates"]:
            entry["revocation_date"] = a_x509.Time.load(tlv(0x17, b"2606121200Z"))

    crl = _edited(pki.qa, every_date_without_seconds, _crl(pki.qa, [(0x0A, None, ()), (0x0B, None, ())]))
    result = _run(pki, leaf, crl).check("revocation.crl_dates")
    assert (result.status, result.message) == (
        F,
        "The CRL of the QA CA (qa) writes its thisUpdate as 2606131200Z, not as YYMMDDHHMMSSZ (UTC, with "
        "seconds) and writes its nextUpdate as 2606211200Z, not as YYMMDDHHMMSSZ (UTC, with seconds) and "
        "writes its revocationDate for serial 0A as 2606121200Z, not as YYMMDDHHMMSSZ (UTC, with seconds)"
        + DATES_ADVICE,
    )


@pytest.mark.parametrize(
    ("reason", "why"),
    [(x509.ReasonFlags.key_compromise, " (reason: key compromise)"),
     (x509.ReasonFlags.ca_compromise, " (reason: CA compromise)"),
     (None, "")],
    ids=["key-compromise", "ca-compromise", "no-reason"],
)
def test_a_revoked_leaf_names_the_date_and_reason(
    pki: NuvyPKI, leaf: mk.Issued, reason: x509.ReasonFlags | None, why: str
) -> None:
    crl = _crl(pki.qa, [(leaf.cert.serial_number, reason, [])])
    result = _run(pki, leaf, crl).check("revocation.status")
    assert (result.status, result.message) == (F, _revoked(why))


def test_a_forged_crl_is_not_trusted(pki: NuvyPKI, leaf: mk.Issued) -> None:
    forged = _crl(pki.qa, signing_key=mk.private_key("rsa2048", 91))  # type: ignore[arg-type]
    signature, _extensions, _dates, status = _results(_run(pki, leaf, forged))
    assert signature == (
        F,
        "The CRL's signature could not be verified with the QA CA (qa) (the signature does not verify); "
        f"download the CRL again. {UNTRUSTED}",
    )
    assert status == (
        F, "Revocation cannot be decided: a CRL is not trustworthy (see revocation.crl_signature)."
    )


def test_a_genuine_crl_decides_beside_a_forged_one(pki: NuvyPKI, leaf: mk.Issued) -> None:
    """Two CRLs in the QA CA's name: the forged one is a finding, but the genuine one still says the leaf is
    revoked (the one whose signature verifies is the one that counts, whichever comes first)."""
    genuine = _crl(pki.qa, [(leaf.cert.serial_number, None, [])])
    forged = _crl(pki.qa, signing_key=mk.private_key("rsa2048", 91))  # type: ignore[arg-type]
    for first, second in ((genuine, forged), (forged, genuine)):
        status = _run(pki, leaf, first, second).check("revocation.status")
        assert (status.status, status.message) == (F, _revoked())


def test_a_crl_in_the_leaf_name_is_no_ca_crl(pki: NuvyPKI, leaf: mk.Issued) -> None:
    """The leaf issues nothing: a CRL in its name matches no CA on the path, even though the name matches."""
    stray = _crl(pki.qa, issuer=leaf.cert.subject)
    result = _run(pki, leaf, None, stray).check("revocation.crl_signature")
    assert (result.status, result.message) == (
        F,
        "The CRL given was issued by CN=client-name,OU=Production,O=CLIENT_NAME,C=BR, which is no CA on the "
        f"path of the leaf certificate (client-name); use the CRL of the CA that issued it. {UNTRUSTED}",
    )


def test_an_environment_crl_of_another_ca(pki: NuvyPKI, leaf: mk.Issued) -> None:
    other = _crl(pki.production)
    result = _run(pki, leaf, other).check("revocation.crl_signature")
    assert (result.status, result.message) == (
        F,
        "The CRL configured for this environment was issued by CN=Nuvy Production CA,O=Nuvy Test,C=BR, "
        "not by its CA (CN=Nuvy QA CA,O=Nuvy Test,C=BR); configure the CRL that CA publishes. " + UNTRUSTED,
    )


# A two-level Nuvy-like path: the QA CA's CRL (configured for the environment) covers the intermediate, the
# intermediate's CRL (given with the certificate) covers the leaf; every list joins two CRLs' findings.


@pytest.fixture(scope="module")
def two_level(pki: NuvyPKI) -> tuple[mk.Issued, mk.Issued]:
    inter = mk.make_ca("QA Issuing CA", parent=pki.qa, key_type="rsa2048", key_slot=92)
    return inter, mk.make_client(inter, key_slot=93, serial=0x7A2B3D)


def _two_level(
    pki: NuvyPKI, two_level: tuple[mk.Issued, mk.Issued], revoked_by_root: Sequence[int] = (),
    revoked_by_inter: Sequence[int] = (), *, with_inter_crl: bool = True,
) -> Report:
    inter, leaf = two_level
    root_crl = _crl(pki.qa, [(serial, None, []) for serial in revoked_by_root], number=7,
                    this_update=mk.NOW - 3 * mk.DAY)
    inter_crl = _crl(inter, [(serial, None, []) for serial in revoked_by_inter], number=8)
    given = [leaf.pem, inter.pem, *([inter_crl] if with_inter_crl else [])]
    return validate(given, [Environment("qa", "QA", pki.qa.pem, root_crl)], selected="qa", at=pki.now)


INTER = "intermediate certificate 1 (QA Issuing CA)"


def test_two_crls_on_a_path_pass_in_full(pki: NuvyPKI, two_level: tuple[mk.Issued, mk.Issued]) -> None:
    assert _results(_two_level(pki, two_level)) == [
        (P, f"The CRL's signature verifies with the key of the QA CA (qa), {INTER}."),
        (P, "Complete CRL (number 7, 8) with no unknown critical extension."),
        (P, "The CRL is current: issued 2026-06-12 12:00 UTC, next update 2026-06-20 12:00 UTC; issued "
            "2026-06-14 12:00 UTC, next update 2026-06-22 12:00 UTC."),
        (P, f"Not revoked: the leaf certificate (client-name), {INTER}, on the CRL of {INTER}, the QA CA "
            "(qa)."),
    ]


def test_two_revoked_certificates_are_both_named(
    pki: NuvyPKI, two_level: tuple[mk.Issued, mk.Issued]
) -> None:
    inter, leaf = two_level
    # The intermediate's serial as certificates show it: its DER content octets in colon hex.
    number = inter.cert.serial_number
    serial = ":".join(f"{octet:02X}" for octet in number.to_bytes(number.bit_length() // 8 + 1, "big"))
    status = _two_level(pki, two_level, [inter.cert.serial_number], [leaf.cert.serial_number]).check(
        "revocation.status"
    )
    assert (status.status, status.message) == (
        F,
        f"The leaf certificate (client-name) (serial 7A:2B:3D) was revoked by {INTER} on 2026-06-13 12:00 "
        f"UTC; intermediate certificate 1 (QA Issuing CA) (serial {serial}) was revoked by the QA CA (qa) on "
        "2026-06-13 12:00 UTC. Stop using it; generate a new key and CSR and ask for a new certificate "
        "(guide step 9).",
    )


def test_without_the_leaf_issuers_crl_the_leaf_is_unchecked(
    pki: NuvyPKI, two_level: tuple[mk.Issued, mk.Issued]
) -> None:
    status = _two_level(pki, two_level, with_inter_crl=False).check("revocation.status")
    assert (status.status, status.message) == (
        W,
        f"Not revoked: {INTER}. But no CRL of the leaf certificate's own issuer was given, so the leaf "
        "itself was not checked; add that CA's CRL.",
    )
