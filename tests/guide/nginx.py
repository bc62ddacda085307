"""nginx from Debian, the second test server: `ssl_verify_client on`, 404 on /test.

nginx asks for the client certificate in the handshake but does not refuse there: it completes the
handshake and answers HTTP 400 ("No required SSL certificate was sent", "The SSL certificate error").
Many self-hosted servers behave like this, so the guide notes it next to the load balancer's behaviour.
It runs in the foreground from a private prefix (its own config, pid file and logs) on a free port of
127.0.0.1, and is stopped when the session ends.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from .servers import TestServer, foreground_process, free_port

NGINX = "/usr/sbin/nginx"

# `http2` makes the server offer h2 through ALPN, so the guide's claim about HTTP/2 is checked for real.
_CONFIG = """\
# Root runs the workers as root, because the key files live in a private temporary directory.
{user_line}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port} ssl http2;
        server_name {server_names};
        ssl_certificate {server_chain};
        ssl_certificate_key {server_key};
        ssl_client_certificate {client_ca};
        ssl_verify_client on;
        ssl_verify_depth 2;
        ssl_protocols TLSv1.2 TLSv1.3;
        # No endpoint exists: a request that passes mutual TLS gets 404, as the guide promises.
        location / {{ return 404; }}
    }}
}}
"""


@contextlib.contextmanager
def run_nginx(
    prefix: Path, *, server_chain: Path, server_key: Path, client_ca: Path, server_names: tuple[str, ...],
) -> Iterator[TestServer]:
    if not Path(NGINX).exists():
        raise RuntimeError(f"{NGINX} is missing: install Debian's nginx-light (apt-get install nginx-light)")
    prefix.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = prefix / "nginx.conf"
    config.write_text(_CONFIG.format(
        user_line="user root;" if os.geteuid() == 0 else "",
        prefix=prefix, port=port, server_names=" ".join(server_names), server_chain=server_chain,
        server_key=server_key, client_ca=client_ca,
    ))
    server = TestServer(kind="nginx", port=port, prefix=prefix, log=prefix / "error.log")
    command = [NGINX, "-p", str(prefix), "-c", str(config), "-e", str(server.log), "-g", "daemon off;"]
    try:
        with foreground_process("nginx", command, port=port, log=server.log):
            yield server
    finally:
        shutil.rmtree(prefix / "body", ignore_errors=True)
