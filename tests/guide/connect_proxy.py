"""A tiny HTTP CONNECT proxy that sends the guide's real host names to a local test server.

curl, Python requests, Java, Go and `openssl s_client -proxy` all tunnel through a CONNECT proxy without
any change to the sample, and the TLS session inside the tunnel still carries the real host name (SNI and
hostname verification), so the samples are tested exactly as users run them. Node.js, which has no proxy
setting, reaches the server through a plain TCP forwarder (`tcp_forwarder`) with the same relay.

The relay closes like a real network path, not like a reset on loopback: when the server closes (or
resets) its side, everything it sent is passed on, the client's side is shut down for writing, and what
the client still sends is read and dropped until it closes. Without that, a server that refuses a TLS 1.3
client after the client's Finished message (as the load balancer does) resets a connection the client is
still writing on, and on loopback the client then sometimes reports the reset ("Transport endpoint is not
connected") instead of the server's TLS alert, which it reads on a real network. Every relay is bounded:
it gives up after RELAY_IDLE_SECONDS without traffic.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import socketserver
import threading
from collections.abc import Iterator, Mapping

RELAY_IDLE_SECONDS = 30


class _TunnelHandler(socketserver.BaseRequestHandler):
    server: _ProxyServer

    def handle(self) -> None:
        client: socket.socket = self.request
        client.settimeout(RELAY_IDLE_SECONDS)
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
        with socket.create_connection(upstream, timeout=RELAY_IDLE_SECONDS) as remote:
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            leftover = head.split(b"\r\n\r\n", 1)[1]
            if leftover:
                remote.sendall(leftover)
            relay(client, remote)


class _ForwardHandler(socketserver.BaseRequestHandler):
    server: _ForwardServer

    def handle(self) -> None:
        client: socket.socket = self.request
        with socket.create_connection(self.server.upstream, timeout=RELAY_IDLE_SECONDS) as remote:
            relay(client, remote)


def _shut_write(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_WR)


def relay(client: socket.socket, remote: socket.socket) -> None:
    """Copy both ways with half-closes until both sides are done; see the module docstring."""
    peer = {client: remote, remote: client}
    open_from = {client, remote}   # sides that may still send
    writable = {client, remote}    # sides that still take data
    with selectors.DefaultSelector() as selector:
        for side in open_from:
            selector.register(side, selectors.EVENT_READ)
        while open_from:
            events = selector.select(timeout=RELAY_IDLE_SECONDS)
            if not events:
                return
            for key, _ in events:
                source: socket.socket = key.fileobj  # type: ignore[assignment]
                try:
                    data = source.recv(65536)
                except OSError:
                    data = b""  # A reset ends this direction like a close; what came before was passed on.
                target = peer[source]
                if not data:
                    selector.unregister(source)
                    open_from.discard(source)
                    _shut_write(target)
                    if source is remote:
                        writable.discard(remote)  # The server is gone: the client's data is dropped.
                    continue
                if target in writable:
                    try:
                        target.sendall(data)
                    except OSError:
                        writable.discard(target)


class _ProxyServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, routes: Mapping[str, tuple[str, int]]) -> None:
        super().__init__(("127.0.0.1", 0), _TunnelHandler)
        self.routes = dict(routes)
        self.refused: list[str] = []


class _ForwardServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, upstream: tuple[str, int]) -> None:
        super().__init__(("127.0.0.1", 0), _ForwardHandler)
        self.upstream = upstream


@contextlib.contextmanager
def _serving(server: socketserver.ThreadingTCPServer, name: str) -> Iterator[None]:
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def connect_proxy(routes: Mapping[str, tuple[str, int]]) -> Iterator[_ProxyServer]:
    """Serve CONNECT for exactly the given "host:port" targets; yields the server (see .server_address)."""
    server = _ProxyServer(routes)
    with _serving(server, "guide-connect-proxy"):
        yield server


@contextlib.contextmanager
def tcp_forwarder(upstream: tuple[str, int]) -> Iterator[int]:
    """Relay every connection to one upstream; yields the local port."""
    server = _ForwardServer(upstream)
    with _serving(server, "guide-tcp-forwarder"):
        yield server.server_address[1]
