"""The trimmed, precompiled stdlib (scripts/build_stdlib.mjs) must run the validator like stock Pyodide.

The builder keeps only the modules it saw imported, so the risk is a rarely used module that the build's
trace never touched. These tests run the validator inside Pyodide under Node on a corpus of exotic and
malformed inputs, once with the trimmed stdlib and once with Pyodide's stock one, and require the same
answers, no internal error, and no import that fails only with the trimmed stdlib.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID

from tests import pki
from tests.runtime.conftest import ROOT, WHEEL, BuiltStdlib, require_toolchain, run_builder

PYC_MAGIC_314 = bytes.fromhex("2b0e0d0a")  # importlib.util.MAGIC_NUMBER of Pyodide's CPython 3.14
UNCHECKED_HASH_PYC = 0b01  # PEP 552 flags: hash-based, source not checked


def _subject_with(string_type: _ASN1Type) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CLIENT_NAME"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Production"),
        x509.NameAttribute(NameOID.COMMON_NAME, "client-n\u00e4me", _type=string_type),
    ])


def _exotic_san() -> x509.SubjectAlternativeName:
    return x509.SubjectAlternativeName([
        x509.DNSName("xn--bcher-kva.example"),
        x509.RFC822Name("ops@example.com"),
        x509.UniformResourceIdentifier("https://example.com/p?q=1"),
        x509.IPAddress(ipaddress.ip_address("192.0.2.1")),
        x509.IPAddress(ipaddress.ip_address("2001:db8::1")),
    ])


def _nested_sequences(depth: int) -> bytes:
    der = b"\x05\x00"
    for _ in range(depth):
        der = bytes([0x30, len(der)]) + der if len(der) < 0x80 else bytes([0x30, 0x81, len(der)]) + der
    return der


def _pems(certificates: list[x509.Certificate]) -> str:
    return "".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in certificates)


def _text(value: str) -> dict[str, str]:
    return {"text": value}


def _bytes(value: bytes) -> dict[str, str]:
    return {"b64": base64.b64encode(value).decode("ascii")}


def build_corpus(test_pki: Any) -> dict[str, Any]:
    """Every input kind the page can meet, valid and broken, as the JSON the builder's check mode reads."""
    qa, production = test_pki.qa, test_pki.production
    good = pki.make_client(qa)
    csr = pki.make_csr()
    inter = pki.make_ca("Partner Intermediate", parent=qa, path_length=0, key_type="rsa2048")
    partner_leaf = pki.make_client(inter)
    key_der = good.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    chain = [partner_leaf.cert, inter.cert, qa.cert]
    # A partner chain up to its own root (guide step 12): no environment's CA is in it, so it gets the chain
    # report; the chains above reach the QA CA and get the certificate report.
    partner_root = pki.make_ca("Trace Partner Root", key_type="ec384")
    partner_inter = pki.make_ca(
        "Trace Partner Intermediate", parent=partner_root, key_type="ec256", path_length=0
    )
    partner_chain = [pki.make_client(partner_inter, key_type="ec256", key_slot=3).cert, partner_inter.cert,
                     partner_root.cert]
    certificates: dict[str, pki.Issued] = {
        "valid": good,
        "other-environment": pki.make_client(production),
        "expired": pki.make_client(qa, not_after=pki.NOW - pki.DAY),
        "not-yet-valid": pki.make_client(qa, not_before=pki.NOW + pki.DAY),
        "expiring-soon": pki.make_client(qa, not_after=pki.NOW + 5 * pki.DAY),
        "sha1": pki.make_client(qa, hash_alg=pki.SHA1),
        "md5": pki.make_client(qa, hash_alg=pki.MD5),
        "sha512-pss": pki.make_client(qa, hash_alg=pki.SHA512, pss=True),
        "ec256-key": pki.make_client(qa, key_type="ec256"),
        "ec384-key": pki.make_client(qa, key_type="ec384"),
        "ed25519-key": pki.make_client(qa, key_type="ed25519"),
        "rsa1024-key": pki.make_client(qa, key_type="rsa1024"),
        "server-eku": pki.make_client(qa, eku=(pki.SERVER_AUTH,)),
        "no-eku-no-ku": pki.make_client(qa, eku=None, key_usage_flags={}),
        "ca-true": pki.make_client(qa, basic_constraints_ca=True),
        "forged": pki.make_client(qa, signing_key=production.key),
        "unknown-critical": pki.make_client(qa, extra_extensions=[
            (x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.99999.1"), b"\x05\x00"), True),
        ]),
        "exotic-san": pki.make_client(qa, extra_extensions=[(_exotic_san(), False)]),
        "bmp-string": pki.make_client(qa, subject=_subject_with(_ASN1Type.BMPString)),
        "universal-string": pki.make_client(qa, subject=_subject_with(_ASN1Type.UniversalString)),
        "teletex-string": pki.make_client(qa, subject=_subject_with(_ASN1Type.T61String)),
        "revoked": pki.make_client(qa, serial=0x5EED),
    }
    items: dict[str, Any] = {name: _text(issued.pem) for name, issued in certificates.items()}
    # Built at run time: no committed file holds a key marker.
    begin, end = "-----BEGIN PRIVATE" + " KEY-----", "-----END PRIVATE" + " KEY-----"
    items |= {
        "der": _bytes(good.der),
        "bare-base64": _text(base64.b64encode(good.der).decode("ascii")),
        "utf16-pem": _bytes(good.pem.encode("utf-16")),
        "csr": _text(csr.pem),
        "csr-ec": _text(pki.make_csr(key_type="ec256").pem),
        "csr-sha1": _text(pki.make_csr(hash_alg=pki.SHA1).pem),
        "csr-ca": _text(pki.make_csr(basic_constraints_ca=True).pem),
        "match": {"text": pki.make_client(qa, key=csr.key).pem, "csr": csr.pem},
        "mismatch": {"text": good.pem, "csr": pki.make_csr(key_type="rsa2048", key_slot=7).pem},
        "chain": _text(_pems(chain)),
        "chain-reversed": _text(_pems(chain[::-1])),
        "chain-incomplete": _text(partner_leaf.pem + qa.pem),
        "partner-chain": _text(_pems(partner_chain)),
        "partner-chain-incomplete": _text(_pems([partner_chain[0], partner_root.cert])),
        "pkcs7-der": _bytes(pkcs7.serialize_certificates(chain, serialization.Encoding.DER)),
        "pkcs7-pem": _text(pkcs7.serialize_certificates(chain, serialization.Encoding.PEM).decode()),
        "private-key-pem": _text(good.key_pem),
        "private-key-der": _bytes(key_der),
        "private-key-label-only": _text(f"{begin}\nAAAA\n{end}\n"),
        "public-key": _text(good.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()),
        "crl": _text(pki.make_crl(qa, [1]).pem),
        "empty": _text(""),
        "whitespace": _text(" \n\t "),
        "garbage-text": _text("this is not a certificate \u00e9\u4f8b\U0001f510"),
        "garbage-bytes": _bytes(bytes(range(256)) * 4),
        "truncated-der": _bytes(good.der[: len(good.der) // 2]),
        "bad-base64": _text("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"),
        "too-deep": _bytes(_nested_sequences(40)),
        "too-large": _text("A" * (70 * 1024)),
        "too-many-blocks": _text(good.pem * 11),
        "csr-is-garbage": {"text": good.pem, "csr": "not a CSR"},
    }
    revoked_crl = pki.make_crl(qa, [0x5EED], number=1)
    environments = [
        {"id": "qa", "name": "QA", "ca_pem": qa.pem, "crl_pem": revoked_crl.pem},
        {"id": "production", "name": "Production", "ca_pem": production.pem},
    ]
    return {"items": items, "environments": environments, "now_ms": pki.NOW.timestamp() * 1000}


def _check(stdlib: str, corpus_path: Path) -> dict[str, Any]:
    result = run_builder("check", "--stdlib", stdlib, "--inputs", str(corpus_path), "--missing")
    assert result.returncode == 0, result.stderr[-4000:]
    return dict(json.loads(result.stdout))


@pytest.fixture(scope="module")
def answers(built_stdlib: BuiltStdlib, corpus_file: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(trimmed, stock) answers on the corpus; each run starts Pyodide under Node, so it is done once."""
    return _check(str(built_stdlib.path), corpus_file), _check("stock", corpus_file)


@pytest.fixture(scope="module")
def corpus_file(pki: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "corpus.json"
    path.write_text(json.dumps(build_corpus(pki)), encoding="utf-8")
    return path


def test_zip_holds_only_stored_bytecode_for_python_314(built_stdlib: BuiltStdlib) -> None:
    with zipfile.ZipFile(built_stdlib.path) as archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        names = {info.filename for info in infos}
        headers = {info.filename: archive.read(info)[:8] for info in infos}
    # Stored, not deflated: the host compresses the whole file on the wire, and zipimport then reads
    # entries without inflating them.
    assert {info.compress_type for info in infos} == {zipfile.ZIP_STORED}
    assert all(name.endswith(".pyc") for name in names), sorted(n for n in names if not n.endswith(".pyc"))
    assert {"validator_py/browser.pyc", "validator_py/__init__.pyc", "asn1crypto/x509.pyc",
            "encodings/__init__.pyc", "_pyodide/__init__.pyc"} <= names
    # Modules the validator never imports stay out of the download.
    assert not {"unittest/__init__.pyc", "pydoc.pyc", "tkinter/__init__.pyc", "sqlite3/__init__.pyc"} & names
    assert {header[:4] for header in headers.values()} == {PYC_MAGIC_314}
    assert {int.from_bytes(header[4:8], "little") for header in headers.values()} == {UNCHECKED_HASH_PYC}


def test_manifest_names_the_file_by_its_hash(built_stdlib: BuiltStdlib) -> None:
    import hashlib

    digest = hashlib.sha256(built_stdlib.path.read_bytes()).hexdigest()
    assert built_stdlib.manifest["sha256"] == digest
    assert built_stdlib.path.name == f"validator-stdlib-{digest[:12]}.zip"
    assert built_stdlib.manifest["python"] == "3.14.2"


def test_second_build_is_served_from_the_cache(built_stdlib: BuiltStdlib, tmp_path: Path) -> None:
    result = run_builder("build", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = json.loads(result.stdout)
    assert manifest["cached"] is True
    assert (tmp_path / str(manifest["file"])).read_bytes() == built_stdlib.path.read_bytes()


@pytest.mark.slow
def test_fresh_build_is_byte_identical(built_stdlib: BuiltStdlib, tmp_path: Path) -> None:
    result = run_builder("build", "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"))
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = json.loads(result.stdout)
    assert manifest["cached"] is False
    assert manifest["sha256"] == built_stdlib.manifest["sha256"]


def test_trimmed_stdlib_answers_exactly_like_stock(answers: tuple[dict[str, Any], dict[str, Any]]) -> None:
    trimmed, stock = answers
    internal = {name: r for name, r in trimmed["results"].items() if not r["ok"] and r["code"] == "internal"}
    assert internal == {}, "the validator hit internal errors:\n" + "\n".join(trimmed["output"][-40:])
    only_trimmed = set(trimmed["missing"]) - set(stock["missing"])
    assert only_trimmed == set(), f"imports that fail only with the trimmed stdlib: {sorted(only_trimmed)}"
    assert not any("ModuleNotFoundError" in line for line in trimmed["output"]), trimmed["output"]
    differing = sorted(
        name for name, answer in stock["results"].items() if answer != trimmed["results"][name]
    )
    assert differing == [], f"answers differ from stock Pyodide for: {differing}"


def test_bundle_code_keeps_line_numbers_without_column_offsets(
    answers: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    # The builder compiles under PYTHONNODEBUGRANGES: tracebacks keep their lines and lose only the carets.
    # The same function compiled from source by stock Pyodide has both, so the probe can tell them apart.
    trimmed, stock = answers
    source = (ROOT / "validator_py" / "browser.py").read_text(encoding="utf-8").splitlines()
    first = next(number for number, line in enumerate(source, 1) if line.startswith("def _error("))
    for positions in (trimmed["positions"], stock["positions"]):
        lines = {line for line, _end, _start, _stop in positions}
        assert lines == {first, first + 1}, (first, positions)
    assert {(start, stop) for _line, _end, start, stop in trimmed["positions"]} == {(None, None)}
    assert all(start is not None for _line, _end, start, _stop in stock["positions"][1:])


def test_corpus_reaches_every_kind_of_answer(answers: tuple[dict[str, Any], dict[str, Any]]) -> None:
    # Guards the corpus itself: if it stopped producing these answers, the comparison above would be weak.
    results = answers[0]["results"]
    codes = {r["code"] for r in results.values() if not r["ok"]}
    kinds = {r["report"]["kind"] for r in results.values() if r["ok"]}
    verdicts = {r["report"]["verdict"] for r in results.values() if r["ok"]}
    expected_codes = {
        "empty", "private_key", "too_large", "too_many_blocks", "too_deep", "unparseable", "unsupported",
    }
    assert expected_codes <= codes
    assert kinds == {"certificate", "csr", "chain", "match"}
    assert verdicts == {"pass", "warn", "fail"}
    assert results["valid"]["report"]["verdict"] == "pass"


def test_build_without_the_wheel_names_the_file_and_the_fix(tmp_path: Path) -> None:
    require_toolchain()
    result = run_builder("build", "--out", str(tmp_path), "--wheel", str(tmp_path / "missing.whl"))
    assert result.returncode == 2
    assert "missing.whl: not found; download it with `nox -s build`" in result.stderr


def test_check_without_inputs_says_what_is_needed() -> None:
    result = run_builder("check", "--stdlib", "stock")
    assert result.returncode == 2
    assert "check needs --stdlib <zip|stock> and --inputs <json>" in result.stderr


def test_unknown_command_prints_the_usage() -> None:
    result = run_builder("bogus")
    assert result.returncode == 2
    assert "usage: build_stdlib.mjs build --out <dir>" in result.stderr



@pytest.mark.slow
def test_build_needs_no_sample_files(built_stdlib: BuiltStdlib, tmp_path: Path) -> None:
    # The site tests build project copies without docs/assets/samples; the CA certificates stand in, and
    # the modules the trace finds (so the bytes) must not change.
    project = tmp_path / "project"
    (project / "docs" / "assets").mkdir(parents=True)
    shutil.copytree(ROOT / "validator_py", project / "validator_py", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copytree(ROOT / "docs" / "assets" / "ca", project / "docs" / "assets" / "ca")
    result = run_builder(
        "build", "--root", str(project), "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"),
        "--wheel", str(WHEEL), "--pyodide", str(ROOT / "node_modules" / "pyodide"),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout)["sha256"] == built_stdlib.manifest["sha256"]


def test_python_errors_are_reported_without_the_loader_source(tmp_path: Path) -> None:
    require_toolchain()
    broken = tmp_path / "project"
    (broken / "validator_py").mkdir(parents=True)
    (broken / "validator_py" / "__init__.py").write_text("raise RuntimeError('broken on purpose')\n")
    shutil.copytree(ROOT / "docs" / "assets" / "ca", broken / "docs" / "assets" / "ca")
    result = run_builder(
        "build", "--root", str(broken), "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"),
        "--wheel", str(WHEEL), "--pyodide", str(ROOT / "node_modules" / "pyodide"),
    )
    assert result.returncode == 2
    assert "RuntimeError: broken on purpose" in result.stderr
    assert "createPyodideModule" not in result.stderr
