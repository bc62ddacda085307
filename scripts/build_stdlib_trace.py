"""Runs inside Pyodide (under Node) for ``scripts/build_stdlib.mjs``: exercise the validator, then pack.

The browser runtime ships a trimmed, precompiled standard library instead of Pyodide's stock
``python_stdlib.zip``. Which modules it needs is measured, not guessed: ``exercise`` feeds the browser
entry point every kind of input a user can paste (certificates, CSRs, chains, PKCS#7, DER, base64,
private keys, garbage, names in every ASN.1 string type) and ``needed_modules`` then reads
``sys.modules``. ``pack`` compiles exactly those modules to Python 3.14 bytecode (this interpreter's, so
the magic number always matches the runtime) and writes a deterministic, uncompressed zip.

This file is executed with ``runPythonAsync``, so it must only import what the runtime imports anyway
before ``needed_modules`` is called; ``pack`` may import anything, because it runs after the recording.
"""

from __future__ import annotations

import base64
import json
import sys
from typing import Any

# Where build_stdlib.mjs writes asn1crypto and validator_py inside the Pyodide file system.
SOURCE_ROOT = "/tmp/nuvy_src"  # noqa: S108 - a path inside Pyodide's in-memory file system.
STDLIB_ZIP = f"/lib/python{sys.version_info[0]}{sys.version_info[1]}.zip"

# Imported lazily on rare paths the corpus cannot reach on purpose: browser.run prints a traceback when
# the core has an internal error, and the trimmed runtime must still be able to say so.
EXTRA_IMPORTS = ("traceback", "linecache", "tokenize")

# Codecs that asn1crypto and the input boundary reach through str.encode/bytes.decode, which import
# ``encodings.<name>`` lazily: BMPString, UniversalString, IA5String, PrintableString, TeletexString
# (asn1crypto registers its own codec on top of latin_1), IDNA host names and base64 text.
EXTRA_CODECS = (
    "ascii", "latin-1", "utf-8", "utf-16-be", "utf-16-le", "utf-16", "utf-32-be", "utf-32", "idna",
    "cp1252", "raw-unicode-escape", "unicode-escape",
)


# 2001:db8::1 (RFC 3849), as the 16 bytes an iPAddress GeneralName holds.
_IPV6_DOCUMENTATION_ADDRESS = bytes.fromhex("20010db8" + "00" * 11 + "01")


def _der_tlv(tag: int, content: bytes) -> bytes:
    length = len(content)
    if length < 0x80:
        return bytes([tag, length]) + content
    encoded = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(encoded)]) + encoded + content


def _pem(label: str, der: bytes) -> str:
    body = base64.encodebytes(der).decode("ascii")
    return f"-----BEGIN {label}-----\n{body}-----END {label}-----\n"


def _exotic_certificate(template_der: bytes) -> bytes:
    """A copy of a real certificate whose names and extensions use every string type and GeneralName form.

    The signature no longer matches, which is fine: the point is to make the parsers and the report
    touch every decoder (and so every codec module) they can reach.
    """
    from asn1crypto import x509  # noqa: PLC0415 - imported by the validator already.

    cert = x509.Certificate.load(template_der)
    tbs = cert["tbs_certificate"].copy()
    names = [
        ("country_name", "BR"),
        ("organization_name", "Ex\u00e9mple \u4f8b \U0001f510"),
        ("organizational_unit_name", "Produ\u00e7\u00e3o"),
        ("common_name", "client-\u00e9\u00e8"),
        ("email_address", "ops@example.com"),
        ("domain_component", "example"),
    ]
    tbs["subject"] = x509.Name.build(dict(names), use_printable=False)
    san = x509.GeneralNames(
        [
            x509.GeneralName(name="dns_name", value="b\u00fccher.example"),
            x509.GeneralName(name="rfc822_name", value="ops@b\u00fccher.example"),
            x509.GeneralName(name="uniform_resource_identifier", value="https://b\u00fccher.example/p?q=\u00e9"),
            x509.GeneralName(name="ip_address", value="192.0.2.1"),
            # IPv6 is built from raw bytes: Pyodide's socket.inet_pton has no AF_INET6.
            x509.GeneralName(name="ip_address", value=x509.IPAddress(contents=_IPV6_DOCUMENTATION_ADDRESS)),
        ]
    )
    extensions = list(tbs["extensions"]) if tbs["extensions"].native else []
    extensions.append(x509.Extension({"extn_id": "subject_alt_name", "critical": False, "extn_value": san}))
    tbs["extensions"] = x509.Extensions(extensions)
    return x509.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": cert["signature_algorithm"],
            "signature_value": cert["signature_value"],
        }
    ).dump()


