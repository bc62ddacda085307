"""Step 9 of the guide: the CRL check block runs, unchanged, against a generated PKI and the demo PKI.

The block is taken from docs/guide.md as the guide suite reads it (tests/guide/blocks.py) and run with bash
in a directory holding the files it names: nuvy-ca-qa.crt, nuvy-ca-qa.crl and nuvy-client-qa.crt. Its
expected-output block must appear in the output of a good certificate; every message the step lists after
it (a CRL from another CA or forged, an expired CRL, a revoked certificate) must be what openssl prints
for that case. No server is needed: the commands read files only. Keys stay in memory (tests/pki.py).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import pki as test_pki

from .blocks import CodeBlock, collect
from .conftest import DOCS
from .harness import missing_lines

pytestmark = pytest.mark.guide

NOW = dt.datetime.now(dt.UTC)
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)
STEP = "## 9. Rotation and revocation"
DEMO = DOCS / "assets"


def _step_text() -> str:
    text = (DOCS / "guide.md").read_text(encoding="utf-8")
    start = text.index(STEP)
    end = text.index("\n## ", start + len(STEP))
    return text[start:end]


def _step_blocks() -> tuple[CodeBlock, CodeBlock]:
    """The CRL check block of step 9 and the expected-output block right after it."""
    text = (DOCS / "guide.md").read_text(encoding="utf-8")
    first = text[: text.index(STEP)].count("\n") + 1
    last = first + _step_text().count("\n")
    blocks = [b for b in collect(DOCS) if b.page == "guide.md" and first <= b.line <= last]
    index = next(i for i, b in enumerate(blocks) if "-crl_check" in b.text)
    check, expected = blocks[index], blocks[index + 1]
    assert check.language == "bash"
    assert check.not_runnable is None, "the CRL check block must be runnable"
    assert expected.is_expected_output, expected.where
    return check, expected


def _listed_messages() -> list[str]:
    """Every message the step says the commands may print instead of the expected output."""
    listing = _step_text().split("What else they may print", 1)[1]
    return [m for m in re.findall(r"`([^`]+)`", listing) if m != "verify OK" and "@" not in m]


@dataclass(frozen=True)
class Pki:
    ca: test_pki.Issued
    other_ca: test_pki.Issued
    client: test_pki.Issued
    revoked: test_pki.Issued


@pytest.fixture(scope="module")
def generated() -> Pki:
    def ca(name: str) -> test_pki.Issued:
        return test_pki.make_ca(name, key_size=2048, not_before=NOW - DAY, not_after=NOW + 3650 * DAY)

    nuvy, other = ca("Nuvy CRL Step CA"), ca("Some Other CRL CA")

    def client(cn: str, slot: int) -> test_pki.Issued:
        return test_pki.make_client(nuvy, cn=cn, o="Demo Client Ltda", key_slot=slot,
                                    not_before=NOW - HOUR, not_after=NOW + 365 * DAY)

    return Pki(nuvy, other, client("crl-step-client", 41), client("crl-step-revoked", 42))


def _crl(pki: Pki, *, signer: test_pki.Issued | None = None, lapsed: bool = False) -> str:
    crl = test_pki.make_crl(
        signer or pki.ca, [pki.revoked.cert.serial_number], number=3,
        last_update=NOW - (9 * DAY if lapsed else HOUR), next_update=NOW - DAY if lapsed else NOW + 7 * DAY,
    )
    return crl.pem


def _forged(pki: Pki) -> str:
    # The Nuvy CA's name, another key.
    crl = test_pki.make_crl(pki.ca, [], number=3, last_update=NOW - HOUR, next_update=NOW + 7 * DAY,
                            signing_key=pki.other_ca.key)
    return crl.pem


def _run(workdir: Path, block: CodeBlock, ca: str, crl: str, client: str) -> tuple[int, str]:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "nuvy-ca-qa.crt").write_text(ca)
    (workdir / "nuvy-ca-qa.crl").write_text(crl)
    (workdir / "nuvy-client-qa.crt").write_text(client)
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block.text], cwd=workdir, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=60, check=False,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
    )
    return done.returncode, done.stdout.decode(errors="replace")


def test_a_good_certificate_prints_what_the_guide_shows(generated: Pki, tmp_path: Path) -> None:
    block, expected = _step_blocks()
    code, output = _run(tmp_path, block, generated.ca.pem, _crl(generated), generated.client.pem)
    assert code == 0, output
    assert not missing_lines(expected.text, output), f"{block.where} printed:\n{output}"
    assert "nextUpdate=" in output


Case = tuple[str, Callable[[Pki], tuple[str, str]], tuple[str, ...]]
FAULTS: list[Case] = [
    ("revoked", lambda p: (_crl(p), p.revoked.pem), ("error 23 at 0 depth lookup: certificate revoked",)),
    ("expired-crl", lambda p: (_crl(p, lapsed=True), p.client.pem),
     ("error 12 at 0 depth lookup: CRL has expired",)),
    ("forged-crl", lambda p: (_forged(p), p.client.pem),
     ("verify failure", "error 8 at 0 depth lookup: CRL signature failure")),
    ("other-ca-crl", lambda p: (_crl(p, signer=p.other_ca), p.client.pem),
     ("Error getting CRL issuer certificate",)),
]


@pytest.mark.parametrize(("name", "stage", "messages"), FAULTS, ids=[case[0] for case in FAULTS])
def test_each_fault_prints_what_the_guide_lists(
    generated: Pki, tmp_path: Path, name: str, stage: Callable[[Pki], tuple[str, str]],
    messages: tuple[str, ...],
) -> None:
    block, _ = _step_blocks()
    crl, client = stage(generated)
    code, output = _run(tmp_path, block, generated.ca.pem, crl, client)
    assert code != 0, f"{name}: the block should fail:\n{output}"
    assert "nuvy-client-qa.crt: OK" not in output
    listed = _listed_messages()
    for message in messages:
        assert message in listed, f"{name}: step 9 does not list {message!r}"
        assert message in output, f"{name}: openssl printed:\n{output}"


def test_every_listed_message_is_one_a_fault_prints() -> None:
    produced = {message for _, _, messages in FAULTS for message in messages}
    assert set(_listed_messages()) == produced


@pytest.mark.parametrize("env_id", ["qa", "production"])
def test_the_published_demo_crl_passes_the_valid_sample_and_refuses_the_revoked_one(
    tmp_path: Path, env_id: str
) -> None:
    block, expected = _step_blocks()
    ca = (DEMO / "ca" / env_id / "nuvy-ca.crt").read_text()
    crl = (DEMO / "ca" / env_id / "nuvy-ca.crl").read_text()
    valid = (DEMO / "samples" / f"client-{env_id}.crt").read_text()
    code, output = _run(tmp_path / "valid", block, ca, crl, valid)
    assert code == 0, output
    assert not missing_lines(expected.text, output)
    revoked = (DEMO / "samples" / f"client-{env_id}-revoked.crt").read_text()
    code, output = _run(tmp_path / "revoked", block, ca, crl, revoked)
    assert code != 0
    assert "error 23 at 0 depth lookup: certificate revoked" in output
    shutil.rmtree(tmp_path)
