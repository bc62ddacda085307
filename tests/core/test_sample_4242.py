"""Tests for the survivors of the mutation sample `scripts/mutate.py --sample 300 --seed 4242` (issue 17),
written after its estimate was recorded (tests/mutation_survivors.md): edges of the input boundary, names,
name constraints and the reports' messages, groups and titles."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa

from tests import pki as mk
from validator_py import Environment, InputError, Report, validate
from validator_py.cli import main
from validator_py.details import describe_certificate
from validator_py.extensions import GeneralName, NameConstraints
from validator_py.inputs import WHAT_TO_PASTE
from validator_py.path.name_constraints import uri_host, violations
from validator_py.profile import NEW_KEY

from .pathkit import ec_key, make_ca, make_leaf


@functools.cache
def _qa() -> mk.Issued:
    return mk.make_ca("Nuvy QA CA", key_slot=100)


def _run(data: str | bytes, envs: list[Environment] | None = None) -> Report:
    envs = [Environment("qa", "QA", _qa().pem)] if envs is None else envs
    return validate(data, envs, selected=envs[0].id if envs else "", at=mk.NOW)


def _refused(data: str | bytes, envs: list[Environment] | None = None) -> tuple[str, str]:
    with pytest.raises(InputError) as caught:
        _run(data, envs)
    return caught.value.code, caught.value.message


def _nested(levels: int, inner: bytes) -> bytes:
    for _ in range(levels):
        inner = b"\x30" + bytes([len(inner)]) + inner
    return inner


# The input boundary ------------------------------------------------------------------------------------


def test_pem_headers_are_refused() -> None:
    lines = mk.make_client(_qa()).pem.splitlines()
    lines.insert(1, "Proc-Type: 4,ENCRYPTED")
    assert _refused("\n".join(lines) + "\n") == (
        "unsupported",
        "PEM block 1 (CERTIFICATE) has PEM headers (e.g. Proc-Type), which only encrypted keys use. "
        + WHAT_TO_PASTE,
    )


def test_old_mac_line_endings_are_read() -> None:
    report = _run(mk.make_client(_qa()).pem.replace("\n", "\r"))
    assert report.check("environment.issuer").status.value == "pass"


@pytest.mark.parametrize(
    ("der", "expected"),
    [
        (b"\x30", f"The DER input is not valid DER (truncated header): the file is truncated or damaged. "
                  f"{WHAT_TO_PASTE}"),
        # An empty OCTET STRING at the very end: nothing in it to walk, nothing read past the input.
        (bytes.fromhex("30020400"), f"The DER input is not a certificate. {WHAT_TO_PASTE}"),
    ],
    ids=["one-byte", "empty-octet-string-last"],
)
def test_der_edges(der: bytes, expected: str) -> None:
    assert _refused(der) == ("unparseable", expected)


def test_the_depth_walk_enters_a_bit_string_after_its_unused_bits_octet() -> None:
    assert _refused(_nested(31, b"\x03\x03\x00\x30\x00"))[0] == "too_deep"
    assert _refused(_nested(31, b"\x03\x03\x00\x05\x00"))[0] == "unparseable"


def test_a_crl_block_that_is_no_crl() -> None:
    code, message = _refused(mk.make_client(_qa()).pem.replace("CERTIFICATE", "X509 CRL"))
    assert code == "unparseable"
    assert message.startswith(
        "PEM block 1 (X509 CRL) looks like a CRL but could not be read: the file is damaged or not what it "
        f"seems. {WHAT_TO_PASTE} (Parser detail, for a bug report: "
    )


def test_several_csrs_are_refused() -> None:
    assert _refused(mk.make_csr().pem + mk.make_csr(cn="other-name").pem, []) == (
        "unsupported", "The input holds several CSRs; check one CSR at a time."
    )


def test_a_time_zone_without_an_offset_is_refused() -> None:
    class NoOffset(dt.tzinfo):
        """A zone that cannot say its offset (tzinfo allows it): the time is as good as naive."""

        def utcoffset(self, moment: dt.datetime | None) -> dt.timedelta | None:
            return None

        def dst(self, moment: dt.datetime | None) -> dt.timedelta | None:
            return None

        def tzname(self, moment: dt.datetime | None) -> str | None:
            return None

    message = r"\A`at` must be timezone-aware, e\.g\. datetime\.now\(timezone\.utc\)\Z"
    with pytest.raises(ValueError, match=message):
        validate(mk.make_client(_qa()).pem, [Environment("qa", "QA", _qa().pem)], selected="qa",
                 at=dt.datetime(2026, 6, 15, tzinfo=NoOffset()))


def test_the_download_page_names_an_unreadable_ca() -> None:
    with pytest.raises(InputError) as caught:
        describe_certificate(bytes.fromhex("3003020100"))
    assert caught.value.message.startswith(
        'The certificate could not be read (Field "signature_algorithm" is'
    )


def test_the_cli_needs_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([])
    assert done.value.code == 2
    assert "the following arguments are required: command" in capsys.readouterr().err


# Names and name constraints ------------------------------------------------------------------------------


def test_a_leading_hash_is_escaped_in_the_subject() -> None:
    assert _run(mk.make_client(_qa(), cn="#hash").pem).details["subject"] == (
        "CN=\\#hash,OU=Production,O=CLIENT_NAME,C=BR"
    )


def test_a_mailbox_constraint() -> None:
    constraints = NameConstraints(permitted=(GeneralName("email", "api@partner.example"),), excluded=())
    assert violations(GeneralName("email", "api@Partner.Example"), constraints) is None
    assert violations(GeneralName("email", "other@partner.example"), constraints) == (
        "its e-mail address other@partner.example is outside the permitted subtrees"
    )


@pytest.mark.parametrize(
    ("uri", "host"),
    [("https://host.example?x=1?y=2", "host.example"), ("https://host.example:80:90/", "host.example")],
)
def test_uri_host_stops_at_the_first_separator(uri: str, host: str) -> None:
    assert uri_host(uri) == host


# Messages, groups and titles -----------------------------------------------------------------------------


def test_a_dsa_key_is_named_and_refused() -> None:
    leaf = mk.make_client(_qa(), key=dsa.generate_private_key(2048))
    assert _run(leaf.pem).check("key.strength").message == (
        f"The key type DSA is not accepted; the guide asks for RSA 2048. {NEW_KEY}."
    )


def test_a_csr_report() -> None:
    result = _run(mk.make_csr().pem, []).check("csr.not_ca")
    assert (result.status.value, result.message, result.group) == (
        "pass", "The CSR does not request a CA certificate.", "csr"
    )


def test_an_ed25519_signature_needs_no_hash() -> None:
    ed = mk.make_ca("Ed CA", key_type="ed25519", key_slot=5)
    result = _run(mk.make_client(ed).pem, [Environment("qa", "QA", ed.pem)]).check("signature.hash")
    assert (result.status.value, result.message) == (
        "pass", "Signed with Ed25519, which has its own built-in hash."
    )


def test_a_leaf_without_an_issuer_on_the_path() -> None:
    stranger = mk.make_ca("Stranger CA", key_type="ec256", key_slot=62)
    report = _run(mk.make_client(stranger, key_type="ec256").pem)
    assert report.check("path.issuer_v3").message == "There is no issuer certificate on the path."
    assert report.check("path.build").message == (
        "The issuer of the leaf certificate (client-name) is CN=Stranger CA,O=Nuvy Test,C=BR, but that is "
        "not the QA CA (qa), CN=Nuvy QA CA,O=Nuvy Test,C=BR, and no intermediate certificate given was "
        "issued by it. This certificate was not issued by the CA you selected: check the environment (see "
        "environment.issuer), or ask Nuvy."
    )


def test_a_match_report_for_another_csr() -> None:
    report = _run(mk.make_client(_qa()).pem + mk.make_csr(key_slot=99, key_type="ec256").pem)
    result = report.check("match.public_key")
    assert (result.status.value, result.title) == ("fail", "Certificate matches the CSR")


def test_the_root_s_own_signature_algorithm_is_not_judged() -> None:
    """A root is trusted as it is: its self-signature with SHA-1 does not make the path's algorithms fail."""
    root = mk.make_ca("SHA-1 Root", key_slot=70, hash_alg=mk.SHA1)
    inter = mk.make_ca("Modern Issuing CA", parent=root, key_type="rsa2048", key_slot=71)
    report = _run(mk.pem_bundle(mk.make_client(inter, key_slot=72), inter, root), [])
    assert report.check("path.algorithms").message == (
        "Every key and signature on the path uses an accepted algorithm."
    )



def test_an_issuer_without_a_name() -> None:
    root = make_ca("Named Root", key=ec_key(4300))
    nameless = make_ca("", root, key=ec_key(4301), subject=x509.Name([]))
    leaf = make_leaf(nameless, key=ec_key(4302))
    result = _run(leaf.pem + nameless.pem + root.pem, []).check("path.issuer_subject")
    assert (result.status.value, result.message) == (
        "fail",
        "Intermediate certificate 1 has an empty subject. A CA must have a name; ask for a correctly issued "
        "CA certificate.",
    )
