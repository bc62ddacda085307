"""What the two test servers share: a free port on 127.0.0.1, a foreground process, a bounded start and stop.

The guide runs against two servers, each standing for one way an mTLS front end can refuse a client:

``lb``     HAProxy with ``verify required`` (haproxy.py): like the API's load balancer, it refuses a client
           without a valid certificate in the TLS handshake, so clients see a handshake error.
``nginx``  nginx with ``ssl_verify_client on`` (nginx.py): it completes the handshake and answers HTTP 400.

``SERVER_KINDS`` lists them with the load balancer first: it is what Nuvy runs, so the guide leads with it.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

SERVER_KINDS = ("lb", "nginx")
START_TIMEOUT_SECONDS = 10
STOP_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class TestServer:
    __test__ = False  # Not a test class, despite the name pytest looks for.

    kind: str      # one of SERVER_KINDS
    port: int
    prefix: Path   # its private directory: configuration, pid file, logs
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_listening(name: str, port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"{name} exited with {process.returncode}: {text}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(
        f"{name} did not listen on 127.0.0.1:{port} within {START_TIMEOUT_SECONDS} s; see {log}"
    )


@contextlib.contextmanager
def foreground_process(
    name: str, command: Sequence[str], *, port: int, log: Path, output: Path | None = None,
) -> Iterator[None]:
    """Start a server in the foreground, wait until it listens, and stop it (terminate, then kill)."""
    sink = output.open("wb") if output else subprocess.DEVNULL
    try:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            _wait_until_listening(name, port, process, log)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        if output:
            sink.close()  # type: ignore[union-attr]
