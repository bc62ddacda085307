"""The survivors file of mutation testing (tests/mutation_survivors.md) and the script that reads it.

The file is the record issue 17 asks for: every surviving mutant with a reason or the test that kills it.
These tests hold its standing rule without a mutation run: every row answers in a form the script reads, a
security check has no OPEN row, and a KILLED BY claim that a run disproves fails the script. They live
outside tests/core because mutmut copies tests/core into mutants/, where scripts/ does not exist.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest

from scripts import mutate


def test_every_row_answers_as_equivalent_killed_or_open() -> None:
    kinds = mutate.listed()
    assert kinds, "the survivors file lists no mutant: the parser or the file is broken"
    assert {name: kind for name, kind in kinds.items() if kind == "unknown"} == {}


def test_no_security_check_has_an_open_row() -> None:
    # The standing rule in the file's header: signature verification, the key guard, issuer and environment
    # match, validity, EKU and CRL may have no OPEN line.
    open_security = sorted(
        name
        for name, kind in mutate.listed().items()
        if kind == "OPEN" and any(fnmatch.fnmatch(name, pattern) for pattern in mutate.SECURITY)
    )
    assert open_security == []


SAMPLE = """\
| mutant | change | reason |
| --- | --- | --- |
| `validator_py.a.x_f__mutmut_1` | `a` → `b` | EQUIVALENT: `typing.cast` does nothing at run time. |
| `validator_py.a.x_f__mutmut_2` | `a` → `"OPEN"` | KILLED BY `tests/core/test_a.py::test_f` |
| `validator_py.a.x_f__mutmut_3` | `a` → `c` | OPEN (full run): a test that notices this change. |
| `validator_py.a.x_f__mutmut_4` | `a` → `d` | looks harmless |

- `validator_py.a.x_g__mutmut_1` EQUIVALENT: a bullet answers right after the name.
"""


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "survivors.md"
    path.write_text(SAMPLE)
    monkeypatch.setattr(mutate, "SURVIVORS", path)


@pytest.mark.usefixtures("sample")
def test_rows_and_bullets_are_read_by_their_answer_not_their_change() -> None:
    assert mutate.listed() == {
        "validator_py.a.x_f__mutmut_1": "EQUIVALENT",
        "validator_py.a.x_f__mutmut_2": "KILLED BY",
        "validator_py.a.x_f__mutmut_3": "OPEN",
        "validator_py.a.x_f__mutmut_4": "unknown",
        "validator_py.a.x_g__mutmut_1": "EQUIVALENT",
    }


@pytest.mark.usefixtures("sample")
def test_a_killed_by_claim_that_survived_fails_and_open_rows_are_counted() -> None:
    found = {
        "validator_py.a.x_f__mutmut_1": "killed",
        "validator_py.a.x_f__mutmut_2": "survived",
        "validator_py.a.x_f__mutmut_3": "survived",
        "validator_py.a.x_f__mutmut_4": "killed",
    }
    failures, notes = mutate.audit(found)
    assert failures == [
        "  validator_py.a.x_f__mutmut_1: listed as EQUIVALENT, but a test killed it: the reason is wrong or "
        "the row is stale (its function changed); drop the row or name the test",
        "  validator_py.a.x_f__mutmut_2: listed as KILLED BY a test, but it survived the last run",
        "  validator_py.a.x_f__mutmut_4: its answer is not EQUIVALENT, KILLED BY or OPEN",
    ]
    found["validator_py.a.x_f__mutmut_1"] = "survived"
    assert notes == [
        "1 survivor(s) listed as OPEN (debt, not approval)",
        "1 listed mutant(s) that mutmut no longer generates (the code changed): validator_py.a.x_g__mutmut_1",
    ]
    found["validator_py.a.x_f__mutmut_2"] = "killed"
    assert mutate.audit(found)[0] == [
        "  validator_py.a.x_f__mutmut_4: its answer is not EQUIVALENT, KILLED BY or OPEN"
    ]


@pytest.mark.usefixtures("sample")
def test_survivors_again_names_every_survivor_and_every_listed_mutant_mutmut_knows() -> None:
    found = {
        "validator_py.a.x_f__mutmut_2": "killed",  # listed: its claim is checked again
        "validator_py.a.x_h__mutmut_9": "survived",  # not listed: run again too
        "validator_py.a.x_h__mutmut_8": "killed",  # neither
        "validator_py.a.x_h__mutmut_7": "not run",  # its function changed: run it too
    }
    assert mutate.survivors_again(found) == [
        "validator_py.a.x_f__mutmut_2", "validator_py.a.x_h__mutmut_7", "validator_py.a.x_h__mutmut_9"
    ]
