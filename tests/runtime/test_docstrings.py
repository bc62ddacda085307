"""The bundle compiles validator_py and asn1crypto without their docstrings (scripts/build_stdlib_trace.py).

That is safe only while nothing in them reads ``__doc__``, and only if everything else stays as written:
asserts still run and tracebacks name the same lines. These run the builder's transform on CPython; the
rest of this suite runs the bundle itself against stock Pyodide.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import traceback
import zipfile
from types import ModuleType

import pytest

from tests.runtime.conftest import ROOT, WHEEL

SAMPLE = '''"""Module docstring."""
class Only:
    """A class that is only a docstring."""
class Error(Exception):
    """An exception."""
def checked(value):
    """A function."""
    assert value, "asserts are kept"
    raise ValueError("line 9")
'''


def _builder() -> ModuleType:
    path = ROOT / "scripts" / "build_stdlib_trace.py"
    spec = importlib.util.spec_from_file_location("nuvy_build_trace", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docstrings_go_asserts_and_line_numbers_stay() -> None:
    namespace: dict[str, object] = {}
    tree = _builder()._without_docstrings(SAMPLE.encode(), "sample.py")
    exec(compile(tree, "sample.py", "exec", optimize=0), namespace)  # noqa: S102 - our own sample.
    checked = namespace["checked"]
    assert callable(checked)
    assert namespace.get("__doc__") is None
    assert checked.__doc__ is None
    assert getattr(namespace["Only"], "__doc__", "") is None
    with pytest.raises(AssertionError, match="asserts are kept"):
        checked(0)
    with pytest.raises(ValueError, match="line 9") as raised:
        checked(1)
    assert traceback.extract_tb(raised.value.__traceback__)[-1].lineno == 9


def test_nothing_stripped_reads_docstrings() -> None:
    reads = re.compile(r"__doc__|inspect\.getdoc|pydoc")
    sources = {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
               for path in (ROOT / "validator_py").rglob("*.py")}
    if WHEEL.is_file():
        with zipfile.ZipFile(WHEEL) as wheel:
            sources.update({name: wheel.read(name).decode("utf-8") for name in wheel.namelist()
                            if name.startswith("asn1crypto/") and name.endswith(".py")})
    assert any(name.startswith("asn1crypto/") for name in sources), "the asn1crypto wheel is missing"
    assert [name for name, text in sources.items() if reads.search(text)] == []


def test_pack_refuses_an_interpreter_that_keeps_column_offsets() -> None:
    # The builder starts Pyodide with PYTHONNODEBUGRANGES; an interpreter without it (here CPython with its
    # default) must stop before writing a bundle whose bytecode is a quarter larger with brotli.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONNODEBUGRANGES"}
    builder = str(ROOT / "scripts" / "build_stdlib_trace.py")
    script = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('trace', {builder!r})\n"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        "module.pack([], 2)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False, timeout=60
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "RuntimeError: pack() must run under PYTHONNODEBUGRANGES=1, or the bytecode keeps column offsets"
    )
