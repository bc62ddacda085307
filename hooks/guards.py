"""Build guard: no private key may be published with the site.

The portal tells clients never to share their key; a key that slipped into docs/ or site_assets/
would be served to everyone, so the build refuses to run instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

# Covers PKCS#8 ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY"), SEC1 ("EC PRIVATE KEY"),
# "ENCRYPTED PRIVATE KEY" and "OPENSSH PRIVATE KEY".
PRIVATE_KEY_PEM = re.compile(rb"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")


def files_with_private_keys(root: Path, directories: Iterable[str]) -> list[str]:
    """Return the paths (relative to `root`, sorted) of files that contain a PEM private key."""
    found = []
    for directory in directories:
        base = root / directory
        if not base.is_dir():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            if PRIVATE_KEY_PEM.search(path.read_bytes()):
                found.append(path.relative_to(root).as_posix())
    return found


def private_key_message(paths: list[str]) -> str:
    return (
        f"private key found in {', '.join(paths)}: the site would publish it. Delete the key from the file "
        "(and treat the key as compromised if it was ever committed or deployed)."
    )
