"""Run a page's blocks in order in one working directory, like a user following the page."""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from . import generated, mapping
from .blocks import SHELL_LANGUAGES, CodeBlock
from .harness import BlockRun, PageRun, Stage, missing_lines, play_nuvy, prepare_workdir, run_block
from .report import BlockAccount


def run_page(
    stage: Stage, page: str, blocks: Sequence[CodeBlock], workdir: Path, account: BlockAccount,
) -> PageRun:
    result = PageRun(page)
    server_trust = prepare_workdir(stage, workdir)
    env = stage.environment(server_trust)
    previous: BlockRun | None = None
    written: dict[str, CodeBlock] = {}
    for block in blocks:
        if block.not_runnable is not None:
            account.marked.add(block.where)
            if stage.kind in block.servers:
                _check_expected_output(block, previous, result)
            continue
        play_nuvy(stage, workdir)
        if page in mapping.PUBLISHED_CA_PAGES:
            _put_published_ca(block, workdir, result)
        try:
            run = run_block(block, workdir, env)
        except ValueError as error:  # A block in a language nobody runs: the account test reports it.
            result.problems.append(str(error))
            continue
        run.server = stage.kind
        result.runs.append(run)
        if run.written_file:
            written[run.written_file] = block
            continue
        previous = run
        if not run.ok:
            result.problems.append(
                f"{block.where}: against {stage.kind}, exited with {run.returncode}; output:\n{run.output}"
            )
            continue
        account.executed.add(block.where)
        if block.language in SHELL_LANGUAGES:
            for name in [name for name in written if re.search(rf"\b{re.escape(name)}\b", block.text)]:
                account.executed.add(written.pop(name).where)
    for name, block in written.items():
        result.problems.append(
            f"{block.where}: the file {name} is written but no later block of the page runs it"
        )
    return result


def _put_published_ca(block: CodeBlock, workdir: Path, result: PageRun) -> None:
    published = generated.published_ca(block.tab)
    if published is None:
        result.problems.append(f"{block.where}: the block is not in a tab named after an environment")
        return
    environment, path = published
    shutil.copyfile(path, workdir / mapping.client_ca_name(environment))


def _check_expected_output(block: CodeBlock, previous: BlockRun | None, result: PageRun) -> None:
    if not block.is_expected_output:
        return
    if previous is None:
        result.problems.append(f"{block.where}: expected output, but no runnable block comes before it")
        return
    missing = missing_lines(block.text, previous.output)
    if missing:
        result.problems.append(
            f"{block.where}: against {previous.server}, the output of {previous.block.where} "
            f"lacks {missing}; "
            f"it printed:\n{previous.output}"
        )
