"""`nox -s bench`: the validator page against stock Pyodide and a pure-JS decoder, in one run.

    python bench/run.py --site site [--runs 5] [--out bench/results.json] [--docs operators/benchmarks.md]
                        [--before <an earlier build of the site>]

With ``--before``, the validator page of an earlier build is measured in the same run as page "before", and
``before_after`` gives the built page's cold and warm ready times as ratios to it: the only honest way to
claim a speed-up on a machine whose load drifts between runs.

It also measures a "floor" page, the validator page with the validator stubbed out of its worker (see
bench/trees.py), and reports where the cold and warm start-up targets stand against it: what the runtime
costs with nothing of ours running, and what the validator adds.

Every figure is the median of ``--runs`` runs (at least 5 for the published table). It prints the ratios
to the baselines and writes them, with the raw figures and the machine, to ``bench/results.json``.
No test asserts a time: machines differ, so the figures are for people and for the issue's targets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import brotli
from playwright.sync_api import sync_playwright

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

import measure  # noqa: E402 - bench/ is a script directory, not a package.
import trees  # noqa: E402

from scripts.serve import serve_in_thread  # noqa: E402

STEADY_COUNT = 100
GUIDE_PATHS = ("/guide/", "/")
TARGETS = {
    "cold_ready_ratio": 0.25, "warm_ready_ratio": 0.15, "steady_p50_vs_js_ratio": 5.0,
    "first_verdict_ms": 50.0, "brotli_bytes_ratio": 0.7, "guide_page_wasm_bytes": 0,
}


def _certificates() -> list[str]:
    """The 100 inputs of the steady state: the site's two sample client certificates, alternating."""
    samples = ROOT / "docs" / "assets" / "samples"
    names = ("client-qa.crt", "client-production.crt")
    texts = [(samples / name).read_text(encoding="ascii") for name in names]
    return [texts[index % len(texts)] for index in range(STEADY_COUNT)]


class BrotliSizes:
    """Brotli (quality 11, as a host precompresses) size per body, cached by SHA-256: wasm takes ~a minute."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.cache: dict[str, int] = json.loads(path.read_text()) if path.is_file() else {}

    def size(self, body: bytes) -> int:
        key = hashlib.sha256(body).hexdigest()
        if key not in self.cache:
            self.cache[key] = len(brotli.compress(body, quality=11)) if body else 0
            self.path.write_text(json.dumps(self.cache, indent=1, sort_keys=True))
        return self.cache[key]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _bytes_summary(fetches: list[measure.Fetch], sizes: BrotliSizes) -> dict[str, Any]:
    unique = {f.url: f for f in fetches if f.status < 400}
    return {
        "requests": len(unique),
        "raw_bytes": sum(len(f.body) for f in unique.values()),
        "brotli_bytes": sum(sizes.size(f.body) for f in unique.values()),
        "files": sorted(
            ({"url": url, "raw": len(f.body), "brotli": sizes.size(f.body)} for url, f in unique.items()),
            key=lambda item: -item["raw"],
        ),
    }


def measure_page(
    playwright: Any, url: str, runs: int, texts: list[str], sizes: BrotliSizes, *, snapshots: bool,
    ready_only: bool = False,
) -> dict[str, Any]:
    """The page's figures; with `ready_only` (the floor page, which validates nothing) only start-up."""
    cold: list[measure.RunResult] = []
    for index in range(runs):
        with tempfile.TemporaryDirectory(prefix="nuvy-cold-") as profile:
            cold.append(
                measure.run_once(playwright, Path(profile), url, texts, steady=False, record=index == 0)
            )
    warm: list[measure.RunResult] = []
    with tempfile.TemporaryDirectory(prefix="nuvy-warm-") as profile:
        # The priming visit fills the HTTP cache, V8's code cache and (if the page makes one) the snapshot.
        measure.run_once(
            playwright, Path(profile), url, texts, steady=False, record=False, await_snapshot=snapshots
        )
        for _ in range(runs):
            warm.append(
                measure.run_once(playwright, Path(profile), url, texts, steady=not ready_only, record=False)
            )
    figures: dict[str, Any] = {
        "url": url,
        "cold_ready_ms": statistics.median(r.ready_ms for r in cold),
        "warm_ready_ms": statistics.median(r.ready_ms for r in warm),
        "runs": {"cold_ready_ms": [r.ready_ms for r in cold], "warm_ready_ms": [r.ready_ms for r in warm]},
        "bytes": _bytes_summary(cold[0].fetches, sizes),
    }
    if ready_only:
        return figures
    p50s = [statistics.median(r.steady_ms) for r in warm]
    ui = [t for r in warm for t in r.ui_ms]
    p95s = [_percentile(r.steady_ms, 0.95) for r in warm]
    figures["runs"].update({
        "first_verdict_ms": [r.first_verdict_ms for r in cold + warm],
        "steady_p50_ms": p50s, "steady_p95_ms": p95s,
    })
    return {
        **figures,
        "first_verdict_ms": statistics.median(r.first_verdict_ms for r in cold + warm),
        "steady_p50_ms": statistics.median(p50s),
        "steady_p95_ms": statistics.median(p95s),
        "ui_check_and_render_p50_ms": statistics.median(ui) if ui else None,
        "verdicts": sorted({r.first_verdict for r in cold} | {v for r in warm for v in r.steady_verdicts}),
    }


