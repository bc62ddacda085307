"""The browser runtime: vendored Pyodide files and the validator bundle, both checked by hash.

Kept apart from the rest of the hooks because the runtime is the part most likely to change (for
example a precompiled stdlib); the pages only need `RuntimePlan`'s URLs and hash.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

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
# A fixed timestamp (the earliest a zip can store) makes the bundle byte-identical between builds.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class VendorError(ValueError):
    """A vendored file is missing or differs from its pin; the message names the file and the fix."""


@dataclass(frozen=True)
class RuntimePlan:
    """What the build will copy into the site, decided (and verified) before any page is rendered."""

    pyodide_version: str
    pyodide_files: dict[str, bytes]  # file name -> bytes, already hash-checked
    bundle: bytes

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


def _zip_entry(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data, compresslevel=9)


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


def _validator_sources(root: Path) -> dict[str, bytes]:
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


def build_bundle(root: Path, pins: dict[str, dict[str, str]]) -> bytes:
    """Zip asn1crypto (from the pinned wheel) and validator_py (*.py) deterministically."""
    sources = _wheel_sources(root, pins) | _validator_sources(root)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(sources):
            _zip_entry(archive, name, sources[name])
    return buffer.getvalue()


def plan_runtime(root: Path) -> RuntimePlan:
    pins = load_pins(root)
    version, files = _pyodide_files(root, pins)
    return RuntimePlan(pyodide_version=version, pyodide_files=files, bundle=build_bundle(root, pins))
