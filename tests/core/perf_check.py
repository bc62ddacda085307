"""Measure one certificate check on CPython; not a test, times are measured, never asserted.

Run from the repository root: ``python3 tests/core/perf_check.py``. It times ``validate()`` of the
guide's client certificate (PEM) against two environments (QA and Production, RSA-4096 CAs), 5 rounds
of 200 calls, and prints wall-clock and CPU time per call.
"""

from __future__ import annotations

import statistics
import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests import pki  # Resolved through the path inserted above when run as a script.
from validator_py import Environment, validate

CALLS = 200


def main() -> None:
    qa = pki.make_ca("Nuvy QA CA", key_slot=100)
    production = pki.make_ca("Nuvy Production CA", key_slot=101)
    envs = [Environment("qa", "QA", qa.pem), Environment("production", "Production", production.pem)]
    leaf = pki.make_client(qa).pem

    def one_check() -> None:
        validate(leaf, envs, selected="qa", at=pki.NOW)

    one_check()  # The first call parses the environments; later calls reuse them, as the page does.
    for name, timer in (("wall", time.perf_counter), ("cpu", time.process_time)):
        runs = timeit.repeat(one_check, number=CALLS, repeat=5, timer=timer)
        best, median = min(runs) / CALLS * 1000, statistics.median(runs) / CALLS * 1000
        print(f"{name}: best {best:.2f} ms, median {median:.2f} ms per certificate check")


if __name__ == "__main__":
    main()
