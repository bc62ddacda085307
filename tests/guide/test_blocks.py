"""Every fenced block under docs/ runs against each test server, or is marked not runnable with a reason."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from .blocks import CodeBlock, collect
from .conftest import DOCS
from .harness import PageRun, Stage
from .pages import run_page
from .report import COVERAGE

pytestmark = pytest.mark.guide

BLOCKS = collect(DOCS) if DOCS.is_dir() else []
PAGES: dict[str, list[CodeBlock]] = defaultdict(list)
for _block in BLOCKS:
    PAGES[_block.page].append(_block)
COVERAGE.total = len(BLOCKS)

_RUNS: dict[tuple[str, str], PageRun] = {}


def _page_run(stage: Stage, page: str, tmp_root: Path) -> PageRun:
    # Each page runs once per server and session; the account test reuses the results of the page tests.
    key = (stage.kind, page)
    if key not in _RUNS:
        workdir = tmp_root / stage.kind / page.replace("/", "_")
        _RUNS[key] = run_page(stage, page, PAGES[page], workdir, COVERAGE.account(stage.kind))
    return _RUNS[key]


@pytest.fixture(scope="module")
def pages_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pages")


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_blocks_run_and_print_what_the_page_says(stage: Stage, pages_root: Path, page: str) -> None:
    run = _page_run(stage, page, pages_root)
    assert not run.problems, "\n\n".join(run.problems)


def test_every_block_is_run_or_marked(stage: Stage, pages_root: Path) -> None:
    assert BLOCKS, f"no fenced code blocks found under {DOCS}"
    for page in PAGES:
        _page_run(stage, page, pages_root)
    account = COVERAGE.account(stage.kind)
    unaccounted = [b.where for b in BLOCKS if b.where not in account.executed | account.marked]
    assert not unaccounted, (
        f"against {stage.kind}: {account.summary()}; these blocks were neither run successfully nor marked "
        f"not runnable: {unaccounted}"
    )
    for block in BLOCKS:
        if block.not_runnable is not None:
            assert block.not_runnable.strip(), f"{block.where}: the not-runnable mark needs a reason"
            assert block.servers, block.where  # an unknown server name raises here
