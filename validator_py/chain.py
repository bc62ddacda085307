"""Partner chains (guide step 12): order leaf → intermediates → root, check every link, build the bundle."""

from __future__ import annotations

import base64
import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Certificate, signed_request
from .policy import Policy
from .profile import PROFILE_CHECKS
from .runner import NA, Check, F, Outcome, P, Verified, W, day, unverified_reason
from .signatures import SignatureRequest

# The check the partner-certificates page teaches, with that page's file names.
VERIFY_CHAIN = (
    "`openssl verify -CAfile partner-root.crt -untrusted partner-intermediate.crt partner-client.crt`"
)


@dataclass(frozen=True)
class Ordered:
    """The input's certificates arranged as a path, with whatever did not fit on it."""

    path: tuple[Certificate, ...]  # leaf first, then each issuer found in the input
    extras: tuple[Certificate, ...]  # certificates that are not on the leaf's path
    in_input_order: bool


def order(certs: tuple[Certificate, ...]) -> Ordered:
    """Follow issuer names from the leaf upwards; the leaf is the certificate that issued no other."""
    issuers = {cert.issuer.key for cert in certs if not cert.self_issued}
    leaves = [cert for cert in certs if cert.subject.key not in issuers] or list(certs[:1])
    leaves.sort(key=lambda cert: bool(cert.is_ca))
    path = [leaves[0]]
    remaining = [cert for cert in certs if cert is not leaves[0]]
    while not path[-1].self_issued:
        parent = next((cert for cert in remaining if cert.subject.key == path[-1].issuer.key), None)
        if parent is None:
            break
        path.append(parent)
        remaining.remove(parent)
    return Ordered(tuple(path), tuple(remaining), tuple(path) == certs[: len(path)] and not remaining)


def link_requests(path: tuple[Certificate, ...]) -> list[SignatureRequest | str]:
    """One request per link (child signed by parent), plus the root's self-signature when present."""
    requests = [_request(child, parent) for child, parent in itertools.pairwise(path)]
    if path[-1].self_issued and len(path) > 1:
        requests.append(_request(path[-1], path[-1]))
    return requests


def _request(child: Certificate, parent: Certificate) -> SignatureRequest | str:
    return signed_request(child.algorithm, parent.public_key, child.tbs_der, child.signature)


def sentence(findings: Sequence[str]) -> str:
    """Per-certificate findings as one sentence, without its full stop, so each check adds its advice."""
    text = "; ".join(findings)
    return text[:1].upper() + text[1:]


def position(path: tuple[Certificate, ...], index: int) -> str:
    if index == 0:
        return "the leaf certificate"
    if index == len(path) - 1 and path[index].self_issued:
        return "the root certificate"
    return f"intermediate certificate {index}"


def pem(cert: Certificate) -> str:
    body = base64.b64encode(cert.der).decode()
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN CERTIFICATE-----\n{lines}\n-----END CERTIFICATE-----\n"


@dataclass(frozen=True)
class ChainContext:
    """Everything the chain checks read; ``cert`` is the leaf, so the shared profile checks apply to it."""

    ordered: Ordered
    verified: tuple[Verified, ...]  # aligned with link_requests(ordered.path)
    at: dt.datetime
    policy: Policy

    @property
    def path(self) -> tuple[Certificate, ...]:
        return self.ordered.path

    @property
    def cert(self) -> Certificate:
        return self.ordered.path[0]

    def name(self, index: int) -> str:
        cn = self.path[index].subject.get("CN")
        label = position(self.path, index)
        return f"{label} ({cn[0]})" if cn else label


def _order(context: ChainContext) -> Outcome:
    ordered = context.ordered
    if ordered.extras:
        strays = ", ".join(str(cert.subject) for cert in ordered.extras)
        return F, (
            f"Some certificates are not part of the leaf's chain: {strays}. Send only the client "
            "certificate and the CAs that issued it."
        )
    sequence = " → ".join(context.name(i) for i in range(len(context.path)))
    if ordered.in_input_order:
        return P, f"The chain is in order: {sequence}."
    return P, f"The certificates were given in another order; ordered as {sequence}."


