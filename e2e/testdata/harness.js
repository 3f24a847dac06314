// The end-to-end pages' harness: it waits for Microsoft.CIFramework,
// records each checked step, captures console.log (so reference samples
// run verbatim) and posts everything to the test server.
"use strict";

window.e2e = (() => {
  const logs = [];
  const steps = [];
  const originalLog = console.log.bind(console);
  console.log = (...args) => {
    logs.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    originalLog(...args);
  };

  const initDone = new Promise((resolve) => window.addEventListener("CIFInitDone", resolve, { once: true }));

  function post(body) {
    return fetch("/result", { method: "POST", body: JSON.stringify(body) });
  }

  /** Resolves with cond()'s first truthy value, polling for at most ms. */
  async function waitFor(cond, ms = 5000) {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await cond();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms: ${cond}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Runs one checked action and records its value or its error. */
  async function step(name, fn) {
    try {
      const value = await fn();
      steps.push({ name, ok: true, value: value === undefined ? null : value });
      return value;
    } catch (error) {
      const plain = error && typeof error === "object"
        ? { message: String(error.message), msdyn_name: error.msdyn_name, errorCode: error.errorCode }
        : { message: String(error) };
      steps.push({ name, ok: false, error: plain });
      return undefined;
    }
  }

  /** Records a value the page computed itself. */
  function record(name, value) {
    steps.push({ name, ok: true, value });
  }

  /** Runs the page's test once the API is up, then posts the results. */
  async function run(test) {
    if (window.cifApi === "reloading") return; // see apicheck.js
    if (window.cifApi !== "ready") {
      await post({ fatal: "Microsoft.CIFramework never appeared (the extension's content scripts did not run)" });
      return;
    }
    try {
      await Promise.race([initDone, waitFor(() => false, 10000).catch(() => { throw new Error("CIFInitDone never fired"); })]);
      await test();
      await post({ steps, logs });
    } catch (error) {
      await post({ steps, logs, fatal: `the test page failed: ${error && error.stack || error}` });
    }
  }

  return { run, step, record, waitFor, logs };
})();
