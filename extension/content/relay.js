// The relay: a content script in the extension's isolated world. It takes
// calls the page's Microsoft.CIFramework posts on this window, acknowledges
// each at once on the call's private port, forwards it to the background
// and answers on the same port. It is a classic script (content scripts
// cannot be modules), loaded after nothing and depended on by nothing.
(() => {
  "use strict";

  /** Shared with content/page.js; a test keeps the two in step. */
  const NS = "cif-bridge";
  const WIRE_VERSION = 1;
  const EXTENSION_UNAVAILABLE = 1014;

  const api = globalThis.browser ?? globalThis.chrome;

  /** Tells the page's script that the relay is listening. */
  function announce() {
    window.postMessage({ ns: NS, v: WIRE_VERSION, kind: "ready" }, location.origin);
  }

  /**
   * @param {string} method
   * @param {unknown} params
   * @returns {Promise<{ok: boolean, result?: unknown, error?: {code: number, message: string}}>}
   */
  async function forward(method, params) {
    try {
      const reply = await api.runtime.sendMessage({ kind: "call", method, params });
      if (reply && typeof reply.ok === "boolean") return reply;
      return unavailable("the background gave no answer");
    } catch (err) {
      return unavailable(err instanceof Error ? err.message : String(err));
    }
  }

  /** @param {string} why */
  function unavailable(why) {
    return {
      ok: false,
      error: {
        code: EXTENSION_UNAVAILABLE,
        message: `the CIF Bridge extension cannot be reached (${why}); if it was just updated or reloaded, reload this page`,
      },
    };
  }

  /** @param {MessageEvent} event */
  function onMessage(event) {
    if (event.source !== window || event.origin !== location.origin) return;
    const data = event.data;
    if (data === null || typeof data !== "object" || data.ns !== NS || data.v !== WIRE_VERSION) return;
    if (data.kind === "ping") {
      announce();
      return;
    }
    if (data.kind !== "call" || typeof data.method !== "string" || event.ports.length !== 1) return;
    const port = event.ports[0];
    port.postMessage({ kind: "ack" });
    forward(data.method, data.params).then((reply) => {
      port.postMessage({ kind: "reply", ...reply });
      port.close();
    });
  }

  window.addEventListener("message", onMessage);
  announce();
})();
