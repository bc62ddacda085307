"""The browser runtime: vendored Pyodide files and the validator bundle, both checked by hash.

The bundle is the validator's own Python standard library, built by ``scripts/build_stdlib.mjs``: Pyodide's
stdlib trimmed to the modules the validator imports, precompiled to Python 3.14 bytecode inside Pyodide
itself, with asn1crypto (from the pinned wheel) and validator_py inside, as one deterministic stored zip.
``site_assets/worker.js`` passes it to ``loadPyodide`` as ``stdLibURL``, so nothing is unpacked or
installed at run time. The builder caches its output by a hash of every input in ``build/runtime-cache``.

Kept apart from the rest of the hooks because the runtime is the part most likely to change; the pages
only need `RuntimePlan`'s URLs and hash.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PIN_FILE = "hooks/vendor-hashes.json"
PYODIDE_DIR = "node_modules/pyodide"
WHEEL_DIR = "build/wheels"
# The files pyodide.mjs fetches at start-up (loadPyodide reads the lock file, the stdlib zip, and
# imports pyodide.asm.mjs, which loads pyodide.asm.wasm). Packages are never loaded from a CDN.
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
BUNDLE_PACKAGES = ("asn1crypto", "validator_py")
BUILDER = "scripts/build_stdlib.mjs"
# A cold build starts Pyodide under Node and runs the validator's corpus: well under a minute on 2 cores.
BUILD_TIMEOUT_S = 600
WORKER = "site_assets/worker.js"
# The worker passes a lock file with only the ABI instead of fetching pyodide-lock.json.
_WORKER_ABI = re.compile(r'abi_version:\s*"([^"]+)"')


class VendorError(ValueError):
    """A vendored file is missing or differs from its pin; the message names the file and the fix."""


@dataclass(frozen=True)
class RuntimePlan:
    """What the build will copy into the site, decided (and verified) before any page is rendered."""

    pyodide_version: str
    pyodide_files: dict[str, bytes]  # file name -> bytes, already hash-checked
    bundle: bytes
    # What the bundle was built from (published next to it, so anyone can check what runs in their
    # browser): the builder's input hash, Python and Pyodide versions, and the SHA-256 of every source.
    manifest: dict[str, Any]

    @property
    def pyodide_dir(self) -> str:
        return f"assets/pyodide/{self.pyodide_version}/"

    @property
    def bundle_sha256(self) -> str:
        return hashlib.sha256(self.bundle).hexdigest()

    @property
    def bundle_path(self) -> str:
        return f"assets/runtime/validator-{self.bundle_sha256[:12]}.zip"

    def write(self, site_dir: Path) -> None:
        target = site_dir / self.pyodide_dir
        target.mkdir(parents=True, exist_ok=True)
        for name, data in self.pyodide_files.items():
            (target / name).write_bytes(data)
        bundle = site_dir / self.bundle_path
        bundle.parent.mkdir(parents=True, exist_ok=True)
        bundle.write_bytes(self.bundle)
        manifest = json.dumps(self.manifest, indent=1, sort_keys=True) + "\n"
        bundle.with_suffix(".json").write_text(manifest, encoding="utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_pins(root: Path) -> dict[str, dict[str, str]]:
    path = root / PIN_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        pins = {
            "pyodide": dict(raw["pyodide"]["files"]),
            "wheels": dict(raw["wheels"]),
            "version": {"pyodide": str(raw["pyodide"]["version"])},
            "bundle": {str(key): str(value) for key, value in dict(raw.get("bundle", {})).items()},
        }
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise VendorError(
            f"{PIN_FILE}: cannot read the vendored-file pins ({error}); restore it from git"
        ) from error
    return pins


def _checked(path: Path, shown: str, expected: str | None, fix: str) -> bytes:
    if expected is None:
        raise VendorError(f"{shown}: no SHA-256 pin in {PIN_FILE}; add one after reviewing the file")
    if not path.is_file():
        raise VendorError(f"{shown}: file not found; {fix}")
    data = path.read_bytes()
    if _sha256(data) != expected:
        raise VendorError(
            f"{shown}: SHA-256 {_sha256(data)} does not match the pin {expected} in {PIN_FILE}; "
            f"{fix}, or review the new file and update the pin"
        )
    return data


def _pyodide_files(root: Path, pins: dict[str, dict[str, str]]) -> tuple[str, dict[str, bytes]]:
    package_json = root / PYODIDE_DIR / "package.json"
    if not package_json.is_file():
        raise VendorError(f"{PYODIDE_DIR}/ is missing: run `npm ci` in the project root")
    version = str(json.loads(package_json.read_text(encoding="utf-8")).get("version", ""))
    pinned = pins["version"]["pyodide"]
    if version != pinned:
        raise VendorError(
            f"{PYODIDE_DIR}/package.json: Pyodide {version} is installed but {PIN_FILE} pins {pinned}; "
            "run `npm ci`"
        )
    files = {
        name: _checked(
            root / PYODIDE_DIR / name, f"{PYODIDE_DIR}/{name}", pins["pyodide"].get(name), "run `npm ci`"
        )
        for name in PYODIDE_FILES
    }
    return version, files



def _wheel_sources(root: Path, pins: dict[str, dict[str, str]]) -> dict[str, bytes]:
    sources: dict[str, bytes] = {}
    for wheel_name, expected in sorted(pins["wheels"].items()):
        data = _checked(
            root / WHEEL_DIR / wheel_name,
            f"{WHEEL_DIR}/{wheel_name}",
            expected,
            "download it with `nox -s build` (pip download --require-hashes -r browser-requirements.txt)",
        )
        with zipfile.ZipFile(io.BytesIO(data)) as wheel:
            for name in wheel.namelist():
                if name.split("/", 1)[0] in BUNDLE_PACKAGES and not name.endswith("/"):
                    sources[name] = wheel.read(name)
    return sources


def validator_sources(root: Path) -> dict[str, bytes]:
    package = root / "validator_py"
    sources = {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in package.rglob("*.py")
        if "__pycache__" not in path.parts
    }
    if "validator_py/__init__.py" not in sources:
        raise VendorError(
            "validator_py/__init__.py: not found; the browser bundle needs the validator package"
        )
    return sources


def _check_worker_abi(root: Path) -> None:
    """The ABI the worker hands Pyodide must be the vendored Pyodide's, or the runtime refuses to start."""
    lock_path = root / PYODIDE_DIR / "pyodide-lock.json"
    worker_path = root / WORKER
    try:
        expected = str(json.loads(lock_path.read_text(encoding="utf-8"))["info"]["abi_version"])
        worker = worker_path.read_text(encoding="utf-8")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise VendorError(
            f"{PYODIDE_DIR}/pyodide-lock.json or {WORKER}: cannot read the Pyodide ABI ({error})"
        ) from error
    found = _WORKER_ABI.search(worker)
    if found is None or found.group(1) != expected:
        raise VendorError(
            f"{WORKER}: PYODIDE_LOCK names ABI {found.group(1) if found else 'none'!r} but the vendored "
            f"Pyodide is {expected!r}; set abi_version in PYODIDE_LOCK to {expected!r}"
        )


