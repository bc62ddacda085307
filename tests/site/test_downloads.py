"""The download page: per environment, a working button, the facts, and an openssl check that works."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import pytest

ENVIRONMENTS = ("qa", "production")


def _section(page: str, env_id: str) -> str:
    # Each environment is one content tab, in the order of extra.environments.
    blocks = page.split('<div class="tabbed-block">')[1:]
    assert len(blocks) == len(ENVIRONMENTS), "expected one content tab per environment"
    section = blocks[ENVIRONMENTS.index(env_id)]
    assert f'data-environment="{env_id}"' in section
    return section


def _code_blocks(section: str) -> list[str]:
    blocks = re.findall(r"<pre[^>]*>(.*?)</pre>", section, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", block)).strip() for block in blocks]


@pytest.fixture(scope="module")
def download_page(built_site: Path) -> str:
    return (built_site / "download" / "index.html").read_text(encoding="utf-8")


def test_marker_is_replaced(download_page: str) -> None:
    assert "nuvy:downloads" not in download_page


@pytest.mark.parametrize("env_id", ENVIRONMENTS)
def test_displayed_openssl_output_matches_the_published_file(
    built_site: Path, download_page: str, env_id: str, tmp_path: Path
) -> None:
    section = _section(download_page, env_id)
    command, expected = _code_blocks(section)[:2]
    assert command == f"openssl x509 -noout -fingerprint -sha256 -in nuvy-ca-{env_id}.crt"
    # Run it exactly as a client would, on the file the button downloads, saved under its name.
    published = (built_site / "ca" / env_id / "nuvy-ca.crt").read_bytes()
    (tmp_path / f"nuvy-ca-{env_id}.crt").write_bytes(published)
    actual = subprocess.run(
        command.split(), cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert actual == expected
    fingerprint = expected.split("=", 1)[1]
    assert f"<code>{fingerprint}</code>" in section


@pytest.mark.parametrize("env_id", ENVIRONMENTS)
def test_download_button_points_at_the_copied_ca(built_site: Path, download_page: str, env_id: str) -> None:
    section = _section(download_page, env_id)
    match = re.search(r'<a href="([^"]+)" class="md-button[^"]*" download="nuvy-ca-([a-z]+)\.crt"', section)
    assert match, section
    assert match.group(2) == env_id, "the file is saved under its environment's name"
    target = urljoin("http://site/download/", match.group(1))
    assert target == f"http://site/ca/{env_id}/nuvy-ca.crt"
    assert (built_site / "ca" / env_id / "nuvy-ca.crt").is_file()


@pytest.mark.parametrize("env_id", ENVIRONMENTS)
def test_section_shows_subject_serial_validity_and_demo_label(download_page: str, env_id: str) -> None:
    section = _section(download_page, env_id)
    for label in ("Subject", "Serial", "Valid from", "Valid until", "DEMO CA", "safe to share"):
        assert label in section, label
    assert "Nuvy DEMO" in section


def test_environments_are_content_tabs(download_page: str) -> None:
    labels = re.findall(r'<label for="__tabbed_[^"]+">([^<]+)</label>', download_page)
    assert labels == ["QA", "Production"]
