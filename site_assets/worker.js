// The validator's module Web Worker: it loads Pyodide and the validator bundle from this site only,
// then answers {type: "validate"} messages with the JSON of validator_py.browser.run.
//
// Messages from the page:
//   {type: "init", config: {pyodide_url, index_url, bundle_url (absolute URLs), bundle_sha256,
//                           environments_json, start_timeout_ms (optional)}}
//   {type: "validate", id, data (string or Uint8Array), selected, now_ms, csr (string or null),
//    crl (string, Uint8Array or null)}
// Messages to the page:
//   {type: "progress", stage, pct}, {type: "ready", start: "snapshot" | "fresh", validator_ms},
//   {type: "result", id, json},
//   {type: "error", stage, message}

// Pyodide never settles when it cannot instantiate its WebAssembly (a CSP without 'wasm-unsafe-eval',
// WebAssembly disabled by policy) or a runtime file never arrives, so the start-up gives up after this
// long with a message instead of spinning forever. The page may pass a different value in the config.
const START_TIMEOUT_MS = 60_000;
const NO_WASM_MESSAGE =
  "The Python runtime cannot start: this browser does not allow WebAssembly on this page " +
  "(a Content-Security-Policy without 'wasm-unsafe-eval', or a browser policy). " +
  "You can still check your certificate with: openssl verify -CAfile nuvy-ca-<env>.crt nuvy-client-<env>.crt";
// The smallest valid WebAssembly module: the magic number and version 1.
const EMPTY_WASM_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

let runtime = null; // {run, prepare, start, whenIdle, validatorMs, environmentsJson} once ready.
// Work that may wait (storing the snapshot) runs once no check has come in for this long, so it never
// delays a user's check: copying a 30 MiB image into Cache Storage takes this thread tens of milliseconds.
const IDLE_MS = 1500;
let rearmIdleTask = null; // Pushes the waiting task back when a check comes in.

function deferUntilIdle(task) {
  let timer = null;
  rearmIdleTask = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      rearmIdleTask = null;
      queue = queue.then(task).catch((error) => console.warn(error));
    }, IDLE_MS);
  };
  rearmIdleTask();
}

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

// Compiling an empty module fails at once where the CSP forbids WebAssembly, so the user gets the
// reason in milliseconds instead of after the start-up timeout.
async function checkWebAssembly() {
  try {
    await WebAssembly.compile(EMPTY_WASM_MODULE);
  } catch {
    throw new StartupError("runtime", NO_WASM_MESSAGE);
  }
}

// Pyodide reads only `info.abi_version` from a lock file when no package is loaded. Passing this instead of
// fetching pyodide-lock.json saves a request and its parse at every start; hooks/runtime.py fails the
// build if the vendored Pyodide's lock file names another ABI.
const PYODIDE_LOCK = { info: { abi_version: "2026_0" }, packages: {} };

function hexToBase64(hex) {
  return btoa(String.fromCharCode(...String(hex).match(/../g).map((pair) => parseInt(pair, 16))));
}

// The runtime's two large files are requested the moment the worker starts, in parallel with importing
// Pyodide's JavaScript and reading the snapshot cache, instead of when loadPyodide gets round to them.
// The bundle's request carries Subresource Integrity, so a bundle that does not match its published
// SHA-256 is rejected by the browser before a single byte of it runs.
function startDownloads(config) {
  const integrity = `sha256-${hexToBase64(config.bundle_sha256)}`;
  const wasmURL = new URL("pyodide.asm.wasm", config.index_url).href;
  const downloads = new Map([
    [config.bundle_url, fetch(config.bundle_url, { credentials: "same-origin", integrity })],
    [wasmURL, fetch(wasmURL)],
  ]);
  for (const download of downloads.values()) download.catch(() => {}); // Awaited by Pyodide, or dropped.
  return downloads;
}

// While Pyodide loads, its requests are answered from `downloads`, each at most once. Any other request
// is refused: Pyodide needs nothing else (the lock file is inline and the stdlib is the bundle), and a
// request we did not plan for must fail loudly rather than go out unchecked.
function routeRuntimeFetches(downloads) {
  const original = self.fetch;
  self.fetch = (input) => {
    const url = input instanceof Request ? input.url : new URL(String(input), self.location.href).href;
    const download = downloads.get(url);
    downloads.delete(url);
    return download || Promise.reject(new Error(`the runtime asked for an unexpected file: ${url}`));
  };
  return () => {
    self.fetch = original;
  };
}

