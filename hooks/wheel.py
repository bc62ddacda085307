"""The command-line validator as a wheel, built by the site from the same sources as the browser bundle.

The wheel is written here rather than by a build backend so that it is byte-for-byte reproducible (fixed
timestamps and permissions, stored entries, sorted names) and needs nothing from the network at build time.
Its ``validator_py`` files are the ones ``hooks.runtime`` pins for the browser bundle, and its metadata
(name, version, Python and dependencies) is read from ``pyproject.toml``, so the two cannot drift.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from hooks.runtime import validator_sources

SITE_DIR = "downloads"
_EPOCH = (1980, 1, 1, 0, 0, 0)  # The earliest time a zip can hold: no build time leaks into the file.


class WheelError(Exception):
    """pyproject.toml cannot describe the wheel; the message names the file and the field."""


@dataclass(frozen=True)
class Wheel:
    filename: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def site_path(self) -> str:
        return f"{SITE_DIR}/{self.filename}"


def _project(root: Path) -> dict[str, object]:
    try:
        project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as error:
        raise WheelError(f"pyproject.toml: cannot read [project] ({error})") from error
    for key in ("name", "version", "requires-python", "dependencies", "scripts"):
        if key not in project:
            raise WheelError(f"pyproject.toml: [project] has no {key!r}, which the CLI wheel needs")
    return dict(project)


def _metadata(project: dict[str, object]) -> bytes:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project.get('description', '')}",
        f"Requires-Python: {project['requires-python']}",
        *(f"Requires-Dist: {dependency}" for dependency in project["dependencies"]),  # type: ignore[attr-defined]
    ]
    return ("\n".join(lines) + "\n").encode()


def _entry_points(project: dict[str, object]) -> bytes:
    scripts = project["scripts"]
    assert isinstance(scripts, dict)
    lines = ["[console_scripts]", *(f"{name} = {target}" for name, target in sorted(scripts.items()))]
    return ("\n".join(lines) + "\n").encode()


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(root: Path) -> Wheel:
    """The reproducible ``py3-none-any`` wheel of the validator at ``root``."""
    project = _project(root)
    stem = f"{str(project['name']).replace('-', '_')}-{project['version']}"
    dist_info = f"{stem}.dist-info"
    files = dict(sorted(validator_sources(root).items()))
    files[f"{dist_info}/METADATA"] = _metadata(project)
    files[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: nuvy-portal (hooks/wheel.py)\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n"
    )
    files[f"{dist_info}/entry_points.txt"] = _entry_points(project)
    record = [_record_line(name, data) for name, data in files.items()] + [f"{dist_info}/RECORD,,"]
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return Wheel(f"{stem}-py3-none-any.whl", buffer.getvalue())


WHEEL_MARKER = "<!-- nuvy:cli-wheel -->"
# Written in the page's commands where the wheel's file name goes; the build puts in the real name.
WHEEL_TOKEN = "NUVY_WHEEL_FILE"  # noqa: S105 - a placeholder, not a password.


def download_markdown(wheel: Wheel, page_url: str) -> str:
    """The download line of the CLI page: the wheel, relative to the page, with its SHA-256."""
    depth = page_url.strip("/").count("/") + 1 if page_url.strip("/") else 0
    href = "../" * depth + wheel.site_path
    # Raw HTML: a Markdown link to a file that is not a page would fail MkDocs' strict link check.
    return (
        f'<p><a class="md-button" href="{href}" download="{wheel.filename}">Download '
        f"<code>{wheel.filename}</code></a></p>\n\n"
        f"SHA-256: `{wheel.sha256}`\n"
    )


def with_wheel(markdown: str, wheel: Wheel, page_url: str) -> str:
    """Fill the CLI page: the download line at the marker, the file name in every command."""
    filled = markdown.replace(WHEEL_MARKER, download_markdown(wheel, page_url))
    return filled.replace(WHEEL_TOKEN, wheel.filename)