def _links(context: ChainContext) -> Outcome:
    problems = []
    for index, verified in enumerate(context.verified):
        if verified is True:
            continue
        parent = min(index + 1, len(context.path) - 1)
        signer = "its own key" if parent == index else f"the key of {context.name(parent)}"
        problems.append(
            f"the signature of {context.name(index)} could not be verified with {signer} "
            f"({unverified_reason(verified)})"
        )
    if problems:
        return F, (
            sentence(problems) + ". That link is broken: the chain will not be trusted. Ask your "
            f"partner for the certificate that really issued it, then confirm with {VERIFY_CHAIN}."
        )
    if not context.verified:
        return F, "No link could be checked: no certificate in the input issued the leaf."
    return P, f"All {len(context.verified)} signatures in the chain verify."


def _complete(context: ChainContext) -> Outcome:
    top = context.path[-1]
    if top.self_issued and len(context.path) > 1:
        return P, f"The chain ends at a self-signed root: {top.subject}."
    if len(context.path) == 1:
        return F, (
            f"Nothing in the input issued the leaf certificate; its issuer {top.issuer} is missing. "
            "Add the intermediate and root CA certificates of your partner."
        )
    return F, (
        f"The chain stops at {context.name(len(context.path) - 1)}, issued by {top.issuer}, whose "
        "certificate is missing. Add that intermediate or root certificate to the chain."
    )


def _intermediates_ca(context: ChainContext) -> Outcome:
    bad = []
    for index, cert in enumerate(context.path[1:], start=1):
        if not cert.is_ca:
            bad.append(f"{context.name(index)} is not a CA (no basicConstraints CA:TRUE)")
        elif cert.key_usage is not None and "key_cert_sign" not in cert.key_usage:
            bad.append(f"{context.name(index)} may not sign certificates (Key Usage lacks keyCertSign)")
    if bad:
        return F, (
            sentence(bad) + ". Servers reject chains through such certificates. Ask your partner "
            "for their issuing CA certificates (basicConstraints CA:TRUE, Key Usage keyCertSign)."
        )
    if len(context.path) == 1:
        return NA, "There is no issuer certificate in the input."
    return P, "Every issuer in the chain is a CA allowed to sign certificates."


def _validity(context: ChainContext) -> Outcome:
    expired, soon = [], []
    for index, cert in enumerate(context.path):
        if context.at < cert.not_before:
            expired.append(f"{context.name(index)} is not valid until {day(cert.not_before)}")
        elif context.at > cert.not_after:
            expired.append(f"{context.name(index)} expired on {day(cert.not_after)}")
        elif cert.not_after - context.at <= dt.timedelta(days=context.policy.warn_days):
            soon.append(f"{context.name(index)} expires on {day(cert.not_after)}")
    if expired:
        checked = f" (checked at {day(context.at)}). Renew it with your partner."
        return F, sentence(expired) + checked
    if soon:
        return W, sentence(soon) + ". Plan the renewal and send Nuvy the new chain."
    return P, "Every certificate in the chain is valid now."


def _path_length(context: ChainContext) -> Outcome:
    problems = []
    for index, cert in enumerate(context.path[1:], start=1):
        if cert.path_length is None:
            continue
        below = sum(1 for inner in context.path[1:index] if not inner.self_issued)
        if below > cert.path_length:
            problems.append(
                f"{context.name(index)} allows {cert.path_length} intermediate(s) below it "
                f"(pathLenConstraint) but the chain has {below}"
            )
    if problems:
        return F, (
            sentence(problems) + ". Validators will reject this chain. Ask your partner for a "
            "chain that respects the constraint."
        )
    return P, "No path length constraint is exceeded."


CHAIN_CHECKS: list[Check[ChainContext]] = [
    Check("chain.order", "Chain order", _order),
    Check("chain.link_signatures", "Every link's signature", _links),
    Check("chain.complete", "Chain complete up to a root", _complete),
    Check("chain.intermediates_are_ca", "Issuers are CAs", _intermediates_ca),
    Check("chain.validity", "Every certificate valid", _validity),
    Check("chain.path_length", "Path length constraints", _path_length),
    # The leaf of a partner chain must meet the same client profile as a certificate Nuvy issues.
    *PROFILE_CHECKS,
]


def bundle(ordered: Ordered) -> str:
    """The CA certificates to send to Nuvy (step 12): every certificate above the leaf, in order."""
    return "".join(pem(cert) for cert in ordered.path[1:])
