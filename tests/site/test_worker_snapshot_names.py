"""worker.js names in its memory snapshot the WebCrypto module and its functions, and nothing else.

The snapshot is taken after the warm-up check, when Pyodide still refers to the worker's WEBCRYPTO_MODULE
and to the last of its functions called. serializeWebCrypto stores those by name and refuses any other
JavaScript object (the snapshot then fails, and the next visit starts normally); deserializeWebCrypto gives
the worker's own objects back and refuses a name it does not have (the restore then fails, and the worker
starts normally). tests/e2e/test_runtime_snapshot.py covers the whole round trip in Chromium; this runs the
three definitions from worker.js under Node, for the refusals a real visit never reaches.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from site_helpers import ROOT

WORKER = ROOT / "site_assets" / "worker.js"
REFUSED_OBJECT = "the runtime refers to a JavaScript object a snapshot cannot restore"
REFUSED_NAME = "the runtime snapshot names a JavaScript object this worker does not have"

# Run after the three definitions; prints one JSON object of outcomes.
PROBE = """
const outcome = (run) => {
  try {
    return { value: run() };
  } catch (error) {
    return { error: error.message };
  }
};
const functionNames = Object.keys(WEBCRYPTO_MODULE);
const roundTrip = [WEBCRYPTO_MODULE, ...functionNames.map((name) => WEBCRYPTO_MODULE[name])].map((object) => {
  const stored = serializeWebCrypto(object);
  return { stored, same: deserializeWebCrypto(JSON.parse(JSON.stringify(stored))) === object };
});
console.log(JSON.stringify({
  functionNames,
  roundTrip,
  foreignObject: outcome(() => serializeWebCrypto({ importKey: WEBCRYPTO_MODULE.importKey })),
  foreignFunction: outcome(() => serializeWebCrypto(() => true)),
  inheritedName: outcome(() => deserializeWebCrypto({ nuvy_webcrypto: "toString" })),
  unknownName: outcome(() => deserializeWebCrypto({ nuvy_webcrypto: "decrypt" })),
  notAName: outcome(() => deserializeWebCrypto({ nuvy_webcrypto: 7 })),
  otherShape: outcome(() => deserializeWebCrypto({ path: ["crypto"] })),
  nothing: outcome(() => deserializeWebCrypto(null)),
}));
"""


def _definition(source: str, opening: str, closing: str) -> str:
    start = source.find(opening)
    assert start >= 0, f"worker.js has no `{opening}`"
    assert source.find(opening, start + 1) < 0, f"worker.js has `{opening}` twice"
    end = source.index(closing, start) + len(closing)
    return source[start:end]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    node = shutil.which("node")
    assert node, "node is installed with the project's npm packages"
    source = WORKER.read_text(encoding="utf-8")
    parts = [
        _definition(source, "const WEBCRYPTO_MODULE = {", "\n};\n"),
        _definition(source, "function serializeWebCrypto(object) {", "\n}\n"),
        _definition(source, "function deserializeWebCrypto(stored) {", "\n}\n"),
    ]
    script = Path(tmp_path_factory.mktemp("worker")) / "names.mjs"
    script.write_text("\n".join([*parts, PROBE]), encoding="utf-8")
    result = subprocess.run([node, str(script)], capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def test_the_module_and_each_of_its_functions_come_back_as_themselves(outcomes: dict[str, Any]) -> None:
    assert outcomes["functionNames"] == ["importKey", "verify", "objectFromEntries"]
    stored = [entry["stored"] for entry in outcomes["roundTrip"]]
    names = ["", *outcomes["functionNames"]]
    assert stored == [{"nuvy_webcrypto": name} for name in names]
    assert all(entry["same"] for entry in outcomes["roundTrip"])


@pytest.mark.parametrize("case", ["foreignObject", "foreignFunction"])
def test_any_other_object_fails_the_snapshot(outcomes: dict[str, Any], case: str) -> None:
    assert outcomes[case] == {"error": REFUSED_OBJECT}


@pytest.mark.parametrize("case", ["inheritedName", "unknownName", "notAName", "otherShape", "nothing"])
def test_a_name_the_worker_does_not_have_fails_the_restore(outcomes: dict[str, Any], case: str) -> None:
    assert outcomes[case] == {"error": REFUSED_NAME}
