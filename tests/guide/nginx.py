"""nginx from Debian, configured like the Nuvy API: server certificate, `ssl_verify_client on`, 404 on /test.

It runs in the foreground from a private prefix (its own config, pid file and logs) on a free port of
127.0.0.1, and is stopped when the session ends.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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
        ssl_certificate {server_cert};
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


@dataclass(frozen=True)
class NginxServer:
    port: int
    prefix: Path

    @property
    def error_log(self) -> Path:
        return self.prefix / "error.log"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with {process.returncode}: {log.read_text(errors='replace')}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nginx did not listen on 127.0.0.1:{port} within 10 s; see {log}")


@contextlib.contextmanager
def run_nginx(
    prefix: Path, *, server_cert: Path, server_key: Path, client_ca: Path, server_names: tuple[str, ...],
) -> Iterator[NginxServer]:
    if not Path(NGINX).exists():
        raise RuntimeError(f"{NGINX} is missing: install Debian's nginx-light (apt-get install nginx-light)")
    prefix.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    config = prefix / "nginx.conf"
    config.write_text(_CONFIG.format(
        user_line="user root;" if os.geteuid() == 0 else "",
        prefix=prefix, port=port, server_names=" ".join(server_names), server_cert=server_cert,
        server_key=server_key, client_ca=client_ca,
    ))
    server = NginxServer(port=port, prefix=prefix)
    process = subprocess.Popen(
        [NGINX, "-p", str(prefix), "-c", str(config), "-e", str(server.error_log), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_listening(port, process, server.error_log)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(prefix / "body", ignore_errors=True)
