"""Session fixtures for the guide suite: one PKI, and per test server one server, proxy and tool set.

`stage` is parametrized over servers.SERVER_KINDS, so every test that takes it runs against the load
balancer (HAProxy, refuses in the handshake) and against nginx (answers HTTP 400).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import mapping
from .connect_proxy import connect_proxy, tcp_forwarder
from .haproxy import HAPROXY, run_haproxy
from .harness import Stage
from .nginx import NGINX, run_nginx
from .pki import TestPki, build_pki
from .report import COVERAGE
from .servers import SERVER_KINDS, TestServer

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="session")
def guide_pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    # Root runs the servers' workers as root, so only the owner needs to read these files.
    return build_pki(tmp_path_factory.mktemp("guide-pki"), dt.datetime.now(dt.UTC))


def _version(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=30)
    text = (done.stdout + done.stderr).strip().splitlines()
    return text[0] if text else "?"


@contextlib.contextmanager
def _server(kind: str, pki: TestPki, prefix: Path) -> Iterator[TestServer]:
    if kind == "lb":
        words = _version([HAPROXY, "-v"]).split()
        COVERAGE.servers[kind] = " ".join(words[0:1] + words[2:3])  # "HAProxy 2.6.12-1+deb12u4"
        bundle, client_ca = pki.server_bundle_file, pki.client_ca_file
        with run_haproxy(prefix, server_bundle=bundle, client_ca=client_ca) as server:
            yield server
    else:
        COVERAGE.servers[kind] = _version([NGINX, "-v"]).removeprefix("nginx version: ")
        with run_nginx(
            prefix, server_chain=pki.server_chain_file, server_key=pki.server_key_file,
            client_ca=pki.client_ca_file, server_names=mapping.REAL_HOSTS,
        ) as server:
            yield server


@pytest.fixture(scope="session", params=SERVER_KINDS)
def stage(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, guide_pki: TestPki,
) -> Iterator[Stage]:
    kind: str = request.param
    root = tmp_path_factory.mktemp(f"guide-stage-{kind}")
    with (
        _server(kind, guide_pki, root / kind) as server,
        connect_proxy(mapping.routes(server.port)) as proxy,
        tcp_forwarder(("127.0.0.1", server.port)) as node_port,
    ):
        tools, home = root / "tools", root / "home"
        mapping.write_tools(tools, home, proxy.server_address[1])
        yield Stage(
            pki=guide_pki, server=server, proxy_port=proxy.server_address[1], node_port=node_port,
            tools_dir=tools, home=home, go_dir=tmp_path_factory.getbasetemp() / "guide-go",
        )
        assert not proxy.refused, f"the CONNECT proxy refused requests outside the mapping: {proxy.refused}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in COVERAGE.lines():
        terminalreporter.write_line(line)
