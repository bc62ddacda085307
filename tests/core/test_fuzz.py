"""Property-based fuzzing of the input boundary: mutated DER and PEM of real certificates, truncations,
deep nesting, huge lengths and look-alike armour. Over 10,000 inputs per run (the ``max_examples`` below
add up to 10,500); each must return a ``Report`` or raise ``InputError``, within the 1 s deadline.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import pki as mk
from validator_py import Environment, InputError, Report, validate

SETTINGS = {
    "deadline": dt.timedelta(seconds=1),
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


@functools.cache
def corpus() -> tuple[list[Environment], list[bytes]]:
    qa = mk.make_ca("Nuvy QA CA", key_slot=100)
    root = mk.make_ca("Partner Root", key_slot=40)
    inter = mk.make_ca("Partner Issuing CA", parent=root, key_type="rsa2048", key_slot=41)
    leaf = mk.make_client(qa)
    seeds = [
        leaf.der,
        mk.make_client(qa, key_type="ec256").der,
        mk.make_csr().der,
        pkcs7.serialize_certificates([leaf.cert, qa.cert], serialization.Encoding.DER),
        mk.make_crl(qa, [1, 2]).der,
        mk.make_client(inter, key_slot=42).der,
    ]
    return [Environment("qa", "QA", qa.pem, mk.make_crl(qa, [5]).pem)], seeds


@pytest.fixture(scope="module", autouse=True)
def _warm_corpus() -> None:
    # Key generation happens once here, not inside the first timed example.
    corpus()


def check(data: bytes | str) -> None:
    envs, _ = corpus()
    outcome = _outcome(data, envs)
    if isinstance(outcome, InputError):
        assert outcome.code
        assert outcome.message
    else:
        assert isinstance(outcome, Report)
        outcome.to_dict()


def _outcome(data: bytes | str, envs: list[Environment]) -> Report | InputError:
    """Anything but a Report or an InputError propagates and fails the example."""
    try:
        return validate(data, envs, selected="qa", at=mk.NOW)
    except InputError as error:
        return error


def _mutate(seed: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    data = bytearray(seed)
    for kind, position, value in edits:
        if not data:
            break
        index = position % len(data)
        if kind == 0:
            data[index] = value
        elif kind == 1:
            data.insert(index, value)
        else:
            del data[index : index + 1 + value % 8]
    return bytes(data)


EDITS = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 1 << 16), st.integers(0, 255)), min_size=1, max_size=6
)


@pytest.mark.slow
@settings(max_examples=4000, **SETTINGS)  # type: ignore[arg-type]
@given(seed=st.integers(0, 5), edits=EDITS)
def test_mutated_der(seed: int, edits: list[tuple[int, int, int]]) -> None:
    check(_mutate(corpus()[1][seed], edits))


def _pem(der: bytes, label: str) -> str:
    body = base64.encodebytes(der).decode()
    return f"-----BEGIN {label}-----\n{body}-----END {label}-----\n"


@pytest.mark.slow
@settings(max_examples=2500, **SETTINGS)  # type: ignore[arg-type]
@given(
    seed=st.integers(0, 5),
    edits=EDITS,
    label=st.sampled_from(["CERTIFICATE", "X509 CERTIFICATE", "CERTIFICATE REQUEST", "PKCS7", "X509 CRL"]),
    crlf=st.booleans(),
)
def test_mutated_pem(seed: int, edits: list[tuple[int, int, int]], label: str, crlf: bool) -> None:
    text = _mutate(_pem(corpus()[1][seed], label).encode(), edits)
    check(text.replace(b"\n", b"\r\n") if crlf else text)


@pytest.mark.slow
@settings(max_examples=1500, **SETTINGS)  # type: ignore[arg-type]
@given(seed=st.integers(0, 5), cut=st.integers(0, 4000), as_text=st.booleans())
def test_truncations(seed: int, cut: int, as_text: bool) -> None:
    der = corpus()[1][seed]
    piece = der[: cut % (len(der) + 1)]
    check(_pem(piece, "CERTIFICATE") if as_text else piece)


@pytest.mark.slow
@settings(max_examples=1500, **SETTINGS)  # type: ignore[arg-type]
@given(
    depth=st.integers(1, 5000),
    tag=st.sampled_from([0x30, 0x31, 0xA0, 0x24, 0x23]),
    length_bytes=st.integers(0, 9),
    length=st.integers(0, (1 << 72) - 1),
    tail=st.binary(max_size=32),
)
def test_deep_nesting_and_huge_lengths(
    depth: int, tag: int, length_bytes: int, length: int, tail: bytes
) -> None:
    encoded = (length % (1 << (8 * length_bytes))).to_bytes(length_bytes, "big")
    header = bytes([tag, 0x80 | length_bytes]) + encoded
    check(header * min(depth, 2000) + tail)
    nested = b"\x05\x00"
    for _ in range(min(depth, 200)):
        size = len(nested)
        nested = bytes([tag]) + (bytes([size]) if size < 128 else b"\x82" + size.to_bytes(2, "big")) + nested
    check(nested)


DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"


@pytest.mark.slow
@settings(max_examples=1000, **SETTINGS)  # type: ignore[arg-type]
@given(
    seed=st.integers(0, 5),
    dash=st.sampled_from(DASHES),
    extra=st.text(max_size=40),
    label=st.sampled_from(["CERTIFICATE", "PRIVATE KEY", "RSA PRIVATE KEY", "PUBLIC KEY", "PKCS7", "FOO"]),
)
def test_lookalike_armour_and_labels(seed: int, dash: str, extra: str, label: str) -> None:
    text = _pem(corpus()[1][seed], label).replace("-----", dash * 5)
    check(extra + text + extra)
