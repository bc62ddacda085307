"""A tiny HTTP CONNECT proxy that sends the guide's real host names to the local nginx.

curl, Python requests, Java and `openssl s_client -proxy` all tunnel through a CONNECT proxy without any
change to the sample, and the TLS session inside the tunnel still carries the real host name (SNI and
hostname verification), so the samples are tested exactly as users run them.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import socketserver
import threading
from collections.abc import Iterator, Mapping


class _TunnelHandler(socketserver.BaseRequestHandler):
    server: _ProxyServer

    def handle(self) -> None:
        client: socket.socket = self.request
        client.settimeout(30)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(4096)
            if not chunk:
                return
            head += chunk
            if len(head) > 16384:
                return
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
        method, _, rest = request_line.partition(" ")
        target = rest.partition(" ")[0]
        upstream = self.server.routes.get(target)
        if method != "CONNECT" or upstream is None:
            # Anything else is a mistake in the mapping; refuse loudly instead of reaching the internet.
            client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            self.server.refused.append(request_line)
            return
        with socket.create_connection(upstream, timeout=30) as remote:
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            leftover = head.split(b"\r\n\r\n", 1)[1]
            if leftover:
                remote.sendall(leftover)
            _pump(client, remote)


def _pump(a: socket.socket, b: socket.socket) -> None:
    with selectors.DefaultSelector() as selector:
        selector.register(a, selectors.EVENT_READ, b)
        selector.register(b, selectors.EVENT_READ, a)
        while True:
            events = selector.select(timeout=30)
            if not events:
                return
            for key, _ in events:
                source: socket.socket = key.fileobj  # type: ignore[assignment]
                try:
                    data = source.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                key.data.sendall(data)


class _ProxyServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, routes: Mapping[str, tuple[str, int]]) -> None:
        super().__init__(("127.0.0.1", 0), _TunnelHandler)
        self.routes = dict(routes)
        self.refused: list[str] = []


@contextlib.contextmanager
def connect_proxy(routes: Mapping[str, tuple[str, int]]) -> Iterator[_ProxyServer]:
    """Serve CONNECT for exactly the given "host:port" targets; yields the server (see .server_address)."""
    server = _ProxyServer(routes)
    thread = threading.Thread(target=server.serve_forever, name="guide-connect-proxy", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
