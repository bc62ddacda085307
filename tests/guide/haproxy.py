"""HAProxy from Debian, the test server that behaves like the API's load balancer.

Nuvy's troubleshooting code `ClientCertUntrusted` is the reason an AWS Application Load Balancer in mTLS
verify mode logs for a client certificate that does not chain to its trust store (its connection log has
others: ClientCertExpired, ClientCertCrlHit, ...). It refuses such a client, or one that sends no
certificate, in the TLS handshake. HAProxy's `verify required` does the same. Like the real front end it
speaks TLS 1.2 and 1.3, offers h2 and http/1.1 through ALPN, sends its certificate with the issuing CA of the
public test chain, and answers 404 to every request that gets through, as the API does on /test.
Like an ALB listener with its default "advertise CA names: off", it does not list the accepted CAs in its
certificate request (`ca-verify-file` + `no-ca-names`): clients then send their certificate whatever its
issuer, and a certificate from another CA is refused as `unknown ca`.

It runs in the foreground (`-db`) with its log on stderr, written to `haproxy.log` in its prefix, on a
free port of 127.0.0.1, and is stopped when the session ends.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from .servers import TestServer, foreground_process, free_port

HAPROXY = "/usr/sbin/haproxy"

_CONFIG = """\
global
    log stderr format raw local0 info
defaults
    mode http
    log global
    option httplog
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout http-request 10s
frontend api
    bind 127.0.0.1:{port} {tls}
    # No endpoint exists: a request that passes mutual TLS gets 404, as the guide promises.
    http-request return status 404 content-type text/plain string "Not Found"
"""


@contextlib.contextmanager
def run_haproxy(prefix: Path, *, server_bundle: Path, client_ca: Path) -> Iterator[TestServer]:
    if not Path(HAPROXY).exists():
        raise RuntimeError(f"{HAPROXY} is missing: install Debian's haproxy (apt-get install haproxy)")
    prefix.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = prefix / "haproxy.cfg"
    tls = " ".join([
        "ssl", "crt", str(server_bundle), "ca-verify-file", str(client_ca), "no-ca-names",
        "verify", "required", "alpn", "h2,http/1.1", "ssl-min-ver", "TLSv1.2", "ssl-max-ver", "TLSv1.3",
    ])
    config.write_text(_CONFIG.format(port=port, tls=tls))
    server = TestServer(kind="lb", port=port, prefix=prefix, log=prefix / "haproxy.log")
    command = [HAPROXY, "-db", "-f", str(config)]
    with foreground_process("haproxy", command, port=port, log=server.log, output=server.log):
        yield server
