"""The benchmark's arithmetic: ratios to the baselines, the before/after comparison and the docs table.

The bench itself drives a browser for minutes and asserts no time; these tests only pin what it computes
from the figures it measured, so a wrong ratio cannot reach results.json or docs/deployment.md.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load_run() -> ModuleType:
    # bench/ is a script directory: run.py imports its siblings as top-level modules.
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("nuvy_bench_run", BENCH / "run.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


run = _load_run()


def _page(
    cold: float, warm: float, *, p50: float = 10.0, first: float = 20.0, brotli: int = 1000
) -> dict[str, Any]:
    return {
        "cold_ready_ms": cold, "warm_ready_ms": warm, "first_verdict_ms": first,
        "steady_p50_ms": p50, "steady_p95_ms": p50 * 2,
        "bytes": {"brotli_bytes": brotli, "raw_bytes": brotli * 3},
    }


PAGES = {
    "validator": _page(1000, 500, p50=8.0, brotli=700),
    "stock": _page(4000, 2500, brotli=1000),
    "purejs": _page(200, 100, p50=4.0, brotli=50),
}


def test_ratios_are_the_validator_page_over_the_baselines() -> None:
    summary = run.summarize(PAGES, guide_wasm=0)
    assert summary["cold_ready_ratio"] == 0.25
    assert summary["warm_ready_ratio"] == 0.2
    assert summary["steady_p50_vs_js_ratio"] == 2.0
    assert summary["brotli_bytes_ratio"] == 0.7
    assert "before_after" not in summary


def test_before_after_compares_the_two_builds_of_one_run() -> None:
    pages = {**PAGES, "before": _page(1250, 400, first=30.0)}
    summary = run.summarize(pages, guide_wasm=0)
    assert summary["before_after"] == {
        "cold_ready_after_vs_before": 0.8,
        "warm_ready_after_vs_before": 1.25,
        "before_cold_ready_ratio": 0.3125,
        "before_warm_ready_ratio": 0.16,
        "before_first_verdict_ms": 30.0,
    }


@pytest.mark.parametrize("before", [False, True])
def test_docs_table_marks_each_target(before: bool) -> None:
    pages = {**PAGES, **({"before": _page(1250, 400)} if before else {})}
    results = {
        **run.summarize(pages, guide_wasm=0),
        "pages": pages,
        "date": "2026-11-28T00:00:00+00:00",
        "runs_per_figure": 5,
        "machine": {
            "nproc": 2, "cpu": "test", "chromium": "1", "pyodide": "1", "load_average": [0.0, 0.0, 0.0],
        },
    }
    table = run.markdown_table(results)
    assert "| `cold_ready_ratio` | 0.25 | ≤ 0.25 (met) |" in table
    assert "| `warm_ready_ratio` | 0.2 | ≤ 0.15 (not met) |" in table
    assert ("`cold_ready_after_vs_before`: 0.8" in table) is before
    assert ("validator page, earlier build" in table) is before
