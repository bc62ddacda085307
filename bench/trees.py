"""The trees the benchmark serves: the built site and its two baselines.

Every page is served by the same server code (`scripts/serve.py`) with the site's own `_headers`, so the
comparison differs only in what each page loads:

- ``validator``: ``/validator/`` exactly as ``mkdocs build`` produced it;
- ``stock``: baseline (a), ``loadPyodide()`` from the same vendored files + micropip + wheels;
- ``purejs``: baseline (b), @peculiar/x509 + WebCrypto;
- ``floor``: the built site with the validator taken out of its worker (see `floor_worker`): Pyodide and the
  validator bundle loaded exactly as the validator page loads them, snapshot included, and nothing imported
  or checked. It is the lowest start-up any page built on this runtime can reach, so it shows how much of the
  validator page's start-up is the validator's own.
- ``shipped``: the built site whose worker, when this browser has no snapshot yet, loads one made when the
  bench was prepared and served next to the bundle (`shipped_worker`): the "snapshot made at site-build time"
  variant of issue 16, built here for measuring only.

For the guide-to-validator path (open /guide/, wait until idle, click the step-6 link) there are two more
roots: ``nohint`` (the site without the guide pages' prefetch hint) and ``stock-guide`` (the same, with the
stock page as /validator/), so the path is measured with and without the hint and with stock Pyodide.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "bench" / "pages"
STOCK_REQUIREMENTS = ROOT / "bench" / "stock-requirements.txt"
PYODIDE_NPM = ROOT / "node_modules" / "pyodide"
X509_BUNDLE = ROOT / "node_modules" / "@peculiar" / "x509" / "build" / "x509.js"
ASN1CRYPTO_WHEEL = ROOT / "build" / "wheels" / "asn1crypto-1.5.1-py2.py3-none-any.whl"
PYODIDE_PYTHON = "3.14"
# Wheels and scripts of the baselines get the same long-lived caching as the portal's runtime files, so the
# warm runs compare caches fairly.
BENCH_HEADERS = "/bench/static/*\n  Cache-Control: public, max-age=31536000, immutable\n"
_DATA = re.compile(r'(<script type="application/json" id="nuvy-data">)(.*?)(</script>)', re.DOTALL)


class BenchSetupError(RuntimeError):
    """The benchmark cannot be prepared; the message says what is missing and how to get it."""


@dataclass(frozen=True)
class Trees:
    """Served roots and, per measured page, (root, path)."""

    site_root: Path
    pages: dict[str, tuple[Path, str]]
    notes: tuple[str, ...]
    snapshot_pages: frozenset[str]  # pages whose worker saves a runtime memory snapshot
    guide_paths: dict[str, Path]  # root per guide-to-validator variant: validator, nohint, stock


def _run(command: list[str], what: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if result.returncode != 0:
        raise BenchSetupError(f"{what} failed ({' '.join(command)}):\n{result.stderr[-3000:]}")
    return result.stdout


def _pyodide_dir(site: Path) -> Path:
    candidates = sorted((site / "assets" / "pyodide").glob("*/pyodide.mjs"))
    if not candidates:
        raise BenchSetupError(f"{site}/assets/pyodide/<version>/pyodide.mjs not found; build the site first")
    return candidates[-1].parent


def _environments(site: Path) -> list[dict[str, str]]:
    path = site / "assets" / "environments.json"
    if path.is_file():
        entries = json.loads(path.read_text(encoding="utf-8"))
        return [{"id": e["id"], "name": e["name"], "ca_pem": e["ca_pem"]} for e in entries]
    # Older builds only embed the environments in the validator page's data block.
    entries = validator_data(site)["environments"]
    assert isinstance(entries, list)
    return [{"id": e["id"], "name": e["name"], "ca_pem": e["ca_pem"]} for e in entries]


def validator_data(site: Path) -> dict[str, object]:
    match = _DATA.search((site / "validator" / "index.html").read_text(encoding="utf-8"))
    if match is None:
        raise BenchSetupError(f"{site}/validator/index.html has no nuvy-data block; is the site built?")
    return dict(json.loads(match.group(2)))


def _stock_wheels(cache: Path) -> list[Path]:
    """micropip and packaging (pinned), asn1crypto (the site's pinned wheel) and a wheel of validator_py."""
    cache.mkdir(parents=True, exist_ok=True)
    _run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
          "--only-binary=:all:", "--python-version", PYODIDE_PYTHON, "-r", str(STOCK_REQUIREMENTS),
          "-d", str(cache)], "downloading the stock baseline's wheels")
    if not ASN1CRYPTO_WHEEL.is_file():
        raise BenchSetupError(f"{ASN1CRYPTO_WHEEL} missing; run `nox -s build` to download the pinned wheel")
    validator_dir = cache / "validator"
    shutil.rmtree(validator_dir, ignore_errors=True)
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(validator_dir)]
    command.append(str(ROOT))
    try:
        # Without isolation when setuptools is at hand (fast, offline); otherwise pip fetches it.
        _run([*command, "--no-build-isolation"], "building the validator wheel")
    except BenchSetupError:
        _run(command, "building the validator wheel")
    wheels = sorted(cache.glob("micropip-*.whl")) + sorted(cache.glob("packaging-*.whl"))
    return [*wheels, ASN1CRYPTO_WHEEL, *sorted(validator_dir.glob("*.whl"))]


