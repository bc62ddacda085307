"""The core stays portable: no pyca/cryptography outside ``_compat/_cpython.py``, no ``js``/``pyodide``
anywhere in the core, and the whole pipeline runs with cryptography made unimportable (as in Pyodide)."""

from __future__ import annotations

import ast
import asyncio
import json
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes

from tests import pki as mk
from tests.conftest import NuvyPKI
from validator_py import Environment, InputError, validate_async
from validator_py.details import describe_certificate
from validator_py.pipeline import run_sync
from validator_py.signatures import SignatureRequest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "validator_py"
BROWSER_ONLY = {PACKAGE / "browser.py", PACKAGE / "_compat" / "_emscripten.py"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_only_the_cpython_backend_imports_cryptography() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if "cryptography" in _imports(path) and path != PACKAGE / "_compat" / "_cpython.py"
    ]
    assert offenders == []


def test_the_core_never_imports_js_or_pyodide() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if {"js", "pyodide"} & _imports(path) and path not in BROWSER_ONLY
    ]
    assert offenders == []


def test_pipeline_runs_without_cryptography(pki: NuvyPKI, tmp_path: Path) -> None:
    leaf = mk.make_client(pki.qa)
    (tmp_path / "leaf.pem").write_text(leaf.pem)
    (tmp_path / "qa.pem").write_text(pki.qa.pem)
    script = textwrap.dedent(
        f"""
        import asyncio, datetime, json, sys
        from pathlib import Path

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "cryptography" or name.startswith("cryptography."):
                    raise ImportError("cryptography is not available here, as in Pyodide")
                return None

        sys.meta_path.insert(0, Block())
        sys.path.insert(0, {str(ROOT)!r})
        from validator_py import Environment, validate_async

        class AlwaysTrue:
            async def verify(self, request):
                return True

        at = datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.timezone.utc)
        envs = [Environment("qa", "QA", Path({str(tmp_path / "qa.pem")!r}).read_text())]
        report = asyncio.run(validate_async(Path({str(tmp_path / "leaf.pem")!r}).read_text(), envs,
                                            selected="qa", at=at, verifier=AlwaysTrue()))
        print(json.dumps({{"verdict": report.verdict.value,
                          "loaded": sorted(m for m in sys.modules if m.startswith("cryptography"))}}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"verdict": "pass", "loaded": []}


class _Suspending:
    async def verify(self, request: SignatureRequest) -> bool | None:
        await asyncio.sleep(0)
        return True


def test_the_sync_driver_refuses_a_suspending_verifier(pki: NuvyPKI) -> None:
    envs = [Environment("qa", "QA", pki.qa.pem)]
    leaf = mk.make_client(pki.qa).pem
    with pytest.raises(RuntimeError, match="use validate_async"):
        run_sync(validate_async(leaf, envs, selected="qa", at=pki.now, verifier=_Suspending()))
    report = asyncio.run(validate_async(leaf, envs, selected="qa", at=pki.now, verifier=_Suspending()))
    assert report.verdict.value == "pass"


class _Unsupported:
    async def verify(self, request: SignatureRequest) -> bool | None:
        return None


class _Broken:
    async def verify(self, request: SignatureRequest) -> bool | None:
        raise OSError("crypto.subtle went away")


@pytest.mark.parametrize(
    ("verifier", "reason"),
    [
        (_Unsupported(), "this platform cannot verify that signature algorithm"),
        (_Broken(), r"the signature backend failed \(OSError\)"),
    ],
)
def test_unverifiable_signatures_fail_with_a_reason(pki: NuvyPKI, verifier: object, reason: str) -> None:
    envs = [Environment("qa", "QA", pki.qa.pem)]
    report = asyncio.run(
        validate_async(mk.make_client(pki.qa).pem, envs, selected="qa", at=pki.now, verifier=verifier)  # type: ignore[arg-type]
    )
    result = report.check("signature.valid")
    assert result.status.value == "fail"
    assert re.search(reason, result.message), result.message


def test_describe_certificate_for_the_site_hook(pki: NuvyPKI) -> None:
    described = describe_certificate(pki.qa.der)
    assert described["subject"] == "CN=Nuvy QA CA,O=Nuvy Test,C=BR"
    assert described["is_ca"] is True
    assert described["sha256_fingerprint"] == pki.qa.cert.fingerprint(hashes.SHA256()).hex(":").upper()
    json.dumps(described)
    with pytest.raises(InputError) as caught:
        describe_certificate(pki.qa.der[:-5])
    assert caught.value.code == "unparseable"


def test_the_browser_gets_the_webcrypto_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    """On Pyodide ``default_verifier`` loads ``_compat/_emscripten.py``. Its ``js`` and ``pyodide``
    imports are stood in for here (only the choice of backend is under test; the browser suites test the
    backend itself)."""
    from validator_py import _compat

    ffi = types.ModuleType("pyodide.ffi")
    ffi.JsException = type("JsException", (Exception,), {})  # type: ignore[attr-defined]
    ffi.to_js = lambda value: value  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "js", types.ModuleType("js"))
    monkeypatch.setitem(sys.modules, "pyodide", types.ModuleType("pyodide"))
    monkeypatch.setitem(sys.modules, "pyodide.ffi", ffi)
    monkeypatch.setattr(_compat, "IS_EMSCRIPTEN", True)
    try:
        assert type(_compat.default_verifier()).__name__ == "WebCryptoVerifier"
    finally:
        sys.modules.pop("validator_py._compat._emscripten", None)
