"""The pipeline's own decisions (``validator_py/pipeline.py``): which certificate is the leaf, which report a
paste gets, the details it carries, the match check's messages, and the errors of its front door. Issue
17's full mutation run found these unasserted."""

from __future__ import annotations

import asyncio
import hashlib

import pytest
from cryptography.hazmat.primitives import serialization

from tests import pki as mk
from tests.conftest import NuvyPKI
from tests.core import pathkit as kit
from validator_py import Environment, InputError, Report, Status, validate, validate_async
from validator_py._compat import default_verifier
from validator_py.pipeline import run_sync
from validator_py.signatures import SignatureRequest

P, F = Status.PASS, Status.FAIL


def _envs(p: NuvyPKI) -> list[Environment]:
    return [Environment("qa", "QA", p.qa.pem), Environment("production", "Production", p.production.pem)]


def _check(p: NuvyPKI, data: str | bytes, **kwargs: object) -> Report:
    return validate(data, _envs(p), selected="qa", at=p.now, **kwargs)  # type: ignore[arg-type]


def _colon_sha256(cert: mk.Issued | mk.CSR) -> str:
    public = cert.cert.public_key() if isinstance(cert, mk.Issued) else cert.csr.public_key()
    spki = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).digest().hex(":").upper()


# --- Details ------------------------------------------------------------------------------------------


def test_a_certificate_report_names_the_selected_environment(pki: NuvyPKI) -> None:
    report = validate(mk.make_client(pki.qa).pem, _envs(pki), selected="production", at=pki.now)
    assert (report.details["environment"], report.details["issued_by_environment"]) == ("production", "qa")


def test_a_chain_report_lists_what_is_not_on_the_path() -> None:
    root = kit.make_ca("Partner Root")
    issuing = kit.make_ca("Partner Issuing CA", root)
    spare = kit.make_ca("Partner Spare CA", root)
    leaf = kit.make_leaf(issuing)
    report = validate(leaf.pem + issuing.pem + spare.pem + root.pem, [], selected="qa", at=mk.NOW)
    assert report.kind == "chain"
    assert [cert["subject"] for cert in report.details["certificates"]] == [
        "CN=client-name,OU=Production,O=CLIENT_NAME,C=BR",
        "CN=Partner Issuing CA,O=Nuvy Test,C=BR",
        "CN=Partner Root,O=Nuvy Test,C=BR",
    ]
    assert [cert["subject"] for cert in report.details["not_in_chain"]] == [
        "CN=Partner Spare CA,O=Nuvy Test,C=BR"
    ]


# --- Which certificate is the leaf, which report ------------------------------------------------------


def test_the_environment_ca_alone_is_checked_as_the_certificate(pki: NuvyPKI) -> None:
    report = _check(pki, pki.qa.pem)
    assert (report.kind, report.details["subject"]) == ("certificate", "CN=Nuvy QA CA,O=Nuvy Test,C=BR")
    result = report.check("basic_constraints.not_ca")
    assert (result.status, result.message) == (
        F,
        "The certificate says CA:TRUE in Basic Constraints: it could issue other certificates, and servers "
        "refuse CA certificates as client certificates. Ask Nuvy for a client (CA:FALSE) one.",
    )


def test_a_non_ca_is_the_leaf_before_an_unrelated_root(pki: NuvyPKI) -> None:
    # Neither issued the other, so both could be the leaf; the client certificate is, whatever the order.
    stray_root = kit.make_ca("Stray Root")
    report = _check(pki, stray_root.pem + mk.make_client(pki.qa).pem)
    assert (report.kind, report.details["subject"]) == (
        "certificate", "CN=client-name,OU=Production,O=CLIENT_NAME,C=BR"
    )
    assert report.check("environment.issuer").status is P


def test_two_cas_that_issued_each_other_are_still_checked() -> None:
    # Cross-certified CAs: each one issued the other, so no certificate is a leaf by that rule; the first
    # given is taken, and the report says there is no root.
    a_key, b_key = kit.ec_key(7001), kit.ec_key(7002)
    first = kit.make_cert("Cross A", issuer=None, key=a_key, issuer_name=kit.ca_name("Cross B"),
                          signing_key=b_key, ca=True, ku=kit.CA_KEY_USAGE, aki=False)
    second = kit.make_cert("Cross B", issuer=None, key=b_key, issuer_name=kit.ca_name("Cross A"),
                           signing_key=a_key, ca=True, ku=kit.CA_KEY_USAGE, aki=False)
    report = validate(first.pem + second.pem, [], selected="qa", at=mk.NOW)
    assert (report.kind, report.details["subject"]) == ("chain", "CN=Cross A,O=Nuvy Test,C=BR")
    assert report.check("path.build").status is F


