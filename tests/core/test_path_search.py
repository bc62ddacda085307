"""The path search itself (path/building.py), driven directly with a recording verifier: its budgets at their
exact edges, the order in which it tries candidate issuers, and which failure it keeps to explain.

The catalogue (path_cases.py) shows that a hostile input ends in a failure, but through ``validate()`` a
search that stopped at the wrong place, tried candidates in another order, or kept a less useful failure
still ends in a failure: issue 17's mutation run found all of these unasserted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

import pytest

from validator_py import Status, validate
from validator_py.model import Certificate, certificate
from validator_py.path.building import Budget, Built, Path, build
from validator_py.runner import Verified

from .pathkit import NOW, Cert, ec_key, make_ca, make_leaf


class Search:
    """Named certificates, a verifier that answers from a table and records every pair it is asked."""

    def __init__(self, **certs: Cert) -> None:
        self.certs = {name: certificate(cert.der) for name, cert in certs.items()}
        self.names = {cert.der: name for name, cert in self.certs.items()}
        self.asked: list[tuple[str, str]] = []

    def run(
        self,
        leaf: str,
        pool: Sequence[str],
        anchors: Sequence[str],
        *,
        budget: Budget = Budget(),  # noqa: B008 - Budget is frozen, so a shared default is safe.
        refuse: Sequence[str] = (),
        failures: Callable[[Path], int] = lambda _path: 0,
        signatures: dict[tuple[bytes, bytes], Verified] | None = None,
    ) -> Built:
        """Build from ``leaf``; every link verifies except those to a parent named in ``refuse``. ``asked``
        then holds the pairs this search verified (and only those: tests share the certificates, and run in
        any order)."""
        self.asked = []

        async def verify_link(child: Certificate, parent: Certificate) -> Verified:
            self.asked.append((self.names[child.der], self.names[parent.der]))
            return self.names[parent.der] not in refuse

        return asyncio.run(build(
            self.certs[leaf], [self.certs[name] for name in pool], [self.certs[name] for name in anchors],
            verify_link=verify_link, count_failures=failures, budget=budget, signatures=signatures,
        ))

    def path(self, built: Built) -> list[str]:
        return [self.names[cert.der] for cert in built.path.certs]


@pytest.fixture(scope="module")
def chain() -> Search:
    root = make_ca("Search Root", key=ec_key(4100))
    inter = make_ca("Search Issuing CA", root, key=ec_key(4101))
    return Search(root=root, inter=inter, leaf=make_leaf(inter, key=ec_key(4102)))


def test_exactly_the_signature_budget_is_enough(chain: Search) -> None:
    built = chain.run("leaf", ["inter"], ["root"], budget=Budget(max_signatures=2))
    assert (built.valid, built.exhausted, chain.path(built)) == (True, None, ["leaf", "inter", "root"])
    assert chain.asked == [("leaf", "inter"), ("inter", "root")]


@pytest.mark.parametrize("limit", [1, 0])
def test_one_signature_over_the_budget_stops_the_search(chain: Search, limit: int) -> None:
    built = chain.run("leaf", ["inter"], ["root"], budget=Budget(max_signatures=limit))
    assert (built.valid, built.exhausted) == (
        False, f"the search for a path stopped after {limit} signature checks"
    )
    assert len(chain.asked) == limit


def test_exactly_the_step_budget_is_enough(chain: Search) -> None:
    built = chain.run("leaf", ["inter"], ["root"], budget=Budget(max_steps=2))
    assert (built.valid, built.exhausted) == (True, None)
    stopped = chain.run("leaf", ["inter"], ["root"], budget=Budget(max_steps=1))
    assert (stopped.valid, stopped.exhausted) == (
        False, "the search for a path stopped after trying 1 candidate issuers"
    )
    assert chain.path(stopped) == ["leaf", "inter"]


def test_exactly_the_length_budget_is_enough(chain: Search) -> None:
    built = chain.run("leaf", ["inter"], ["root"], budget=Budget(max_certificates=3))
    assert (built.valid, built.exhausted) == (True, None)
    short = chain.run("leaf", ["inter"], ["root"], budget=Budget(max_certificates=2))
    assert (short.valid, short.exhausted, chain.path(short)) == (
        False, "no path of at most 2 certificates reaches a trusted CA", ["leaf", "inter"]
    )


def test_signatures_are_verified_once_per_input(chain: Search) -> None:
    """Searches of one input (one per environment) share the cache, so a pair is verified once."""
    shared: dict[tuple[bytes, bytes], Verified] = {}
    first = chain.run("leaf", ["inter"], ["root"], signatures=shared)
    assert (first.valid, chain.asked, len(shared)) == (True, [("leaf", "inter"), ("inter", "root")], 2)
    again = chain.run("leaf", ["inter"], ["root"], signatures=shared)
    assert (again.valid, chain.asked, len(shared)) == (True, [], 2)


def test_candidates_are_tried_anchors_first_then_by_key_identifier() -> None:
    """Issuers by name: anchors before given certificates, and within each, the SKI that equals the
    child's AKI first, then no SKI, then another SKI. Every link is refused, so every candidate is tried."""
    other = make_ca("Search Other Root", key=ec_key(4110))
    matching = make_ca("Search Twin CA", key=ec_key(4111))
    search = Search(
        leaf=make_leaf(matching, key=ec_key(4112)),  # AKI: the key of 4111
        anchor_other_ski=make_ca("Search Twin CA", key=ec_key(4113)),
        anchor_matching=matching,
        given_other_ski=make_ca("Search Twin CA", other, key=ec_key(4114)),
        given_no_ski=make_ca("Search Twin CA", other, key=ec_key(4115), ski=False),
        given_matching=make_ca("Search Twin CA", other, key=ec_key(4111)),
    )
    names = ["anchor_other_ski", "anchor_matching", "given_other_ski", "given_no_ski", "given_matching"]
    built = search.run("leaf", names[2:], names[:2], refuse=names)
    assert [parent for _child, parent in search.asked] == [
        "anchor_matching", "anchor_other_ski", "given_matching", "given_no_ski", "given_other_ski"
    ]
    assert built.valid is False


