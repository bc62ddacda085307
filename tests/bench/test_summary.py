"""The benchmark's arithmetic: ratios to the baselines, the before/after comparison and the docs table.

The bench itself drives a browser for minutes and asserts no time; these tests only pin what it computes
from the figures it measured, so a wrong ratio cannot reach results.json or operators/benchmarks.md.
"""

from __future__ import annotations

import difflib
import importlib.util
import shutil
import subprocess
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


def _results(pages: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        **run.summarize(pages, guide_wasm=0),
        "pages": pages,
        "date": "2026-11-28T00:00:00+00:00",
        "runs_per_figure": 5,
        "machine": {
            "nproc": 2, "cpu": "test", "chromium": "1", "pyodide": "1", "load_average": [0.0, 0.0, 0.0],
        },
    }


@pytest.mark.parametrize("before", [False, True])
def test_docs_table_marks_each_target(before: bool) -> None:
    pages = {**PAGES, **({"before": _page(1250, 400)} if before else {})}
    table = run.markdown_table(_results(pages))
    assert "| `cold_ready_ratio` | 0.25 | ≤ 0.25 (met) |" in table
    assert "| `warm_ready_ratio` | 0.2 | ≤ 0.15 (not met) |" in table
    assert ("`cold_ready_after_vs_before`: 0.8" in table) is before
    assert ("validator page, earlier build" in table) is before


def test_docs_table_is_written_into_the_operators_benchmarks_page(tmp_path: Path) -> None:
    # bench/run.py --docs operators/benchmarks.md: the page moved out of the site's docs/ (operators only).
    page = BENCH.parent / "operators" / "benchmarks.md"
    assert page.is_file(), "operators/benchmarks.md is where `bench/run.py --docs` writes the table"
    original = page.read_text(encoding="utf-8")
    copy = tmp_path / "benchmarks.md"
    copy.write_text(original, encoding="utf-8")
    results = _results(PAGES)
    run.write_docs(copy, results)
    written = copy.read_text(encoding="utf-8")
    before, _, rest = original.partition(run.DOCS_START)
    _, _, after = rest.partition(run.DOCS_END)
    assert written == f"{before}{run.DOCS_START}\n{run.markdown_table(results)}\n{run.DOCS_END}{after}"


def _floor_page(cold: float, warm: float) -> dict[str, Any]:
    # The floor page is measured for start-up only (it validates nothing).
    return {"cold_ready_ms": cold, "warm_ready_ms": warm, "bytes": {"brotli_bytes": 600, "raw_bytes": 1800}}


def test_floor_is_the_runtime_alone_against_the_stock_page() -> None:
    summary = run.summarize({**PAGES, "floor": _floor_page(800, 450)}, guide_wasm=0)
    assert summary["floor"] == {
        "cold_ready_ratio": 0.2,
        "warm_ready_ratio": 0.18,
        "validator_cold_ms_above_floor": 200.0,
        "validator_warm_ms_above_floor": 50.0,
    }
    cold, warm = run.floor_lines(summary["floor"])
    assert cold == "floor cold_ready_ratio: 0.2 (target 0.25: the floor is within the target)"
    assert warm == "floor warm_ready_ratio: 0.18 (target 0.15: the target is below the floor)"
    assert "floor" not in run.summarize(PAGES, guide_wasm=0)


def test_docs_table_shows_the_floor_without_figures_it_does_not_measure() -> None:
    pages = {**PAGES, "floor": _floor_page(800, 450)}
    table = run.markdown_table(_results(pages))
    row = "| floor: the validator page's worker without the validator | 800 | 450 | n/a | n/a / n/a |"
    assert row in table
    assert "- floor warm_ready_ratio: 0.18 (target 0.15: the target is below the floor)" in table
    assert "- the validator adds 200 ms cold and 50 ms warm to it" in table


WORKER = BENCH.parent / "site_assets" / "worker.js"


def test_floor_worker_replaces_only_the_validator() -> None:
    source = WORKER.read_text(encoding="utf-8")
    floor = run.trees.floor_worker(source)
    assert 'pyimport("validator_py.browser")' in source
    assert 'pyimport("validator_py.browser")' not in floor
    assert "await browser.run(" not in floor
    assert 'code: "floor"' in floor
    # Everything else is the worker as built: the loader, the snapshot, the messages.
    changed = [
        line for line in difflib.ndiff(source.splitlines(), floor.splitlines()) if line[:2] in ("- ", "+ ")
    ]
    assert changed == [
        '-   return pyodide.pyimport("validator_py.browser");',
        '+   return { warmup: () => {}, run: () => JSON.stringify({ ok: false, code: "floor" }) };',
        "-   const environment = JSON.parse(config.environments_json)[0];",
        "-   if (environment && environment.ca_pem) {",
        "-     await browser.run(environment.ca_pem, config.environments_json, environment.id, Date.now(), "
        "undefined);",
        "-   }",
    ]


def test_floor_worker_is_valid_javascript(tmp_path: Path) -> None:
    node = shutil.which("node")
    assert node, "node is installed with the project's npm packages"
    path = tmp_path / "floor-worker.mjs"
    path.write_text(run.trees.floor_worker(WORKER.read_text(encoding="utf-8")), encoding="utf-8")
    result = subprocess.run([node, "--check", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "source",
    [
        "async function warmUp(browser, config) {\n  return;\n}\n",
        "function importValidator(pyodide) {\n}\nfunction importValidator(pyodide) {\n}\n"
        "async function warmUp(browser, config) {\n}\n",
    ],
    ids=["missing", "twice"],
)
def test_floor_worker_refuses_a_worker_it_does_not_recognise(source: str) -> None:
    with pytest.raises(run.trees.BenchSetupError, match="FLOOR_STUBS"):
        run.trees.floor_worker(source)