def _string_type_names(template_der: bytes) -> list[bytes]:
    """The certificate with its subject CN re-encoded as each legacy ASN.1 string type."""
    from asn1crypto import core, x509  # noqa: PLC0415

    variants = []
    for kind in (core.TeletexString, core.BMPString, core.UniversalString, core.PrintableString):
        cert = x509.Certificate.load(template_der)
        tbs = cert["tbs_certificate"].copy()
        attribute = x509.NameTypeAndValue({"type": "common_name", "value": x509.DirectoryString(
            name={core.TeletexString: "teletex_string", core.BMPString: "bmp_string",
                  core.UniversalString: "universal_string", core.PrintableString: "printable_string"}[kind],
            value="client-name",
        )})
        rdn = x509.RelativeDistinguishedName([attribute])
        tbs["subject"] = x509.Name(name="", value=x509.RDNSequence([rdn]))
        variants.append(x509.Certificate({
            "tbs_certificate": tbs,
            "signature_algorithm": cert["signature_algorithm"],
            "signature_value": cert["signature_value"],
        }).dump())
    return variants


def _pkcs7(certificates: list[bytes]) -> bytes:
    from asn1crypto import cms, x509  # noqa: PLC0415

    signed = cms.SignedData({
        "version": "v1",
        "digest_algorithms": [],
        "encap_content_info": {"content_type": "data"},
        "certificates": [cms.CertificateChoices(name="certificate", value=x509.Certificate.load(der))
                         for der in certificates],
        "signer_infos": [],
    })
    return cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()


def _pem_ders(text: str, label: str) -> list[bytes]:
    end = f"-----END {label}-----"
    return [
        base64.b64decode("".join(line for line in block.splitlines() if line and "-----" not in line))
        for block in text.split(end) if "BEGIN" in block
    ]


def _self_made_csr(certificate_der: bytes) -> bytes:
    """A CSR for the certificate's key with a made-up signature, when the site has no sample CSR."""
    from asn1crypto import csr, x509  # noqa: PLC0415

    cert = x509.Certificate.load(certificate_der)
    info = csr.CertificationRequestInfo({
        "version": "v1", "subject": cert.subject, "subject_pk_info": cert.public_key, "attributes": [],
    })
    return csr.CertificationRequest({
        "certification_request_info": info,
        "signature_algorithm": {"algorithm": "sha256_rsa"},
        "signature": b"\x00" * 256,
    }).dump()


