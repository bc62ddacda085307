"""parse → collect signature requests → verify them through the seam → run the checks.

The sync front door drives the same coroutine as the async one. The CPython verifier never suspends,
so ``coro.send(None)`` runs it to completion without an event loop (which Pyodide's page would not give
us, and which a CLI does not need).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import chain as chain_mod
from ._compat import default_verifier
from .checks import CERTIFICATE_CHECKS, CertContext, EnvironmentCA
from .csr_checks import CSR_CHECKS, CSRContext
from .details import describe, describe_csr
from .inputs import InputError, split
from .model import CSR, Certificate, Parsed, parse, signed_request
from .policy import Policy
from .report import CheckResult, Report, Status
from .runner import Verified, run_checks
from .signatures import AsyncVerifier, SignatureRequest


@dataclass(frozen=True)
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
def _load_environment(env: Environment) -> EnvironmentCA:
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


def _classify(parsed: Parsed, envs: Sequence[EnvironmentCA]) -> tuple[str, tuple[Certificate, ...]]:
    """Decide the report kind and, for certificate/match, which certificate is the client's."""
    if parsed.crls:
        raise InputError(
            "unsupported",
            "The input is a CRL. Give a CRL with the environment (--crl on the command line) and paste "
            "the certificate to check.",
        )
    if len(parsed.csrs) > 1:
        raise InputError("unsupported", "The input holds several CSRs; check one CSR at a time.")
    # The same certificate pasted twice (e.g. the leaf and a bundle holding it) counts once.
    certs = tuple({cert.der: cert for cert in parsed.certificates}.values())
    ca_ders = {env.ca.der for env in envs}
    leaves = tuple(cert for cert in certs if cert.der not in ca_ders) if len(certs) > 1 else certs
    if parsed.csrs and not certs:
        return "csr", ()
    if len(leaves) == 1:
        return ("match" if parsed.csrs else "certificate"), leaves
    if parsed.csrs:
        raise InputError(
            "unsupported",
            "The input holds a CSR and several certificates. Check the CSR against one certificate, "
            "or check the chain on its own.",
        )
    return "chain", certs


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
    envs = tuple(_load_environment(env) for env in environments)
    kind, leaves = _classify(parsed, envs)
    if kind == "csr":
        return await _csr_report(parsed.csrs[0], policy, verifier)
    if kind == "chain":
        return await _chain_report(leaves, at, policy, verifier)
    chosen = next((env for env in envs if env.id == selected), None)
    if chosen is None:
        known = ", ".join(env.id for env in envs) or "none"
        raise ValueError(f"unknown environment {selected!r}; configured environments: {known}")
    report = await _certificate_report(
        leaves[0], selected=chosen, envs=envs, at=at, policy=policy, verifier=verifier
    )
    if kind == "match":
        return _with_match(report, leaves[0], parsed.csrs[0])
    return report


async def _certificate_report(
    cert: Certificate,
    *,
    selected: EnvironmentCA,
    envs: tuple[EnvironmentCA, ...],
    at: dt.datetime,
    policy: Policy,
    verifier: AsyncVerifier,
) -> Report:
    requests: dict[str, SignatureRequest | str] = {
        f"env:{env.id}": signed_request(cert.algorithm, env.ca.public_key, cert.tbs_der, cert.signature)
        for env in envs
    }
    if selected.crl is not None:
        crl = selected.crl
        requests["crl"] = signed_request(crl.algorithm, selected.ca.public_key, crl.tbs_der, crl.signature)
    verified = await _verify_all(requests, verifier)
    context = CertContext(
        cert=cert,
        selected=selected,
        environments=envs,
        issued_by={env.id: verified[f"env:{env.id}"] for env in envs},
        crl_verified=verified.get("crl"),
        at=at,
        policy=policy,
    )
    issued_by = next((env.id for env in envs if context.issued_by[env.id] is True), None)
    details = {**describe(cert), "environment": selected.id, "issued_by_environment": issued_by}
    return Report(kind="certificate", checks=run_checks(CERTIFICATE_CHECKS, context), details=details)


def _with_match(report: Report, cert: Certificate, request: CSR) -> Report:
    same = cert.public_key.spki_der == request.public_key.spki_der
    if same:
        result = CheckResult(
            "match.public_key", Status.PASS,
            "The certificate carries the public key of your CSR, so it pairs with the private key you "
            "kept (no need to open the key to check).",
            "Certificate matches the CSR",
        )
    else:
        result = CheckResult(
            "match.public_key", Status.FAIL,
            f"The certificate's public key ({cert.public_key.describe()}, SHA-256 {cert.public_key.sha256}) "
            f"is not the CSR's ({request.public_key.describe()}, SHA-256 {request.public_key.sha256}). "
            "It was issued for another CSR: it will not work with your private key. Send Nuvy this CSR "
            "again, or find the certificate issued for it.",
            "Certificate matches the CSR",
        )
    details: dict[str, Any] = {**report.details, "csr": describe_csr(request)}
    return Report(kind="match", checks=(result, *report.checks), details=details)


async def _csr_report(request: CSR, policy: Policy, verifier: AsyncVerifier) -> Report:
    built = signed_request(request.algorithm, request.public_key, request.info_der, request.signature)
    verified = (await _verify_all({"csr": built}, verifier))["csr"]
    context = CSRContext(csr=request, verified=verified, policy=policy)
    return Report(kind="csr", checks=run_checks(CSR_CHECKS, context), details=describe_csr(request))


async def _chain_report(
    certs: tuple[Certificate, ...], at: dt.datetime, policy: Policy, verifier: AsyncVerifier
) -> Report:
    ordered = chain_mod.order(certs)
    requests = chain_mod.link_requests(ordered.path)
    verified = await _verify_all({str(i): request for i, request in enumerate(requests)}, verifier)
    context = chain_mod.ChainContext(
        ordered=ordered, verified=tuple(verified[str(i)] for i in range(len(requests))), at=at, policy=policy
    )
    details: dict[str, Any] = {
        **describe(ordered.path[0]),
        "certificates": [
            {"position": chain_mod.position(ordered.path, i), **describe(cert)}
            for i, cert in enumerate(ordered.path)
        ],
        "not_in_chain": [describe(cert) for cert in ordered.extras],
    }
    return Report(
        kind="chain",
        checks=run_checks(chain_mod.CHAIN_CHECKS, context),
        details=details,
        bundle_pem=chain_mod.bundle(ordered) or None,
    )


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
