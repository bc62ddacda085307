"""Mutation testing of validator_py with mutmut 3 (settings in setup.cfg), and its score per module.

    python scripts/mutate.py                  # every module (long: hours on 2 cores)
    python scripts/mutate.py --security       # the security checks first (signatures, key guard, ...)
    python scripts/mutate.py 'validator_py.signatures*'   # any mutmut name patterns
    python scripts/mutate.py --score          # only print the score of what has run

mutmut copies the package and tests into mutants/ and runs each mutant with only the tests that reach the
mutated function. The score is read from mutants/**/*.meta. Survivors must be listed, each with a reason
or the test that kills it, in tests/mutation_survivors.md (see its header); this script prints the ones
that are not listed and exits 1 when there are any, so `nox -s mutate` fails on an unreviewed survivor.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SURVIVORS = ROOT / "tests" / "mutation_survivors.md"

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


def results() -> dict[str, str]:
    out = {}
    for meta in sorted((ROOT / "mutants").glob("validator_py/**/*.meta")):
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


def unreviewed(found: dict[str, str]) -> list[str]:
    listed = set(re.findall(r"`(validator_py\.[^`]+__mutmut_\d+)`", SURVIVORS.read_text()))
    return sorted(name for name, status in found.items() if status == "survived" and name not in listed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patterns", nargs="*", help="mutmut mutant name patterns")
    parser.add_argument("--security", action="store_true", help="only the security checks")
    parser.add_argument("--score", action="store_true", help="only print the score of what has run")
    parser.add_argument("--max-children", default="2")
    args = parser.parse_args()
    if not args.score:
        patterns = args.patterns + (SECURITY if args.security else [])
        command = [sys.executable, "-m", "mutmut", "run", "--max-children", args.max_children, *patterns]
        subprocess.run(command, cwd=ROOT, check=False)
    found = results()
    print("\n".join(score(found)))
    missing = unreviewed(found)
    if missing:
        print(f"\n{len(missing)} survivor(s) not in {SURVIVORS.relative_to(ROOT)} (add a reason or a test):")
        print("\n".join(f"  {name}" for name in missing))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
