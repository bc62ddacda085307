"""Every error message in troubleshooting.md comes back when the matching mistake is made on purpose.

For each fault and each tool the guide covers, the tool's own sample from step 8 of guide.md (the blocks
marked `<!-- sample: TOOL -->`) runs in a working directory where the mistake is staged, and the lines of
the troubleshooting block marked `fault: F; tool: T` must appear in what it prints.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest

from .blocks import SHELL_LANGUAGES, CodeBlock, collect
from .conftest import DOCS
from .harness import Fault, Stage, missing_lines, prepare_workdir, run_block
from .report import ACCOUNT
from .tool_versions import version_of

pytestmark = pytest.mark.guide

TOOLS = ("curl", "openssl", "python", "node", "java")
# Tools with error text for some faults only: `openssl verify` cannot see a missing or mismatched key.
PARTIAL_TOOLS = {"openssl-verify": (Fault.OTHER_CA, Fault.EXPIRED)}

_BLOCKS = collect(DOCS) if DOCS.is_dir() else []
SAMPLES: dict[str, list[CodeBlock]] = defaultdict(list)
ERRORS: dict[tuple[str, str], list[CodeBlock]] = defaultdict(list)
for _block in _BLOCKS:
    if _block.page == "guide.md" and _block.sample:
        SAMPLES[_block.sample].append(_block)
    if _block.page == "troubleshooting.md" and _block.fault:
        ERRORS[_block.fault].append(_block)

CASES = [(fault, tool) for fault in Fault for tool in TOOLS] + [
    (fault, tool) for tool, faults in PARTIAL_TOOLS.items() for fault in faults
]


def _without_client_certificate(block: CodeBlock) -> CodeBlock:
    """The no-certificate fault: the sample with its certificate options left out, as users forget them."""
    text = block.text
    if block.language in SHELL_LANGUAGES:
        # Java's KeyStore exported without its key is the Java form of this mistake.
        text = text.replace("-inkey nuvy-client.key", "-nokeys")
        text = re.sub(r"\s--?(?:cert|key) nuvy-client\.(?:crt|key)", "", text)
    elif block.language == "python":
        text = "\n".join(line for line in text.splitlines() if "cert=" not in line) + "\n"
    elif block.language == "javascript":
        kept = [line for line in text.splitlines() if not re.match(r"\s*(cert|key):", line)]
        text = "\n".join(kept) + "\n"
    return replace(block, text=text)


def _run_sample(stage: Stage, tool: str, fault: Fault, workdir: Path) -> str:
    server_trust = prepare_workdir(stage, workdir, fault)
    env = stage.environment(server_trust)
    blocks = SAMPLES[tool]
    if fault is Fault.NO_CLIENT_CERT:
        staged = [_without_client_certificate(block) for block in blocks]
        assert staged != blocks, f"no certificate option found to leave out of the {tool} sample"
        blocks = staged
    # Later blocks still run after a failure, as a user would try them, so every message is collected.
    return "".join(run_block(block, workdir, env).output for block in blocks)


def test_every_fault_and_tool_has_troubleshooting_text() -> None:
    covered = {(fault.value, tool) for fault, tool in CASES}
    missing = [f"fault: {fault}; tool: {tool}" for fault, tool in sorted(covered) if not ERRORS[fault, tool]]
    assert not missing, f"troubleshooting.md has no error block for: {missing}"
    unknown = sorted(set(ERRORS) - covered)
    assert not unknown, f"troubleshooting.md marks error blocks for unknown fault/tool pairs: {unknown}"
    lacking = sorted((set(TOOLS) | set(PARTIAL_TOOLS)) - set(SAMPLES))
    assert not lacking, f"guide.md has no blocks marked <!-- sample: TOOL --> for {lacking}"


@pytest.mark.parametrize(("fault", "tool"), CASES, ids=[f"{f.value}-{t}" for f, t in CASES])
def test_troubleshooting_text_is_what_the_tool_prints(
    stage: Stage, tmp_path: Path, fault: Fault, tool: str,
) -> None:
    output = _run_sample(stage, tool, fault, tmp_path)
    for block in ERRORS[(fault.value, tool)]:
        missing = missing_lines(block.text, output)
        assert not missing, (
            f"{block.where}: the {tool} sample with fault {fault.value} did not print {missing}; "
            f"it printed:\n{output}"
        )
        seen = re.search(r"seen with:\s*(\S+)\s+(\S+)", block.not_runnable or "")
        assert seen, f"{block.where}: the mark must name the version that printed it (seen with: NAME VER)"
        actual = version_of(seen.group(1), stage.environment())
        ACCOUNT.versions.add(actual)
        assert actual.startswith(f"{seen.group(1)} {seen.group(2)}"), (
            f"{block.where}: the page says this text was seen with {seen.group(1)} {seen.group(2)}, "
            f"but this machine has {actual}; record the text it prints and update the page and the mark"
        )
