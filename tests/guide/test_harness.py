"""The harness itself fails when it should: unmarked blocks, wrong outputs, files never run, bad fences."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import mapping
from .blocks import parse_page
from .harness import Stage, missing_lines
from .pages import run_page
from .report import BlockAccount

pytestmark = pytest.mark.guide

PAGE = """\
# Page

=== "QA"

    <!-- sample: curl -->

    ```bash title="x.sh"
    echo hi
    ```

<!-- not-runnable: expected output -->
```text
hi
```

Some prose resets pending marks.

```python
print(1)
```
"""


def test_parse_page_reads_tabs_marks_titles_and_languages() -> None:
    blocks = list(parse_page("p.md", PAGE))
    assert [(b.language, b.title, b.line, b.tab) for b in blocks] == [
        ("bash", "x.sh", 7, "QA"), ("text", None, 12, None), ("python", None, 18, None),
    ]
    assert blocks[0].text == "echo hi\n"
    assert blocks[0].sample == "curl"
    assert blocks[1].is_expected_output
    assert blocks[2].marks == {}


def test_an_unclosed_fence_is_reported_with_its_line() -> None:
    with pytest.raises(ValueError, match=r"docs/p\.md:3: this code block is never closed; add its fence"):
        list(parse_page("p.md", "text\n\n```bash\necho\n"))


def test_a_single_word_must_be_a_whole_line_and_a_phrase_may_be_part_of_one() -> None:
    assert missing_lines("404\n", "port 4040\n") == ["404"]
    assert missing_lines("404\n", "x\n404\n") == []
    assert missing_lines("key values mismatch\n", "Error: x509::key values mismatch (here)\n") == []
    assert missing_lines("key values mismatch\n", "key mismatch\n") == ["key values mismatch"]
    assert missing_lines("ERR_X\n", "ERR_X: it failed\n") == []
    assert missing_lines("ERR_X\n", "ERR_XY: it failed\n") == ["ERR_X"]


def _run(stage: Stage, tmp_path: Path, markdown: str) -> tuple[list[str], BlockAccount]:
    blocks = list(parse_page("t.md", markdown))
    account = BlockAccount(total=len(blocks))
    result = run_page(stage, "t.md", blocks, tmp_path / "work", account)
    return result.problems, account


def test_an_unmarked_output_block_is_neither_run_nor_marked(stage: Stage, tmp_path: Path) -> None:
    problems, account = _run(stage, tmp_path, "```text\nsample output\n```\n")
    assert problems == [
        "docs/t.md:1: a `text` block is neither runnable here nor marked; add <!-- not-runnable: REASON --> "
        "before it, or teach tests/guide/harness.py to run it"
    ]
    assert account.summary() == "executed 0 of 1 code blocks; 0 marked not runnable"


def test_an_expected_output_that_does_not_come_back_fails(stage: Stage, tmp_path: Path) -> None:
    problems, account = _run(
        stage, tmp_path,
        "```bash\necho 'nuvy-client.crt: OK'\n```\n\n"
        "<!-- not-runnable: expected output -->\n```text\nnuvy-client.crt: FAIL\n```\n",
    )
    assert len(problems) == 1
    assert problems[0].startswith(
        f"docs/t.md:6: against {stage.kind}, the output of docs/t.md:1 lacks ['nuvy-client.crt: FAIL']"
    )
    assert account.summary() == "executed 1 of 2 code blocks; 1 marked not runnable"


def test_a_failing_command_and_a_file_never_run_are_reported(stage: Stage, tmp_path: Path) -> None:
    markdown = '```python title="a.py"\nprint(1)\n```\n\n```bash\nfalse\n```\n'
    problems, account = _run(stage, tmp_path, markdown)
    assert problems[0].startswith(f"docs/t.md:5: against {stage.kind}, exited with 1")
    assert problems[1] == "docs/t.md:1: the file a.py is written but no later block of the page runs it"
    assert not account.executed


def test_a_file_block_counts_once_a_later_command_runs_it(stage: Stage, tmp_path: Path) -> None:
    markdown = '```python title="a.py"\nprint(7)\n```\n\n```bash\npython3 a.py\n```\n'
    problems, account = _run(stage, tmp_path, markdown)
    assert problems == []
    assert account.executed == {"docs/t.md:1", "docs/t.md:5"}


def test_a_powershell_block_of_native_commands_runs_under_bash_and_anything_else_is_refused() -> None:
    script = mapping.powershell_as_bash(
        'curl.exe --cert "a.pfx:$env:NUVY_P12_PASSWORD" `\n  --output NUL https://x/\n', "docs/t.md:1",
    )
    assert script == 'curl.exe --cert "a.pfx:${NUVY_P12_PASSWORD}" \\\n  --output /dev/null https://x/\n'
    with pytest.raises(ValueError, match=r"docs/t\.md:1: this PowerShell block runs `Invoke-WebRequest`"):
        mapping.powershell_as_bash("openssl version\nInvoke-WebRequest -Uri https://x/\n", "docs/t.md:1")


CURL_PAGE = "curl: (56) OpenSSL SSL_read: OpenSSL/3.0.19: error:0A000418:SSL routines::tlsv1 alert unknown ca"
CURL_NEWER = CURL_PAGE.replace("3.0.19", "3.0.20") + ", errno 0"
JAVA_PAGE = "javax.net.ssl.SSLHandshakeException: Received fatal alert: unknown_ca"
JAVA_NEWER = 'Exception in thread "main" ' + JAVA_PAGE.replace("Exception: ", "Exception: (unknown_ca) ")


@pytest.mark.parametrize(("page", "machine"), [(CURL_PAGE, CURL_NEWER), (JAVA_PAGE, JAVA_NEWER)])
def test_a_patch_release_changes_no_troubleshooting_line(page: str, machine: str) -> None:
    from tests.guide.harness import missing_lines

    assert missing_lines(page, machine) == []
    # The fault itself still has to match: another alert is another line.
    other = machine.replace("unknown ca", "certificate expired").replace("unknown_ca", "bad_certificate")
    assert missing_lines(page, other) == [page]