def _run_builder(root: Path, wheel: Path, out: Path) -> tuple[bytes, dict[str, Any]]:
    builder = root / BUILDER
    if not builder.is_file():
        raise VendorError(f"{BUILDER}: not found; the validator runtime is built by it (restore it from git)")
    # The cache sits next to the wheels (build/), resolving symlinks, so copies of the project that link
    # build/wheels share it; entries are keyed by a hash of every input, so sharing is safe.
    cache = (root / WHEEL_DIR).resolve().parent / "runtime-cache"
    command = [
        "node", str(builder), "build", "--root", str(root), "--out", str(out),
        "--cache", str(cache), "--wheel", str(wheel),
    ]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False
        )
    except FileNotFoundError as error:
        raise VendorError(
            "node: not found; the validator runtime is built with Node.js 20 (apt-get install nodejs)"
        ) from error
    except subprocess.TimeoutExpired as error:
        raise VendorError(
            f"scripts/build_stdlib.mjs: no result after {BUILD_TIMEOUT_S} s; run it by hand to see why"
        ) from error
    if result.returncode != 0:
        raise VendorError(
            f"scripts/build_stdlib.mjs: the validator runtime did not build:\n{result.stderr[-3000:]}"
        )
    manifest = json.loads(result.stdout)
    return (out / str(manifest["file"])).read_bytes(), dict(manifest)


