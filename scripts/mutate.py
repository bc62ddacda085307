"""Mutation testing of validator_py with mutmut 3 (settings in setup.cfg), and its score per module.

    python scripts/mutate.py                  # every module (about 20 min here with a warm cache)
    python scripts/mutate.py --security       # the security checks first (signatures, key guard, ...)
    python scripts/mutate.py 'validator_py.signatures*'   # any mutmut name patterns
    python scripts/mutate.py --score          # only print the score of what has run
    python scripts/mutate.py --sample 300 --seed 17   # a random sample: an estimate for the whole package
    python scripts/mutate.py --survivors      # every survivor, listed mutant and mutant not yet run

mutmut copies the package and tests into mutants/ and runs each mutant with only the tests that reach the
mutated function. The score is read from mutants/**/*.meta. Survivors must be listed, each with a reason
or the test that kills it, in tests/mutation_survivors.md (see its header); this script prints the ones
that are not listed and exits 1 when there are any, so `nox -s mutate` fails on an unreviewed survivor. It
also exits 1 when a row says KILLED BY a test and its mutant survived the last run, and counts OPEN rows.

mutmut never runs again a mutant whose result it has cached, so a test written for a survivor changes
nothing until the survivor is named: `--survivors` names them all (and every listed one, so each KILLED BY
claim is checked). It also makes mutmut trace again which tests reach each function: mutmut traces only new
tests, so a function added since would otherwise be run with too few tests (it happened in session 7: the
2050 boundary of a new helper "survived" although a test covers it).

A whole run from scratch takes long on 2 cores (mutmut caches results between runs), so `--sample N --seed S`
generates every mutant, runs N of them drawn at random (the same N for the same seed and source), and prints
the kill rate of the sample with a 95% Wilson interval: an estimate of the whole package's score, not a
measurement of it.
"""

from __future__ import annotations

import argparse
import collections
import configparser
import fnmatch
import json
import math
import random
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SURVIVORS = ROOT / "tests" / "mutation_survivors.md"
STATS = ROOT / "mutants" / "mutmut-stats.json"  # which tests reach which function, as mutmut last traced it

# The security checks the issue asks to hold at 100%: signature verification, the private-key guard,
# issuer and environment match, validity, EKU and CRL.
SECURITY = [
    "validator_py.signatures*",
    "validator_py._compat._cpython*",
    "validator_py.inputs.x_refuse_private_key*",
    "validator_py.inputs.x_split*",
    "validator_py.checks*",
    "validator_py.path.rules.x__signatures*",
    "validator_py.path.rules.x__validity*",
    "validator_py.path.rules.x__expiring*",
    "validator_py.path.rules.x__build*",
    "validator_py.path.rules.x__leaf_purpose*",
    "validator_py.path.context.xǁPathContextǁmoment*",
    "validator_py.path.building*",
    "validator_py.revocation*",
    "validator_py.profile.x__eku*",
]


def _status(code: int | None) -> str:
    if code is None:
        return "not run"
    return {0: "survived", 1: "killed", 3: "killed", 33: "no tests", 34: "skipped", 36: "timeout"}.get(
        code, "killed" if code < 0 else f"exit {code}"
    )


def _not_mutated() -> list[str]:
    """setup.cfg's do_not_mutate globs (source paths such as validator_py/browser.py)."""
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    return cfg.get("mutmut", "do_not_mutate", fallback="").split()


def results() -> dict[str, str]:
    """Every generated mutant's status, from mutmut's meta files, without the files setup.cfg excludes.

    mutmut writes no meta file for an excluded file, but one left from before a file was excluded would
    otherwise still count.
    """
    excluded = _not_mutated()
    out = {}
    for meta in sorted((ROOT / "mutants").glob("validator_py/**/*.meta")):
        source = meta.relative_to(ROOT / "mutants").with_suffix("").as_posix()
        if any(fnmatch.fnmatch(source, pattern) for pattern in excluded):
            continue
        for name, code in json.loads(meta.read_text()).get("exit_code_by_key", {}).items():
            out[name] = _status(code)
    return out


