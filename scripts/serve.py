"""Serve a built site on 127.0.0.1 with the headers of its `_headers` file, and log every request.

    python scripts/serve.py --root site --port 8000 [--log access.jsonl]

The production host applies `_headers` (Netlify / Cloudflare Pages format); this server applies the
same file, so the Content-Security-Policy (with its header-only frame-ancestors), the Permissions-Policy
and the other headers are enforced as real headers on pages and on workers during development and tests.
Every request is recorded (method, path, query, headers such as Referer) so tests can prove what the
browser did and did not send.

Tests import it as `scripts.serve` (scripts/ is a package) with the project root on sys.path:

    server, base_url = serve_in_thread(Path("site"))
    ...
    server.access_log()   # list[AccessRecord]
    server.stop()
"""

from __future__ import annotations

import argparse
import functools
import json
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Types the browser insists on: module scripts must be JavaScript, and WebAssembly streaming
# compilation requires application/wasm.
MIME_TYPES = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".json": "application/json",
    ".crt": "application/x-x509-ca-cert",
    ".pem": "application/x-pem-file",
    ".csr": "application/pkcs10",
    ".css": "text/css",
    ".html": "text/html",
    ".svg": "image/svg+xml",
    ".map": "application/json",
    ".txt": "text/plain",
    ".xml": "application/xml",
    ".gz": "application/gzip",
}


@dataclass(frozen=True)
class HeaderRule:
    """One block of `_headers`: a path pattern (a trailing `*` matches any suffix) and its headers."""

    pattern: str
    headers: tuple[tuple[str, str], ...]

    def matches(self, path: str) -> bool:
        if self.pattern.endswith("*"):
            return path.startswith(self.pattern[:-1])
        return path == self.pattern


def parse_headers_file(text: str) -> list[HeaderRule]:
    """Parse the Netlify / Cloudflare Pages `_headers` format (path lines, then indented headers)."""
    rules: list[HeaderRule] = []
    pattern: str | None = None
    headers: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            if pattern is not None:
                rules.append(HeaderRule(pattern, tuple(headers)))
            pattern, headers = line.strip(), []
            continue
        name, colon, value = line.strip().partition(":")
        if pattern is None or not colon:
            raise ValueError(
                f"_headers line {number}: expected '  Name: value' under a path line, got {line!r}"
            )
        headers.append((name.strip(), value.strip()))
    if pattern is not None:
        rules.append(HeaderRule(pattern, tuple(headers)))
    return rules


@dataclass(frozen=True)
class AccessRecord:
    method: str
    path: str  # as requested, including any query string
    query: str
    headers: dict[str, str]
    status: int


class SiteServer(ThreadingHTTPServer):
    """A threading HTTP server that remembers the `_headers` rules and the access log."""

    daemon_threads = True

    def __init__(self, root: Path, port: int, log_file: Path | None = None) -> None:
        self.root = root.resolve()
        headers_path = self.root / "_headers"
        text = headers_path.read_text(encoding="utf-8") if headers_path.is_file() else ""
        self.rules = parse_headers_file(text)
        self.log_file = log_file
        self._log: list[AccessRecord] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        super().__init__(("127.0.0.1", port), functools.partial(_Handler, directory=str(self.root)))

    def headers_for(self, path: str) -> list[tuple[str, str]]:
        return [header for rule in self.rules if rule.matches(path) for header in rule.headers]

    def record(self, entry: AccessRecord) -> None:
        with self._lock:
            self._log.append(entry)
            if self.log_file is not None:
                with self.log_file.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(asdict(entry), sort_keys=True) + "\n")

    def access_log(self) -> list[AccessRecord]:
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


class _Handler(SimpleHTTPRequestHandler):
    server: SiteServer
    # The base class declares this as an instance attribute, read-only in practice; sharing it is safe.
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}  # noqa: RUF012

    def send_response(self, code: int, message: str | None = None) -> None:
        super().send_response(code, message)
        target = urlsplit(self.path)
        self.server.record(
            AccessRecord(
                method=self.command,
                path=self.path,
                query=target.query,
                headers={name: value for name, value in self.headers.items()},
                status=int(code),
            )
        )

    def end_headers(self) -> None:
        for name, value in self.server.headers_for(urlsplit(self.path).path):
            self.send_header(name, value)
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # Serve the site's own 404 page (with its CSP) like a static host does.
        page = self.server.root / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file() or self.command not in ("GET", "HEAD"):
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        # The structured access log replaces the default stderr line per request.
        return


def serve_in_thread(root: Path, port: int = 0, log_file: Path | None = None) -> tuple[SiteServer, str]:
    """Start serving `root` in a background thread; return the server and its base URL (ending in /)."""
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such site directory; build the site first (nox -s build)")
    server = SiteServer(root, port, log_file)
    thread = threading.Thread(target=server.serve_forever, name="nuvy-site-server", daemon=True)
    server._thread = thread
    thread.start()
    host, bound_port = server.server_address[:2]
    return server, f"http://{host!s}:{bound_port}/"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a built site with its _headers on 127.0.0.1.")
    parser.add_argument("--root", type=Path, default=Path("site"), help="site directory (default: site)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    parser.add_argument("--log", type=Path, default=None, help="append a JSON line per request to this file")
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        parser.error(f"{args.root}: no such site directory; build the site first (nox -s build)")
    server = SiteServer(args.root, args.port, args.log)
    host, port = server.server_address[:2]
    print(f"Serving {args.root} on http://{host!s}:{port}/ (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
