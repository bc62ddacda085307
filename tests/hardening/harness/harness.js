// Loads the built site's own Pyodide files and validator bundle in the page (not in a worker), so the
// hardening tests can call into Python with page.evaluate. The URLs come from the query string, which
// the test fills from the validator page's <script id="nuvy-data">, so the harness runs exactly the
// runtime files the site ships.
const params = new URLSearchParams(location.search);
const BUNDLE_DIR = "/home/pyodide/nuvy-bundle";

async function start() {
  const { loadPyodide } = await import(params.get("pyodide"));
  const pyodide = await loadPyodide({ indexURL: params.get("index") });
  const response = await fetch(params.get("bundle"));
  if (!response.ok) {
    throw new Error(`the validator bundle answered HTTP ${response.status}`);
  }
  pyodide.unpackArchive(await response.arrayBuffer(), "zip", { extractDir: BUNDLE_DIR });
  pyodide.runPython(`import sys\nsys.path.insert(0, ${JSON.stringify(BUNDLE_DIR)})`);
  return pyodide;
}

const ready = start();
ready.then(
  () => { document.body.dataset.state = "ready"; },
  (error) => {
    document.body.dataset.error = String((error && error.stack) || error);
    document.body.dataset.state = "error";
  },
);

// Runs `code` with a fresh global namespace holding `args_json`; the code's last expression (a str) is
// returned. Each call gets its own namespace so one test cannot leak state into another.
window.nuvyRunPython = async (code, argsJson) => {
  const pyodide = await ready;
  const namespace = pyodide.toPy({ args_json: argsJson });
  try {
    return await pyodide.runPythonAsync(code, { globals: namespace });
  } finally {
    namespace.destroy();
  }
};