def score(found: dict[str, str]) -> list[str]:
    modules: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for name, status in found.items():
        modules[re.split(r"\.x[_ǁ]", name, maxsplit=1)[0]][status] += 1
    lines = [f"{'module':40} {'killed':>7} {'survived':>9} {'timeout':>8} {'not run':>8} {'score':>7}"]
    for module, counts in sorted(modules.items()):
        ran = counts["killed"] + counts["survived"] + counts["timeout"]
        pct = f"{100 * (counts['killed'] + counts['timeout']) / ran:.1f}%" if ran else "-"
        lines.append(f"{module:40} {counts['killed']:>7} {counts['survived']:>9} {counts['timeout']:>8} "
                     f"{counts['not run']:>8} {pct:>7}")
    return lines


# mutmut's own first step (`mutmut run` does the same before it runs anything): copy the package and tests
# into mutants/ and write every mutant with its meta file. Files whose source has not changed are kept as they
# are, results included. mutmut 3 has no command for this step alone, hence its functions (pinned to 3.8.1 in
# noxfile.py).
_GENERATE = """
import os
from mutmut.__main__ import copy_also_copy_files, copy_src_dir, create_mutants
from mutmut.mutation.trampoline import set_mutant_under_test
set_mutant_under_test("mutant_generation")
os.makedirs("mutants", exist_ok=True)
copy_src_dir()
copy_also_copy_files()
create_mutants(2)
"""