def test_a_verified_link_is_a_more_useful_failure_than_a_refused_one() -> None:
    """Two candidates of the leaf's issuer name: a decoy whose signature fails, tried first, and the real
    issuer, whose own issuer is missing. The real one explains more ("add its issuer")."""
    real = make_ca("Search Lost CA", make_ca("Search Missing Root", key=ec_key(4120)), key=ec_key(4121))
    search = Search(
        leaf=make_leaf(real, key=ec_key(4122), aki=False),  # No AKI: the candidates keep the order given.
        decoy=make_ca("Search Lost CA", key=ec_key(4123)),
        real=real,
        anchor=make_ca("Search Unrelated Root", key=ec_key(4124)),
    )
    built = search.run("leaf", ["decoy", "real"], ["anchor"], refuse=["decoy"])
    assert search.asked == [("leaf", "decoy"), ("leaf", "real")]
    assert (search.path(built), built.path.links, built.path.complete) == (["leaf", "real"], (True,), False)


def test_the_path_with_fewest_failures_is_kept_and_a_complete_path_ends_its_branch() -> None:
    """Two anchors of the issuer's name, both signing, with 2 and 1 failing rules: the one with 1 is kept.
    A complete path is not extended past its anchor, even though the other anchor could issue it."""
    first = make_ca("Search Pair CA", key=ec_key(4130))
    search = Search(
        leaf=make_leaf(first, key=ec_key(4131), aki=False),
        worse=first,
        better=make_ca("Search Pair CA", key=ec_key(4132)),
    )

    def failures(path: Path) -> int:
        return 2 if search.names[path.certs[-1].der] == "worse" else 1

    built = search.run("leaf", [], ["worse", "better"], failures=failures)
    assert search.asked == [("leaf", "worse"), ("leaf", "better")]
    assert (search.path(built), built.valid, built.exhausted) == (["leaf", "better"], False, None)


def test_of_equally_useful_failures_the_first_tried_is_kept() -> None:
    """Ties keep the first path in candidate order, so the same input always gets the same explanation."""
    first = make_ca("Search Tie CA", key=ec_key(4140))
    search = Search(
        leaf=make_leaf(first, key=ec_key(4141), aki=False),
        first=first,
        second=make_ca("Search Tie CA", key=ec_key(4142)),
    )
    built = search.run("leaf", [], ["first", "second"], failures=lambda _path: 1)
    assert search.asked == [("leaf", "first"), ("leaf", "second")]
    assert (search.path(built), built.valid) == (["leaf", "first"], False)


def test_validation_stops_at_the_first_path_that_passes_every_rule() -> None:
    """Through ``validate``: the leaf's issuer name has two certificates with one key, the first issued by the
    root, the second through one more CA. The first path passes every rule, so the search stops there, the
    longer path (more verified links) is never preferred, and its two certificates are reported unused."""
    root = make_ca("Search First Root", key=ec_key(4150))
    direct = make_ca("Search First CA", root, key=ec_key(4151))
    middle = make_ca("Search Middle CA", root, key=ec_key(4152))
    longer = make_ca("Search First CA", middle, key=ec_key(4151))
    leaf = make_leaf(direct, key=ec_key(4153))
    report = validate([leaf.pem, direct.pem, longer.pem, middle.pem, root.pem], [], selected="", at=NOW)
    wanted = ("path.build", "path.unused")
    found = [(check.status, check.message) for check in report.checks if check.id in wanted]
    assert found == [
        (Status.PASS, "The path reaches a trusted CA: the leaf certificate (client-name) → intermediate "
         "certificate 1 (Search First CA) → the root certificate (Search First Root)."),
        (Status.WARN, "2 certificate(s) given are not needed on the path: CN=Search First CA,O=Nuvy Test,"
         "C=BR; CN=Search Middle CA,O=Nuvy Test,C=BR. Leave them out of what you configure and send."),
    ]
