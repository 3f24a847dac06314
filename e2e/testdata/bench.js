// The benchmark page: it times CIF calls inside the page, where a
// provider's code makes them, so that no driver round trip is counted.
"use strict";

(() => {
  if (window.cifApi !== "ready") return; // see apicheck.js
  const cif = Microsoft.CIFramework;
  /** The calls measured, by name; i numbers the call within its run. */
  const calls = {
    getFocusedSession: () => cif.getFocusedSession(),
    // Answered by the extension's background itself: the path without the native host.
    raiseEvent: () => cif.raiseEvent("bench.nobody", {}),
    relayOnly: () => cif.benchRelayOnly(),
    createSession: (i) => cif.createSession({ templateName: "bench_session", templateParameters: { customer: `Customer ${i}` } }),
  };
  window.ready = new Promise((resolve) => window.addEventListener("CIFInitDone", () => resolve(true), { once: true }));
  window.bench = {
    /** Makes n calls one after the other: µs per call, and what each resolved with. */
    async sequential(name, n) {
      const results = [];
      const start = performance.now();
      for (let i = 0; i < n; i++) results.push(await calls[name](i));
      return { us: ((performance.now() - start) * 1000) / n, results };
    },
    /** Makes n calls at once and waits for all: µs per call, and what each resolved with. */
    async concurrent(name, n) {
      const start = performance.now();
      const results = await Promise.all(Array.from({ length: n }, (_, i) => calls[name](i)));
      return { us: ((performance.now() - start) * 1000) / n, results };
    },
  };
})();