// Repeat visits start from a memory snapshot of this runtime, taken after the validator is imported and has
// run its warm-up check, and before the runtime has seen any input (this worker drops every check that
// arrives before it is ready, and the page holds them back until then), which skips Python's start-up
// and every import. Pyodide's snapshot API is private: a snapshot is valid only for the same Pyodide build
// and the byte-identical bundle, so its key holds both (the versioned runtime URL and the bundle's SHA-256).
// It is not kept when the heap is above 30 MiB, and any error while loading it falls back to a normal start.
const SNAPSHOT_CACHE = "nuvy-runtime-snapshots";
const SNAPSHOT_HEADER_BYTES = 4096; // Pyodide prefixes the heap with a small header.
const MAX_SNAPSHOT_BYTES = 30 * 1024 * 1024 + SNAPSHOT_HEADER_BYTES;

function snapshotKey(config) {
  const key = `${config.bundle_sha256}/${encodeURIComponent(config.index_url)}`;
  return new URL(`/.nuvy-runtime-snapshot/${key}`, self.location.href).href;
}

// The cached snapshot's bytes, as a promise (Pyodide awaits it while its wasm compiles), or null.
async function cachedSnapshot(config) {
  try {
    const response = await (await caches.open(SNAPSHOT_CACHE)).match(snapshotKey(config));
    if (!response) return null;
    const bytes = response.arrayBuffer().then(unpackSnapshot);
    bytes.catch(() => {}); // Awaited by Pyodide; a failed read falls back like any snapshot error.
    return { bytes };
  } catch {
    return null; // No Cache Storage (private mode, a policy): start normally.
  }
}

async function forgetSnapshots() {
  try {
    await caches.delete(SNAPSHOT_CACHE);
  } catch {
    // Nothing stored, nothing to forget.
  }
}

function takeSnapshot(pyodide) {
  try {
    const image = pyodide.makeMemorySnapshot({ serializer: serializeWebCrypto });
    return image.byteLength <= MAX_SNAPSHOT_BYTES ? image : null;
  } catch (error) {
    console.warn("No runtime snapshot was taken.", error);
    return null;
  }
}

// The image is stored sparsely: of its 30 MiB, more than half are 4 KiB pages of zeros, and reading it back
// from Cache Storage is a large part of a repeat visit's start. Layout (little-endian u32s): magic, image
// length, page count n, n page indexes, then the n pages of PAGE bytes each (the last one zero-padded).
const PACKED_MAGIC = 0x3153564e; // "NVS1"
const PAGE = 4096;

function packSnapshot(image) {
  if (image.byteOffset % 4 || image.byteLength % 4) throw new Error("the snapshot is not word-aligned");
  const words = new Uint32Array(image.buffer, image.byteOffset, image.byteLength / 4);
  const wordsPerPage = PAGE / 4;
  const kept = [];
  for (let page = 0; page * wordsPerPage < words.length; page += 1) {
    const end = Math.min((page + 1) * wordsPerPage, words.length);
    for (let word = page * wordsPerPage; word < end; word += 1) {
      if (words[word] !== 0) {
        kept.push(page);
        break;
      }
    }
  }
  const headerBytes = 4 * (3 + kept.length);
  const packed = new Uint8Array(headerBytes + kept.length * PAGE);
  new Uint32Array(packed.buffer, 0, 3 + kept.length).set([PACKED_MAGIC, image.byteLength, kept.length, ...kept]);
  kept.forEach((page, index) => {
    packed.set(image.subarray(page * PAGE, (page + 1) * PAGE), headerBytes + index * PAGE);
  });
  return packed;
}

// The inverse of packSnapshot; anything malformed throws, and the caller starts normally instead.
function unpackSnapshot(buffer) {
  const header = buffer.byteLength >= 12 ? new Uint32Array(buffer, 0, 3) : null;
  if (!header || header[0] !== PACKED_MAGIC) throw new Error("not a packed runtime snapshot");
  const [, length, count] = header;
  const headerBytes = 4 * (3 + count);
  if (length > MAX_SNAPSHOT_BYTES || buffer.byteLength !== headerBytes + count * PAGE) {
    throw new Error("the packed runtime snapshot is truncated or too large");
  }
  const pages = new Uint32Array(buffer, 12, count);
  const data = new Uint8Array(buffer, headerBytes);
  const image = new Uint8Array(length);
  pages.forEach((page, index) => {
    if (page * PAGE >= length) throw new Error("the packed runtime snapshot has a page out of range");
    image.set(data.subarray(index * PAGE, index * PAGE + Math.min(PAGE, length - page * PAGE)), page * PAGE);
  });
  return image;
}

async function storeSnapshot(config, image) {
  try {
    // Older snapshots (another bundle or Pyodide) can never load again: replace them.
    await forgetSnapshots();
    const packed = packSnapshot(image);
    const response = new Response(packed, { headers: { "Content-Type": "application/octet-stream" } });
    await (await caches.open(SNAPSHOT_CACHE)).put(snapshotKey(config), response);
  } catch (error) {
    console.warn("The runtime snapshot was not stored.", error);
  }
}

