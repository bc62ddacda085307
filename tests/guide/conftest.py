"""Session fixtures for the guide suite: one PKI, one nginx, one CONNECT proxy for all tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import mapping
from .connect_proxy import connect_proxy
from .harness import Stage
from .nginx import run_nginx
from .pki import build_pki
from .report import ACCOUNT

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="session")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    root = tmp_path_factory.mktemp("guide-stage")
    # Root runs nginx workers as root, so only the owner needs to read these files.
    pki = build_pki(root / "pki", dt.datetime.now(dt.UTC))
    with run_nginx(
        root / "nginx", server_cert=pki.server_cert_file, server_key=pki.server_key_file,
        client_ca=pki.client_ca_file, server_names=mapping.REAL_HOSTS,
    ) as nginx, connect_proxy(mapping.routes(nginx.port)) as proxy:
        tools, home = root / "tools", root / "home"
        mapping.write_tools(tools, home, proxy.server_address[1])
        yield Stage(pki=pki, nginx=nginx, proxy_port=proxy.server_address[1], tools_dir=tools, home=home)
        assert not proxy.refused, f"the CONNECT proxy refused requests outside the mapping: {proxy.refused}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in ACCOUNT.lines():
        terminalreporter.write_line(line)
