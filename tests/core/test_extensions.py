"""The strict extension reader: what asn1crypto lets through becomes a finding, with its message."""

from __future__ import annotations

import pytest
from asn1crypto import x509 as a_x509

from validator_py.extensions import GeneralName, NameConstraints, name_constraints, read_extensions


def _tlv(tag: int, content: bytes) -> bytes:
    assert len(content) < 128
    return bytes([tag, len(content)]) + content


def _extensions(*items: tuple[str, bool, bytes]) -> a_x509.Extensions:
    """Extensions whose values are raw bytes, loaded from DER as a certificate would carry them."""
    body = b""
    for oid, critical, value in items:
        oid_der = a_x509.ExtensionId(oid).dump()
        flag = _tlv(0x01, b"\xff") if critical else b""
        body += _tlv(0x30, oid_der + flag + _tlv(0x04, value))
    return a_x509.Extensions.load(_tlv(0x30, body))


BC_CA = bytes.fromhex("30030101ff")  # BasicConstraints { cA TRUE } in DER


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (BC_CA, None),
        (BC_CA + b"\x00", "the basicConstraints extension is malformed: its value is not DER-encoded "
         "(extra bytes after the value)"),
        # DER encodes TRUE as 0xFF; 0x01 is BER.
        (bytes.fromhex("3003010101"), "the basicConstraints extension is malformed: its value is not "
         "DER-encoded (a BOOLEAN that is not 00 or FF)"),
        (bytes.fromhex("3081030101ff"), "the basicConstraints extension is malformed: its value is not "
         "DER-encoded (a length in a longer form than needed)"),
        (bytes.fromhex("0303"), "the basicConstraints extension is malformed: its value cannot be read"),
    ],
)
def test_basic_constraints_value(value: bytes, problem: str | None) -> None:
    read = read_extensions(_extensions(("2.5.29.19", True, value)))
    if problem is None:
        assert read.problems == ()
        assert read.values["2.5.29.19"]["ca"].native is True
    else:
        assert len(read.problems) == 1
        assert read.problems[0].startswith(problem)
        assert "2.5.29.19" not in read.values


def test_duplicates_are_found_for_any_oid_and_drop_the_value() -> None:
    read = read_extensions(
        _extensions(("2.5.29.19", True, BC_CA), ("2.5.29.19", True, BC_CA), ("1.2.3.4", False, b"\x05\x00"),
                    ("1.2.3.4", False, b"\x05\x00"))
    )
    assert read.problems == (
        "the basicConstraints extension appears twice",
        "the 1.2.3.4 extension appears twice",
    )
    assert "2.5.29.19" not in read.values
    assert [ext.oid for ext in read.listed] == ["2.5.29.19", "2.5.29.19", "1.2.3.4", "1.2.3.4"]


def test_unknown_values_are_opaque() -> None:
    read = read_extensions(_extensions(("1.2.3.4", True, b"not DER at all")))
    assert read.problems == ()
    assert read.listed[0].critical is True


def test_an_unreadable_basic_constraints_is_named_as_such_by_the_path_rule() -> None:
    from tests.core.oracles import our_report
    from tests.core.path_cases import CASES

    case = next(c for c in CASES if c.name == "malformed-basic-constraints-intermediate")
    report = our_report(case.build(), case.mode)
    assert report.check("extensions.well_formed").status.value == "fail"
    message = report.check("path.basic_constraints").message
    assert "a basicConstraints extension that cannot be used (see extensions.well_formed)" in message
    assert "has no basicConstraints" not in message


@pytest.mark.parametrize(
    ("hex_value", "problem"),
    [
        ("30060101ff020100", None),
        ("30070101ff02020001", "an INTEGER with a needless leading octet"),
        ("020200ff", None),
        ("0202ff80", "an INTEGER with a needless leading octet"),
        ("0200", "an empty INTEGER"),
        ("03020780", None),
        ("03020781", "a BIT STRING whose unused bits are not zero"),
        ("030108", "a BIT STRING with a wrong unused-bits count"),
        ("3080010100000", "an indefinite length"),
        ("2403040100", "a string in constructed form"),
        ("3003010100" + "00", "extra bytes after the value"),
        ("30050101ff", "a value longer than its container"),
        ("1f0100", "a high tag number, which no certificate extension uses"),
        # A long-form length whose one length byte ends the container: it fits, the value does not.
        ("3003048180", "a value longer than its container"),
        ("30020481", "a length that does not fit"),
    ],
)
def test_der_problem(hex_value: str, problem: str | None) -> None:
    from validator_py.der import der_problem

    assert der_problem(bytes.fromhex(hex_value.ljust(len(hex_value) + len(hex_value) % 2, "0"))) == problem


@pytest.mark.parametrize(
    ("hex_value", "problem"),
    [
        ("03020780", None),
        ("03030680" + "00", "a named bit list with trailing zero bits"),
        ("03020680", "a named bit list with trailing zero bits"),
    ],
)
def test_named_bit_lists_drop_trailing_zero_bits(hex_value: str, problem: str | None) -> None:
    from validator_py.der import der_problem

    assert der_problem(bytes.fromhex(hex_value), named_bits=True) == problem


def test_an_unreadable_value_names_the_parser_error() -> None:
    read = read_extensions(_extensions(("2.5.29.19", True, bytes.fromhex("0303"))))
    assert read.problems == (
        "the basicConstraints extension is malformed: its value cannot be read (ValueError)",
    )


@pytest.mark.parametrize(
    ("hex_value", "problems"),
    [
        ("03020780", ()),
        # digitalSignature with one more (zero) bit than it needs: BER, not DER, for a named bit list only.
        (
            "03020680",
            (
                "the keyUsage extension is malformed: its value is not DER-encoded (a named bit list with "
                "trailing zero bits)",
            ),
        ),
    ],
    ids=["minimal", "trailing-zero-bit"],
)
def test_key_usage_is_read_as_a_named_bit_list(hex_value: str, problems: tuple[str, ...]) -> None:
    read = read_extensions(_extensions(("2.5.29.15", True, bytes.fromhex(hex_value))))
    assert read.problems == problems
    assert ("2.5.29.15" in read.values) == (not problems)


def _name_constraints(permitted: bytes = b"", excluded: bytes = b"") -> bytes:
    fields = (_tlv(0xA0, permitted) if permitted else b"") + (_tlv(0xA1, excluded) if excluded else b"")
    return _tlv(0x30, fields)


def _subtree(general_name: bytes) -> bytes:
    return _tlv(0x30, general_name)


DNS_EXAMPLE = _subtree(_tlv(0x82, b"example.com"))


def test_an_ip_subtree_after_a_dns_subtree_is_checked() -> None:
    value = _name_constraints(permitted=DNS_EXAMPLE + _subtree(_tlv(0x87, bytes([10, 0, 0, 0]))))
    read = read_extensions(_extensions(("2.5.29.30", True, value)))
    assert read.problems == (
        "the nameConstraints extension is malformed: an iPAddress subtree is 4 octets, not an address and a "
        "mask",
    )


def test_excluded_subtrees_are_read() -> None:
    value = _name_constraints(excluded=DNS_EXAMPLE)
    read = read_extensions(_extensions(("2.5.29.30", True, value)))
    assert read.problems == ()
    assert name_constraints(read.values["2.5.29.30"]) == NameConstraints(
        permitted=(), excluded=(GeneralName("dns", "example.com"),)
    )
