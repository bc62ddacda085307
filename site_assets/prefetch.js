// A hint, on the guide's pages, that the validator comes next: once the page is idle, the browser may fetch
// the validator's runtime files into its HTTP cache, so that following the guide's step-6 link starts the
// runtime without waiting for the network.
//
// hooks/prefetch.py adds this script (same origin, so the strict Content-Security-Policy allows it) and a
// JSON block with the runtime's URLs to the pages in hooks.prefetch.HINT_PAGES. It only adds
// <link rel="prefetch"> elements: the browser fetches them at its lowest priority, may skip them, and runs
// nothing. No Python, no WebAssembly instance, no worker starts here, and nothing is stored but the
// browser's ordinary HTTP cache. It does nothing when the user asked the browser to save data.
"use strict";

(() => {
  const block = document.getElementById("nuvy-prefetch");
  const connection = navigator.connection;
  if (!block || (connection && connection.saveData)) return;

  const resolve = (url) => new URL(url, document.baseURI).href;

  // The same URLs the validator page's boot script (boot.js) makes, so the prefetched responses are the
  // ones its worker asks for: the worker's URL carries the runtime files in its query, in this order.
  const urls = (runtime) => {
    const files = {
      pyodide_url: resolve(runtime.pyodide_url),
      index_url: resolve(runtime.index_url),
      bundle_url: resolve(runtime.bundle_url),
      bundle_sha256: runtime.bundle_sha256,
    };
    const worker = new URL(resolve(runtime.worker_url));
    for (const [name, value] of Object.entries(files)) worker.searchParams.set(name, value);
    return [
      worker.href,
      files.pyodide_url,
      new URL("pyodide.asm.mjs", files.index_url).href,
      new URL("pyodide.asm.wasm", files.index_url).href,
      files.bundle_url,
    ];
  };

  const hint = () => {
    let runtime;
    try {
      runtime = JSON.parse(block.textContent);
    } catch {
      return;
    }
    performance.mark("nuvy:prefetch-hint"); // Before the first request it starts: the bench counts from here.
    for (const href of urls(runtime)) {
      if (new URL(href).origin !== location.origin) continue; // Same origin only, whatever the data says.
      const link = document.createElement("link");
      link.rel = "prefetch";
      link.href = href;
      document.head.appendChild(link);
    }
  };

  // Idle: the page has loaded and the browser has a quiet moment, so the hint never competes with the page.
  const whenIdle = () =>
    "requestIdleCallback" in window ? requestIdleCallback(hint, { timeout: 5000 }) : setTimeout(hint, 1000);
  if (document.readyState === "complete") whenIdle();
  else addEventListener("load", whenIdle, { once: true });
})();
