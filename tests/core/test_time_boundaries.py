"""Exact time boundaries: notBefore, notAfter, one second either side, the warn-days edge, fractions of a
second, and a CRL's thisUpdate and nextUpdate. Every other test checks whole days away from the clock, so
a grace period after notAfter or a ``<`` for ``<=`` would pass them all.
"""

from __future__ import annotations

import datetime as dt
import functools

import pytest

from tests import pki as mk
from validator_py import Environment, Policy, Report, Status, validate

P, W, F, NA = Status.PASS, Status.WARN, Status.FAIL, Status.NOT_APPLICABLE
SECOND = dt.timedelta(seconds=1)
HALF = dt.timedelta(microseconds=500_000)
START = dt.datetime(2026, 1, 10, 8, 30, 15, tzinfo=dt.UTC)
END = dt.datetime(2026, 9, 20, 17, 45, 30, tzinfo=dt.UTC)


@functools.cache
def _ca() -> mk.Issued:
    return mk.make_ca("Nuvy QA CA", key_slot=100)


@functools.cache
def _leaf() -> mk.Issued:
    return mk.make_client(_ca(), not_before=START, not_after=END)


def _check(at: dt.datetime, warn_days: int = 30, crl: str | None = None) -> Report:
    return validate(_leaf().pem, [Environment("qa", "QA", _ca().pem, crl)], selected="qa", at=at,
                    policy=Policy(warn_days=warn_days))


EXPIRED = (
    "The leaf certificate (client-name) expired on 2026-09-20 17:45 UTC (checked at {at}). Rotate: "
    "generate a new key and CSR and ask Nuvy for a new certificate (guide step 9)."
)
NOT_YET = (
    "The leaf certificate (client-name) is not valid yet: valid from 2026-01-10 08:30 UTC (checked at "
    "{at}). Check the clock of the machine, or wait until then."
)
VALID = (
    "Every certificate on the path is valid now; the leaf from 2026-01-10 08:30 UTC until "
    "2026-09-20 17:45 UTC."
)


@pytest.mark.parametrize(
    ("at", "status", "message"),
    [
        (START - SECOND, F, NOT_YET.format(at="2026-01-10 08:30 UTC")),
        (START - HALF, F, NOT_YET.format(at="2026-01-10 08:30 UTC")),
        (START, P, VALID),
        (START + HALF, P, VALID),
        (START + SECOND, P, VALID),
        (END - SECOND, P, VALID),
        (END, P, VALID),
        (END + HALF, P, VALID),  # certificates carry whole seconds: 17:45:30.5 is still 17:45:30
        (END + SECOND, F, EXPIRED.format(at="2026-09-20 17:45 UTC")),
        (END + dt.timedelta(hours=12), F, EXPIRED.format(at="2026-09-21 05:45 UTC")),
    ],
    ids=["nb-1s", "nb-0.5s", "nb", "nb+0.5s", "nb+1s", "na-1s", "na", "na+0.5s", "na+1s", "na+12h"],
)
def test_validity_boundaries(at: dt.datetime, status: Status, message: str) -> None:
    report = _check(at)
    result = report.check("validity.period")
    assert (result.status, result.message) == (status, message)
    assert report.check("path.build").status is P
    if status is F:
        assert report.verdict is F
        expiring = report.check("validity.expiring_soon")
        assert (expiring.status, expiring.message) == (
            NA, "Not applicable: the certificate is outside its validity period (see validity.period)."
        )


def test_a_time_in_another_zone_is_the_same_moment() -> None:
    zone = dt.timezone(dt.timedelta(hours=-3))
    assert _check((END + SECOND).astimezone(zone)).check("validity.period").status is F
    assert _check(END.astimezone(zone)).check("validity.period").status is P


WARN = (
    "Expires on 2026-09-20 17:45 UTC, in {days} days. Plan the rotation now: new key, new CSR, new signature "
    "by Nuvy, client update (guide step 9)."
)
CURRENT = "The CRL is current: issued 2026-05-01 06:00 UTC, next update 2026-05-08 06:00 UTC."


