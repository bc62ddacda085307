"""Running one corpus on CPython (``validate``) and reducing answers to what must be identical.

An answer is the browser entry's JSON shape: ``{"ok": true, "report": ...}`` or
``{"ok": false, "code": ...}``. Parity compares the verdict, the kind, and the ordered (check id, status)
pairs, or the error code; messages may legitimately name the backend and are not compared.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from tests.hardening._corpus import Item

Summary = tuple[Any, ...]


def cpython_answer(
    item: Item, environments_json: Sequence[dict[str, str]], at: dt.datetime
) -> dict[str, Any]:
    """What ``validator_py.browser.run`` would return, computed with the CPython front door."""
    from validator_py import Environment, InputError, validate

    environments = [
        Environment(
            id=entry["id"],
            name=entry["name"],
            ca=entry["ca_pem"].encode(),
            crl=entry["crl_pem"].encode() if entry.get("crl_pem") else None,
        )
        for entry in environments_json
    ]
    try:
        report = validate(item.data, environments, selected=item.selected, at=at, csr=item.csr)
    except InputError as error:
        return {"ok": False, "code": error.code, "message": str(error)}
    # Round-trip through JSON so both sides are compared in the same (JSON) types.
    return {"ok": True, "report": json.loads(json.dumps(report.to_dict()))}


def summary(answer: dict[str, Any]) -> Summary:
    if not answer.get("ok"):
        return ("error", answer.get("code"))
    report = answer["report"]
    checks = tuple((check["id"], check["status"]) for check in report["checks"])
    return (report["verdict"], report["kind"], checks)


def diff_table(
    names: Iterable[str], left: dict[str, Summary], right: dict[str, Summary], left_name: str, right_name: str
) -> list[str]:
    """Human-readable rows for every item whose summaries differ (one row per differing field)."""
    rows: list[str] = []
    for name in names:
        a, b = left.get(name, ("missing",)), right.get(name, ("missing",))
        if a == b:
            continue
        if a[0] == "error" or b[0] == "error" or len(a) != 3 or len(b) != 3:
            rows.append(f"{name}: {left_name}={a!r} | {right_name}={b!r}")
            continue
        if a[:2] != b[:2]:
            rows.append(f"{name}: verdict/kind {left_name}={a[:2]} | {right_name}={b[:2]}")
        checks_a, checks_b = dict(a[2]), dict(b[2])
        for check_id in sorted(set(checks_a) | set(checks_b)):
            if checks_a.get(check_id) != checks_b.get(check_id):
                rows.append(
                    f"{name}: {check_id:<28} {left_name}={checks_a.get(check_id, '-')!s:<15} "
                    f"{right_name}={checks_b.get(check_id, '-')}"
                )
        if [c for c, _ in a[2]] != [c for c, _ in b[2]] and set(checks_a) == set(checks_b):
            rows.append(f"{name}: same checks in a different order")
    return rows


def cli_summary(item: Item, envs: Sequence[dict[str, str]], at: dt.datetime, workdir: Path) -> Summary:
    """Run ``python -m validator_py check`` on the item as files; errors (exit 2) carry no code in JSON."""
    workdir.mkdir(parents=True, exist_ok=True)
    data_file = workdir / "input.bin"
    data_file.write_bytes(item.data if isinstance(item.data, bytes) else item.data.encode())
    command = [
        sys.executable,
        "-m",
        "validator_py",
        "check",
        str(data_file),
        "--env",
        item.selected,
        "--at",
        at.isoformat(),
        "--json",
    ]
    for env in envs:
        ca_file = workdir / f"{env['id']}.ca.pem"
        ca_file.write_text(env["ca_pem"])
        command += ["--ca", f"{env['id']}={ca_file}"]
        if env.get("crl_pem"):
            crl_file = workdir / f"{env['id']}.crl.pem"
            crl_file.write_text(env["crl_pem"])
            command += ["--crl", f"{env['id']}={crl_file}"]
    if item.csr:
        csr_file = workdir / "match.csr"
        csr_file.write_text(item.csr)
        command += ["--csr", str(csr_file)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    if result.returncode == 2:
        return ("error", "cli")
    report = json.loads(result.stdout)
    expected_exit = 1 if report["verdict"] == "fail" else 0
    if result.returncode != expected_exit:
        return ("exit code", result.returncode, report["verdict"])
    return summary({"ok": True, "report": report})
