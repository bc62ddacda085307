"""Every certificate check, made to pass and to fail with generated certificates; messages asserted."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID

from tests import pki as mk
from tests.conftest import NuvyPKI
from validator_py import Environment, Policy, Report, Status, validate
from validator_py import profile as profile_mod
from validator_py.runner import Check

from .defects import DEFECTS, OTHER_CAS, Defect

P, W, F, NA = Status.PASS, Status.WARN, Status.FAIL, Status.NOT_APPLICABLE


def envs(p: NuvyPKI, crl: str | None = None) -> list[Environment]:
    return [Environment("qa", "QA", p.qa.pem, crl), Environment("production", "Production", p.production.pem)]


def run(p: NuvyPKI, data: str | bytes, selected: str = "qa", **kwargs: object) -> Report:
    return validate(data, envs(p, kwargs.pop("crl", None)), selected=selected, at=p.now, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_defect_table(pki: NuvyPKI, defect: Defect) -> None:
    report = run(pki, defect.make(pki).pem, selected=defect.selected)
    result = report.check(defect.check_id)
    assert result.status is defect.status, result
    assert re.search(defect.message, result.message), result.message
    if defect.status is F:
        assert report.verdict is F


def test_good_certificate_passes_every_check(pki: NuvyPKI) -> None:
    report = run(pki, pki_good(pki))
    assert report.kind == "certificate"
    assert report.verdict is P
    statuses = {c.id: c.status for c in report.checks}
    not_applicable = {
        "revocation.crl_signature", "revocation.crl_extensions", "revocation.crl_dates",
        "revocation.status", "path.name_constraints", "path.policies",
    }
    assert {check for check, status in statuses.items() if status is NA} == not_applicable
    assert {status for check, status in statuses.items() if check not in not_applicable} == {P}
    groups = {
        "environment": ["environment.issuer"],
        "path": [
            "path.build", "path.unused", "signature.valid", "validity.period", "validity.expiring_soon",
            "path.issuer_v3", "path.basic_constraints", "path.key_cert_sign", "path.issuer_subject",
            "path.path_length", "path.name_constraints", "extensions.critical_known",
            "extensions.well_formed", "path.key_identifiers", "path.serial_numbers", "path.algorithms",
            "path.leaf_purpose", "path.ca_purpose", "path.time_encoding", "path.policies",
        ],
        "revocation": [
            "revocation.crl_signature", "revocation.crl_extensions", "revocation.crl_dates",
            "revocation.status",
        ],
        "profile": [
            "eku.client_auth", "ku.digital_signature", "ku.key_encipherment", "basic_constraints.not_ca",
            "key.strength", "signature.hash", "subject.cn", "subject.c", "subject.o", "subject.ou",
            "subject.encoding",
        ],
    }
    assert [(c.group, c.id) for c in report.checks] == [
        (group, check) for group, ids in groups.items() for check in ids
    ]


def pki_good(p: NuvyPKI) -> str:
    return mk.make_client(p.qa).pem


def test_details_describe_the_certificate(pki: NuvyPKI) -> None:
    leaf = mk.make_client(pki.qa)
    details = run(pki, leaf.pem).to_dict()["details"]
    assert details["subject"] == "CN=client-name,OU=Production,O=CLIENT_NAME,C=BR"
    assert details["subject_openssl"] == "/C=BR/O=CLIENT_NAME/OU=Production/CN=client-name"
    assert details["issuer"] == "CN=Nuvy QA CA,O=Nuvy Test,C=BR"
    assert details["serial_decimal"] == str(leaf.cert.serial_number)
    assert details["sha256_fingerprint"] == leaf.cert.fingerprint(hashes.SHA256()).hex(":").upper()
    assert details["not_after"] == leaf.cert.not_valid_after_utc.isoformat()
    assert details["issued_by_environment"] == "qa"


@pytest.mark.parametrize("kind", sorted(OTHER_CAS))
def test_other_key_types_verify(pki: NuvyPKI, kind: str) -> None:
    ca = OTHER_CAS[kind]()
    leaf = mk.make_client(ca, key_type="ec256", hash_alg=mk.SHA384)
    report = validate(leaf.pem, [Environment(kind, kind.upper(), ca.pem)], selected=kind, at=pki.now)
    assert report.check("signature.valid").status is P, report.check("signature.valid")


def test_ecdsa_client_of_ecdsa_ca_with_wrong_key_fails(pki: NuvyPKI) -> None:
    ca = OTHER_CAS["ec"]()
    forged = mk.make_client(ca, signing_key=mk.private_key("ec384", 9))
    report = validate(forged.pem, [Environment("ec", "EC", ca.pem)], selected="ec", at=pki.now)
    assert report.check("signature.valid").status is F
    assert "issuer name matches the EC CA (ec)" in report.check("signature.valid").message


def test_warn_days_comes_from_the_policy(pki: NuvyPKI) -> None:
    leaf = mk.make_client(pki.qa, not_after=pki.now + 20 * mk.DAY).pem
    assert run(pki, leaf).check("validity.expiring_soon").status is W
    report = run(pki, leaf, policy=Policy(warn_days=7))
    assert report.check("validity.expiring_soon").status is P
    assert (
        report.check("validity.expiring_soon").message
        == "20 days left before it expires on 2026-07-05 12:00 UTC."
    )


def test_key_encipherment_follows_the_policy(pki: NuvyPKI) -> None:
    leaf = mk.make_client(pki.qa, key_usage_flags={"digital_signature": True}).pem
    assert run(pki, leaf).check("ku.key_encipherment").status is W
    policy = Policy(expect_key_encipherment_for_rsa=False)
    relaxed = run(pki, leaf, policy=policy).check("ku.key_encipherment")
    assert relaxed.status is NA
    assert relaxed.message == (
        "The policy in use does not expect keyEncipherment on RSA keys, so it was not checked."
    )


def test_expiring_soon_is_not_applicable_when_expired(pki: NuvyPKI) -> None:
    leaf = mk.make_client(pki.qa, not_before=pki.now - mk.YEAR, not_after=pki.now - mk.DAY)
    result = run(pki, leaf.pem).check("validity.expiring_soon")
    assert result.status is NA
    assert "outside its validity period" in result.message


def test_explicit_time_decides(pki: NuvyPKI) -> None:
    leaf = mk.make_client(pki.qa).pem
    later = pki.now + 2 * mk.YEAR
    report = validate(leaf, envs(pki), selected="qa", at=later)
    assert report.check("validity.period").status is F
    assert report.check("validity.period").message.startswith(
        "The leaf certificate (client-name) expired on 2027-06-15 12:00 UTC"
    )


def test_naive_time_is_refused(pki: NuvyPKI) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        validate(pki_good(pki), envs(pki), selected="qa", at=dt.datetime(2026, 1, 1))


def test_unknown_environment_is_refused(pki: NuvyPKI) -> None:
    with pytest.raises(
        ValueError, match="unknown environment 'staging'; configured environments: qa, production"
    ):
        run(pki, pki_good(pki), selected="staging")


_EKU_FAIL = (
    "but not clientAuth, so servers will refuse it for mTLS (an AWS load balancer logs "
    "ClientCertPurposeInvalid). Ask Nuvy to re-issue it with clientAuth (guide step 5)."
)


@pytest.mark.parametrize(
    ("eku", "status", "message"),
    [
        (
            (mk.CLIENT_AUTH,),
            P,
            "Extended Key Usage includes clientAuth, so it may authenticate a TLS client.",
        ),
        (
            None,
            F,
            "The certificate has no Extended Key Usage extension; Nuvy issues client certificates with "
            "ExtendedKeyUsage = clientAuth (guide step 5). Ask Nuvy to re-issue it.",
        ),
        (
            (ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION),
            F,
            f"Extended Key Usage lists emailProtection, serverAuth {_EKU_FAIL}",
        ),
        (
            # A purpose outside RFC 5280 is named with its OID; one asn1crypto does not know, by the OID.
            (x509.ObjectIdentifier("1.3.6.1.4.1.311.20.2.2"), x509.ObjectIdentifier("1.3.6.1.4.1.55555.7")),
            F,
            "Extended Key Usage lists 1.3.6.1.4.1.55555.7, microsoft_smart_card_logon "
            f"(1.3.6.1.4.1.311.20.2.2) {_EKU_FAIL}",
        ),
        (
            (),
            F,
            "Extended Key Usage lists no purpose at all (RFC 5280 section 4.2.1.12 requires one), so servers "
            "will refuse it for mTLS (an AWS load balancer logs ClientCertPurposeInvalid). Ask Nuvy to "
            "re-issue it with clientAuth (guide step 5).",
        ),
    ],
    ids=["client-auth", "absent", "server-and-email", "other-and-unknown", "empty"],
)
def test_eku_messages(
    pki: NuvyPKI, eku: tuple[x509.ObjectIdentifier, ...] | None, status: Status, message: str
) -> None:
    result = run(pki, mk.make_client(pki.qa, eku=eku).pem).check("eku.client_auth")
    assert (result.status, result.message) == (status, message)


# Revocation ----------------------------------------------------------------------------------------


def test_revoked_serial_fails(pki: NuvyPKI) -> None:
    leaf = mk.make_client(pki.qa)
    crl = mk.make_crl(pki.qa, [leaf.cert.serial_number])
    report = run(pki, leaf.pem, crl=crl.pem)
    assert report.check("revocation.crl_signature").status is P
    status = report.check("revocation.status")
    assert status.status is F
    assert re.search(
        r"was revoked by the QA CA \(qa\) on 2026-06-13 12:00 UTC\. Stop using it", status.message
    )


def test_unlisted_serial_passes(pki: NuvyPKI) -> None:
    leaf = mk.make_client(pki.qa)
    report = run(pki, leaf.pem, crl=mk.make_crl(pki.qa, [1, 2, 3]).der)
    assert report.check("revocation.status").status is P
    assert "Not revoked" in report.check("revocation.status").message


def test_crl_signed_by_another_key_is_not_trusted(pki: NuvyPKI) -> None:
    leaf = mk.make_client(pki.qa)
    forged = mk.make_crl(pki.qa, [], signing_key=mk.private_key("rsa2048", 5))
    report = run(pki, leaf.pem, crl=forged.pem)
    assert report.check("revocation.crl_signature").status is F
    assert (
        "signature could not be verified with the QA CA (qa)"
        in report.check("revocation.crl_signature").message
    )
    assert report.check("revocation.status").status is F
    assert "CRL is not trustworthy" in report.check("revocation.status").message


def test_stale_crl_warns(pki: NuvyPKI) -> None:
    leaf = mk.make_client(pki.qa)
    crl = mk.make_crl(pki.qa, [], last_update=pki.now - 30 * mk.DAY, next_update=pki.now - mk.DAY)
    report = run(pki, leaf.pem, crl=crl.pem)
    result = report.check("revocation.crl_dates")
    assert result.status is W
    assert result.message.startswith("The CRL of the QA CA (qa) is out of date since 2026-06-14 12:00 UTC")
    assert report.check("revocation.status").status is P


def test_crl_of_another_ca_fails(pki: NuvyPKI) -> None:
    leaf = mk.make_client(pki.qa)
    report = run(pki, leaf.pem, crl=mk.make_crl(pki.production, []).pem)
    assert report.check("revocation.crl_signature").status is F
    message = report.check("revocation.crl_signature").message
    assert message.startswith(
        "The CRL configured for this environment was issued by CN=Nuvy Production CA,O=Nuvy Test,C=BR, "
        "not by its CA (CN=Nuvy QA CA,O=Nuvy Test,C=BR); configure the CRL that CA publishes."
    )
    assert report.check("revocation.status").status is NA


# Robustness of the runner ---------------------------------------------------------------------------


def test_a_crashing_check_becomes_a_failure(pki: NuvyPKI, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(_context: object) -> tuple[Status, str]:
        raise ZeroDivisionError

    broken = [Check("eku.client_auth", "EKU", boom), *profile_mod.PROFILE_CHECKS[1:]]
    monkeypatch.setattr("validator_py.pipeline.PROFILE_CHECKS", broken)
    report = run(pki, pki_good(pki))
    result = report.check("eku.client_auth")
    assert result.status is F
    assert result.message == (
        "Internal error in the validator while running this check (ZeroDivisionError). The result is "
        "unknown, so it counts as a failure. Please report it to Nuvy and check the certificate with "
        "`openssl verify -CAfile nuvy-ca-<env>.crt nuvy-client-<env>.crt` meanwhile."
    )
    assert report.check("signature.valid").status is P


def test_to_dict_shape(pki: NuvyPKI) -> None:
    data = run(pki, pki_good(pki)).to_dict()
    assert set(data) == {"verdict", "kind", "checks", "details", "bundle_pem"}
    assert data["verdict"] == "pass"
    assert data["bundle_pem"] is None
    assert set(data["checks"][0]) == {"id", "status", "message", "title", "group"}


def test_signature_algorithm_fields_must_agree(pki: NuvyPKI) -> None:
    from asn1crypto import algos
    from asn1crypto import x509 as a_x509

    parsed = a_x509.Certificate.load(mk.make_client(pki.qa).der)
    parsed["signature_algorithm"] = algos.SignedDigestAlgorithm({"algorithm": "sha384_rsa"})
    result = run(pki, parsed.dump(force=True)).check("signature.valid")
    assert result.status is F
    assert "differs from the outer one (RFC 5280 section 4.1.1.2" in result.message


def test_environment_crl_checks_the_intermediate_it_covers(pki: NuvyPKI) -> None:
    """A leaf under an intermediate of the QA CA: the QA CRL covers the intermediate, not the leaf."""
    inter = mk.make_ca("QA Issuing CA", parent=pki.qa, key_type="rsa2048", key_slot=60)
    leaf = mk.make_client(inter, key_slot=61)
    clean = run(pki, leaf.pem + inter.pem, crl=mk.make_crl(pki.qa, [], number=1).pem)
    assert clean.check("revocation.crl_signature").status is P
    status = clean.check("revocation.status")
    assert status.status is W
    assert status.message.startswith("Not revoked: intermediate certificate 1 (QA Issuing CA). But no CRL")
    crl = mk.make_crl(pki.qa, [inter.cert.serial_number], number=1)
    revoked = run(pki, leaf.pem + inter.pem, crl=crl.pem)
    assert revoked.check("revocation.status").status is F
    assert "Intermediate certificate 1 (QA Issuing CA) (serial" in revoked.check("revocation.status").message


def test_environment_crl_is_left_out_when_the_path_never_reaches_its_ca(pki: NuvyPKI) -> None:
    stranger = mk.make_ca("Stranger CA", key_type="ec256", key_slot=62)
    report = run(pki, mk.make_client(stranger, key_type="ec256").pem, crl=mk.make_crl(pki.qa, []).pem)
    assert report.check("path.build").status is F
    assert report.check("revocation.crl_signature").status is NA
    assert report.check("revocation.status").status is NA


def test_a_sha1_certificate_is_asked_back_with_sha256(pki: NuvyPKI) -> None:
    result = run(pki, mk.make_client(pki.qa, hash_alg=mk.SHA1).pem).check("signature.hash")
    assert (result.status, result.message, result.title) == (
        F,
        "Signed with RSA PKCS#1 v1.5 with SHA-1. Nuvy accepts only SHA-256 or stronger, because weaker "
        "hashes allow forged signatures. Ask Nuvy to re-issue the certificate with SHA-256.",
        "Signature hash",
    )


def test_check_titles_are_reported(pki: NuvyPKI) -> None:
    assert run(pki, pki_good(pki)).check("subject.cn").title == "Subject CN"


def test_a_negative_warn_days_policy_is_refused() -> None:
    with pytest.raises(ValueError, match=r"\Awarn_days must be zero or positive\Z"):
        Policy(warn_days=-1)
