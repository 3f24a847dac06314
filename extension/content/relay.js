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
  /** Shared with lib/bridge.js. */
  const EVENTS_PORT = "cif-bridge-events";

  const api = globalThis.browser ?? globalThis.chrome;

  /** @type {MessagePort[]} the page's event channels */
  const pagePorts = [];
  /** @type {any} runtime.Port, or null while closed */
  let eventsPort = null;
  let connectedAt = 0;
  let retryDelay = 0;

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

  /**
   * Keeps one port open to the background for this page's events, and
   * reopens it when the background restarts or the page comes back from
   * the back/forward cache. A refusal (origin not allowed) is final.
   */
  function connectEvents() {
    if (eventsPort || pagePorts.length === 0) return;
    try {
      eventsPort = api.runtime.connect({ name: EVENTS_PORT });
    } catch {
      return; // the extension was reloaded or removed: nothing to reconnect to
    }
    let refused = false;
    connectedAt = Date.now();
    eventsPort.onMessage.addListener((message) => {
      if (message?.kind === "refused") refused = true;
      if (message?.kind === "event") pagePorts.forEach((port) => port.postMessage(message));
    });
    eventsPort.onDisconnect.addListener(() => {
      void api.runtime.lastError; // read, so the browser does not report it as unchecked
      eventsPort = null;
      if (refused) return;
      // Reconnect at once after a long-lived port; back off when ports keep dying young.
      retryDelay = Date.now() - connectedAt > 1000 ? 0 : Math.min(Math.max(retryDelay * 2, 250), 30000);
      setTimeout(connectEvents, retryDelay);
    });
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
    if (event.ports.length !== 1) return;
    const port = event.ports[0];
    if (data.kind === "subscribe") {
      pagePorts.push(port);
      connectEvents();
      return;
    }
    if (data.kind !== "call" || typeof data.method !== "string") return;
    port.postMessage({ kind: "ack" });
    forward(data.method, data.params).then((reply) => {
      port.postMessage({ kind: "reply", ...reply });
      port.close();
    });
  }

  window.addEventListener("message", onMessage);
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) connectEvents();
  });
  announce();
})();