def _page(template: Path, config: dict[str, object]) -> str:
    data = json.dumps(config).replace("<", "\\u003c")
    block = f'<script type="application/json" id="bench-config">{data}</script>'
    return template.read_text(encoding="utf-8").replace("<!--bench:config-->", block)


def _add_baselines(root: Path, cache: Path) -> None:
    pyodide_dir = _pyodide_dir(root)
    # The stock page loads the stock stdlib and lock file from the same vendored directory; a site built
    # with the precompiled stdlib may not ship them, so they are added from the same npm package.
    for name in ("python_stdlib.zip", "pyodide-lock.json"):
        if not (pyodide_dir / name).is_file():
            shutil.copyfile(PYODIDE_NPM / name, pyodide_dir / name)
    static = root / "bench" / "static"
    static.mkdir(parents=True, exist_ok=True)
    wheel_urls = []
    for wheel in _stock_wheels(cache / "wheels"):
        shutil.copyfile(wheel, static / wheel.name)
        wheel_urls.append(f"/bench/static/{wheel.name}")
    index_url = "/" + pyodide_dir.relative_to(root).as_posix() + "/"
    environments = _environments(root)
    stock = root / "bench" / "stock"
    stock.mkdir(parents=True, exist_ok=True)
    for name in ("stock.js", "stock-worker.js"):
        shutil.copyfile(PAGES / "stock" / name, stock / name)
    (stock / "index.html").write_text(_page(PAGES / "stock" / "index.html", {
        "pyodide_url": index_url + "pyodide.mjs", "index_url": index_url,
        "micropip_wheels": wheel_urls[:2], "wheels": wheel_urls[2:],
        "environments_json": json.dumps(environments),
    }), encoding="utf-8")
    purejs = root / "bench" / "purejs"
    purejs.mkdir(parents=True, exist_ok=True)
    for name in ("purejs.js", "reflect-lite.js"):
        shutil.copyfile(PAGES / "purejs" / name, purejs / name)
    shutil.copyfile(X509_BUNDLE, purejs / "x509.js")
    (purejs / "index.html").write_text(
        _page(PAGES / "purejs" / "index.html", {"environments": environments}), encoding="utf-8"
    )
    headers = root / "_headers"
    existing = headers.read_text(encoding="utf-8") if headers.is_file() else ""
    headers.write_text(existing + BENCH_HEADERS, encoding="utf-8")


def _worker_path(root: Path) -> Path:
    found = sorted(root.glob("assets/**/worker*.js"))
    if len(found) != 1:
        raise BenchSetupError(f"expected one worker script under {root}/assets, found {found}")
    return found[0]


# The floor worker's stand-ins: a validator that was never imported (its module's two functions do
# nothing, and its every answer says so), and no warm-up check. Each body replaces that of the top-level
# function of that signature in the site's worker.js.
FLOOR_STUBS = {
    "function importValidator(pyodide) {": (
        "  return {\n"
        "    prepare: async () => {},\n"
        '    run: () => JSON.stringify({ ok: false, code: "floor" }),\n'
        "  };\n"
    ),
    "async function warmUp(browser, config) {": "",
}


def floor_worker(source: str) -> str:
    """The site's worker.js with the validator replaced by `FLOOR_STUBS`; everything else is unchanged."""
    for signature, body in FLOOR_STUBS.items():
        start = source.find(signature)
        # A top-level function ends at the first line that is a lone closing brace.
        end = source.find("\n}\n", start)
        if start < 0 or end < 0 or source.find(signature, start + 1) >= 0:
            raise BenchSetupError(
                f"worker.js has no single top-level `{signature}`: the floor page cannot take the validator "
                "out of it. Update FLOOR_STUBS in bench/trees.py to match the worker."
            )
        source = f"{source[:start]}{signature}\n{body}{source[end + 1:]}"
    return source


