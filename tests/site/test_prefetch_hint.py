"""The guide pages' prefetch hint (hooks/prefetch.py, site_assets/prefetch.js): where it is and what it names.

The browser side (it waits for idle, runs nothing, respects saveData) is measured by `nox -s bench`, whose
"guide pages load 0 wasm bytes before idle" figure must stay 0; here the build's output is pinned.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

from hooks import prefetch

BLOCK = re.compile(r'<script type="application/json" id="nuvy-prefetch">(.*?)</script>', re.DOTALL)
DATA = re.compile(r'<script type="application/json" id="nuvy-data">(.*?)</script>', re.DOTALL)
HINT_PAGES = {
    "index.md": "index.html", "quickstart.md": "quickstart/index.html", "guide.md": "guide/index.html",
}
ORIGIN = "https://portal.example/"


def _resolved(runtime: dict[str, str], page: str) -> dict[str, str]:
    base = urljoin(ORIGIN, page)
    return {key: value if key == "bundle_sha256" else urljoin(base, value) for key, value in runtime.items()}


def test_hint_pages_are_the_ones_leading_to_the_validator() -> None:
    assert set(HINT_PAGES) == prefetch.HINT_PAGES


def test_guide_pages_name_the_validator_pages_runtime_files(built_site: Path) -> None:
    validator = (built_site / "validator" / "index.html").read_text(encoding="utf-8")
    assert 'id="nuvy-prefetch"' not in validator, "the validator page starts the runtime itself"
    data = DATA.search(validator)
    assert data
    runtime = json.loads(data.group(1))["runtime"]
    expected = _resolved(runtime, "validator/")
    for page in HINT_PAGES.values():
        text = (built_site / page).read_text(encoding="utf-8")
        block = BLOCK.search(text)
        assert block, f"{page}: no prefetch hint"
        hinted = _resolved(json.loads(block.group(1)), page)
        assert hinted == {key: expected[key] for key in hinted}, page
        assert set(hinted) == {"worker_url", "pyodide_url", "index_url", "bundle_url", "bundle_sha256"}
        script = re.search(r'<script src="([^"]*prefetch\.js)" defer></script>\s*</body>', text)
        assert script, f"{page}: the hint script is not a same-origin script at the end of <body>"
        assert urljoin(urljoin(ORIGIN, page), script.group(1)) == urljoin(ORIGIN, prefetch.HINT_SCRIPT)
    assert (built_site / prefetch.HINT_SCRIPT).is_file()


def test_other_pages_have_no_hint(built_site: Path) -> None:
    hinted = {built_site / page for page in HINT_PAGES.values()}
    for page in built_site.rglob("*.html"):
        if page not in hinted and "bench" not in page.parts:
            assert 'id="nuvy-prefetch"' not in page.read_text(encoding="utf-8"), page


def test_hint_script_adds_prefetch_links_only_and_respects_save_data() -> None:
    script = (Path(__file__).resolve().parents[2] / "site_assets" / "prefetch.js").read_text(encoding="utf-8")
    assert "connection.saveData" in script
    assert 'link.rel = "prefetch"' in script
    assert "requestIdleCallback" in script
    assert "location.origin" in script  # same origin only
    for forbidden in ("new Worker", "loadPyodide", "import(", "WebAssembly.", "fetch("):
        assert forbidden not in script, forbidden
