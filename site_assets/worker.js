// The validator's module Web Worker: it loads Pyodide and the validator bundle from this site only,
// then answers {type: "validate"} messages with the JSON of validator_py.browser.run.
//
// Messages from the page:
//   {type: "init", config: {pyodide_url, index_url, bundle_url (absolute URLs), bundle_sha256,
//                           environments_json, start_timeout_ms (optional)}}
//   {type: "validate", id, data (string or Uint8Array), selected, now_ms, csr (string or null)}
// Messages to the page:
//   {type: "progress", stage, pct}, {type: "ready"}, {type: "result", id, json}, {type: "error", stage, message}

// Pyodide never settles when it cannot instantiate its WebAssembly (a CSP without 'wasm-unsafe-eval',
// WebAssembly disabled by policy) or a runtime file never arrives, so the start-up gives up after this
// long with a message instead of spinning forever. The page may pass a different value in the config.
const START_TIMEOUT_MS = 60_000;
const NO_WASM_MESSAGE =
  "The Python runtime cannot start: this browser does not allow WebAssembly on this page " +
  "(a Content-Security-Policy without 'wasm-unsafe-eval', or a browser policy). " +
  "You can still check your certificate with: openssl verify -CAfile nuvy-ca.crt nuvy-client.crt";
// The smallest valid WebAssembly module: the magic number and version 1.
const EMPTY_WASM_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

let runtime = null; // {run, warmup} once ready.
let queue = Promise.resolve(); // Requests run one after the other, in the order the page sent them.

function progress(stage, pct) {
  self.postMessage({ type: "progress", stage, pct });
}

class StartupError extends Error {
  constructor(stage, message) {
    super(message);
    this.stage = stage;
  }
}

function withTimeout(promise, ms, stage, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new StartupError(stage, message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function toHex(buffer) {
  return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function fetchVerified(url, expectedSha256) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) {
    throw new StartupError("bundle", `Could not download the validator bundle (HTTP ${response.status}). Reload the page.`);
  }
  const buffer = await response.arrayBuffer();
  const actual = toHex(await crypto.subtle.digest("SHA-256", buffer));
  if (actual !== String(expectedSha256).toLowerCase()) {
    throw new StartupError(
      "bundle",
      "The validator bundle did not match its published SHA-256, so it was not run. " +
        "Reload the page; if this persists, report it to security@nuvy.ai.",
    );
  }
  return buffer;
}

// Compiling an empty module fails at once where the CSP forbids WebAssembly, so the user gets the
// reason in milliseconds instead of after the start-up timeout.
async function checkWebAssembly() {
  try {
    await WebAssembly.compile(EMPTY_WASM_MODULE);
  } catch {
    throw new StartupError("runtime", NO_WASM_MESSAGE);
  }
}

// Everything that turns a config into a callable validator lives here, so a faster loader
// (for example a precompiled standard library) can replace this one function.
async function startRuntime(config) {
  progress("runtime", 5);
  await checkWebAssembly();
  let loadPyodide;
  try {
    ({ loadPyodide } = await import(config.pyodide_url));
  } catch (error) {
    throw new StartupError("runtime", `Could not load the Python runtime (${error.message}). Reload the page.`);
  }
  progress("runtime", 15);
  // The bundle downloads while Pyodide boots; both come from this site.
  const bundle = fetchVerified(config.bundle_url, config.bundle_sha256);
  bundle.catch(() => {}); // Awaited below; this only stops an "unhandled rejection" while Pyodide boots.
  const pyodide = await loadPyodide({
    indexURL: config.index_url,
    stdout: () => {},
    stderr: (line) => console.warn(line),
  });
  progress("bundle", 70);
  const buffer = await bundle;
  progress("unpack", 80);
  const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
  pyodide.unpackArchive(buffer, "zip", { extractDir: sitePackages });
  progress("import", 90);
  const browser = pyodide.pyimport("validator_py.browser");
  return { run: browser.run, warmup: browser.warmup };
}

async function validate(message) {
  const { id, data, selected, now_ms: nowMs, csr } = message;
  let json;
  try {
    // JS null would arrive in Python as jsnull, not None; undefined arrives as None.
    json = await runtime.run(data, runtime.environmentsJson, selected, nowMs, csr || undefined);
  } catch (error) {
    console.error(error);
    json = JSON.stringify({
      ok: false,
      code: "internal",
      message: "The validator failed on this input. Nothing was sent anywhere. Reload the page and try again.",
    });
  }
  self.postMessage({ type: "result", id, json });
}

async function init(config) {
  try {
    // The timeout wraps the whole start-up, so it also covers whichever loader replaces startRuntime.
    runtime = await withTimeout(
      startRuntime(config),
      config.start_timeout_ms || START_TIMEOUT_MS,
      "runtime",
      "The Python runtime did not start in time. Reload the page; if it still does not start, your browser " +
        "or network may block part of it. You can still check your certificate with: " +
        "openssl verify -CAfile nuvy-ca.crt nuvy-client.crt",
    );
    runtime.environmentsJson = config.environments_json;
    progress("ready", 100);
    self.postMessage({ type: "ready" });
  } catch (error) {
    const stage = error instanceof StartupError ? error.stage : "runtime";
    const text = error instanceof StartupError ? error.message : `The validator could not start (${error}).`;
    self.postMessage({ type: "error", stage, message: text });
    return;
  }
  // Warm the imports when idle so the first real check does not pay for them.
  setTimeout(() => {
    queue = queue.then(() => runtime.warmup()).catch((error) => console.warn(error));
  }, 0);
}

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "init") {
    init(message.config);
  } else if (message.type === "validate" && runtime) {
    queue = queue.then(() => validate(message));
  }
});
