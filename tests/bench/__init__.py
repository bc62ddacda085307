"""Tests of the benchmark, and the one way a test loads a module of bench/."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench"


def load_bench_module(name: str) -> ModuleType:
    """bench/<name>.py, loaded by its path as ``nuvy_bench_<name>``.

    bench/ is a script directory: its modules import their siblings as top-level modules, and in a test
    run ``bench`` is this package, so the module cannot be imported by name.
    """
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(f"nuvy_bench_{name}", BENCH / f"{name}.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        # Registered before it runs: dataclasses look their module up while the class is being made.
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))
