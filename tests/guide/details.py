"""The page's own filler, site_assets/details-fill.js, run under Node: the tests never re-implement it.

`call(requests)` sends a list of requests to one Node process and returns its answers, in order:
    {"op": "check", "values": {...}}                          -> {"ok", "errors", "values"}
    {"op": "fill", "text", "language", "tab", "values"}       -> the filled text (the environment is the
                                                                 block's tab's, else values["environment"])
    {"op": "compare", "subject", "values"}                    -> the fields that differ (messages)
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from . import generated

ROOT = Path(__file__).resolve().parents[2]
FILLER = ROOT / "site_assets" / "details-fill.js"

_RUNNER = """
const fill = require(process.argv[1]);
const { environments, requests } = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
const answers = requests.map((request) => {
  const values = request.values;
  if (request.op === "check") return fill.check(values, environments);
  const environment = fill.blockEnvironment(request.tab || null, values.environment, environments);
  if (request.op === "fill") {
    return fill.fillBlock(request.text, request.language, values, environment, environments);
  }
  if (request.op === "compare") return fill.compareSubject(request.subject, values, environment);
  throw new Error(`unknown op ${request.op}`);
});
process.stdout.write(JSON.stringify(answers));
"""


def environments() -> list[dict[str, str]]:
    """Each environment's id, name and host, as hooks/details.py gives them to the page."""
    return [{"id": e.id, "name": e.name, "host": e.host} for e in generated.environments()]


def call(requests: list[dict[str, Any]]) -> list[Any]:
    node = shutil.which("node") or "/usr/bin/node"
    done = subprocess.run(
        [node, "-e", _RUNNER, str(FILLER)],
        input=json.dumps({"environments": environments(), "requests": requests}),
        capture_output=True, text=True, check=False, timeout=60,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{FILLER.name} failed under Node:\n{done.stderr}")
    answers: list[Any] = json.loads(done.stdout)
    return answers


def check(values: dict[str, str]) -> dict[str, Any]:
    answer: dict[str, Any] = call([{"op": "check", "values": values}])[0]
    return answer


def values(
    o: str, cn: str, *, environment: str = "qa", c: str = "BR", stem: str = "nuvy-client",
) -> dict[str, str]:
    return {"o": o, "cn": cn, "c": c, "stem": stem, "environment": environment}
