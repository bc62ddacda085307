// The stock runtime: every step a page takes when it follows Pyodide's getting-started guide.
let run = null;
let environmentsJson = "[]";

async function start(config) {
  const { loadPyodide } = await import(config.pyodide_url);
  const pyodide = await loadPyodide({ indexURL: config.index_url });
  // micropip is not in the npm package's core files, so it is loaded from its wheel like any package.
  await pyodide.loadPackage(config.micropip_wheels);
  const micropip = pyodide.pyimport("micropip");
  await micropip.install.callKwargs(config.wheels, { deps: false });
  run = pyodide.pyimport("validator_py.browser").run;
  environmentsJson = config.environments_json;
}

self.addEventListener("message", async ({ data }) => {
  if (data.type === "init") {
    try {
      await start(data.config);
      self.postMessage({ type: "ready" });
    } catch (error) {
      self.postMessage({ type: "error", message: String(error) });
    }
  } else if (data.type === "validate") {
    const json = await run(data.text, environmentsJson, "qa", data.now_ms, undefined);
    self.postMessage({ type: "result", id: data.id, json });
  }
});
