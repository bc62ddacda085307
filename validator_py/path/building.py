"""Path building (RFC 4158's depth-first search with backtracking), bounded like rustls-webpki and Go.

Candidates for each issuer come from every certificate given and from the trust anchors, matched by name
(RFC 5280 §7.1) and, when both carry one, by AKI keyIdentifier = SKI. Each candidate whose signature
verifies is followed; a complete path that passes every path rule ends the search. When none does, the
search keeps the most useful failure: a complete path with the fewest failing rules, else the one that
got furthest. Every signature verification is cached per (child, parent) pair and counted against a
budget, and so is every step of the search, so hostile input ends in a clear message, never a hang.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from ..model import Certificate
from ..record import field, record
from ..runner import Verified


@record
class Budget:
    """Bounds on the work for one input (issue 12; rustls keeps the same kind of budget)."""

    max_certificates: int = 8  # per path, leaf and trust anchor included
    max_signatures: int = 64  # signature verifications per input, cached per (child, parent) pair
    max_steps: int = 512  # candidate issuers considered, over the whole search


@record
class Path:
    """A candidate path: ``certs[i]`` was (or was claimed to be) signed by ``certs[i + 1]``."""

    certs: tuple[Certificate, ...]  # leaf first
    links: tuple[Verified, ...]  # links[i]: did certs[i + 1]'s key make certs[i]'s signature?
    complete: bool  # the names chain from the leaf up to a trust anchor, which is certs[-1]

    @property
    def signed(self) -> bool:
        return all(link is True for link in self.links)


@record
class Built:
    path: Path  # the first valid path, or the most useful failure
    valid: bool  # every path rule passed on it
    unused: tuple[Certificate, ...]  # given certificates not on the path, duplicates counted once
    exhausted: str | None  # which bound stopped the search, as a sentence fragment
    anchors: tuple[Certificate, ...] = ()  # the trust anchors the search was given


VerifyLink = Callable[[Certificate, Certificate], Awaitable[Verified]]
CountFailures = Callable[[Path], int]


class BudgetExceededError(Exception):
    """Raised inside the search when a bound is reached; the search then reports what it had."""


@record(frozen=False)
class _Search:
    pool: tuple[Certificate, ...]
    anchors: tuple[Certificate, ...]
    verify_link: VerifyLink
    count_failures: CountFailures
    budget: Budget
    signatures: dict[tuple[bytes, bytes], Verified] = field(default_factory=dict)
    steps: int = 0
    best: tuple[tuple[int, ...], Path] | None = None
    found: Path | None = None
    too_long: bool = False

    async def link(self, child: Certificate, parent: Certificate) -> Verified:
        key = (child.der, parent.der)
        if key not in self.signatures:
            if len(self.signatures) >= self.budget.max_signatures:
                raise BudgetExceededError(
                    f"the search for a path stopped after {self.budget.max_signatures} signature checks"
                )
            self.signatures[key] = await self.verify_link(child, parent)
        return self.signatures[key]

    def candidates(self, child: Certificate, on_path: set[bytes]) -> list[Certificate]:
        """Issuers of ``child`` by name (RFC 5280 §7.1): anchors first, and within each, the ones whose SKI
        equals the child's AKI keyIdentifier, then those without an SKI, then the others. A mismatched
        AKI only orders the candidates, as in pyca/cryptography: the signature decides."""
        wanted = child.authority_key_id

        def rank(cert: Certificate) -> int:
            if not wanted or not cert.subject_key_id:
                return 1
            return 0 if cert.subject_key_id == wanted else 2

        found: dict[bytes, Certificate] = {}
        for cert in (*self.anchors, *self.pool):
            if cert.der not in on_path and cert.der not in found and cert.subject.key == child.issuer.key:
                found[cert.der] = cert
        anchors = {anchor.der for anchor in self.anchors}
        return sorted(found.values(), key=lambda cert: (cert.der not in anchors, rank(cert)))

    def consider(self, path: Path) -> None:
        failures = self.count_failures(path) if path.complete else 0
        verified = sum(1 for link in path.links if link is True)
        score = (int(path.complete), int(path.complete and path.signed), -failures, verified, len(path.certs))
        if self.best is None or score > self.best[0]:
            self.best = (score, path)
        if path.complete and path.signed and failures == 0:
            self.found = path

    async def extend(self, path: Path) -> None:
        top = path.certs[-1]
        self.consider(path)
        if self.found is not None or path.complete:
            return
        on_path = {cert.der for cert in path.certs}
        for parent in self.candidates(top, on_path):
            self.steps += 1
            if self.steps > self.budget.max_steps:
                raise BudgetExceededError(
                    f"the search for a path stopped after trying {self.budget.max_steps} candidate issuers"
                )
            if len(path.certs) >= self.budget.max_certificates:
                self.too_long = True
                return
            verified = await self.link(top, parent)
            longer = Path(
                (*path.certs, parent),
                (*path.links, verified),
                complete=any(parent is a for a in self.anchors),
            )
            if verified is True:
                await self.extend(longer)
            else:
                self.consider(longer)  # Kept only to explain the failure: the search does not follow it.
            if self.found is not None:
                return


async def build(
    leaf: Certificate,
    pool: Sequence[Certificate],
    anchors: Sequence[Certificate],
    *,
    verify_link: VerifyLink,
    count_failures: CountFailures,
    budget: Budget = Budget(),  # noqa: B008 - Budget is frozen, so a shared default is safe.
    signatures: dict[tuple[bytes, bytes], Verified] | None = None,
) -> Built:
    """Search for a path from ``leaf`` to one of ``anchors`` through ``pool``.

    ``signatures`` may be shared between searches on the same input (other environments), so a pair is
    verified once per input and the signature budget is the input's, not the search's.
    """
    unique = tuple({cert.der: cert for cert in pool if cert.der != leaf.der}.values())
    anchor_ders = {anchor.der for anchor in anchors}
    search = _Search(
        pool=tuple(cert for cert in unique if cert.der not in anchor_ders),
        anchors=tuple(anchors),
        verify_link=verify_link,
        count_failures=count_failures,
        budget=budget,
        signatures=signatures if signatures is not None else {},
    )
    exhausted = None
    start = Path((leaf,), (), complete=any(leaf is anchor for anchor in anchors))
    try:
        await search.extend(start)
    except BudgetExceededError as error:
        exhausted = str(error)
    chosen = search.found or (search.best[1] if search.best else start)
    if search.found is None and exhausted is None and search.too_long and not chosen.complete:
        exhausted = f"no path of at most {budget.max_certificates} certificates reaches a trusted CA"
    on_path = {cert.der for cert in chosen.certs}
    unused = tuple(cert for cert in unique if cert.der not in on_path)
    return Built(chosen, search.found is not None, unused, exhausted, tuple(anchors))