def _machine(playwright: Any) -> dict[str, Any]:
    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )
    return {
        "nproc": os.cpu_count(), "cpu": model, "chromium": measure.chromium_version(playwright),
        "os": platform.platform(), "python": platform.python_version(),
        "pyodide": json.loads((ROOT / "node_modules/pyodide/package.json").read_text())["version"],
        "load_average": os.getloadavg(),
    }


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _ready_ratios(page: dict[str, Any], stock: dict[str, Any]) -> dict[str, float | None]:
    """Cold and warm start-up of one page as ratios to the stock page of the same run."""
    return {
        "cold_ready_ratio": _ratio(page["cold_ready_ms"], stock["cold_ready_ms"]),
        "warm_ready_ratio": _ratio(page["warm_ready_ms"], stock["warm_ready_ms"]),
    }


def _figures(page: dict[str, Any], stock: dict[str, Any], purejs: dict[str, Any]) -> dict[str, Any]:
    """The issue's figures for one measured page, as ratios to the baselines of the same run."""
    return {
        **_ready_ratios(page, stock),
        "steady_p50_vs_js_ratio": _ratio(page["steady_p50_ms"], purejs["steady_p50_ms"]),
        "first_verdict_ms": round(page["first_verdict_ms"], 2),
        "brotli_bytes_ratio": _ratio(page["bytes"]["brotli_bytes"], stock["bytes"]["brotli_bytes"]),
    }


def summarize(pages: dict[str, dict[str, Any]], guide_wasm: int) -> dict[str, Any]:
    ours, stock, purejs = pages["validator"], pages["stock"], pages["purejs"]
    return {
        "measured_page": "validator",
        **_figures(ours, stock, purejs),
        "guide_page_wasm_bytes": guide_wasm,
        **({"before_after": _before_after(pages)} if "before" in pages else {}),
        **({"floor": _floor(pages)} if "floor" in pages else {}),
    }