class _Counting:
    """The default verifier, counting what it is asked."""

    def __init__(self) -> None:
        self.requests: list[SignatureRequest] = []
        self._inner = default_verifier()

    async def verify(self, request: SignatureRequest) -> bool | None:
        self.requests.append(request)
        return await self._inner.verify(request)


def test_other_environments_cost_nothing_once_the_selected_one_issued_it() -> None:
    # A second environment whose CA has the same name (a re-keyed CA): its path is only built when the
    # selected environment did not issue the certificate.
    ca = kit.make_ca("Twin CA")
    twin = kit.make_ca("Twin CA", key=kit.ec_key(7003))
    leaf = kit.make_leaf(ca)
    envs = [Environment("one", "One", ca.pem), Environment("two", "Two", twin.pem)]
    verifier = _Counting()
    report = run_sync(validate_async(leaf.pem, envs, selected="one", at=mk.NOW, verifier=verifier))
    assert report.check("environment.issuer").status is P
    assert len(verifier.requests) == 1
    verifier = _Counting()
    report = run_sync(validate_async(leaf.pem, envs, selected="two", at=mk.NOW, verifier=verifier))
    assert report.details["issued_by_environment"] == "one"
    assert len(verifier.requests) == 2


# --- The match check ----------------------------------------------------------------------------------


def test_a_matching_certificate_is_said_so_in_full(pki: NuvyPKI) -> None:
    csr = mk.make_csr(key_slot=11)
    report = _check(pki, mk.make_client(pki.qa, key=csr.key).pem + csr.pem)
    result = report.checks[0]
    assert (result.id, result.status, result.title, result.group) == (
        "match.public_key", P, "Certificate matches the CSR", "match"
    )
    assert result.message == (
        "The certificate carries the public key of your CSR, so it pairs with the private key you kept (no "
        "need to open the key to check)."
    )


def test_a_certificate_for_another_key_is_said_so_in_full(pki: NuvyPKI) -> None:
    csr = mk.make_csr(key_slot=11)
    other = mk.make_client(pki.qa, key_slot=12)
    result = _check(pki, other.pem, csr=csr.pem).check("match.public_key")
    assert (result.status, result.title, result.group) == (F, "Certificate matches the CSR", "match")
    assert result.message == (
        f"The certificate's public key (RSA 2048-bit, SHA-256 {_colon_sha256(other)}) is not the CSR's "
        f"(RSA 2048-bit, SHA-256 {_colon_sha256(csr)}). It was issued for another CSR: it will not work "
        "with your private key. Send Nuvy this CSR again, or find the certificate issued for it."
    )


# --- The front door's errors --------------------------------------------------------------------------


def test_the_csr_argument_may_not_carry_a_crl(pki: NuvyPKI) -> None:
    leaf = mk.make_client(pki.qa)
    with pytest.raises(InputError) as caught:
        _check(pki, leaf.pem, csr=mk.make_csr().pem + mk.make_crl(pki.qa, []).pem)
    assert (caught.value.code, caught.value.message) == (
        "unsupported", "The CSR to match must be exactly one CERTIFICATE REQUEST."
    )


def test_no_configured_environment_is_said_so(pki: NuvyPKI) -> None:
    with pytest.raises(ValueError, match=r"\Aunknown environment 'qa'; configured environments: none\Z"):
        validate(mk.make_client(pki.qa).pem, [], selected="qa", at=pki.now)


class _Suspending:
    """A verifier that waits for an event loop, as WebCrypto's does."""

    async def verify(self, request: SignatureRequest) -> bool | None:
        await asyncio.sleep(0)
        return True


def test_the_sync_front_door_refuses_a_verifier_that_suspends(pki: NuvyPKI) -> None:
    coro = validate_async(
        mk.make_client(pki.qa).pem, _envs(pki), selected="qa", at=pki.now, verifier=_Suspending()
    )
    with pytest.raises(RuntimeError) as caught:
        run_sync(coro)
    assert str(caught.value) == "the signature verifier suspended; use validate_async with an event loop"
