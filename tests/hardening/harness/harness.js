// Loads the built site's own Pyodide files and validator bundle in the page (not in a worker), so the
// hardening tests can call into Python with page.evaluate. The URLs come from the query string, which
// the test fills from the validator page's <script id="nuvy-data">, so the harness runs exactly the
// runtime files the site ships: the bundle is the standard library, as in site_assets/worker.js.
const params = new URLSearchParams(location.search);

async function start() {
  const { loadPyodide } = await import(params.get("pyodide"));
  return loadPyodide({ indexURL: params.get("index"), stdLibURL: params.get("bundle") });
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