def generate() -> None:
    subprocess.run([sys.executable, "-c", _GENERATE], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def draw(names: list[str], size: int, seed: int) -> list[str]:
    """``size`` mutant names drawn without replacement; the same names for the same seed and mutants."""
    # A reproducible statistical sample, not a secret: the seed is printed so anyone can draw it again.
    return random.Random(seed).sample(sorted(names), min(size, len(names)))  # noqa: S311


def wilson(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval for a proportion (95% with the default z); sound near 0% and 100% too."""
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def equivalent() -> set[str]:
    """The survivors the survivors file calls EQUIVALENT (they cannot change any report)."""
    return {name for name, kind in listed().items() if kind == "EQUIVALENT"}


def estimate(found: dict[str, str], sample: list[str], command: str) -> list[str]:
    """The sample's kill rate as an estimate of the whole package's, with its 95% Wilson interval.

    A mutant no test reaches counts as not killed; a timeout counts as killed (the mutant hangs a test).
    """
    counts = collections.Counter(found.get(name, "not run") for name in sample)
    killed = counts["killed"] + counts["timeout"]
    trials = killed + counts["survived"] + counts["no tests"]
    lines = [f"ESTIMATE of the whole package's kill rate, from a random sample of {len(sample)} of "
             f"{len(found)} mutants ({command}); a sample, not a full run:"]
    if counts["not run"] or trials < len(sample):
        lines.append(f"  {len(sample) - trials} of the sample did not run to a result: {dict(counts)}")
    low, high = wilson(killed, trials)
    lines.append(f"  killed {killed} of {trials}: {100 * killed / max(trials, 1):.1f}% "
                 f"(95% Wilson interval {100 * low:.1f}% to {100 * high:.1f}%)")
    harmless_names = equivalent()
    harmless = sum(1 for name in sample if found.get(name) == "survived" and name in harmless_names)
    if harmless:
        rest = trials - harmless
        low, high = wilson(killed, rest)
        lines.append(f"  without the {harmless} listed as EQUIVALENT: killed {killed} of {rest}: "
                     f"{100 * killed / max(rest, 1):.1f}% (95% Wilson interval {100 * low:.1f}% "
                     f"to {100 * high:.1f}%)")
    return lines


def listed() -> dict[str, str]:
    """Every mutant the survivors file names, with the kind of its answer: EQUIVALENT, KILLED BY or OPEN.

    A table row (`| name | change | answer |`) answers in its last cell; a bullet (`- name ANSWER ...`)
    right after the name.
    """
    kinds = {}
    for line in SURVIVORS.read_text().splitlines():
        found = re.match(r"\s*[|-]\s*`(validator_py\.[^`]+__mutmut_\d+)`(.*)", line)
        if found:
            rest = found.group(2)
            answer = rest.rstrip().rstrip("|").rsplit("|", 1)[-1] if line.lstrip().startswith("|") else rest
            answer = answer.strip().lstrip("*")
            kind = next((k for k in ("EQUIVALENT", "KILLED BY", "OPEN") if answer.startswith(k)), "unknown")
            kinds[found.group(1)] = kind
    return kinds


def unreviewed(found: dict[str, str]) -> list[str]:
    names = set(listed())
    return sorted(name for name, status in found.items() if status == "survived" and name not in names)


def audit(found: dict[str, str]) -> tuple[list[str], list[str]]:
    """Lines that make the run fail (first) and lines that only inform (second).

    A row that says KILLED BY a test while its mutant still survives is a false claim, and fails; so is a row
    that says EQUIVALENT while a test killed its mutant. A row whose answer is neither EQUIVALENT, KILLED BY
    nor OPEN fails too. OPEN survivors are counted (debt a reviewer accepted), and rows whose mutant no run
    knows (its number moved when the code changed) are named.
    """
    failures, notes = [], []
    kinds = listed()
    for name, kind in sorted(kinds.items()):
        status = found.get(name)
        if kind == "KILLED BY" and status == "survived":
            failures.append(f"  {name}: listed as KILLED BY a test, but it survived the last run")
        if kind == "EQUIVALENT" and status == "killed":
            failures.append(f"  {name}: listed as EQUIVALENT, but a test killed it: the reason is wrong or "
                            "the row is stale (its function changed); drop the row or name the test")
        if kind == "unknown":
            failures.append(f"  {name}: its answer is not EQUIVALENT, KILLED BY or OPEN")
    still_open = [n for n, kind in kinds.items() if kind == "OPEN" and found.get(n) == "survived"]
    if still_open:
        notes.append(f"{len(still_open)} survivor(s) listed as OPEN (debt, not approval)")
    unknown = [n for n in kinds if n not in found]
    if unknown:
        notes.append(f"{len(unknown)} listed mutant(s) that mutmut no longer generates (the code changed): "
                     + ", ".join(sorted(unknown)[:10]) + (" ..." if len(unknown) > 10 else ""))
    return failures, notes


def survivors_again(found: dict[str, str]) -> list[str]:
    """Every mutant that survived its last run or is listed, to run again: new tests never re-run a mutant
    whose result mutmut has cached, so a survivor stays one until it is named. Mutants not yet run (their
    function changed) are named too, since naming mutants makes mutmut run only those."""
    again = {n for n, status in found.items() if status in ("survived", "not run")}
    return sorted(again | (set(listed()) & set(found)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patterns", nargs="*", help="mutmut mutant name patterns")
    parser.add_argument("--security", action="store_true", help="only the security checks")
    parser.add_argument("--score", action="store_true", help="only print the score of what has run")
    parser.add_argument("--max-children", default="2")
    parser.add_argument("--sample", type=int, metavar="N", help="run N mutants drawn at random from all")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="the seed of --sample's draw")
    parser.add_argument("--survivors", action="store_true",
                        help="run every survivor, listed and not-yet-run mutant (checks each KILLED BY)")
    args = parser.parse_args()
    sample: list[str] = []
    if args.sample is not None:
        if args.patterns or args.security or args.score or args.survivors:
            parser.error("--sample draws from every mutant; it takes no patterns, --security, --score "
                         "or --survivors")
        generate()
        sample = draw(list(results()), args.sample, args.seed)
    again: list[str] = []
    if args.survivors:
        generate()
        again = survivors_again(results())
        # mutmut learns which tests reach a function once, and later only for new tests: a function added
        # since (or an old test that now calls it) would be run with too few tests, and its mutants would
        # survive falsely. Dropping the record makes mutmut trace every test again first (a few minutes).
        STATS.unlink(missing_ok=True)
        print(f"running again {len(again)} mutants that survived, are listed or have not run")
    if not args.score:
        patterns = args.patterns + (SECURITY if args.security else []) + sample + again
        command = [sys.executable, "-m", "mutmut", "run", "--max-children", args.max_children, *patterns]
        subprocess.run(command, cwd=ROOT, check=False)
    found = results()
    print("\n".join(score(found)))
    if sample:
        print("\n" + "\n".join(estimate(found, sample, f"--sample {args.sample} --seed {args.seed}")))
    failures, notes = audit(found)
    for note in notes:
        print(f"\n{note}")
    missing = unreviewed(found)
    if missing:
        print(f"\n{len(missing)} survivor(s) not in {SURVIVORS.relative_to(ROOT)} (add a reason or a test):")
        print("\n".join(f"  {name}" for name in missing))
    if failures:
        print(f"\n{len(failures)} row(s) of {SURVIVORS.relative_to(ROOT)} that do not hold:")
        print("\n".join(failures))
    return 1 if missing or failures else 0


if __name__ == "__main__":
    sys.exit(main())
