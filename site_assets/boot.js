// Starts the validator's worker from the page's <head>.
//
// The build inlines this file into the validator page's <head> (hooks/pages.py; the Content-Security-Policy
// allows it by its hash), so it runs as soon as the parser reaches it: the worker and the runtime's downloads
// start while the theme's stylesheets, scripts and the page body are still loading, a few hundred
// milliseconds before validator.js (a module, which runs only after the whole page is parsed) could start
// them. validator.js takes the worker over with window.nuvyRuntime.take(), with every message sent so far.
"use strict";

(() => {
  const resolve = (url) => new URL(url, document.baseURI).href;

  // The worker's "init" message (see worker.js) from the page data.
  const runtimeConfig = (data) => ({
    pyodide_url: resolve(data.runtime.pyodide_url),
    index_url: resolve(data.runtime.index_url),
    bundle_url: resolve(data.runtime.bundle_url),
    bundle_sha256: data.runtime.bundle_sha256,
    environments_json: JSON.stringify(data.environments),
    start_timeout_ms: data.runtime.start_timeout_ms,
  });

  // The runtime's files also go in the worker's URL, so it can start fetching them before "init" arrives.
  const createWorker = (data) => {
    const config = runtimeConfig(data);
    const url = new URL(resolve(data.runtime.worker_url));
    for (const name of ["pyodide_url", "index_url", "bundle_url", "bundle_sha256"]) {
      url.searchParams.set(name, config[name]);
    }
    const worker = new Worker(url.href, { type: "module", name: "nuvy-validator" });
    worker.postMessage({ type: "init", config });
    return worker;
  };

  // The early worker and what it said before validator.js listened, until validator.js takes it.
  let early = null;
  try {
    const worker = createWorker(JSON.parse(document.getElementById("nuvy-data").textContent));
    const events = [];
    const keep = (event) => events.push(event);
    worker.addEventListener("message", keep);
    worker.addEventListener("error", keep);
    early = { worker, events, keep };
  } catch (error) {
    console.warn("The validator will start with the page instead.", error);
  }

  window.nuvyRuntime = Object.freeze({
    // The early worker the first time, a new one after that (a restart). `onMessage` and `onError` get the
    // early worker's kept events first, in order, then every later one.
    take(data, onMessage, onError) {
      const taken = early;
      early = null;
      const worker = taken ? taken.worker : createWorker(data);
      if (taken) {
        worker.removeEventListener("message", taken.keep);
        worker.removeEventListener("error", taken.keep);
      }
      worker.addEventListener("message", onMessage);
      worker.addEventListener("error", onError);
      for (const event of taken ? taken.events : []) (event.type === "error" ? onError : onMessage)(event);
      return worker;
    },
  });
})();
