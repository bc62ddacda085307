"""Every error message in troubleshooting.md comes back when the matching mistake is made on purpose.

For each fault, each tool the guide covers and each test server, the tool's own sample from step 8 of
guide.md (the blocks marked `<!-- sample: TOOL -->`) runs in a working directory where the mistake is
staged, and the lines of every troubleshooting block marked `fault: F; tool: T` that holds for that server
(`server:` in the mark, or none) must appear in what it prints. The exit status is checked too: a sample
that meets a fault must fail (non-zero), except against nginx, where an HTTP 400 is a normal answer for the
tools that print the status. A hang fails the block through the harness's bounded timeout.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest

from . import mapping
from .blocks import SHELL_LANGUAGES, CodeBlock, collect
from .conftest import DOCS
from .harness import Fault, Stage, missing_lines, prepare_workdir, run_block
from .report import COVERAGE
from .servers import SERVER_KINDS
from .tool_versions import version_of

pytestmark = pytest.mark.guide

TOOLS = ("curl", "openssl", "python", "node", "java", "go")
# Tools with error text for some faults only: `openssl verify` cannot see a missing or mismatched key.
PARTIAL_TOOLS = {"openssl-verify": (Fault.OTHER_CA, Fault.EXPIRED)}
# Faults the server never sees: the client refuses before or during the handshake, the same for any server.
CLIENT_SIDE = (Fault.KEY_MISMATCH, Fault.WRONG_TRUST)

_BLOCKS = collect(DOCS) if DOCS.is_dir() else []
SAMPLES: dict[str, list[CodeBlock]] = defaultdict(list)
ERRORS: dict[tuple[str, str, str], list[CodeBlock]] = defaultdict(list)
for _block in _BLOCKS:
    if _block.page == "guide.md" and _block.sample:
        SAMPLES[_block.sample].append(_block)
    if _block.page == "troubleshooting.md":
        for _fault, _tool in _block.error_cases:
            for _server in _block.servers:
                ERRORS[_fault, _tool, _server].append(_block)

CASES = [(fault, tool) for fault in Fault for tool in TOOLS] + [
    (fault, tool) for tool, faults in PARTIAL_TOOLS.items() for fault in faults
]


def _without_client_certificate(block: CodeBlock) -> CodeBlock:
    """The no-certificate fault: the sample with its certificate options left out, as users forget them."""
    text = block.text
    if block.language in SHELL_LANGUAGES:
        # Java's KeyStore exported without its key is the Java form of this mistake.
        text = text.replace(f"-inkey {mapping.CLIENT_KEY_NAME}", "-nokeys")
        names = "|".join(re.escape(name) for name in (mapping.CLIENT_CERT_NAME, mapping.CLIENT_KEY_NAME))
        text = re.sub(rf"\s--?(?:cert|key) (?:{names})", "", text)
    elif block.language == "python":
        text = "\n".join(line for line in text.splitlines() if "cert=" not in line) + "\n"
    elif block.language == "javascript":
        kept = [line for line in text.splitlines() if not re.match(r"\s*(cert|key):", line)]
        text = "\n".join(kept) + "\n"
    elif block.language == "go":
        # The certificate is loaded but never given to the TLS configuration.
        kept = [line for line in text.splitlines() if not re.match(r"\s*Certificates:", line)]
        text = "\n".join(kept) + "\n"
        text = text.replace("certificate, err := tls.LoadX509KeyPair", "_, err := tls.LoadX509KeyPair")
    return replace(block, text=text)


def _run_sample(stage: Stage, tool: str, fault: Fault, workdir: Path) -> tuple[str, list[int]]:
    server_trust = prepare_workdir(stage, workdir, fault)
    env = stage.environment(server_trust)
    blocks = SAMPLES[tool]
    if fault is Fault.NO_CLIENT_CERT:
        staged = [_without_client_certificate(block) for block in blocks]
        assert staged != blocks, f"no certificate option found to leave out of the {tool} sample"
        blocks = staged
    # Later blocks still run after a failure, as a user would try them, so every message is collected.
    runs = [run_block(block, workdir, env) for block in blocks]
    return "".join(run.output for run in runs), [run.returncode for run in runs]


def test_every_fault_tool_and_server_has_troubleshooting_text() -> None:
    covered = {(fault.value, tool, server) for fault, tool in CASES for server in SERVER_KINDS}
    missing = [f"fault: {f}; tool: {t}; server: {s}" for f, t, s in sorted(covered) if not ERRORS[f, t, s]]
    assert not missing, f"troubleshooting.md has no error block for: {missing}"
    unknown = sorted(set(ERRORS) - covered)
    assert not unknown, f"troubleshooting.md marks error blocks for unknown fault/tool/server: {unknown}"
    lacking = sorted((set(TOOLS) | set(PARTIAL_TOOLS)) - set(SAMPLES))
    assert not lacking, f"guide.md has no blocks marked <!-- sample: TOOL --> for {lacking}"


def _check_seen_with(block: CodeBlock, stage: Stage) -> None:
    seen = re.search(r"seen with:\s*([^;]+)", block.not_runnable or "")
    assert seen, f"{block.where}: the mark must name the version that printed it (seen with: NAME VER)"
    for entry in seen.group(1).split(","):
        product, _, version = entry.strip().partition(" ")
        actual = version_of(product, stage.environment())
        COVERAGE.versions.add(actual)
        # The same release line (3.0, 17.0): a patch release changes no message but the version in it.
        release = ".".join(version.split(".")[:2])
        assert actual.startswith(f"{product} {release}"), (
            f"{block.where}: the page says this text was seen with {product} {version}, "
            f"but this machine has {actual}; record the text it prints and update the page and the mark"
        )


@pytest.mark.parametrize(("fault", "tool"), CASES, ids=[f"{f.value}-{t}" for f, t in CASES])
def test_troubleshooting_text_is_what_the_tool_prints(
    stage: Stage, tmp_path: Path, fault: Fault, tool: str,
) -> None:
    output, returncodes = _run_sample(stage, tool, fault, tmp_path)
    said = (f"against {stage.kind}, the {tool} sample with fault {fault.value} exited {returncodes} "
            "and printed:\n")
    assert -1 not in returncodes, said + output  # -1: the harness stopped a block that hung
    http_answer = stage.kind == "nginx" and fault not in CLIENT_SIDE and tool != "openssl-verify"
    if not http_answer:
        assert any(code != 0 for code in returncodes), said + output
    blocks = ERRORS[(fault.value, tool, stage.kind)]
    assert blocks, f"troubleshooting.md has no block for this case; {said}{output}"
    for block in blocks:
        missing = missing_lines(block.text, output)
        assert not missing, f"{block.where}: {said}{output}\nbut not {missing}"
        _check_seen_with(block, stage)