def _floor(pages: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    """Where the runtime alone stands against the stock page, and what the validator adds on top of it."""
    floor, ours, stock = pages["floor"], pages["validator"], pages["stock"]
    return {
        **_ready_ratios(floor, stock),
        "validator_cold_ms_above_floor": round(ours["cold_ready_ms"] - floor["cold_ready_ms"], 1),
        "validator_warm_ms_above_floor": round(ours["warm_ready_ms"] - floor["warm_ready_ms"], 1),
    }


def floor_lines(floor: dict[str, float | None]) -> list[str]:
    """One line per start-up target: the floor's ratio, and whether the target is below it."""
    lines = []
    for key in ("cold_ready_ratio", "warm_ready_ratio"):
        value, target = floor[key], TARGETS[key]
        below = value is not None and target < value
        verdict = "the target is below the floor" if below else "the floor is within the target"
        lines.append(f"floor {key}: {value} (target {target}: {verdict})")
    return lines


def _cell(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


# The earlier build's figures that start-up work changes, next to the built page's ratios to it.
BEFORE_FIGURES = ("cold_ready_ratio", "warm_ready_ratio", "first_verdict_ms")


def _before_after(pages: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    before, after = pages["before"], pages["validator"]
    figures = _figures(before, pages["stock"], pages["purejs"])
    return {
        "cold_ready_after_vs_before": _ratio(after["cold_ready_ms"], before["cold_ready_ms"]),
        "warm_ready_after_vs_before": _ratio(after["warm_ready_ms"], before["warm_ready_ms"]),
        **{f"before_{name}": figures[name] for name in BEFORE_FIGURES},
    }


def _print(summary: dict[str, Any], pages: dict[str, dict[str, Any]]) -> None:
    columns = ("cold ms", "warm ms", "1st ms", "p50 ms", "p95 ms", "br bytes")
    print(f"{'page':<10} " + " ".join(f"{column:>9}" for column in columns))
    for name, page in pages.items():
        print(f"{name:<10} {page['cold_ready_ms']:>9.0f} {page['warm_ready_ms']:>9.0f} "
              f"{_cell(page.get('first_verdict_ms'), '.1f'):>9} {_cell(page.get('steady_p50_ms'), '.2f'):>9} "
              f"{_cell(page.get('steady_p95_ms'), '.2f'):>9} {page['bytes']['brotli_bytes']:>9}")
    print(f"\nratios for '{summary['measured_page']}' (target in brackets):")
    for key, target in TARGETS.items():
        value = summary[key]
        met = value is not None and value <= target
        print(f"  {key:<24} {value!s:>10}  [<= {target}]  {'met' if met else 'NOT met'}")
    for key, value in summary.get("before_after", {}).items():
        print(f"  {key:<28} {value}")
    if "floor" in summary:
        print(*(f"  {line}" for line in floor_lines(summary["floor"])), sep="\n")
        for key in ("validator_cold_ms_above_floor", "validator_warm_ms_above_floor"):
            print(f"  {key:<28} {summary['floor'][key]}")


DOCS_START, DOCS_END = "<!-- nuvy:bench-results -->", "<!-- /nuvy:bench-results -->"
PAGE_TITLES = {
    "validator": "validator page as built", "before": "validator page, earlier build (--before)",
    "stock": "(a) stock Pyodide + micropip", "purejs": "(b) pure JS (@peculiar/x509)",
    "floor": "floor: the validator page's worker without the validator",
}


def markdown_table(results: dict[str, Any]) -> str:
    """The results as the Markdown block operators/benchmarks.md shows between its bench markers."""
    machine = results["machine"]
    lines = [
        f"Measured {results['date']} on {machine['nproc']} cores ({machine['cpu']}), Chromium "
        f"{machine['chromium']}, Pyodide {machine['pyodide']}; load average during the run "
        f"{', '.join(f'{value:.1f}' for value in machine['load_average'])}. "
        f"Median of {results['runs_per_figure']} runs.",
        "",
        "| Page | Cold ready (ms) | Warm ready (ms) | First verdict (ms) | p50 / p95 (ms) | Raw | Brotli |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, page in results["pages"].items():
        steady = f"{_cell(page.get('steady_p50_ms'), '.1f')} / {_cell(page.get('steady_p95_ms'), '.1f')}"
        lines.append(
            f"| {PAGE_TITLES.get(name, name)} | {page['cold_ready_ms']:.0f} | {page['warm_ready_ms']:.0f} | "
            f"{_cell(page.get('first_verdict_ms'), '.0f')} | {steady} | "
            f"{page['bytes']['raw_bytes'] / 1e6:.2f} MB | {page['bytes']['brotli_bytes'] / 1e6:.2f} MB |"
        )
    lines += ["", f"Ratios for the {PAGE_TITLES[results['measured_page']]}:", "",
              "| Figure | Result | Target |", "|---|---|---|"]
    for key, target in TARGETS.items():
        value = results[key]
        met = value is not None and value <= target
        lines.append(f"| `{key}` | {value} | ≤ {target} {'(met)' if met else '(not met)'} |")
    if "before_after" in results:
        lines += ["", "The same figures for the earlier build, and the built page against it (same run):", ""]
        lines += [f"- `{key}`: {value}" for key, value in results["before_after"].items()]
    if "floor" in results:
        floor = results["floor"]
        lines += ["", "The floor (the same runtime, bundle and snapshot; nothing imported or checked):", ""]
        lines += [f"- {line}" for line in floor_lines(floor)]
        lines += [f"- the validator adds {floor['validator_cold_ms_above_floor']:.0f} ms cold and "
                  f"{floor['validator_warm_ms_above_floor']:.0f} ms warm to it"]
    return "\n".join(lines)


def write_docs(path: Path, results: dict[str, Any]) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = text.index(DOCS_START) + len(DOCS_START), text.index(DOCS_END)
    path.write_text(text[:start] + "\n" + markdown_table(results) + "\n" + text[end:], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="built site (default: site)")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5; the median is kept)")
    parser.add_argument("--out", type=Path, default=BENCH / "results.json")
    parser.add_argument("--work", type=Path, default=BENCH / "out", help="scratch directory (git-ignored)")
    parser.add_argument(
        "--docs", type=Path, default=None, help="also write the table into this page: operators/benchmarks.md"
    )
    parser.add_argument("--pages", default="", help="comma-separated subset, e.g. validator,stock (debug)")
    parser.add_argument("--before", type=Path, default=None, help="an earlier build to compare")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1 (5 or more for published figures)")
    try:
        before = args.before.resolve() if args.before else None
        served = trees.prepare(args.site.resolve(), args.work.resolve(), before)
    except trees.BenchSetupError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    texts = _certificates()
    sizes = BrotliSizes(args.work / "brotli-sizes.json")
    servers = {root: serve_in_thread(root) for root in {root for root, _ in served.pages.values()}}
    wanted = [name for name in args.pages.split(",") if name] or list(served.pages)
    try:
        with sync_playwright() as playwright:
            pages = {}
            for name in wanted:
                root, path = served.pages[name]
                print(f"measuring {name} ({args.runs} cold + {args.runs} warm runs)...", flush=True)
                url = urljoin(servers[root][1], path)
                pages[name] = measure_page(
                    playwright, url, args.runs, texts, sizes, snapshots=name in served.snapshot_pages,
                    ready_only=name == "floor",
                )
            guide_url = urljoin(servers[served.site_root][1], GUIDE_PATHS[0])
            guide_wasm, guide_wasm_urls = measure.idle_wasm_bytes(playwright, guide_url)
            machine = _machine(playwright)
    finally:
        for server, _ in servers.values():
            server.stop()
    if not {"validator", "stock", "purejs"} <= set(pages):
        print("bench: partial run (--pages); results.json not written", file=sys.stderr)
        partial = {name: {k: v for k, v in page.items() if k != "runs"} for name, page in pages.items()}
        print(json.dumps(partial, indent=1))
        return 0
    summary = summarize(pages, guide_wasm)
    results = {
        **summary,
        "targets": TARGETS,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "runs_per_figure": args.runs,
        "steady_state_inputs": f"{STEADY_COUNT} certificates (the two sample client certificates in turn)",
        "guide_page": {"url": GUIDE_PATHS[0], "wasm_urls": guide_wasm_urls},
        "pages": pages,
        "notes": [
            *served.notes,
            "Stock baseline (a): loadPyodide() with default stdlib and lock file from the same vendored "
            "directory, loadPackage() of the micropip and packaging wheels, micropip.install(deps=False) of "
            "asn1crypto and a wheel of validator_py, all same-origin; then one validation.",
            "Pure-JS baseline (b): @peculiar/x509 (its browser bundle, self-hosted) + WebCrypto verifying "
            "the signature and reading validity, EKU, key usage, basic constraints and key size.",
            "Bytes: bodies fetched during the first cold run up to the first verdict; brotli is quality 11 "
            "per file (what a host serving precompressed files sends).",
            "Validation times on every page are request to verdict: the portal's are posted to its worker "
            "exactly as validator.js does, the baselines' through their own function; none renders. "
            "ui_check_and_render_p50_ms is the portal's check through its UI including rendering the report.",
            "Floor: the built site with its worker's importValidator and warmUp replaced by stubs "
            "(bench/trees.py FLOOR_STUBS), served from its own origin; only its start-up is measured.",
            "Warm runs reuse one profile after a priming visit; when the page saves a runtime memory "
            "snapshot, the priming visit waits until it is stored in Cache Storage.",
        ],
    }
    args.out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    _print(summary, pages)
    print(f"\nwrote {args.out}")
    if args.docs is not None:
        write_docs(args.docs, results)
        print(f"wrote the table into {args.docs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
