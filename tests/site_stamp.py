"""Which sources a built site came from, so that no suite tests a site older than the working tree.

``nox -s tests`` builds the site once and hands it to every suite as ``NUVY_SITE_DIR``. A site built
before an edit (by an earlier nox run, or by hand) would still pass or fail for the old sources, so a
suite that trusted it would report on code that is no longer there. The build writes a stamp next to
the site (``site.sources.json`` for ``site/``: beside it, never inside it, because everything inside is
published) holding the SHA-256 of every source file the build reads. Each suite that accepts a prebuilt
site calls `check_prebuilt` first, and refuses a site whose stamp is missing or differs.

    python -m tests.site_stamp SITE_DIR      # write the stamp (noxfile's _build_site does this)
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# What `mkdocs build` reads: the configuration, the pages and their templates, the hooks and the assets
# they copy, the validator (bundled and built into the CLI wheel), the bundle builder, and the pins of
# everything installed for it. Tests, the bench and repository-only documents are not inputs.
SOURCES = (
    "mkdocs.yml",
    "pyproject.toml",
    "package.json",
    "package-lock.json",
    "browser-requirements.txt",
    "docs",
    "hooks",
    "overrides",
    "site_assets",
    "validator_py",
    "scripts/build_stdlib.mjs",
    "scripts/build_stdlib_trace.py",
    "scripts/make_demo_pki.py",
)


def stamp_path(site: Path) -> Path:
    return site.with_name(site.name + ".sources.json")


def fingerprint(root: Path = ROOT) -> dict[str, str]:
    """SHA-256 of every source file under ``root``, by its POSIX path relative to ``root``."""
    digests: dict[str, str] = {}
    for source in SOURCES:
        path = root / source
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            if "__pycache__" in file.parts or file.suffix == ".pyc":
                continue  # written by running the code, not part of it
            digests[file.relative_to(root).as_posix()] = hashlib.sha256(file.read_bytes()).hexdigest()
    return digests


def write(site: Path, root: Path = ROOT) -> Path:
    target = stamp_path(site)
    target.write_text(json.dumps(fingerprint(root), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return target


def changed_sources(site: Path, root: Path = ROOT) -> list[str] | None:
    """Sources that differ between the site's stamp and ``root`` (added, removed or edited);
    None when the site has no stamp."""
    target = stamp_path(site)
    if not target.is_file():
        return None
    stamped: dict[str, str] = json.loads(target.read_text(encoding="utf-8"))
    now = fingerprint(root)
    return sorted(name for name in stamped.keys() | now.keys() if stamped.get(name) != now.get(name))


def check_prebuilt(site: Path, root: Path = ROOT) -> None:
    """Raise AssertionError, saying what to do, unless ``site`` was built from the sources in ``root``."""
    changed = changed_sources(site, root)
    if changed is None:
        raise AssertionError(
            f"NUVY_SITE_DIR={site} has no {stamp_path(site).name} beside it, so nothing says which sources "
            "it was built from; build it with `nox -s build` (or unset NUVY_SITE_DIR to build one per run)"
        )
    if changed:
        shown = ", ".join(changed[:8]) + (f" and {len(changed) - 8} more" if len(changed) > 8 else "")
        raise AssertionError(
            f"NUVY_SITE_DIR={site} was built from older sources ({shown} changed since); "
            "rebuild it with `nox -s build`, or unset NUVY_SITE_DIR to build one per run"
        )


if __name__ == "__main__":
    if len(sys.argv) != 2:  # the program name and the site
        sys.exit("usage: python -m tests.site_stamp SITE_DIR")
    print(f"site_stamp: wrote {write(Path(sys.argv[1]).resolve())}")