# The shipped-snapshot variant's additions to the worker: when Cache Storage has no snapshot, fetch the one
# served next to the bundle (same packed format as the stored one) and start from it.
SHIPPED_SNAPSHOT_JS = """
// bench/trees.py shipped variant: a snapshot made when the site was prepared, served next to the bundle.
const nativeFetch = self.fetch.bind(self);
function shippedSnapshotURL(config) {
  return config.bundle_url.replace(/\\.zip$/, ".snapshot");
}
function shippedSnapshot(config) {
  const bytes = nativeFetch(shippedSnapshotURL(config), { credentials: "same-origin" })
    .then((response) => {
      if (!response.ok) throw new Error(`no shipped snapshot (${response.status})`);
      return response.arrayBuffer();
    })
    .then(unpackSnapshot);
  bytes.catch(() => {});
  return { bytes };
}
"""
SHIPPED_HOOK = ("snapshot: cachedSnapshot(files),",
                "snapshot: cachedSnapshot(files).then((saved) => saved || shippedSnapshot(files)),")


def shipped_worker(source: str) -> str:
    """The site's worker.js that falls back to the shipped snapshot when the browser has none."""
    if source.count(SHIPPED_HOOK[0]) != 1:
        raise BenchSetupError(
            f"worker.js has no single `{SHIPPED_HOOK[0]}`: update SHIPPED_HOOK in bench/trees.py to match it"
        )
    return source.replace(SHIPPED_HOOK[0], SHIPPED_HOOK[1]) + SHIPPED_SNAPSHOT_JS


def shipped_snapshot_path(root: Path) -> Path:
    bundles = sorted((root / "assets" / "runtime").glob("validator-*.zip"))
    if len(bundles) != 1:
        raise BenchSetupError(f"expected one bundle under {root}/assets/runtime, found {bundles}")
    return bundles[0].with_suffix(".snapshot")


_HINT = re.compile(r'<script type="application/json" id="nuvy-prefetch">.*?</script>\n?'
                   r'<script src="[^"]*prefetch\.js" defer></script>\n?', re.DOTALL)


def without_hint(html: str) -> str:
    """A page without the prefetch hint (hooks/prefetch.py), as built before the hint existed."""
    return _HINT.sub("", html)


def _strip_hints(root: Path) -> None:
    for page in root.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if 'id="nuvy-prefetch"' in text:
            page.write_text(without_hint(text), encoding="utf-8")


def _add_floor(site: Path, root: Path) -> Path:
    floor_root = _copy_site(site, root)
    worker = _worker_path(floor_root)
    worker.write_text(floor_worker(worker.read_text(encoding="utf-8")), encoding="utf-8")
    return floor_root


def _copy_site(site: Path, root: Path) -> Path:
    if not (site / "validator" / "index.html").is_file():
        raise BenchSetupError(f"{site}/validator/index.html not found; build the site first (nox -s build)")
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(site, root)
    return root


def prepare(site: Path, out: Path, before: Path | None = None) -> Trees:
    """Copy the built site (and optionally an earlier build, measured as page "before") and add baselines."""
    site_root = _copy_site(site, out / "site")
    _add_baselines(site_root, out)
    pages: dict[str, tuple[Path, str]] = {
        "validator": (site_root, "/validator/"),
        "stock": (site_root, "/bench/stock/"),
        "purejs": (site_root, "/bench/purejs/"),
    }
    # The floor and the earlier build are each served from their own root (their own origin), so their
    # snapshot caches and HTTP caches are their own.
    pages["floor"] = (_add_floor(site, out / "floor-site"), "/validator/")
    shipped = _copy_site(site, out / "shipped-site")
    worker = _worker_path(shipped)
    worker.write_text(shipped_worker(worker.read_text(encoding="utf-8")), encoding="utf-8")
    pages["shipped"] = (shipped, "/validator/")
    if before is not None:
        pages["before"] = (_copy_site(before, out / "before-site"), "/validator/")
    snapshot_pages = frozenset(
        name for name, (root, path) in pages.items()
        if path == "/validator/" and "makeMemorySnapshot" in _worker_path(root).read_text()
    )
    nohint = _copy_site(site, out / "nohint-site")
    _strip_hints(nohint)
    stock_guide = _copy_site(nohint, out / "stock-guide-site")
    _add_baselines(stock_guide, out)
    stock_page = (stock_guide / "bench" / "stock" / "index.html").read_text(encoding="utf-8")
    (stock_guide / "validator" / "index.html").write_text(
        stock_page.replace('src="stock.js"', 'src="/bench/stock/stock.js"'), encoding="utf-8"
    )
    guide_paths = {"validator": site_root, "nohint": nohint, "stock": stock_guide}
    return Trees(site_root=site_root, pages=pages, notes=(),
                 snapshot_pages=snapshot_pages, guide_paths=guide_paths)
