"""parse → collect signature requests → verify them through the seam → run the checks.

The sync front door drives the same coroutine as the async one. The CPython verifier never suspends,
so ``coro.send(None)`` runs it to completion without an event loop (which Pyodide's page would not give
us, and which a CLI does not need).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import Any

from ._compat import default_verifier
from .checks import ENVIRONMENT_CHECKS, EnvironmentCA, EnvironmentContext
from .details import describe, describe_csr, pem
from .inputs import InputError, split
from .model import CRL, CSR, Certificate, Parsed, parse, signed_request
from .path import PATH_CHECKS, PathContext, validate_path
from .policy import Policy
from .profile import PROFILE_CHECKS, subject_checks
from .record import record
from .report import CheckResult, Report, Status
from .revocation import REVOCATION_CHECKS, MatchedCRL, RevocationContext, match_crls
from .runner import Verified, run_checks, unverified_reason
from .signatures import AsyncVerifier, SignatureRequest


@record
class Environment:
    """A configured CA: ``id`` ("qa"), display ``name`` ("QA"), the CA certificate and an optional CRL."""

    id: str
    name: str
    ca: bytes | str
    crl: bytes | str | None = None


def read(data: bytes | str | Sequence[bytes | str]) -> Parsed:
    """The input boundary: raises ``InputError`` or returns fully parsed values."""
    parts = [data] if isinstance(data, bytes | str) else list(data)
    return parse(split(parts))


# The same few environments come with every call (the page sends them each time); parsing a CA
# certificate costs about as much as checking a client certificate, so keep the parsed ones.
@functools.lru_cache(maxsize=16)
def load_environment(env: Environment) -> EnvironmentCA:
    try:
        parsed = read(env.ca)
        if len(parsed.certificates) != 1 or parsed.csrs or parsed.crls:
            raise InputError("unsupported", "it must hold exactly one CA certificate")
        crl = None
        if env.crl is not None:
            crl_parsed = read(env.crl)
            if len(crl_parsed.crls) != 1 or crl_parsed.certificates or crl_parsed.csrs:
                raise InputError("unsupported", "its CRL must hold exactly one CRL")
            crl = crl_parsed.crls[0]
    except InputError as error:
        raise InputError(
            error.code, f"The CA configuration of environment '{env.id}' is unusable: {error.message}"
        ) from None
    return EnvironmentCA(id=env.id, name=env.name, ca=parsed.certificates[0], crl=crl)


async def _verify_all(
    requests: Mapping[str, SignatureRequest | str], verifier: AsyncVerifier
) -> dict[str, Verified]:
    results: dict[str, Verified] = {}
    for key, request in requests.items():
        if isinstance(request, str):
            results[key] = request
            continue
        try:
            results[key] = await verifier.verify(request)
        except Exception as error:  # Broad on purpose: a backend failure is a finding, not a crash.
            results[key] = f"the signature backend failed ({type(error).__name__})"
    return results


def _leaf(certs: tuple[Certificate, ...]) -> Certificate:
    """The certificate that issued no other given one; a non-CA first, then the first in input order."""
    issuers = {cert.issuer.key for cert in certs if not cert.self_issued}
    leaves = [cert for cert in certs if cert.subject.key not in issuers] or list(certs)
    return sorted(leaves, key=lambda cert: bool(cert.is_ca))[0]


def _reaches_by_name(leaf: Certificate, certs: tuple[Certificate, ...], anchor: Certificate) -> bool:
    """Do issuer names lead from ``leaf`` to ``anchor`` through ``certs`` (no signature checked)?"""
    seen, frontier = {leaf.der}, [leaf]
    while frontier:
        child = frontier.pop()
        if child.issuer.key == anchor.subject.key:
            return True
        for cert in certs:
            if cert.der not in seen and cert.subject.key == child.issuer.key:
                seen.add(cert.der)
                frontier.append(cert)
    return False


def _classify(parsed: Parsed, envs: Sequence[EnvironmentCA]) -> tuple[str, tuple[Certificate, ...]]:
    """Decide the report kind; for certificate/match/chain, return the leaf first, then the others."""
    if parsed.crls and not parsed.certificates:
        raise InputError(
            "unsupported",
            "The input is only a CRL. Paste the certificate to check with it (or give the CRL with the "
            "environment: --crl on the command line).",
        )
    if len(parsed.csrs) > 1:
        raise InputError("unsupported", "The input holds several CSRs; check one CSR at a time.")
    # The same certificate pasted twice (e.g. the leaf and a bundle holding it) counts once.
    certs = tuple({cert.der: cert for cert in parsed.certificates}.values())
    if parsed.csrs and not certs:
        return "csr", ()
    ca_ders = {env.ca.der for env in envs}
    others = tuple(cert for cert in certs if cert.der not in ca_ders) or certs
    leaf = _leaf(others)
    rest = tuple(cert for cert in certs if cert.der != leaf.der)
    if len(others) == 1 or any(_reaches_by_name(leaf, certs, env.ca) for env in envs):
        return ("match" if parsed.csrs else "certificate"), (leaf, *rest)
    if parsed.csrs:
        raise InputError(
            "unsupported",
            "The input holds a CSR and several certificates. Check the CSR against one certificate, "
            "or check the chain on its own.",
        )
    return "chain", (leaf, *rest)


def _linker(verifier: AsyncVerifier) -> Callable[[Certificate, Certificate], Awaitable[Verified]]:
    async def verify_link(child: Certificate, parent: Certificate) -> Verified:
        request = signed_request(child.algorithm, parent.public_key, child.tbs_der, child.signature)
        return (await _verify_all({"link": request}, verifier))["link"]

    return verify_link


async def validate_async(
    data: bytes | str | Sequence[bytes | str],
    environments: Sequence[Environment],
    *,
    selected: str,
    at: dt.datetime,
    policy: Policy = Policy(),  # noqa: B008 - Policy is frozen, so a shared default is safe.
    csr: bytes | str | None = None,
    verifier: AsyncVerifier,
) -> Report:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("`at` must be timezone-aware, e.g. datetime.now(timezone.utc)")
    parsed = read(data)
    if csr is not None:
        extra = read(csr)
        if len(extra.csrs) != 1 or extra.certificates or extra.crls:
            raise InputError("unsupported", "The CSR to match must be exactly one CERTIFICATE REQUEST.")
        parsed = Parsed(parsed.certificates, parsed.csrs + extra.csrs, parsed.crls)
    envs = tuple(load_environment(env) for env in environments)
    kind, certs = _classify(parsed, envs)
    if kind == "csr":
        return await _csr_report(parsed.csrs[0], policy, verifier)
    if kind == "chain":
        return await _chain_report(certs, parsed.crls, at, policy, verifier)
    chosen = next((env for env in envs if env.id == selected), None)
    if chosen is None:
        known = ", ".join(env.id for env in envs) or "none"
        raise ValueError(f"unknown environment {selected!r}; configured environments: {known}")
    report = await _certificate_report(
        certs, parsed.crls, selected=chosen, envs=envs, at=at, policy=policy, verifier=verifier
    )
    if kind == "match":
        return _with_match(report, certs[0], parsed.csrs[0])
    return report


async def _revocation(
    context: PathContext,
    crls: tuple[CRL, ...],
    missing: str,
    verifier: AsyncVerifier,
    environment: EnvironmentCA | None = None,
) -> RevocationContext:
    """Match the CRLs (the environment's first, then the ones given) to the CAs on the path; verify them."""
    own = (environment.crl,) if environment is not None and environment.crl is not None else ()
    matched = []
    for position, (crl, index) in enumerate(match_crls(own + crls, context.certs)):
        verified: Verified = "the CA that issued the CRL is not on the path"
        if index is not None:
            signer = context.certs[index].public_key
            request = signed_request(crl.algorithm, signer, crl.tbs_der, crl.signature)
            verified = (await _verify_all({"crl": request}, verifier))["crl"]
        configured_for = environment.ca if environment is not None and position < len(own) else None
        matched.append(MatchedCRL(crl, index, verified, configured_for))
    return RevocationContext(context, tuple(matched), missing)


def _path_checks(context: PathContext, revocation: RevocationContext) -> tuple[CheckResult, ...]:
    return (
        *run_checks(PATH_CHECKS, context, group="path"),
        *run_checks(REVOCATION_CHECKS, revocation, group="revocation"),
        *run_checks(PROFILE_CHECKS, context, group="profile"),
    )


def _path_details(context: PathContext) -> dict[str, Any]:
    return {
        "path": [{"position": context.label(i), **describe(cert)} for i, cert in enumerate(context.certs)],
        "not_in_chain": [describe(cert) for cert in context.built.unused],
    }


async def _certificate_report(
    certs: tuple[Certificate, ...],
    crls: tuple[CRL, ...],
    *,
    selected: EnvironmentCA,
    envs: tuple[EnvironmentCA, ...],
    at: dt.datetime,
    policy: Policy,
    verifier: AsyncVerifier,
) -> Report:
    leaf, pool = certs[0], certs[1:]
    signatures: dict[tuple[bytes, bytes], Verified] = {}
    verify_link = _linker(verifier)
    paths: dict[str, PathContext] = {}
    for env in (selected, *(env for env in envs if env.id != selected.id)):
        paths[env.id] = await validate_path(
            leaf, pool, [env.ca], anchor_labels={env.ca.der: env.label}, mode="certificate", at=at,
            policy=policy, verify_link=verify_link, signatures=signatures,
        )
        if env is selected and paths[env.id].path.complete and paths[env.id].path.signed:
            break  # The other environments are only needed to name the one that did issue it.
    context = paths[selected.id]
    reaches: dict[str, bool | None] = {}
    reasons = []
    for env_id, found in paths.items():
        path = found.path
        unchecked = [link for link in path.links if link is not True and link is not False]
        reaches[env_id] = path.complete and (path.signed or (None if unchecked else False))
        reasons += [unverified_reason(link) for link in unchecked]
    environment = EnvironmentContext(leaf, selected, envs, reaches, reasons[0] if reasons else "")
    missing = f"No CRL is configured for {selected.label}"
    revocation = await _revocation(context, crls, missing, verifier, environment=selected)
    checks = (
        *run_checks(ENVIRONMENT_CHECKS, environment, group="environment"),
        *_path_checks(context, revocation),
        # Nuvy chose the certificate's subject, so a missing C, O or OU only warns here.
        *run_checks(subject_checks(required=False, what="certificate"), leaf, group="profile"),
    )
    issued_by = next((env_id for env_id, reached in reaches.items() if reached is True), None)
    details = {**describe(leaf), "environment": selected.id, "issued_by_environment": issued_by,
               **_path_details(context)}
    return Report(kind="certificate", checks=checks, details=details)


def _with_match(report: Report, cert: Certificate, request: CSR) -> Report:
    same = cert.public_key.spki_der == request.public_key.spki_der
    if same:
        result = CheckResult(
            "match.public_key", Status.PASS,
            "The certificate carries the public key of your CSR, so it pairs with the private key you "
            "kept (no need to open the key to check).",
            "Certificate matches the CSR",
            "match",
        )
    else:
        result = CheckResult(
            "match.public_key", Status.FAIL,
            f"The certificate's public key ({cert.public_key.describe()}, SHA-256 {cert.public_key.sha256}) "
            f"is not the CSR's ({request.public_key.describe()}, SHA-256 {request.public_key.sha256}). "
            "It was issued for another CSR: it will not work with your private key. Send Nuvy this CSR "
            "again, or find the certificate issued for it.",
            "Certificate matches the CSR",
            "match",
        )
    details: dict[str, Any] = {**report.details, "csr": describe_csr(request)}
    return Report(kind="match", checks=(result, *report.checks), details=details)


async def _csr_report(request: CSR, policy: Policy, verifier: AsyncVerifier) -> Report:
    # Imported on the first CSR: a certificate check, the browser's warm-up included, never needs it.
    from .csr_checks import CSR_CHECKS, CSRContext  # noqa: PLC0415

    built = signed_request(request.algorithm, request.public_key, request.info_der, request.signature)
    verified = (await _verify_all({"csr": built}, verifier))["csr"]
    context = CSRContext(csr=request, verified=verified, policy=policy)
    checks = run_checks(CSR_CHECKS, context, group="csr")
    return Report(kind="csr", checks=checks, details=describe_csr(request))


async def _chain_report(
    certs: tuple[Certificate, ...], crls: tuple[CRL, ...], at: dt.datetime, policy: Policy,
    verifier: AsyncVerifier,
) -> Report:
    """A partner chain (guide step 12): the trust anchor is a self-signed root given in the input."""
    leaf, pool = certs[0], certs[1:]
    signatures: dict[tuple[bytes, bytes], Verified] = {}
    verify_link = _linker(verifier)
    roots = []
    for cert in pool:
        # Only a self-signed certificate can be a root; a self-issued one with another key is a rollover.
        if cert.self_issued and (await verify_link(cert, cert)) is True:
            roots.append(cert)
    context = await validate_path(
        leaf, pool, roots, anchor_labels={}, mode="chain", at=at, policy=policy, verify_link=verify_link,
        signatures=signatures,
    )
    revocation = await _revocation(context, crls, "No CRL was given for the chain", verifier)
    path_details = _path_details(context)
    # A chain's path is listed once, under the name the page and the CLI have always shown it by.
    details: dict[str, Any] = {
        **describe(leaf),
        "certificates": path_details["path"],
        "not_in_chain": path_details["not_in_chain"],
    }
    bundle = "".join(pem(cert) for cert in context.certs[1:])
    return Report(kind="chain", checks=_path_checks(context, revocation), details=details,
                  bundle_pem=bundle or None)


def run_sync(coro: Coroutine[Any, Any, Report]) -> Report:
    """Drive a coroutine whose awaits never suspend (the CPython verifier) to its result."""
    try:
        coro.send(None)
    except StopIteration as stop:
        result: Report = stop.value
        return result
    coro.close()
    raise RuntimeError("the signature verifier suspended; use validate_async with an event loop")


def validate(
    data: bytes | str | Sequence[bytes | str],
    environments: Sequence[Environment],
    *,
    selected: str,
    at: dt.datetime,
    policy: Policy = Policy(),  # noqa: B008 - Policy is frozen, so a shared default is safe.
    csr: bytes | str | None = None,
) -> Report:
    return run_sync(
        validate_async(
            data, environments, selected=selected, at=at, policy=policy, csr=csr, verifier=default_verifier()
        )
    )