def corpus(samples: dict[str, bytes], ca_pems: list[str]) -> list[tuple[str, Any, str | None]]:
    """(name, input, csr) triples covering every input kind and failure the page can meet.

    The site's sample files give real client certificates; without them (a project copy that has none)
    the CA certificates stand in, so the build never depends on the samples being there.
    """
    from validator_py import inputs  # noqa: PLC0415

    certificate_pem = samples["client-qa.crt"].decode("ascii") if "client-qa.crt" in samples else ca_pems[0]
    certificate_der = _pem_ders(certificate_pem, "CERTIFICATE")[0]
    csr_pem = (samples["client.csr"].decode("ascii") if "client.csr" in samples
               else _pem("CERTIFICATE REQUEST", _self_made_csr(certificate_der)))
    chain_pem = (samples["partner-chain.pem"].decode("ascii") if "partner-chain.pem" in samples
                 else certificate_pem + "".join(ca_pems))
    chain_ders = _pem_ders(chain_pem, "CERTIFICATE")
    other_pem = samples.get("client-production.crt", ca_pems[-1].encode("ascii")).decode("ascii")
    exotic = _exotic_certificate(certificate_der)
    private_key_label = "PRIVATE" + " KEY"  # Built at run time so this file never holds a key marker.
    deep = b"\x30\x80" * 40
    items: list[tuple[str, Any, str | None]] = [
        ("certificate-pem", certificate_pem, None),
        ("certificate-der", certificate_der, None),
        ("certificate-base64", base64.b64encode(certificate_der).decode("ascii"), None),
        ("other-certificate", other_pem, None),
        ("csr", csr_pem, None),
        ("match", certificate_pem, csr_pem),
        ("chain", chain_pem, None),
        ("chain-reversed", "".join(_pem("CERTIFICATE", der) for der in reversed(chain_ders)), None),
        ("pkcs7-der", _pkcs7(chain_ders), None),
        ("pkcs7-pem", _pem("PKCS7", _pkcs7(chain_ders)), None),
        ("exotic-names", _pem("CERTIFICATE", exotic), None),
        ("private-key", _pem(private_key_label, b"\x30\x03\x02\x01\x00"), None),
        ("rsa-private-key", _pem("RSA " + private_key_label, b"\x30\x03\x02\x01\x00"), None),
        ("public-key", _pem("PUBLIC KEY", b"\x30\x03\x02\x01\x00"), None),
        ("crl", _pem("X509 CRL", b"\x30\x03\x02\x01\x00"), None),
        ("empty", "", None),
        ("whitespace", " \n\t", None),
        ("garbage-text", "hello, this is not a certificate \u00e9\u4f8b", None),
        ("garbage-bytes", bytes(range(256)), None),
        ("truncated-der", certificate_der[: len(certificate_der) // 2], None),
        ("bad-base64-pem", "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n", None),
        ("too-deep", deep, None),
        ("too-large", "A" * (inputs.MAX_INPUT_BYTES + 10), None),
        ("too-many-blocks", certificate_pem * (inputs.MAX_BLOCKS + 1), None),
        ("utf16-text", certificate_pem.encode("utf-16"), None),
        ("csr-garbage", certificate_pem, "not a csr"),
    ]
    items.extend((f"string-type-{index}", _pem("CERTIFICATE", der), None)
                 for index, der in enumerate(_string_type_names(certificate_der)))
    return items


async def exercise(samples_json: str, environments_json: str, now_ms: float) -> str:
    """Run the browser entry point on the corpus; returns JSON {name: result} for the caller to inspect."""
    from validator_py import browser  # noqa: PLC0415

    samples = {name: base64.b64decode(data) for name, data in json.loads(samples_json).items()}
    results: dict[str, Any] = {}
    ca_pems = [entry["ca_pem"] for entry in json.loads(environments_json)]
    for name, data, csr in corpus(samples, ca_pems):
        results[name] = json.loads(await browser.run(data, environments_json, "qa", now_ms, csr))
    for module in EXTRA_IMPORTS:
        __import__(module)
    for codec in EXTRA_CODECS:
        __import__("codecs").lookup(codec)
    return json.dumps(results)


def needed_modules() -> list[str]:
    """Every loaded module that came from the stock stdlib zip or from our sources, by origin path."""
    found = set()
    for module in list(sys.modules.values()):
        spec = getattr(module, "__spec__", None)
        origin = getattr(spec, "origin", None)
        if isinstance(origin, str) and origin.endswith(".py") and (
            origin.startswith(STDLIB_ZIP + "/") or origin.startswith(SOURCE_ROOT + "/")
        ):
            found.add(origin)
    return sorted(found)


# Packages compiled with optimize=0: ours and asn1crypto keep their asserts, exactly as under CPython, and
# Pyodide's own packages read docstrings at run time to document the JavaScript API.
_OPTIMIZE_ZERO = ("validator_py/", "asn1crypto/", "_pyodide/", "pyodide/")
# Of those, these lose their docstrings only (nothing in them reads ``__doc__``), asserts kept.
_DOCSTRINGS_ONLY = ("validator_py/", "asn1crypto/")


def _strippable(relative: str) -> bool:
    return not relative.startswith(_OPTIMIZE_ZERO)


def _without_docstrings(source: bytes, filename: str) -> Any:
    """The module's syntax tree without the docstrings of the module, its classes and its functions."""
    import ast  # noqa: PLC0415

    tree = ast.parse(source, filename)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        first = node.body[0] if node.body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(
            first.value.value, str
        ):
            # A body cannot be empty: a lone docstring becomes ``pass`` on the same line.
            node.body = node.body[1:] or [ast.copy_location(ast.Pass(), first)]
    return tree


def pack(origins: list[str], optimize: int) -> bytes:
    """Compile each origin to an unchecked hash-based .pyc and store them in a deterministic zip.

    ``optimize`` applies to the rest of the standard library: 2 drops docstrings and asserts, which the
    standard library is tested without (CPython runs its test suite under -OO) and which are ~15% of the
    bytecode the page downloads. validator_py and asn1crypto lose only their docstrings: 100 KB of the
    bundle's 3.7 MB, 24 KB of its 1.06 MB with brotli (tests/runtime/test_docstrings.py). Every code object
    keeps its line numbers and loses its column offsets (PYTHONNODEBUGRANGES, checked below).
    """
    import importlib.util  # noqa: PLC0415
    import io  # noqa: PLC0415
    import zipfile  # noqa: PLC0415
    from importlib._bootstrap_external import _code_to_hash_pyc  # type: ignore[attr-defined]  # noqa: PLC0415

    # Column offsets are a quarter of the bundle's brotli bytes and serve only tracebacks' carets; the builder
    # starts this interpreter with PYTHONNODEBUGRANGES (scripts/build_stdlib.mjs), and a bundle built
    # without it would silently be that much larger.
    if next(compile("0", "<probe>", "eval").co_positions())[2] is not None:
        raise RuntimeError(
            "pack() must run under PYTHONNODEBUGRANGES=1, or the bytecode keeps column offsets"
        )
    entries: dict[str, bytes] = {}
    with zipfile.ZipFile(STDLIB_ZIP) as stock:
        for origin in origins:
            if origin.startswith(STDLIB_ZIP + "/"):
                relative = origin[len(STDLIB_ZIP) + 1:]
                source = stock.read(relative)
            else:
                relative = origin[len(SOURCE_ROOT) + 1:]
                with open(origin, "rb") as handle:
                    source = handle.read()
            # The code object's file name is where zipimport would have found the source, so tracebacks
            # read the same as with the stock runtime.
            level = optimize if _strippable(relative) else 0
            filename = f"{STDLIB_ZIP}/{relative}"
            text = _without_docstrings(source, filename) if relative.startswith(_DOCSTRINGS_ONLY) else source
            code = compile(text, filename, "exec", dont_inherit=True, optimize=level)
            # Unchecked hash-based pycs carry no timestamp (deterministic) and zipimport never looks for
            # the missing source.
            entries[relative[: -len(".py")] + ".pyc"] = bytes(
                _code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False)
            )
    directories = {
        name.rsplit("/", depth)[0] + "/" for name in entries for depth in range(1, name.count("/") + 1)
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(directories | set(entries)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (0o40755 << 16 | 0x10) if name.endswith("/") else 0o644 << 16
            archive.writestr(info, entries.get(name, b""))
    return buffer.getvalue()
