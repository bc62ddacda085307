"""Serve the bench's trees the way a production host does: `_headers` applied, bodies brotli-compressed.

`scripts/serve.py` sends every file as it is on disk. That is right for the tests, and it did not matter
while the bench ran without a network in between. Under an emulated network (bench/measure.py
`NETWORK_PROFILES`) Chromium throttles the bytes on the wire, so the bench must send what a host sends:
`operators/deployment.md` requires brotli (or gzip) for every runtime file, and the bench's `brotli_bytes`
figure already assumes quality 11 per file. `precompress` writes `<file>.br` next to each file once (cached by
SHA-256, the wasm takes about a minute), and `serve_in_thread` answers with it, `Content-Encoding: br`.
"""

from __future__ import annotations

import functools
import hashlib
import mimetypes
import os
import shutil
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import brotli

from scripts import serve

# Smaller files gain nothing a host would bother with; hosts send them as they are.
MIN_BYTES = 256
SUFFIX = ".br"


def _compress(source: str, target: str) -> None:
    data = Path(source).read_bytes()
    Path(target).write_bytes(brotli.compress(data, quality=11))


def precompress(root: Path, cache: Path) -> int:
    """Write `<file>.br` beside every file of `root` worth compressing; returns how many were written."""
    cache.mkdir(parents=True, exist_ok=True)
    todo: list[tuple[Path, Path]] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix == SUFFIX or path.stat().st_size < MIN_BYTES:
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        todo.append((path, cache / f"{digest}{SUFFIX}"))
    missing = sorted({cached for _, cached in todo if not cached.is_file()}, key=str)
    sources = {cached: path for path, cached in todo}
    if missing:
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            # Largest first, so the wasm does not start last.
            missing.sort(key=lambda cached: -sources[cached].stat().st_size)
            list(pool.map(_compress, [str(sources[c]) for c in missing], [str(c) for c in missing]))
    written = 0
    for path, cached in todo:
        if cached.stat().st_size < path.stat().st_size:
            shutil.copyfile(cached, path.with_name(path.name + SUFFIX))
            written += 1
    return written


class _BrotliHandler(serve._Handler):
    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        compressed = path.with_name(path.name + SUFFIX)
        if self.command not in ("GET", "HEAD") or not path.is_file() or not compressed.is_file():
            return super().send_head()
        body = compressed.open("rb")
        content_type = serve.MIME_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        self.send_response(200)
        self.send_header("Content-Type", content_type or "application/octet-stream")
        self.send_header("Content-Encoding", "br")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(compressed.stat().st_size))
        self.end_headers()
        return body


def serve_in_thread(root: Path) -> tuple[serve.SiteServer, str]:
    """`scripts.serve.serve_in_thread`, answering with the precompressed `.br` files where there are some."""
    server = serve.SiteServer(root, 0)
    server.RequestHandlerClass = functools.partial(_BrotliHandler, directory=str(server.root))
    thread = threading.Thread(target=server.serve_forever, name="nuvy-bench-server", daemon=True)
    server._thread = thread
    thread.start()
    host, port = server.server_address[:2]
    return server, f"http://{host!s}:{port}/"