// WebCrypto for validator_py (see _webcrypto in validator_py/_compat/_emscripten.py): plain functions, because
// in Pyodide's snapshot mode the globals Python reaches through `js` are proxies that WebCrypto rejects.
const WEBCRYPTO_MODULE = {
  importKey: (...args) => crypto.subtle.importKey(...args),
  verify: (...args) => crypto.subtle.verify(...args),
  objectFromEntries: (entries) => Object.fromEntries(entries),
};

function registerWebCrypto(pyodide) {
  pyodide.registerJsModule("nuvy_webcrypto", WEBCRYPTO_MODULE);
  return pyodide;
}

// A memory snapshot records every JavaScript object the runtime still refers to, and can hold only those it
// can find again on the next visit. After the warm-up check (whose verifier keeps no CryptoKey), the runtime
// still refers to WEBCRYPTO_MODULE (registered, and imported by validator_py) and to the last of its
// functions it called.
// They are stored by name and restored as this worker's own. Anything else makes the snapshot fail, and the
// next visit starts normally.
function serializeWebCrypto(object) {
  if (object === WEBCRYPTO_MODULE) return { nuvy_webcrypto: "" };
  const name = Object.keys(WEBCRYPTO_MODULE).find((key) => WEBCRYPTO_MODULE[key] === object);
  if (name === undefined) {
    throw new Error("the runtime refers to a JavaScript object a snapshot cannot restore");
  }
  return { nuvy_webcrypto: name };
}

function deserializeWebCrypto(stored) {
  const name = stored && stored.nuvy_webcrypto;
  if (name === "") return WEBCRYPTO_MODULE;
  if (typeof name === "string" && Object.hasOwn(WEBCRYPTO_MODULE, name)) return WEBCRYPTO_MODULE[name];
  throw new Error("the runtime snapshot names a JavaScript object this worker does not have");
}

// The validator's entry point. With warmUp below, this is all the validator adds to Pyodide's own start-up:
// the benchmark's "floor" page is this worker with the two replaced by stubs (bench/trees.py), whose
// stand-in module has the same functions (prepare, run) doing nothing. The time spent
// in them is sent with "ready" as validator_ms, so `nox -s bench` can weigh the validator's own start-up
// against the floor inside one visit, without the noise of comparing two sets of visits. The page ignores it.
function importValidator(pyodide) {
  return pyodide.pyimport("validator_py.browser");
}

// One real check before "ready" (browser.warm_up): the first environment's own CA certificate, through every
// path a user's certificate takes, so the user's first check pays none of the runtime's first-use costs. It
// keeps no CryptoKey, which the snapshot could not hold; browser.prepare imports the environments' keys once,
// straight after "ready" (init). Its answer is not used.
async function warmUp(browser, config) {
  await browser.warm_up(config.environments_json, Date.now());
}

// The runtime's files are also named in this worker's own URL (boot.js puts them there), so the downloads,
// the snapshot lookup and the import of Pyodide's JavaScript start the moment this script runs, instead of
// when the "init" message arrives, which can take a few hundred milliseconds while the page is still loading.
const RUNTIME_FILES = ["pyodide_url", "index_url", "bundle_url", "bundle_sha256"];

// Starts the runtime's downloads, the snapshot lookup and the import of Pyodide's JavaScript for `files`.
function startFetching(files) {
  const pyodide = import(files.pyodide_url);
  pyodide.catch(() => {}); // Awaited in startRuntime, or dropped when "init" names other files.
  // Pyodide imports its Emscripten module (1.2 MB of JavaScript) only after its own script has loaded;
  // importing it now overlaps the two, and Pyodide's import of the same URL then finds it loaded.
  import(new URL("pyodide.asm.mjs", files.index_url).href).catch(() => {});
  return { files, downloads: startDownloads(files), snapshot: cachedSnapshot(files), pyodide };
}

const urlParams = new URL(self.location.href).searchParams;
const urlFiles = Object.fromEntries(RUNTIME_FILES.map((name) => [name, urlParams.get(name)]));
let early = RUNTIME_FILES.every((name) => urlFiles[name]) ? startFetching(urlFiles) : null;

// What was started for `config`'s files: the work begun from this worker's URL if it names the same ones
// (it always does when boot.js made the worker), otherwise started now.
function fetchingFor(config) {
  const taken = early;
  early = null;
  const same = taken && RUNTIME_FILES.every((name) => taken.files[name] === config[name]);
  return same ? taken : startFetching(config);
}

