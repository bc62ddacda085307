"""The benchmark's arithmetic: ratios to the baselines, the before/after comparison and the docs table.

The bench itself drives a browser for minutes and asserts no time; these tests only pin what it computes
from the figures it measured, so a wrong ratio cannot reach results.json or operators/benchmarks.md.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.bench import BENCH, load_bench_module

run = load_bench_module("run")


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
        "steady_p50_after_vs_before": 0.8,
        "before_steady_p50_vs_js_ratio": 2.5,
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
    assert "| `steady_p50_vs_js_ratio` | 2.0 | ≤ 3.0 (met) |" in table
    assert "| `first_verdict_ms` | 20.0 | ≤ 25.0 (met) |" in table
    assert "| `guide_path_office_vs_stock` | None | ≤ 0.5 (not met) |" in table
    # Issue 5's start-up targets are retired: the ratios are shown, judged against nothing.
    assert "`cold_ready_ratio` 0.25, `warm_ready_ratio` 0.2, `brotli_bytes_ratio` 0.7." in table
    assert ("`cold_ready_after_vs_before: 0.8`" in table) is before
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
        "validator_cold_share_above_floor": 0.25,
        "validator_warm_share_above_floor": 0.1111,
        "validator_cold_ms_in_worker": None,  # these pages' workers sent no timing
        "validator_cold_work_share_of_floor": None,
    }
    assert run.floor_lines(summary["floor"]) == [
        "floor cold_ready_ratio: 0.2",
        "floor warm_ready_ratio: 0.18",
        "validator above the floor: 25% cold, 11% warm",
    ]
    assert "floor" not in run.summarize(PAGES, guide_wasm=0)


def test_docs_table_shows_the_floor_without_figures_it_does_not_measure() -> None:
    pages = {**PAGES, "floor": _floor_page(800, 450)}
    table = run.markdown_table(_results(pages))
    row = "| floor: the validator page's worker without the validator | 800 | 450 | n/a | n/a / n/a |"
    assert row in table
    assert "- floor warm_ready_ratio: 0.18" in table
    assert "- validator above the floor: 25% cold, 11% warm" in table
    assert "- the validator adds 200 ms cold and 50 ms warm to it" in table


WORKER = BENCH.parent / "site_assets" / "worker.js"


def test_floor_worker_replaces_only_the_validator() -> None:
    source = WORKER.read_text(encoding="utf-8")
    floor = run.trees.floor_worker(source)
    assert 'pyimport("validator_py.browser")' in source
    assert 'pyimport("validator_py.browser")' not in floor
    assert "await browser.warm_up(" in source
    assert "await browser.warm_up(" not in floor
    assert 'code: "floor"' in floor
    # Everything else is the worker as built: the loader, the snapshot, the messages.
    changed = [
        line for line in difflib.ndiff(source.splitlines(), floor.splitlines()) if line[:2] in ("- ", "+ ")
    ]
    assert changed == [
        '-   return pyodide.pyimport("validator_py.browser");',
        "+   return {",
        "+     prepare: async () => {},",
        '+     run: () => JSON.stringify({ ok: false, code: "floor" }),',
        "+   };",
        "-   await browser.warm_up(config.environments_json, Date.now());",
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


# Issue 16: network profiles, the guide path, the shipped snapshot, the validator's share above the floor.


def _cold(cold: float, first: float = 20.0) -> dict[str, Any]:
    return {"cold_ready_ms": cold, "first_verdict_ms": first}


def _profile(name: str, pages: dict[str, float], guide: dict[str, float]) -> dict[str, Any]:
    network = next(p for p in run.measure.NETWORK_PROFILES if p.name == name)
    return {
        "network": run.dataclasses.asdict(network),
        "pages": {page: _cold(ms) for page, ms in pages.items()},
        "guide_path": {variant: {"ready_ms": ms} for variant, ms in guide.items()},
    }


def _profiles(shipped_office: float = 1800, shipped_mobile: float = 4400) -> dict[str, dict[str, Any]]:
    return {
        "office": _profile(
            "office",
            {"validator": 2000, "floor": 1600, "stock": 8000, "purejs": 300, "shipped": shipped_office},
            {"validator": 1500, "nohint": 2000, "stock": 7500},
        ),
        "mobile": _profile(
            "mobile",
            {"validator": 4000, "floor": 3200, "stock": 10000, "purejs": 600, "shipped": shipped_mobile},
            {"validator": 2000, "nohint": 4000, "stock": 9000},
        ),
    }


def test_network_profiles_are_the_issues_and_cdp_takes_bytes_per_second() -> None:
    office, mobile = run.measure.NETWORK_PROFILES
    assert (office.name, office.down_mbit, office.rtt_ms) == ("office", 50, 20)
    assert (mobile.name, mobile.down_mbit, mobile.rtt_ms) == ("mobile", 8, 100)
    conditions = mobile.conditions()
    assert conditions["downloadThroughput"] == 1_000_000  # 8 Mbit/s
    assert conditions["latency"] == 100
    assert conditions["offline"] is False


def test_profile_summary_ratios() -> None:
    profiles = _profiles()
    summary = run.summarize(PAGES, guide_wasm=0, profiles=profiles)
    office, mobile = profiles["office"]["summary"], profiles["mobile"]["summary"]
    assert office["cold_ready_vs_stock"] == 0.25
    assert office["validator_cold_share_above_floor"] == 0.25
    assert office["guide_path_vs_stock"] == 0.2
    assert office["guide_path_vs_direct"] == 0.75
    assert office["guide_path_hint_vs_nohint"] == 0.75
    assert office["shipped_cold_vs_validator"] == 0.9
    assert mobile["shipped_cold_vs_validator"] == 1.1
    assert office["first_verdict_ms"]["validator"] == 20.0
    # The issue's two profile targets come from the office guide path and the mobile direct visit.
    assert summary["guide_path_office_vs_stock"] == 0.2
    assert summary["cold_ready_mobile_vs_stock"] == 0.4


def test_a_floor_slower_than_the_validator_meets_no_target() -> None:
    # The floor is the validator's worker with work taken out; measured slower, it is noise.
    pages = {**PAGES, "floor": _floor_page(1010, 450)}
    summary = run.summarize(pages, guide_wasm=0)
    assert summary["validator_cold_share_above_floor"] == -0.0099
    assert run.target_verdict("validator_cold_share_above_floor", -0.0099, 0.1) == run.NOT_SHOWN
    assert run.target_verdict("validator_cold_share_above_floor", 0.0, 0.1) == "met"
    assert run.target_verdict("validator_cold_share_above_floor", 0.1, 0.1) == "met"
    assert run.target_verdict("validator_cold_share_above_floor", 0.1001, 0.1) == "not met"
    assert run.target_verdict("guide_page_wasm_bytes", 0, 0) == "met"
    assert run.target_verdict("first_verdict_ms", -1.0, 25.0) == "met"  # Only a share can be noise.
    assert (
        "validator_cold_share_above_floor: -0.0099 (target <= 0.1: not shown: the floor measured slower than "
        "the validator, which is noise)"
    ) in run.target_lines(summary)


def test_the_earlier_build_under_a_profile_is_a_ratio_of_the_built_page() -> None:
    with_before = _profile("mobile", {"validator": 4000, "stock": 10000, "before": 5000}, {})
    assert run.profile_summary(with_before)["cold_ready_after_vs_before"] == 0.8
    assert "cold_ready_after_vs_before" not in run.profile_summary(_profiles()["mobile"])
    assert "before" in run.PROFILE_PAGES


@pytest.mark.parametrize(
    ("office", "mobile", "keep"),
    [(1800, 4400, True), (1800, 4401, False), (2000, 4000, False), (1999, 3000, True)],
)
def test_shipped_snapshot_is_kept_only_if_office_is_faster_and_mobile_at_most_10_percent_slower(
    office: float, mobile: float, keep: bool
) -> None:
    summary = run.summarize(PAGES, guide_wasm=0, profiles=_profiles(office, mobile))
    assert summary["shipped_snapshot"]["keep"] is keep
    assert ("not kept" not in run.shipped_line(summary["shipped_snapshot"])) is keep


def test_without_profiles_there_is_no_profile_figure_and_no_decision() -> None:
    summary = run.summarize(PAGES, guide_wasm=0)
    assert summary["guide_path_office_vs_stock"] is None
    assert summary["cold_ready_mobile_vs_stock"] is None
    assert "shipped_snapshot" not in summary
    assert "guide_path_office_vs_stock: None (target <= 0.5: NOT met)" in run.target_lines(summary)


def test_validator_share_above_the_floor_is_a_fraction_of_the_floor() -> None:
    pages = {**PAGES, "floor": _floor_page(800, 450), "before": _page(880, 460)}
    summary = run.summarize(pages, guide_wasm=0)
    assert summary["validator_cold_share_above_floor"] == 0.25
    assert summary["floor"]["before_cold_share_above_floor"] == 0.1
    lines = run.floor_lines(summary["floor"])
    assert "validator above the floor: 25% cold, 11% warm" in lines
    assert "before above the floor: 10% cold, 2% warm" in lines
    assert "validator_cold_share_above_floor: 0.25 (target <= 0.1: NOT met)" in run.target_lines(summary)


def test_before_after_carries_issue_12s_steady_ratio() -> None:
    pages = {**PAGES, "before": _page(1250, 400, p50=16.0, first=30.0)}
    before_after = run.summarize(pages, guide_wasm=0)["before_after"]
    assert before_after["before_steady_p50_vs_js_ratio"] == 4.0
    assert before_after["steady_p50_after_vs_before"] == 0.5
    assert "before_steady_p50_vs_js_ratio 4.0 (issue 12 target <= 5.0: met)" in run.before_lines(before_after)


def test_docs_table_shows_the_profiles_and_the_decision() -> None:
    profiles = _profiles()
    summary = run.summarize(PAGES, guide_wasm=0, profiles=profiles)
    results = {**_results(PAGES), **summary, "profiles": profiles}
    table = run.markdown_table(results)
    assert "| office | validator page as built | 2000 | 20 |" in table
    stock_path = "guide → step 6 → ready: stock Pyodide as the validator page, no hint"
    assert f"| mobile | {stock_path} | 9000 | |" in table
    assert "| `cold_ready_mobile_vs_stock` | 0.4 | ≤ 0.5 (met) |" in table
    assert "shipped snapshot: cold ready 0.9 x the built page on the office profile, 1.1 x on mobile" in table


def test_shipped_worker_falls_back_to_the_served_snapshot(tmp_path: Path) -> None:
    source = WORKER.read_text(encoding="utf-8")
    shipped = run.trees.shipped_worker(source)
    assert "cachedSnapshot(files).then((saved) => saved || shippedSnapshot(files))" in shipped
    path = tmp_path / "shipped.mjs"
    path.write_text(shipped, encoding="utf-8")
    node = shutil.which("node")
    assert node
    assert subprocess.run([node, "--check", str(path)], check=False).returncode == 0
    with pytest.raises(run.trees.BenchSetupError, match="SHIPPED_HOOK"):
        run.trees.shipped_worker(source.replace(run.trees.SHIPPED_HOOK[0], ""))


def test_without_hint_removes_exactly_the_prefetch_tags() -> None:
    from hooks import prefetch

    runtime = {"worker_url": "w.js", "pyodide_url": "p.mjs", "index_url": "i/", "bundle_url": "b.zip",
               "bundle_sha256": "ab", "ignored": "x"}
    page = "<html><body><p>guide</p></body></html>"
    hinted = prefetch.with_hint(page, prefetch.hint_tags(runtime, "../assets/nuvy/prefetch.js"))
    assert hinted != page
    assert "ignored" not in hinted
    assert run.trees.without_hint(hinted) == page


def test_the_bench_measures_in_rounds_with_the_order_rotated() -> None:
    pages = ["validator", "stock"]
    steps = run.schedule(pages, 2, ["office"], pages, ["validator", "nohint"])
    assert [(step.what, step.name, step.network) for step in steps] == [
        ("cold", "validator", None), ("cold", "stock", None),
        ("warm", "validator", None), ("warm", "stock", None),
        ("profile", "validator", "office"), ("profile", "stock", "office"),
        ("guide", "validator", "office"), ("guide", "nohint", "office"),
        # Round 2 starts with the page that came second in round 1.
        ("cold", "stock", None), ("cold", "validator", None),
        ("warm", "stock", None), ("warm", "validator", None),
        ("profile", "stock", "office"), ("profile", "validator", "office"),
        ("guide", "nohint", "office"), ("guide", "validator", "office"),
    ]


def test_each_figure_gets_one_visit_per_round() -> None:
    pages = ["validator", "stock", "purejs", "floor"]
    steps = run.schedule(pages, 5, ["office", "mobile"], pages[:3], ["validator"])
    counts: dict[Any, int] = {}
    for step in steps:
        counts[step] = counts.get(step, 0) + 1
    assert set(counts.values()) == {5}
    assert len(counts) == 4 * 2 + 2 * (3 + 1)


def test_docs_table_says_how_the_runs_were_ordered() -> None:
    assert "measured in rounds" in run.markdown_table({**_results(PAGES), "interleaved": True})
    assert "one page after the other" in run.markdown_table(_results(PAGES))


def test_cold_figures_say_what_was_left_after_the_runtime_files_arrived() -> None:
    runs = [run.measure.RunResult(5000.0, 10.0, "pass", runtime_files_ms=4400.0),
            run.measure.RunResult(5600.0, 12.0, "pass", runtime_files_ms=4600.0),
            run.measure.RunResult(5300.0, 11.0, "pass", runtime_files_ms=4500.0)]
    figures = run.cold_figures(runs)
    assert figures["cold_ready_ms"] == 5300.0
    assert figures["runtime_files_done_ms"] == 4500.0
    assert figures["ready_after_runtime_files_ms"] == 800.0
    without = run.cold_figures([run.measure.RunResult(300.0, 9.0, "pass")])
    assert without["runtime_files_done_ms"] is None
    assert without["ready_after_runtime_files_ms"] is None


def test_the_validators_own_start_up_is_timed_in_its_worker_and_weighed_against_the_floor() -> None:
    """worker.js's validator_ms, median over the cold visits that sent it, as a fraction of the floor."""
    cold = [run.measure.RunResult(1000.0, 10.0, "pass", validator_ms=ms) for ms in (90.0, 130.0, None, 110.0)]
    sizes = run.BrotliSizes(Path("/nonexistent"))
    figures = run.page_figures("/validator/", cold, cold, sizes, ready_only=True)
    assert figures["cold_validator_ms"] == 110.0
    assert figures["runs"]["cold_validator_ms"] == [90.0, 130.0, None, 110.0]
    assert run.cold_figures(cold[:2])["cold_validator_ms"] == 110.0
    assert run.cold_figures([run.measure.RunResult(1000.0, 10.0, "pass")])["cold_validator_ms"] is None

    pages = {**PAGES, "validator": {**PAGES["validator"], "cold_validator_ms": 100.0},
             "floor": _floor_page(800, 450)}
    summary = run.summarize(pages, guide_wasm=0)
    assert summary["validator_cold_work_share_of_floor"] == 0.125
    assert summary["floor"]["validator_cold_ms_in_worker"] == 100.0
    assert ("the validator's own start-up, timed inside its worker (import and warm-up, cold): 100 ms, "
            "12% of the floor's cold ready") in run.floor_lines(summary["floor"])
    assert "validator_cold_work_share_of_floor: 0.125 (target <= 0.1: NOT met)" in run.target_lines(summary)
    at_target = {**pages, "validator": {**pages["validator"], "cold_validator_ms": 80.0}}
    assert "validator_cold_work_share_of_floor: 0.1 (target <= 0.1: met)" in run.target_lines(
        run.summarize(at_target, guide_wasm=0)
    )


def test_a_profile_weighs_the_worker_timing_against_its_own_floor() -> None:
    profiles = _profiles()
    profiles["office"]["pages"]["validator"]["cold_validator_ms"] = 150.0
    run.summarize(PAGES, guide_wasm=0, profiles=profiles)
    office, mobile = profiles["office"]["summary"], profiles["mobile"]["summary"]
    assert office["validator_cold_work_share_of_floor"] == 0.0938  # 150 ms of the office floor's 1600
    assert mobile.get("validator_cold_work_share_of_floor") is None


def test_the_ready_observer_keeps_the_workers_timing() -> None:
    observer = run.measure.READY_OBSERVER
    assert 'event.data.type === "ready"' in observer
    assert "window.__nuvyValidatorMs = event.data.validator_ms" in observer