def _built(root: Path, pins: dict[str, dict[str, str]]) -> tuple[bytes, dict[str, Any]]:
    """The precompiled stdlib with asn1crypto (pinned wheel) and validator_py, and what it was built from."""
    wheel_sources = _wheel_sources(root, pins)  # Checks every pinned wheel before anything is built from it.
    own_sources = validator_sources(root)
    _check_worker_abi(root)
    wheels = [root / WHEEL_DIR / name for name in sorted(pins["wheels"]) if name.startswith("asn1crypto-")]
    if not wheels:
        raise VendorError(f"{PIN_FILE}: no asn1crypto wheel is pinned; the validator needs asn1crypto")
    with tempfile.TemporaryDirectory(prefix="nuvy-runtime-") as out:
        bundle, built = _run_builder(root, wheels[0], Path(out))
    sources = wheel_sources | own_sources
    manifest = {
        "sha256": _sha256(bundle),
        "input_hash": str(built["input_hash"]),
        "pyodide": str(built["pyodide_version"]),
        "python": str(built["python"]),
        "modules": int(built["modules"]),
        "built_by": BUILDER,
        "wheels": dict(sorted(pins["wheels"].items())),
        "sources": {name: _sha256(sources[name]) for name in sorted(sources) if name.endswith(".py")},
    }
    return bundle, manifest


def check_bundle_pin(pins: dict[str, dict[str, str]], manifest: dict[str, Any], shown: str) -> None:
    """The built bundle must be the pinned one: same inputs, same bytes.

    The build is deterministic, so the pin proves that what the site ships is exactly what was reviewed
    and pinned, and that this machine rebuilt it byte for byte. `nox -s pin` records a new pin after a
    reviewed change to validator_py, the wheel, Pyodide, the CA files or the builder.
    """
    pinned = pins.get("bundle", {})
    if pinned.get("input_hash") != manifest["input_hash"]:
        raise VendorError(
            f"{shown}: built from inputs that are not pinned in {PIN_FILE} (validator_py, the asn1crypto "
            "wheel, Pyodide, the CA files, the samples or scripts/build_stdlib* changed); review the change, "
            "then run `nox -s pin` and commit hooks/vendor-hashes.json"
        )
    if pinned.get("sha256") != manifest["sha256"]:
        raise VendorError(
            f"{shown}: SHA-256 {manifest['sha256']} does not match the pin {pinned.get('sha256')} in "
            f"{PIN_FILE} although its inputs are the pinned ones: the build is not reproducible here or a "
            "tool changed its output; do not publish this site, and report it"
        )


def build_bundle(root: Path, pins: dict[str, dict[str, str]]) -> bytes:
    """The bundle's bytes (unchecked against the bundle pin; `plan_runtime` checks it)."""
    return _built(root, pins)[0]


def plan_runtime(root: Path, *, check_pin: bool = True) -> RuntimePlan:
    pins = load_pins(root)
    version, files = _pyodide_files(root, pins)
    bundle, manifest = _built(root, pins)
    plan = RuntimePlan(pyodide_version=version, pyodide_files=files, bundle=bundle, manifest=manifest)
    if check_pin:
        check_bundle_pin(pins, manifest, plan.bundle_path)
    return plan


def pin_bundle(root: Path) -> dict[str, str]:
    """Build the bundle and record its input hash and SHA-256 in the pin file (`nox -s pin`)."""
    plan = plan_runtime(root, check_pin=False)
    path = root / PIN_FILE
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["bundle"] = {"input_hash": plan.manifest["input_hash"], "sha256": plan.manifest["sha256"]}
    path.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
    return dict(raw["bundle"])
