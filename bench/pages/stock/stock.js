// Baseline (a): what a plain Pyodide page does. loadPyodide() with its defaults (stock python_stdlib.zip
// and pyodide-lock.json from the same vendored directory as the portal), then micropip installs
// asn1crypto and the validator's own wheel from this origin. Same worker architecture as the portal.
const config = JSON.parse(document.getElementById("bench-config").textContent);
const worker = new Worker(new URL("stock-worker.js", import.meta.url), { type: "module" });
const pending = new Map();
let nextId = 1;

worker.addEventListener("message", ({ data }) => {
  if (data.type === "ready") {
    document.getElementById("status").textContent = "Ready.";
    document.documentElement.dataset.nuvyRuntime = "ready";
  } else if (data.type === "error") {
    document.getElementById("status").textContent = `Failed: ${data.message}`;
    document.documentElement.dataset.nuvyRuntime = "error";
  } else if (data.type === "result") {
    pending.get(data.id)(JSON.parse(data.json));
    pending.delete(data.id);
  }
});
worker.postMessage({ type: "init", config });

window.nuvyBench = {
  validate(text) {
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, (answer) => resolve(answer.ok ? answer.report.verdict : `error:${answer.code}`));
      worker.postMessage({ type: "validate", id, text, now_ms: Date.now() });
    });
  },
};
