"""The catalogue of path-validation cases (issue 12): one or more per RFC 5280 rule and per path-building
situation.

Every case is generated at test time from ``pathkit`` (no committed keys or certificates). ``expect_ok`` is
the structural verdict RFC 5280 (and the validator's contract in ARCHITECTURE.md / issue 12) gives; where
pyca or openssl says otherwise the case is listed in ``path_known_differences.json`` with the section that
decides.

``check_id`` / ``expect_status`` is the one check the case is about; ``culprits`` are CNs of which at least
one must appear in that check's message when it is not PASS (the certificate the finding is about; more
than one where either certificate can fairly be named, e.g. the CA whose pathLen is exceeded or the CA
below it).
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from asn1crypto import core
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests import pki
from validator_py import Status

from .pathkit import (
    CA_KEY_USAGE,
    DAY,
    NOW,
    OID,
    SECOND,
    UNKNOWN_OID,
    Built,
    Cert,
    Mode,
    Revoked,
    ca_name,
    corrupt_signature,
    duplicate_extension,
    ec_key,
    linear,
    make_ca,
    make_cert,
    make_crl,
    make_leaf,
    make_v1,
    replace_extension,
    resign,
    serial_of,
    set_serial,
    tlv,
    validity_written,
)

P, W, F, NA = Status.PASS, Status.WARN, Status.FAIL, Status.NOT_APPLICABLE


@dataclass(frozen=True)
class PathCase:
    name: str
    rule: str  # the RFC 5280 section (or contract rule) the case exercises
    build: Callable[[], Built]
    expect_ok: bool  # structural verdict: no "path"-group check fails
    check_id: str | None
    expect_status: Status | None
    mode: Mode
    notes: str = ""
    culprits: tuple[str, ...] = ()

    @property
    def is_crl_case(self) -> bool:
        return self.check_id is not None and self.check_id.startswith("revocation.")

    @property
    def accept_with_revocation(self) -> bool:
        """What a relying party that checks the CRL too concludes (compared with openssl ``-crl_check``)."""
        return self.expect_ok and not (self.is_crl_case and self.expect_status is F)

    def built(self) -> Built:
        return _built(self.name)


CASES: list[PathCase] = []
_BUILDERS: dict[str, Callable[[], Built]] = {}


@functools.cache
def _built(name: str) -> Built:
    return _BUILDERS[name]()


def case(
    name: str,
    rule: str,
    *,
    ok: bool,
    check: str | None,
    status: Status | None,
    mode: Mode = "chain",
    culprits: Sequence[str] = (),
    notes: str = "",
) -> Callable[[Callable[[], Built]], Callable[[], Built]]:
    def register(build: Callable[[], Built]) -> Callable[[], Built]:
        assert name not in _BUILDERS, name
        _BUILDERS[name] = build
        CASES.append(PathCase(name, rule, build, ok, check, status, mode, notes, tuple(culprits)))
        return build

    return register


def chain_mode(
    leaf: Cert,
    intermediates: Sequence[Cert],
    root: Cert | None,
    *,
    extras: Sequence[Cert] = (),
    order: Sequence[int] = (),
    crl: str | None = None,
) -> Built:
    """A partner chain: leaf, intermediates, root, extras (permuted by ``order``), the root as anchor."""
    items = [leaf, *intermediates, *([root] if root else []), *extras]
    given = tuple(items[i] for i in order) if order else tuple(items)
    return Built(leaf=leaf, given=given, anchor=root, crl=crl, extras=tuple(extras))


def cert_mode(
    leaf: Cert,
    intermediates: Sequence[Cert],
    anchor: Cert,
    *,
    extras: Sequence[Cert] = (),
    order: Sequence[int] = (),
    crl: str | None = None,
) -> Built:
    """A certificate checked against an environment: ``anchor`` is the environment CA, not in the data."""
    items = [leaf, *intermediates, *extras]
    given = tuple(items[i] for i in order) if order else tuple(items)
    return Built(leaf=leaf, given=given, anchor=anchor, crl=crl, extras=tuple(extras))


# Shared, well-formed material. Cached: every case that only needs "a good chain" reuses one.
@functools.cache
def partner() -> tuple[Cert, Cert, Cert]:
    root = make_ca("Partner Root")
    inter = make_ca("Partner Issuing CA", root)
    return root, inter, make_leaf(inter)


def under_partner_root(name: str, **options: object) -> Built:
    """The commonest case: one intermediate, made with ``options``, between the partner root and a leaf."""
    root = partner()[0]
    inter = make_ca(name, root, **options)
    return chain_mode(make_leaf(inter), [inter], root)


@functools.cache
def environment_ca() -> Cert:
    return make_ca("Nuvy QA Path CA")


def unknown(critical_value: bytes = b"\x05\x00") -> x509.UnrecognizedExtension:
    return x509.UnrecognizedExtension(UNKNOWN_OID, critical_value)


def nc(
    permitted: Sequence[x509.GeneralName] | None = None, excluded: Sequence[x509.GeneralName] | None = None
) -> x509.NameConstraints:
    return x509.NameConstraints(
        permitted_subtrees=list(permitted) if permitted else None,
        excluded_subtrees=list(excluded) if excluded else None,
    )


# ----------------------------------------------------------------------------------------------------
# Path building (§6.1, §7.1 name chaining; the portal's budget)


@case("build-ok-certificate-mode", "§6.1.3(a)(4)", ok=True, check="path.build", status=P, mode="certificate")
def _() -> Built:
    anchor = environment_ca()
    return cert_mode(make_leaf(anchor), [], anchor)


@case(
    "build-ok-certificate-mode-intermediate",
    "§6.1.3(a)(4)",
    ok=True,
    check="path.build",
    status=P,
    mode="certificate",
)
def _() -> Built:
    anchor = environment_ca()
    inter = make_ca("QA Issuing CA", anchor)
    return cert_mode(make_leaf(inter), [inter], anchor)


@case("build-ok-chain-mode", "§6.1.3(a)(4)", ok=True, check="path.build", status=P)
def _() -> Built:
    root, inter, leaf = partner()
    return chain_mode(leaf, [inter], root)


@case("build-shuffled-chain", "§6.1 (input order is not path order)", ok=True, check="path.build", status=P)
def _() -> Built:
    root, inters, leaf = linear(3, prefix="Shuffled")
    # Given as: CA 2, root, leaf, CA 3, CA 1.
    return chain_mode(leaf, inters, root, order=(2, 4, 0, 3, 1))


@case("build-shuffled-certificate", "§6.1", ok=True, check="path.build", status=P, mode="certificate")
def _() -> Built:
    anchor = environment_ca()
    one = make_ca("QA Shuffled CA 1", anchor)
    two = make_ca("QA Shuffled CA 2", one)
    return cert_mode(make_leaf(two), [one, two], anchor, order=(1, 0, 2))


@case(
    "build-extra-unrelated",
    "§6.1 (certificates not on the path)",
    ok=True,
    check="path.unused",
    status=W,
    culprits=("Unrelated Extra CA",),
    notes="an unrelated certificate is reported, the path is still valid",
)
def _() -> Built:
    root, inter, leaf = partner()
    extra = make_ca("Unrelated Extra CA", make_ca("Unrelated Root"))
    return chain_mode(leaf, [inter], root, extras=[extra])


@case(
    "build-extra-unrelated-twice",
    "§6.1",
    ok=True,
    check="path.unused",
    status=W,
    culprits=("Twice Extra CA",),
    notes="a duplicated unused certificate counts once",
)
def _() -> Built:
    root, inter, leaf = partner()
    extra = make_ca("Twice Extra CA", make_ca("Twice Root"))
    return chain_mode(leaf, [inter], root, extras=[extra, extra])


@case(
    "build-duplicate-intermediate",
    "§6.1",
    ok=True,
    check="path.build",
    status=P,
    notes="the same intermediate given twice",
)
def _() -> Built:
    root, inter, leaf = partner()
    return chain_mode(leaf, [inter, inter], root)


@case(
    "build-missing-intermediate",
    "§6.1.3(a)(4)",
    ok=False,
    check="path.build",
    status=F,
    culprits=("gap-client",),
)
def _() -> Built:
    root = make_ca("Gap Root")
    inter = make_ca("Gap Issuing CA", root)
    return chain_mode(make_leaf(inter, "gap-client"), [], root)


@case(
    "build-no-root",
    "§6.1.1(d) (no trust anchor)",
    ok=False,
    check="path.build",
    status=F,
    culprits=("rootless-client", "Rootless Issuing CA"),
)
def _() -> Built:
    inter = make_ca("Rootless Issuing CA", make_ca("Rootless Root"))
    return chain_mode(make_leaf(inter, "rootless-client"), [inter], None)


@case(
    "build-wrong-environment",
    "§6.1.3(a)(4)",
    ok=False,
    check="path.build",
    status=F,
    mode="certificate",
    culprits=("stranger-client",),
)
def _() -> Built:
    return cert_mode(make_leaf(make_ca("Stranger CA"), "stranger-client"), [], environment_ca())


def _twins(root: Cert) -> tuple[Cert, Cert, Cert]:
    """Three CAs named "Twin Issuing CA": expired (right key), valid (wrong key), valid (right key)."""
    good = make_ca("Twin Issuing CA", root)
    expired = make_cert(
        "Twin Issuing CA", issuer=root, key=good.key, ca=True, ku=CA_KEY_USAGE, not_after=NOW - DAY
    )
    wrong = make_cert("Twin Issuing CA", issuer=root, key=ec_key(901), ca=True, ku=CA_KEY_USAGE)
    return expired, wrong, good


@case(
    "build-twin-issuers",
    "§6.1 / RFC 4158 (backtracking over same-named candidates)",
    ok=True,
    check="path.build",
    status=P,
    notes="expired and wrong-key candidates come first; the third is good",
)
def _() -> Built:
    root = make_ca("Twin Root")
    expired, wrong, good = _twins(root)
    return chain_mode(make_leaf(good, "twin-client"), [expired, wrong, good], root)


@case(
    "build-twin-issuers-certificate-mode",
    "§6.1 / RFC 4158",
    ok=True,
    check="path.build",
    status=P,
    mode="certificate",
)
def _() -> Built:
    anchor = environment_ca()
    expired, wrong, good = _twins(anchor)
    return cert_mode(make_leaf(good, "twin-client"), [wrong, expired, good], anchor)


def _rollover() -> tuple[Cert, Cert, Cert, Cert]:
    """Old root (key 1) -> NewWithOld (same name, key 2, self-issued) -> issuing CA -> leaf."""
    old = make_ca("Rollover Root")
    new_with_old = make_cert("Rollover Root", issuer=old, key=ec_key(778), ca=True, ku=CA_KEY_USAGE)
    issuing = make_ca("Rollover Issuing CA", new_with_old)
    return old, new_with_old, issuing, make_leaf(issuing, "rollover-client")


@case(
    "build-key-rollover",
    "§6.1.4 self-issued certificates, §3.3 key rollover",
    ok=True,
    check="path.build",
    status=P,
    mode="certificate",
)
def _() -> Built:
    old, new_with_old, issuing, leaf = _rollover()
    return cert_mode(leaf, [issuing, new_with_old], old)


@case("build-key-rollover-chain", "§6.1.4 self-issued certificates", ok=True, check="path.build", status=P)
def _() -> Built:
    old, new_with_old, issuing, leaf = _rollover()
    return chain_mode(leaf, [new_with_old, issuing], old)


def _cross() -> tuple[Cert, Cert, Cert, Cert, Cert]:
    """Root A cross-signs root B's key; B's issuing CA issues the leaf."""
    root_a, root_b = make_ca("Cross Root A"), make_ca("Cross Root B")
    cross = make_cert("Cross Root B", issuer=root_a, key=root_b.key, ca=True, ku=CA_KEY_USAGE)
    issuing = make_ca("Cross Issuing CA", root_b)
    return root_a, root_b, cross, issuing, make_leaf(issuing, "cross-client")


@case(
    "build-cross-signed", "§6.1 cross-certificates", ok=True, check="path.build", status=P, mode="certificate"
)
def _() -> Built:
    root_a, _root_b, cross, issuing, leaf = _cross()
    return cert_mode(leaf, [issuing, cross], root_a)


@case(
    "build-cross-signed-with-untrusted-root",
    "§6.1 cross-certificates",
    ok=True,
    check="path.build",
    status=P,
    mode="certificate",
    notes="B's self-signed root is in the data but only A is trusted",
)
def _() -> Built:
    root_a, root_b, cross, issuing, leaf = _cross()
    return cert_mode(leaf, [root_b, issuing, cross], root_a)


@case("build-depth-8", "portal budget: 8 certificates per path", ok=True, check="path.build", status=P)
def _() -> Built:
    root, inters, leaf = linear(6, prefix="Deep8")
    return chain_mode(leaf, inters, root)


@case(
    "build-depth-8-certificate-mode",
    "portal budget",
    ok=True,
    check="path.build",
    status=P,
    mode="certificate",
)
def _() -> Built:
    anchor = environment_ca()
    parent, inters = anchor, []
    for level in range(1, 7):
        parent = make_ca(f"QA Deep CA {level}", parent)
        inters.append(parent)
    return cert_mode(make_leaf(parent, "deep-client"), inters, anchor)


@case(
    "build-depth-9",
    "portal budget: 9 certificates",
    ok=False,
    check="path.build",
    status=F,
    notes="RFC 5280 sets no bound; the portal does (issue 12). No single certificate is at fault, so the "
    "message is not checked for a CN",
)
def _() -> Built:
    root, inters, leaf = linear(7, prefix="Deep9", leaf_cn="deep9-client")
    return chain_mode(leaf, inters, root)


@case(
    "build-many-decoys",
    "§6.1 / RFC 4158",
    ok=True,
    check="path.build",
    status=P,
    mode="certificate",
    notes="seven same-named wrong-key candidates before the good one",
)
def _() -> Built:
    anchor = environment_ca()
    good = make_ca("Decoy Issuing CA", anchor)
    decoys = [
        make_cert("Decoy Issuing CA", issuer=anchor, key=ec_key(3000 + k), ca=True, ku=CA_KEY_USAGE)
        for k in range(7)
    ]
    return cert_mode(make_leaf(good, "decoy-client"), [*decoys, good], anchor)


@case(
    "build-pathological-loop",
    "portal budget: 64 signature verifications",
    ok=False,
    check="path.build",
    status=F,
    mode="certificate",
    culprits=("loop-client",),
    notes="eight self-issued 'Loop CA' certificates under two keys that sign each other, and an anchor "
    "of the "
    "same name under a third key: exponentially many candidate paths, none valid; must be answered",
)
def _() -> Built:
    anchor = make_ca("Loop CA", key=ec_key(2000))
    keys = [ec_key(2001), ec_key(2002)]
    loop = [
        make_cert(
            "Loop CA",
            issuer=None,
            issuer_name=ca_name("Loop CA"),
            key=keys[k % 2],
            signing_key=keys[(k + 1) % 2],
            ca=True,
            ku=CA_KEY_USAGE,
            aki=False,
        )
        for k in range(8)
    ]
    return cert_mode(make_leaf(loop[0], "loop-client"), loop, anchor)


# ----------------------------------------------------------------------------------------------------
# Validity (§4.1.2.5, §6.1.3(a)(2)): whole seconds, both ends inclusive


@case("validity-leaf-not-after-now", "§4.1.2.5 (inclusive)", ok=True, check="validity.period", status=P)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(make_leaf(inter, "edge-client", not_after=NOW), [inter], root)


@case(
    "validity-leaf-expired-one-second",
    "§6.1.3(a)(2)",
    ok=False,
    check="validity.period",
    status=F,
    culprits=("expired-client",),
)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(make_leaf(inter, "expired-client", not_after=NOW - SECOND), [inter], root)


@case("validity-leaf-not-before-now", "§4.1.2.5 (inclusive)", ok=True, check="validity.period", status=P)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(make_leaf(inter, "fresh-client", not_before=NOW), [inter], root)


@case(
    "validity-leaf-not-yet-valid-one-second",
    "§6.1.3(a)(2)",
    ok=False,
    check="validity.period",
    status=F,
    culprits=("early-client",),
)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(make_leaf(inter, "early-client", not_before=NOW + SECOND), [inter], root)


@case(
    "validity-intermediate-expired",
    "§6.1.3(a)(2)",
    ok=False,
    check="validity.period",
    status=F,
    culprits=("Expired Issuing CA",),
)
def _() -> Built:
    return under_partner_root("Expired Issuing CA", not_after=NOW - SECOND)


@case(
    "validity-intermediate-not-after-now", "§4.1.2.5 (inclusive)", ok=True, check="validity.period", status=P
)
def _() -> Built:
    root = partner()[0]
    inter = make_ca("Last Second Issuing CA", root, not_after=NOW)
    return chain_mode(make_leaf(inter, not_after=NOW), [inter], root)


@case(
    "validity-environment-ca-expired",
    "contract: the anchor is checked too",
    ok=False,
    check="validity.period",
    status=F,
    mode="certificate",
    culprits=("Expired Environment CA", "QA CA"),
    notes="RFC 5280 §6.1.1(d) makes the anchor an input; the contract and both oracles check its dates",
)
def _() -> Built:
    anchor = make_ca("Expired Environment CA", not_after=NOW - SECOND)
    return cert_mode(make_leaf(anchor), [], anchor)


@case(
    "validity-root-not-yet-valid",
    "contract: the anchor is checked too",
    ok=False,
    check="validity.period",
    status=F,
    culprits=("Future Root",),
)
def _() -> Built:
    root = make_ca("Future Root", not_before=NOW + SECOND)
    inter = make_ca("Future Issuing CA", root, not_before=NOW - DAY)
    return chain_mode(make_leaf(inter), [inter], root)


# ----------------------------------------------------------------------------------------------------
# Signatures (§6.1.3(a)(1))


@case(
    "signature-leaf-wrong-key",
    "§6.1.3(a)(1)",
    ok=False,
    check="signature.valid",
    status=F,
    culprits=("forged-client", "Partner Issuing CA"),
)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(make_leaf(inter, "forged-client", signing_key=ec_key(4242)), [inter], root)


@case(
    "signature-leaf-corrupted",
    "§6.1.3(a)(1)",
    ok=False,
    check="signature.valid",
    status=F,
    culprits=("corrupt-client", "Partner Issuing CA"),
)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(corrupt_signature(make_leaf(inter, "corrupt-client")), [inter], root)


@case(
    "signature-intermediate-corrupted",
    "§6.1.3(a)(1)",
    ok=False,
    check="signature.valid",
    status=F,
    culprits=("Corrupt Issuing CA",),
)
def _() -> Built:
    root = partner()[0]
    inter = make_ca("Corrupt Issuing CA", root)
    return chain_mode(make_leaf(inter), [corrupt_signature(inter)], root)


# ----------------------------------------------------------------------------------------------------
# Issuer version, basicConstraints, keyCertSign, issuer subject


@case(
    "issuer-v1-intermediate",
    "§6.1.4(k)",
    ok=False,
    check="path.issuer_v3",
    status=F,
    culprits=("Version One CA",),
)
def _() -> Built:
    root = partner()[0]
    inter = resign(make_ca("Version One CA", root), root.key, make_v1)
    return chain_mode(make_leaf(inter), [inter], root)


@case(
    "time-offset-intermediate",
    "§4.1.2.5.1 (UTCTime MUST be in Zulu and include seconds)",
    ok=False,
    check="path.time_encoding",
    status=F,
    culprits=("Offset Time CA",),
    notes="an offset (+0100) instead of Z: pyca cannot load it, openssl reports a format error in notAfter",
)
def _() -> Built:
    root = partner()[0]
    offset = validity_written(not_after=tlv(0x17, b"350101000000+0100"))
    good = make_ca("Offset Time CA", root)
    leaf = make_leaf(good)  # before the edit: pathkit reads the issuer with pyca, which cannot load it after
    return chain_mode(leaf, [resign(good, root.key, offset)], root)


@case(
    "time-no-seconds-leaf",
    "§4.1.2.5.1 (UTCTime MUST include seconds)",
    ok=False,
    check="path.time_encoding",
    status=F,
    culprits=("client-name",),
    notes="notBefore without seconds: pyca cannot load it, openssl reports a format error in notBefore",
)
def _() -> Built:
    root, inter, _ = partner()
    leaf = resign(make_leaf(inter), inter.key, validity_written(not_before=tlv(0x17, b"2501010000Z")))
    return chain_mode(leaf, [inter], root)


@case(
    "leaf-v1",
    "§4.2.1.1 (no AKI: a v1 certificate cannot carry one; pyca refuses it)",
    ok=False,
    check=None,
    status=None,
    notes="§6.1.4(k) checks the version of intermediates only, but a v1 end entity cannot carry the "
    "AKI that §4.2.1.1 requires and pyca insists on (the same rule as aki-missing-leaf)",
)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(resign(make_leaf(inter, "v1-client"), inter.key, make_v1), [inter], root)


@case(
    "bc-intermediate-missing",
    "§6.1.4(k)",
    ok=False,
    check="path.basic_constraints",
    status=F,
    culprits=("No Constraints CA",),
)
def _() -> Built:
    return under_partner_root("No Constraints CA", ca=None)


@case(
    "bc-intermediate-not-critical",
    "§4.2.1.9 (MUST be critical in CA certificates)",
    ok=False,
    check="path.basic_constraints",
    status=F,
    culprits=("Lax Constraints CA",),
)
def _() -> Built:
    return under_partner_root("Lax Constraints CA", bc_critical=False)


@case(
    "bc-intermediate-ca-false",
    "§6.1.4(k)",
    ok=False,
    check="path.basic_constraints",
    status=F,
    culprits=("Not A CA",),
)
def _() -> Built:
    return under_partner_root("Not A CA", ca=False)


@case(
    "bc-root-missing",
    "§4.2.1.9 (contract: every issuer)",
    ok=False,
    check="path.basic_constraints",
    status=F,
    culprits=("Unconstrained Root",),
)
def _() -> Built:
    root = make_ca("Unconstrained Root", ca=None)
    inter = make_ca("Unconstrained Issuing CA", root)
    return chain_mode(make_leaf(inter), [inter], root)


@case("bc-leaf-absent", "§4.2.1.9 (optional in end entities)", ok=True, check="path.leaf_purpose", status=P)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(make_leaf(inter, ca=None), [inter], root)


@case(
    "kcs-intermediate-without",
    "§6.1.4(n)",
    ok=False,
    check="path.key_cert_sign",
    status=F,
    culprits=("No Cert Sign CA",),
)
def _() -> Built:
    return under_partner_root("No Cert Sign CA", ku={"digital_signature": True, "crl_sign": True})


@case(
    "kcs-intermediate-no-key-usage",
    "§4.2.1.3 (a CA MUST include keyUsage)",
    ok=False,
    check="path.key_cert_sign",
    status=F,
    notes="§6.1.4(n) alone would only check keyCertSign when keyUsage is present, but §4.2.1.3 makes it a "
    "MUST for CAs, and pyca/cryptography and openssl -x509_strict both refuse it",
    culprits=("No Key Usage CA",),
)
def _() -> Built:
    return under_partner_root("No Key Usage CA", ku=None)


@case(
    "kcs-root-without",
    "§4.2.1.3 (contract: every issuer)",
    ok=False,
    check="path.key_cert_sign",
    status=F,
    culprits=("No Cert Sign Root",),
)
def _() -> Built:
    root = make_ca("No Cert Sign Root", ku={"digital_signature": True, "crl_sign": True})
    inter = make_ca("Below No Cert Sign CA", root)
    return chain_mode(make_leaf(inter), [inter], root)


@case(
    "issuer-empty-subject",
    "§4.1.2.6 (a CA's subject is non-empty), §4.1.2.4",
    ok=False,
    check="path.issuer_subject",
    status=F,
    notes="the offending CA has no CN to name, so the message is not checked for one",
)
def _() -> Built:
    root = partner()[0]
    inter = make_cert("", issuer=root, subject=x509.Name([]), key=ec_key(999), ca=True, ku=CA_KEY_USAGE)
    return chain_mode(make_leaf(inter, "orphan-client"), [inter], root)


# ----------------------------------------------------------------------------------------------------
# Path length (§4.2.1.9, §6.1.4(l)(m))


@case("pathlen-zero-at-limit", "§6.1.4(l)(m)", ok=True, check="path.path_length", status=P)
def _() -> Built:
    return under_partner_root("Zero Length CA", path_length=0)


@case("pathlen-one-at-limit", "§6.1.4(l)(m)", ok=True, check="path.path_length", status=P)
def _() -> Built:
    root = partner()[0]
    top = make_ca("One Length CA", root, path_length=1)
    below = make_ca("Below One Length CA", top)
    return chain_mode(make_leaf(below), [top, below], root)


@case(
    "pathlen-exceeded",
    "§6.1.4(l)",
    ok=False,
    check="path.path_length",
    status=F,
    culprits=("Zero Length Top CA", "Below Zero Length CA"),
)
def _() -> Built:
    root = partner()[0]
    top = make_ca("Zero Length Top CA", root, path_length=0)
    below = make_ca("Below Zero Length CA", top)
    return chain_mode(make_leaf(below), [top, below], root)


@case(
    "pathlen-self-issued-not-counted",
    "§6.1.4(l) (self-issued certificates do not count)",
    ok=True,
    check="path.path_length",
    status=P,
)
def _() -> Built:
    root = partner()[0]
    top = make_ca("Renewed Zero Length CA", root, path_length=0)
    renewed = make_cert("Renewed Zero Length CA", issuer=top, key=ec_key(777), ca=True, ku=CA_KEY_USAGE)
    return chain_mode(make_leaf(renewed, "renewed-client"), [top, renewed], root)


@case(
    "pathlen-root-exceeded",
    "§4.2.1.9 (contract: the anchor's pathLen applies)",
    ok=False,
    check="path.path_length",
    status=F,
    culprits=("Zero Length Root", "Below Zero Length Root CA"),
)
def _() -> Built:
    root = make_ca("Zero Length Root", path_length=0)
    inter = make_ca("Below Zero Length Root CA", root)
    return chain_mode(make_leaf(inter), [inter], root)


# ----------------------------------------------------------------------------------------------------
# Name constraints (§4.2.1.10, §6.1.3(b)(c), §6.1.4(g))

DNS, IP, MAIL, URI, DIR = (
    x509.DNSName,
    x509.IPAddress,
    x509.RFC822Name,
    x509.UniformResourceIdentifier,
    x509.DirectoryName,
)
UPN = x509.ObjectIdentifier("1.3.6.1.4.1.311.20.2.3")


def _with_email(mail: str) -> x509.Name:
    return x509.Name([*pki.subject_name(cn="nc-client"), x509.NameAttribute(NameOID.EMAIL_ADDRESS, mail)])


def _dn(o: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, o)]
    )


@dataclass(frozen=True)
class NCCase:
    name: str
    ok: bool
    constraints: x509.NameConstraints
    san: tuple[x509.GeneralName, ...] = ()
    subject: x509.Name | None = None
    notes: str = ""


NAME_CONSTRAINT_CASES = [
    NCCase("dns-permitted", True, nc([DNS("example.com")]), (DNS("host.example.com"),)),
    NCCase("dns-permitted-violated", False, nc([DNS("example.com")]), (DNS("host.other.com"),)),
    NCCase(
        "dns-excluded-violated", False, nc(excluded=[DNS("bad.example.com")]), (DNS("x.bad.example.com"),)
    ),
    NCCase(
        "dns-no-san", True, nc([DNS("example.com")]), (), notes="nothing of the constrained form to check"
    ),
    NCCase(
        "ipv4-permitted",
        True,
        nc([IP(ipaddress.ip_network("10.0.0.0/8"))]),
        (IP(ipaddress.ip_address("10.1.2.3")),),
    ),
    NCCase(
        "ipv4-permitted-violated",
        False,
        nc([IP(ipaddress.ip_network("10.0.0.0/8"))]),
        (IP(ipaddress.ip_address("192.168.1.1")),),
    ),
    NCCase(
        "ipv6-permitted",
        True,
        nc([IP(ipaddress.ip_network("2001:db8::/32"))]),
        (IP(ipaddress.ip_address("2001:db8::1")),),
    ),
    NCCase(
        "ipv6-excluded-violated",
        False,
        nc(excluded=[IP(ipaddress.ip_network("2001:db8::/32"))]),
        (IP(ipaddress.ip_address("2001:db8::1")),),
    ),
    NCCase("email-permitted", True, nc([MAIL("example.com")]), (MAIL("a@example.com"),)),
    NCCase("email-permitted-violated", False, nc([MAIL("example.com")]), (MAIL("a@other.com"),)),
    NCCase("email-excluded-violated", False, nc(excluded=[MAIL("other.com")]), (MAIL("a@other.com"),)),
    NCCase("subject-email-permitted", True, nc([MAIL("example.com")]), subject=_with_email("a@example.com")),
    NCCase(
        "subject-email-violated",
        False,
        nc([MAIL("example.com")]),
        subject=_with_email("a@other.com"),
        notes="no SAN, so the rfc822Name constraint applies to the subject's emailAddress",
    ),
    NCCase("dirname-permitted", True, nc([DIR(_dn("CLIENT_NAME"))])),
    NCCase("dirname-permitted-violated", False, nc([DIR(_dn("Other"))])),
    NCCase("dirname-excluded-violated", False, nc(excluded=[DIR(_dn("CLIENT_NAME"))])),
    NCCase("uri-permitted", True, nc([URI("example.com")]), (URI("https://example.com/path"),)),
    NCCase("uri-permitted-violated", False, nc([URI("example.com")]), (URI("https://other.com/path"),)),
    NCCase(
        "uri-excluded-violated", False, nc(excluded=[URI(".example.com")]), (URI("https://api.example.com/"),)
    ),
    NCCase(
        "unsupported-form-othername",
        False,
        nc([x509.OtherName(UPN, core.UTF8String("a@example.com").dump())]),
        (x509.OtherName(UPN, core.UTF8String("a@example.com").dump()),),
        notes="a critical constraint on otherName, and the leaf has an otherName: process or reject",
    ),
]


def _register_nc(spec: NCCase) -> None:
    ca_cn = f"NC {spec.name} CA"

    @case(
        f"nc-{spec.name}",
        "§4.2.1.10, §6.1.3(b)(c)",
        ok=spec.ok,
        check="path.name_constraints",
        status=P if spec.ok else F,
        culprits=() if spec.ok else ("nc-client", ca_cn),
        notes=spec.notes,
    )
    def _() -> Built:
        root = partner()[0]
        inter = make_ca(ca_cn, root, name_constraints=spec.constraints)
        subject = spec.subject or pki.subject_name(cn="nc-client")
        return chain_mode(make_leaf(inter, "nc-client", subject=subject, san=spec.san), [inter], root)


for _spec in NAME_CONSTRAINT_CASES:
    _register_nc(_spec)


@case(
    "nc-in-leaf",
    "§4.2.1.10 (MUST be used only in a CA certificate)",
    ok=False,
    check="path.name_constraints",
    status=F,
    culprits=("constrained-client",),
)
def _() -> Built:
    root, inter, _ = partner()
    leaf = make_leaf(inter, "constrained-client", name_constraints=nc([DNS("example.com")]))
    return chain_mode(leaf, [inter], root)


# ----------------------------------------------------------------------------------------------------
# Extensions: critical ones we do not know, malformed and duplicated ones (§4.2, §4.1)


@case(
    "critical-unknown-leaf",
    "§4.2",
    ok=False,
    check="extensions.critical_known",
    status=F,
    culprits=("unknown-ext-client",),
)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(make_leaf(inter, "unknown-ext-client", extra=[(unknown(), True)]), [inter], root)


@case(
    "critical-unknown-intermediate",
    "§4.2",
    ok=False,
    check="extensions.critical_known",
    status=F,
    culprits=("Unknown Extension CA",),
)
def _() -> Built:
    return under_partner_root("Unknown Extension CA", extra=[(unknown(), True)])


@case(
    "critical-unknown-root",
    "§4.2 (contract: any certificate of the path)",
    ok=False,
    check="extensions.critical_known",
    status=F,
    culprits=("Unknown Extension Root",),
)
def _() -> Built:
    root = make_ca("Unknown Extension Root", extra=[(unknown(), True)])
    inter = make_ca("Below Unknown Extension Root CA", root)
    return chain_mode(make_leaf(inter), [inter], root)


@case(
    "noncritical-unknown-leaf",
    "§4.2 (non-critical unknown extensions are ignored)",
    ok=True,
    check="extensions.critical_known",
    status=P,
)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(make_leaf(inter, extra=[(unknown(), False)]), [inter], root)


@case(
    "policy-constraints-critical",
    "§4.2 (a critical extension whose information we cannot process)",
    ok=False,
    check="extensions.critical_known",
    status=F,
    culprits=("Policy Constraints CA",),
    notes="policyConstraints MUST be critical (§4.2.1.11), and its content only means something to policy "
    "processing, which the portal does not do (path.policies is always not applicable); §4.2 then "
    "requires rejecting the certificate",
)
def _() -> Built:
    root = partner()[0]
    policy = x509.PolicyConstraints(require_explicit_policy=None, inhibit_policy_mapping=0)
    inter = make_ca("Policy Constraints CA", root, extra=[(policy, True)])
    return chain_mode(make_leaf(inter), [inter], root)


@case("policies-present", "§4.2.1.4", ok=True, check="path.policies", status=NA)
def _() -> Built:
    root = partner()[0]
    policies = x509.CertificatePolicies(
        [x509.PolicyInformation(x509.ObjectIdentifier("2.23.140.1.2.1"), None)]
    )
    inter = make_ca("Policy CA", root, extra=[(policies, False)])
    return chain_mode(make_leaf(inter, extra=[(policies, False)]), [inter], root)


@case(
    "duplicate-extension-leaf",
    "§4.2 (at most one instance of an extension)",
    ok=False,
    check="extensions.well_formed",
    status=F,
    culprits=("twice-eku-client",),
)
def _() -> Built:
    root, inter, _ = partner()
    leaf = resign(make_leaf(inter, "twice-eku-client"), inter.key, duplicate_extension(OID["ext_key_usage"]))
    return chain_mode(leaf, [inter], root)


@case(
    "duplicate-extension-intermediate",
    "§4.2",
    ok=False,
    check="extensions.well_formed",
    status=F,
    culprits=("Twice Constrained CA",),
)
def _() -> Built:
    root = partner()[0]
    inter = make_ca("Twice Constrained CA", root)
    broken = resign(inter, root.key, duplicate_extension(OID["basic_constraints"]))
    return chain_mode(make_leaf(inter), [broken], root)


@case(
    "malformed-key-usage-leaf",
    "§4.2.1.3 (KeyUsage ::= BIT STRING)",
    ok=False,
    check="extensions.well_formed",
    status=F,
    culprits=("octet-ku-client",),
)
def _() -> Built:
    root, inter, _ = partner()
    # An OCTET STRING where the BIT STRING belongs.
    leaf = resign(
        make_leaf(inter, "octet-ku-client"), inter.key, replace_extension(OID["key_usage"], b"\x04\x01\x80")
    )
    return chain_mode(leaf, [inter], root)


@case(
    "malformed-basic-constraints-intermediate",
    "§4.2.1.9 (BasicConstraints ::= SEQUENCE)",
    ok=False,
    check="extensions.well_formed",
    status=F,
    culprits=("Garbled Constraints CA",),
)
def _() -> Built:
    root = partner()[0]
    inter = make_ca("Garbled Constraints CA", root)
    broken = resign(inter, root.key, replace_extension(OID["basic_constraints"], b"\x04\x00"))
    return chain_mode(make_leaf(inter), [broken], root)


@case(
    "malformed-eku-leaf",
    "§4.2.1.12",
    ok=False,
    check="extensions.well_formed",
    status=F,
    culprits=("garbled-eku-client",),
)
def _() -> Built:
    root, inter, _ = partner()
    leaf = resign(
        make_leaf(inter, "garbled-eku-client"),
        inter.key,
        replace_extension(OID["ext_key_usage"], b"\x30\x03\x06"),
    )
    return chain_mode(leaf, [inter], root)


# ----------------------------------------------------------------------------------------------------
# Key identifiers (§4.2.1.1, §4.2.1.2)


@case(
    "aki-critical-leaf",
    "§4.2.1.1 (MUST be non-critical)",
    ok=False,
    check="path.key_identifiers",
    status=F,
    culprits=("critical-aki-client",),
)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(make_leaf(inter, "critical-aki-client", aki_critical=True), [inter], root)


@case(
    "aki-missing-leaf",
    "§4.2.1.1 (MUST be included; pyca refuses)",
    ok=False,
    check="path.key_identifiers",
    status=F,
    culprits=("no-aki-client",),
)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(make_leaf(inter, "no-aki-client", aki=False), [inter], root)


@case(
    "aki-missing-intermediate",
    "§4.2.1.1 (pyca accepts: WARN)",
    ok=True,
    check="path.key_identifiers",
    status=W,
    culprits=("No AKI CA",),
)
def _() -> Built:
    return under_partner_root("No AKI CA", aki=False)


@case(
    "ski-missing-intermediate",
    "§4.2.1.2 (pyca accepts: WARN)",
    ok=True,
    check="path.key_identifiers",
    status=W,
    culprits=("No SKI CA",),
)
def _() -> Built:
    return under_partner_root("No SKI CA", ski=False)


@case(
    "ski-missing-leaf",
    "§4.2.1.2 (only a SHOULD in end entities, which no verifier uses: PASS, see notes)",
    ok=True,
    check="path.key_identifiers",
    status=P,
    notes="Nuvy's client profile has no SKI; warning on every client certificate would teach users to "
    "ignore warnings",
)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(make_leaf(inter, "no-ski-client", ski=False), [inter], root)


# ----------------------------------------------------------------------------------------------------
# Serial numbers (§4.1.2.2)


@case("serial-20-octets", "§4.1.2.2", ok=True, check="path.serial_numbers", status=P)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(make_leaf(inter, serial=2**159 - 1), [inter], root)


@case(
    "serial-21-octets",
    "§4.1.2.2 (users SHOULD handle longer serials gracefully)",
    ok=True,
    check="path.serial_numbers",
    status=W,
    culprits=("long-serial-client",),
    notes="non-conforming issuance, but §4.1.2.2 asks certificate users to handle it and pyca and openssl "
    "accept it, so it is a warning, not a path failure",
)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(
        resign(make_leaf(inter, "long-serial-client"), inter.key, set_serial(2**160)), [inter], root
    )


@case(
    "serial-zero",
    "§4.1.2.2 (users SHOULD handle zero gracefully)",
    ok=True,
    check="path.serial_numbers",
    status=W,
    culprits=("zero-serial-client",),
    notes="pyca and openssl accept it",
)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(resign(make_leaf(inter, "zero-serial-client"), inter.key, set_serial(0)), [inter], root)


@case(
    "serial-negative-leaf",
    "§4.1.2.2 (MUST be positive; pyca refuses)",
    ok=False,
    check="path.serial_numbers",
    status=F,
    culprits=("negative-serial-client",),
)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(
        resign(make_leaf(inter, "negative-serial-client"), inter.key, set_serial(-5)), [inter], root
    )


@case(
    "serial-negative-intermediate",
    "§4.1.2.2 (pyca refuses)",
    ok=False,
    check="path.serial_numbers",
    status=F,
    culprits=("Negative Serial CA",),
)
def _() -> Built:
    root = partner()[0]
    inter = make_ca("Negative Serial CA", root)
    return chain_mode(make_leaf(inter), [resign(inter, root.key, set_serial(-7))], root)


# ----------------------------------------------------------------------------------------------------
# Algorithms: what pyca's web PKI policy (the server) accepts


@case(
    "alg-sha1-leaf",
    "contract: server algorithm policy (§4.1.1.2 defers to RFC 3279/5758)",
    ok=False,
    check="path.algorithms",
    status=F,
    culprits=("sha1-client", "Partner Issuing CA"),
)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(resign(make_leaf(inter, "sha1-client"), inter.key, hash_name="sha1"), [inter], root)


@case(
    "alg-sha1-intermediate",
    "contract: server algorithm policy",
    ok=False,
    check="path.algorithms",
    status=F,
    culprits=("SHA1 Signed CA", "Partner Root"),
)
def _() -> Built:
    root = partner()[0]
    inter = make_ca("SHA1 Signed CA", root)
    return chain_mode(make_leaf(inter), [resign(inter, root.key, hash_name="sha1")], root)


@case("alg-ecdsa-sha384", "contract: server algorithm policy", ok=True, check="path.algorithms", status=P)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(resign(make_leaf(inter, "sha384-client"), inter.key, hash_name="sha384"), [inter], root)


@case(
    "alg-rsa2048-intermediate",
    "contract: server algorithm policy",
    ok=True,
    check="path.algorithms",
    status=P,
)
def _() -> Built:
    return under_partner_root("RSA 2048 CA", key=pki.private_key("rsa2048", 7))


@case(
    "alg-rsa1024-intermediate",
    "contract: server algorithm policy",
    ok=False,
    check="path.algorithms",
    status=F,
    culprits=("RSA 1024 CA",),
)
def _() -> Built:
    return under_partner_root("RSA 1024 CA", key=pki.private_key("rsa1024", 7))


@case(
    "alg-rsa1024-leaf-key",
    "contract: server algorithm policy",
    ok=True,
    check="path.algorithms",
    status=P,
    notes="pyca checks the keys that verify signatures, not the end entity's own key; Nuvy's "
    "profile check key.strength is where a 1024-bit client key fails",
)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(make_leaf(inter, "rsa1024-client", key=pki.private_key("rsa1024", 7)), [inter], root)


@case(
    "alg-ed25519-intermediate",
    "contract: server algorithm policy (RFC 8410 allows Ed25519)",
    ok=False,
    check="path.algorithms",
    status=F,
    culprits=("Ed25519 CA",),
)
def _() -> Built:
    return under_partner_root("Ed25519 CA", key=pki.private_key("ed25519", 7))


@case("alg-p384-leaf-key", "contract: server algorithm policy", ok=True, check="path.algorithms", status=P)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(make_leaf(inter, "p384-client", key=pki.private_key("ec384", 7)), [inter], root)


# ----------------------------------------------------------------------------------------------------
# Leaf purpose


@case(
    "purpose-leaf-is-ca",
    "§4.2.1.9 / contract (a CA certificate is not a client certificate)",
    ok=False,
    check="path.leaf_purpose",
    status=F,
    culprits=("ca-client",),
)
def _() -> Built:
    root, inter, _ = partner()
    leaf = make_leaf(inter, "ca-client", ca=True, ku={"digital_signature": True, "key_cert_sign": True})
    return chain_mode(leaf, [inter], root)


@case(
    "purpose-leaf-server-auth-only",
    "§4.2.1.12",
    ok=False,
    check="path.leaf_purpose",
    status=F,
    culprits=("server-client",),
)
def _() -> Built:
    root, inter, _ = partner()
    leaf = make_leaf(inter, "server-client", eku=(ExtendedKeyUsageOID.SERVER_AUTH,))
    return chain_mode(leaf, [inter], root)


@case(
    "purpose-leaf-no-eku", "§4.2.1.12 (absent EKU: any purpose)", ok=True, check="path.leaf_purpose", status=P
)
def _() -> Built:
    root, inter, _ = partner()
    return chain_mode(make_leaf(inter, "any-purpose-client", eku=None), [inter], root)


@case(
    "purpose-intermediate-eku-server-only",
    "EKU chaining (path.ca_purpose), as pyca/cryptography and OpenSSL do",
    ok=False,
    check="path.ca_purpose",
    status=F,
    notes="RFC 5280 §4.2.1.12 does not chain EKU through CAs, but every TLS verifier we compare with does, "
    "and a server would refuse this chain",
    culprits=("Server Only CA",),
)
def _() -> Built:
    return under_partner_root("Server Only CA", eku=(ExtendedKeyUsageOID.SERVER_AUTH,))


@case(
    "purpose-intermediate-eku-client-and-server",
    "EKU chaining (path.ca_purpose): a CA whose EKU lists clientAuth among others allows client certificates",
    ok=True,
    check="path.ca_purpose",
    status=P,
)
def _() -> Built:
    return under_partner_root(
        "Client And Server CA", eku=(ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH)
    )


@case(
    "purpose-intermediate-eku-any",
    "EKU chaining (path.ca_purpose): anyExtendedKeyUsage without clientAuth on a CA is a warning (RFC 5280 "
    "§4.2.1.12 lets a verifier that needs clientAuth reject it; OpenSSL does, pyca/cryptography does not)",
    ok=True,
    check="path.ca_purpose",
    status=W,
)
def _() -> Built:
    return under_partner_root("Any Purpose CA", eku=(ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE,))


# ----------------------------------------------------------------------------------------------------
# Revocation (§5, §6.3): the CRL in the data for a partner chain, or the environment's CRL. Findings about
# the CRL itself (its extensions, its dates) have no offending certificate, so only the revoked leaf and the
# CRL-signature cases check for a CN in the message.


@functools.cache
def crl_pki() -> tuple[Cert, Cert, Cert]:
    root = make_ca("Revocation Root")
    inter = make_ca("Revocation Issuing CA", root)
    return root, inter, make_leaf(inter, "revocable-client")


CRL_CULPRITS = ("revocable-client", "Revocation Issuing CA")


def _crl_case(**crl_options: object) -> Built:
    root, inter, leaf = crl_pki()
    return chain_mode(leaf, [inter], root, crl=make_crl(inter, **crl_options))  # type: ignore[arg-type]


@case("crl-good", "§6.3", ok=True, check="revocation.status", status=P)
def _() -> Built:
    return _crl_case()


@case(
    "crl-revoked-with-reason",
    "§6.3.3(i)",
    ok=True,
    check="revocation.status",
    status=F,
    culprits=("revocable-client",),
    notes="revocation is not a path finding: structural verdict stays OK",
)
def _() -> Built:
    leaf = crl_pki()[2]
    return _crl_case(revoked=[Revoked(serial_of(leaf), x509.ReasonFlags.key_compromise)])


@case(
    "crl-by-another-ca",
    "§6.3.3(b) (the CRL issuer is the certificate's issuer)",
    ok=True,
    check="revocation.crl_signature",
    status=F,
    culprits=(*CRL_CULPRITS, "Other Revocation CA"),
)
def _() -> Built:
    root, inter, leaf = crl_pki()
    return chain_mode(leaf, [inter], root, crl=make_crl(make_ca("Other Revocation CA", root)))


@case(
    "crl-forged-signature",
    "§6.3.3(f)",
    ok=True,
    check="revocation.crl_signature",
    status=F,
    culprits=CRL_CULPRITS,
)
def _() -> Built:
    return _crl_case(signing_key=ec_key(5151))


@case(
    "crl-issuer-lacks-crl-sign",
    "§6.3.3(f) (cRLSign when keyUsage is present)",
    ok=True,
    check="revocation.crl_signature",
    status=F,
    culprits=("No CRL Sign CA", "crl-sign-client"),
)
def _() -> Built:
    root = crl_pki()[0]
    inter = make_ca("No CRL Sign CA", root, ku={"key_cert_sign": True, "digital_signature": True})
    leaf = make_leaf(inter, "crl-sign-client")
    return chain_mode(leaf, [inter], root, crl=make_crl(inter))


@case(
    "crl-no-number",
    "§5.2.3 (conforming CRL issuers MUST include it)",
    ok=True,
    check="revocation.crl_extensions",
    status=F,
)
def _() -> Built:
    return _crl_case(number=None)


@case(
    "crl-critical-number",
    "§5.2.3 (non-critical)",
    ok=True,
    check="revocation.crl_extensions",
    status=F,
)
def _() -> Built:
    return _crl_case(number_critical=True)


@case(
    "crl-unknown-critical-extension",
    "§5.2 (unknown critical CRL extension)",
    ok=True,
    check="revocation.crl_extensions",
    status=F,
)
def _() -> Built:
    return _crl_case(extra=[(unknown(), True)])


@case(
    "crl-unknown-critical-entry-extension",
    "§5.3 (unknown critical entry extension)",
    ok=True,
    check="revocation.crl_extensions",
    status=F,
)
def _() -> Built:
    return _crl_case(revoked=[Revoked(0x7777, extra=((unknown(), True),))])


@case(
    "crl-delta",
    "§5.2.4 (a delta CRL is not a complete CRL)",
    ok=True,
    check="revocation.crl_extensions",
    status=F,
)
def _() -> Built:
    return _crl_case(extra=[(x509.DeltaCRLIndicator(1), True)])


@case(
    "crl-stale",
    "§6.3.3(a)(2) / §5.1.2.5",
    ok=True,
    check="revocation.crl_dates",
    status=W,
    notes="a stale CRL is a warning saying since when, not a verdict",
)
def _() -> Built:
    return _crl_case(this_update=NOW - 10 * DAY, next_update=NOW - DAY)


@case("crl-next-update-now", "§5.1.2.5 (not passed yet)", ok=True, check="revocation.crl_dates", status=P)
def _() -> Built:
    return _crl_case(this_update=NOW - 10 * DAY, next_update=NOW)


@case(
    "crl-this-update-future",
    "§5.1.2.4",
    ok=True,
    check="revocation.crl_dates",
    status=F,
)
def _() -> Built:
    return _crl_case(this_update=NOW + SECOND, next_update=NOW + DAY)


@case("crl-this-update-now", "§5.1.2.4 (inclusive)", ok=True, check="revocation.crl_dates", status=P)
def _() -> Built:
    return _crl_case(this_update=NOW, next_update=NOW + DAY)


@case(
    "crl-environment-revoked",
    "§6.3",
    ok=True,
    check="revocation.status",
    status=F,
    mode="certificate",
    culprits=("env-revoked-client",),
)
def _() -> Built:
    anchor = environment_ca()
    leaf = make_leaf(anchor, "env-revoked-client")
    crl = make_crl(anchor, [Revoked(serial_of(leaf), x509.ReasonFlags.superseded)])
    return cert_mode(leaf, [], anchor, crl=crl)


@case(
    "crl-environment-by-another-ca",
    "§6.3.3(b)",
    ok=True,
    check="revocation.crl_signature",
    status=F,
    mode="certificate",
    culprits=("env-crl-client", "Nuvy QA Path CA", "QA CA", "Impostor CRL CA"),
)
def _() -> Built:
    anchor = environment_ca()
    leaf = make_leaf(anchor, "env-crl-client")
    return cert_mode(leaf, [], anchor, crl=make_crl(make_ca("Impostor CRL CA")))