@pytest.mark.parametrize(
    ("before_end", "warn_days", "status", "message"),
    [
        (dt.timedelta(days=30), 30, W, WARN.format(days=30)),
        # 17:45:29.5 counts as 17:45:29, so one second more than 30 days is left.
        (dt.timedelta(days=30) + HALF, 30, P, "30 days left before it expires on 2026-09-20 17:45 UTC."),
        (dt.timedelta(days=30, seconds=1), 30, P, "30 days left before it expires on 2026-09-20 17:45 UTC."),
        (dt.timedelta(days=29, hours=23), 30, W, WARN.format(days=29)),
        (dt.timedelta(0), 30, W, WARN.format(days=0)),
        (dt.timedelta(0), 0, W, WARN.format(days=0)),
        (SECOND, 0, P, "0 days left before it expires on 2026-09-20 17:45 UTC."),
        (dt.timedelta(days=7), 7, W, WARN.format(days=7)),
        (dt.timedelta(days=7, seconds=1), 7, P, "7 days left before it expires on 2026-09-20 17:45 UTC."),
    ],
    ids=["30d", "30d+0.5s", "30d+1s", "29d23h", "0s", "0s-warn0", "1s-warn0", "7d", "7d+1s"],
)
def test_warn_days_edge(before_end: dt.timedelta, warn_days: int, status: Status, message: str) -> None:
    report = _check(END - before_end, warn_days=warn_days)
    result = report.check("validity.expiring_soon")
    assert (result.status, result.message) == (status, message)
    assert report.check("validity.period").status is P


def test_the_expiry_warning_starts_at_not_before() -> None:
    """At exactly notBefore the leaf is valid, so a warning horizon that reaches notAfter warns, as it does
    one second later; only before notBefore is it not applicable."""
    for at in (START, START + SECOND):
        result = _check(at, warn_days=300).check("validity.expiring_soon")
        assert (result.status, result.message) == (W, WARN.format(days=253))
    early = _check(START - SECOND, warn_days=300).check("validity.expiring_soon")
    assert (early.status, early.message) == (
        NA, "Not applicable: the certificate is outside its validity period (see validity.period)."
    )


def test_an_expired_intermediate_is_named_at_the_boundary() -> None:
    root = _ca()
    inter = mk.make_ca("Nuvy Issuing CA", parent=root, key_type="rsa2048", key_slot=171,
                       not_before=START, not_after=END)
    leaf = mk.make_client(inter, not_before=START, not_after=END + dt.timedelta(days=100))
    envs = [Environment("qa", "QA", root.pem)]
    data = mk.pem_bundle(leaf, inter)
    at_end = validate(data, envs, selected="qa", at=END).check("validity.period")
    assert at_end.status is P
    after = validate(data, envs, selected="qa", at=END + SECOND).check("validity.period")
    assert (after.status, after.message) == (
        F, "Intermediate certificate 1 (Nuvy Issuing CA) expired on 2026-09-20 17:45 UTC (checked at "
        "2026-09-20 17:45 UTC). Ask the CA that issued it for a current one."
    )
    expiring = validate(data, envs, selected="qa", at=END - dt.timedelta(days=30)).check(
        "validity.expiring_soon"
    )
    assert (expiring.status, expiring.message) == (
        W, "Intermediate certificate 1 (Nuvy Issuing CA) expires on 2026-09-20 17:45 UTC. Plan the renewal "
        "with the CA that issued it."
    )
    early = validate(data, envs, selected="qa", at=START - SECOND).check("validity.period")
    assert (early.status, early.message) == (
        F, "The leaf certificate (client-name) is not valid until 2026-01-10 08:30 UTC; intermediate "
        "certificate 1 (Nuvy Issuing CA) is not valid until 2026-01-10 08:30 UTC (checked at 2026-01-10 "
        "08:30 UTC). Ask the CA that issued it for a current one."
    )


THIS_UPDATE = dt.datetime(2026, 5, 1, 6, 0, 0, tzinfo=dt.UTC)
NEXT_UPDATE = dt.datetime(2026, 5, 8, 6, 0, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("at", "status", "message"),
    [
        (THIS_UPDATE - SECOND, F, "The CRL of the QA CA (qa) was issued on 2026-05-01 06:00 UTC, after the "
         "time of the check (2026-05-01 05:59 UTC); check the clock of the machine, or the CRL."),
        (THIS_UPDATE, P, CURRENT),
        (NEXT_UPDATE, P, CURRENT),
        (NEXT_UPDATE + HALF, P, CURRENT),
        (NEXT_UPDATE + SECOND, W, "The CRL of the QA CA (qa) is out of date since 2026-05-08 06:00 UTC "
         "(issued 2026-05-01 06:00 UTC): certificates revoked since then are not on it. Download the "
         "current CRL from the CA (for Nuvy, the Download page) and check again."),
    ],
    ids=["this-1s", "this", "next", "next+0.5s", "next+1s"],
)
def test_crl_date_boundaries(at: dt.datetime, status: Status, message: str) -> None:
    crl = mk.make_crl(_ca(), [], last_update=THIS_UPDATE, next_update=NEXT_UPDATE)
    report = _check(at, crl=crl.pem)
    result = report.check("revocation.crl_dates")
    assert (result.status, result.message) == (status, message)
    assert report.check("revocation.crl_signature").status is P
    assert report.check("revocation.status").status is P
