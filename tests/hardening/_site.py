"""The built site the hardening tests run against, and the runtime URLs its validator page declares.

The site is built once per session with ``mkdocs build --strict`` into a tmp directory, unless
``NUVY_SITE_DIR`` points at a site nox already built (``nox -s tests`` sets it).
"""

from __future__ import annotations

import html.parser
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from tests import site_stamp

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR_PAGE = "validator/index.html"


def build_site(target: Path) -> Path:
    """Return the site nox built, or build one into ``target`` (a tmp directory)."""
    prebuilt = os.environ.get("NUVY_SITE_DIR")
    if prebuilt:
        site = Path(prebuilt)
        if not (site / VALIDATOR_PAGE).is_file():
            raise AssertionError(
                f"NUVY_SITE_DIR={prebuilt} has no {VALIDATOR_PAGE}; run `nox -s build` first"
            )
        site_stamp.check_prebuilt(site)
        return site
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}")
    return target


class _DataScript(html.parser.HTMLParser):
    """Collects the text of ``<script id="nuvy-data">``."""

    def __init__(self) -> None:
        super().__init__()
        self._inside = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._inside = tag == "script" and ("id", "nuvy-data") in attrs

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.text.append(data)


@dataclass(frozen=True)
class RuntimeUrls:
    """Site-absolute paths (``/assets/...``) of the runtime files the validator page loads."""

    pyodide_url: str
    index_url: str
    bundle_url: str
    environments: tuple[dict[str, str], ...]


def _site_path(url: str) -> str:
    # The page may write its URLs relative to /validator/; the harness serves them from the root.
    absolute = urljoin("http://site.invalid/validator/", url)
    return urlsplit(absolute).path


def page_data(site: Path) -> dict[str, object]:
    parser = _DataScript()
    parser.feed((site / VALIDATOR_PAGE).read_text(encoding="utf-8"))
    if not parser.text:
        raise AssertionError(f'{VALIDATOR_PAGE} has no <script id="nuvy-data"> block')
    data = json.loads("".join(parser.text))
    if not isinstance(data, dict):
        raise AssertionError(f"nuvy-data in {VALIDATOR_PAGE} is not a JSON object")
    return data


def runtime_urls(site: Path) -> RuntimeUrls:
    data = page_data(site)
    runtime = data.get("runtime")
    if not isinstance(runtime, dict):
        raise AssertionError(f"nuvy-data in {VALIDATOR_PAGE} has no runtime object: {sorted(data)}")
    environments = data.get("environments")
    if not isinstance(environments, list):
        environments = json.loads((site / "assets" / "environments.json").read_text(encoding="utf-8"))
    return RuntimeUrls(
        pyodide_url=_site_path(runtime["pyodide_url"]),
        index_url=_site_path(runtime["index_url"]),
        bundle_url=_site_path(runtime["bundle_url"]),
        environments=tuple(environments),
    )


def stale_bundle_files(site: Path, runtime: RuntimeUrls) -> list[str]:
    """validator_py files whose source in the site's bundle differs from the working tree (or is missing).

    Parity compares the working tree's CPython code with the bundle's browser code; a site built from an
    older tree would show differences that are not bugs, so the parity tests refuse to run on it. The
    bundle holds bytecode only, so the comparison uses the manifest published next to it (hooks/runtime.py).
    """
    import hashlib
    import json

    manifest_path = site / Path(runtime.bundle_url.lstrip("/")).with_suffix(".json")
    sources = json.loads(manifest_path.read_text(encoding="utf-8"))["sources"]
    shipped = {name: digest for name, digest in sources.items() if name.startswith("validator_py/")}
    local = {
        path.relative_to(ROOT).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in (ROOT / "validator_py").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    return sorted(name for name in shipped.keys() | local.keys() if shipped.get(name) != local.get(name))