// Everything that turns a config into a callable validator lives here.
//
// The bundle is the validator's own standard library (scripts/build_stdlib.mjs): Pyodide's stdlib trimmed to
// the modules the validator imports, precompiled to Python 3.14 bytecode, with asn1crypto and validator_py
// inside. Passed as `stdLibURL`, it replaces the stock stdlib, the lock file and the unpacking, so start-up is
// one wasm instantiation plus loading bytecode that is already compiled.
async function startRuntime(config) {
  progress("runtime", 5);
  await checkWebAssembly();
  const started = fetchingFor(config);
  let { downloads } = started;
  let loadPyodide;
  try {
    ({ loadPyodide } = await started.pyodide);
  } catch (error) {
    throw new StartupError("runtime", `Could not load the Python runtime (${error.message}). Reload the page.`);
  }
  progress("runtime", 15);
  const load = async (extra) => {
    const restoreFetch = routeRuntimeFetches(downloads);
    try {
      return await loadPyodide({
        indexURL: config.index_url,
        stdLibURL: config.bundle_url,
        lockFileContents: PYODIDE_LOCK,
        packages: [],
        stdout: () => {},
        stderr: (line) => console.warn(line),
        ...extra,
      });
    } finally {
      restoreFetch();
    }
  };
  const saved = await started.snapshot;
  if (saved) {
    try {
      const restored = registerWebCrypto(
        await load({ _loadSnapshot: saved.bytes, _snapshotDeserializer: deserializeWebCrypto }),
      );
      const importStart = performance.now();
      const browser = importValidator(restored);
      progress("import", 90);
      await warmUp(browser, config);
      const validatorMs = performance.now() - importStart;
      return { run: browser.run, prepare: browser.prepare, start: "snapshot", whenIdle: null, validatorMs };
    } catch (error) {
      console.warn("The saved runtime snapshot did not load; starting normally.", error);
      await forgetSnapshots();
      downloads = startDownloads(config); // The first ones were used; these come from the HTTP cache.
    }
  }
  let pyodide;
  try {
    // Snapshot mode only records which JavaScript objects Python holds; the runtime stays fully usable.
    pyodide = await load({ _makeSnapshot: true });
  } catch (error) {
    console.warn(error);
    // Python cannot start without its standard library: the bundle failed to download or its check.
    throw new StartupError(
      "bundle",
      "The validator bundle could not be loaded or did not match its published SHA-256, so it was not run. " +
        "Reload the page; if this persists, report it to security@nuvy.ai.",
    );
  }
  progress("import", 90);
  const importStart = performance.now();
  const browser = importValidator(pyodide);
  registerWebCrypto(pyodide);
  await warmUp(browser, config);
  const validatorMs = performance.now() - importStart;
  // The snapshot is the last thing before "ready", as on a page without the validator. Copying the 30 MiB
  // heap makes V8 collect garbage (4-21 ms in a trace) at a later turn of the event loop: taken before the
  // warm-up check, whose WebCrypto calls wait for several turns, that collection ran before "ready" (issue
  // 16's seventh pass in operators/benchmarks.md); now it runs after.
  const image = takeSnapshot(pyodide);
  const whenIdle = image ? () => storeSnapshot(config, image) : null;
  return { run: browser.run, prepare: browser.prepare, start: "fresh", whenIdle, validatorMs };
}

async function validate(message) {
  const { id, data, selected, now_ms: nowMs, csr, crl } = message;
  let json;
  try {
    // JS null would arrive in Python as jsnull, not None; undefined arrives as None.
    json = await runtime.run(data, runtime.environmentsJson, selected, nowMs, csr || undefined, crl || undefined);
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
        "openssl verify -CAfile nuvy-ca-<env>.crt nuvy-client-<env>.crt",
    );
    runtime.environmentsJson = config.environments_json;
    progress("ready", 100);
    self.postMessage({ type: "ready", start: runtime.start, validator_ms: Math.round(runtime.validatorMs) });
    // The verifier the user's checks share (the environments' CA keys imported, their signatures checked) is
    // made now rather than before "ready": the snapshot cannot hold its CryptoKeys, and a user takes longer
    // to paste than this takes. A check sent at once waits for it in the queue. It never throws.
    const { prepare, environmentsJson } = runtime;
    queue = queue.then(() => prepare(environmentsJson)).catch((error) => console.warn(error));
  } catch (error) {
    const stage = error instanceof StartupError ? error.stage : "runtime";
    const text = error instanceof StartupError ? error.message : `The validator could not start (${error}).`;
    self.postMessage({ type: "error", stage, message: text });
    return;
  }
  if (runtime.whenIdle) deferUntilIdle(runtime.whenIdle);
}

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "init") {
    init(message.config);
  } else if (message.type === "validate" && runtime) {
    if (rearmIdleTask) rearmIdleTask();
    queue = queue.then(() => validate(message));
  }
});
