// The relay: a content script in the extension's isolated world. It takes
// the private channel the page's Microsoft.CIFramework hands it on this
// window ("connect"), forwards each call that comes on it to the background
// on this page's calls port, and answers on the channel by the call's id. It is a
// classic script (content scripts cannot be modules): content/relay-contract.js,
// loaded just before it, hands it the shared names and codes.
(() => {
  "use strict";

  const { Wire, ErrorCode } = globalThis.cifBridgeContract;
  delete globalThis.cifBridgeContract;

  // A sandboxed frame's document has an opaque origin, which no provider
  // can be: the page's script refuses its calls itself, and there is
  // nothing to relay.
  if (window.origin === "null") return;

  const api = globalThis.browser ?? globalThis.chrome;

  /** @type {MessagePort[]} the page's event channels */
  const pagePorts = [];
  /** @type {any} runtime.Port, or null while closed */
  let eventsPort = null;
  let connectedAt = 0;
  let retryDelay = 0;

  /** Tells the page's script that the relay is listening. */
  function announce() {
    window.postMessage({ ns: Wire.NS, v: Wire.VERSION, kind: "ready" }, location.origin);
  }

  /**
   * The port this page's calls travel on, and the calls on it that wait
   * for the background's answer, by id; null while closed.
   * @type {{port: any, waiting: Map<number, (reply: any) => void>} | null}
   */
  let calls = null;
  let nextCall = 1;

  /**
   * Opens the calls port: once, and again after the background restarts.
   * A port costs far less per call than runtime.sendMessage, which sets up
   * a channel for every message (docs/performance.md).
   */
  function openCalls() {
    if (calls) return calls;
    const port = api.runtime.connect({ name: Wire.CALLS_PORT });
    /** @type {Map<number, (reply: any) => void>} */
    const waiting = new Map();
    port.onMessage.addListener((/** @type {any} */ message) => {
      const done = waiting.get(message?.id);
      waiting.delete(message?.id);
      done?.(message.reply);
    });
    port.onDisconnect.addListener(() => {
      void api.runtime.lastError; // read, so the browser does not report it as unchecked
      if (calls?.port === port) calls = null;
      waiting.forEach((done) => done(unavailable("the background stopped before it answered")));
      waiting.clear();
    });
    calls = { port, waiting };
    return calls;
  }

  /**
   * Why a call's parameters cannot travel to cif-host, as a failed reply,
   * or null when they can. They must encode as JSON and fit cif-host's
   * limit: Chromium's ports carry JSON and throw on anything else, which
   * would read as the extension being gone.
   * @param {string} method
   * @param {unknown} params
   */
  function unsendable(method, params) {
    let text;
    try {
      text = JSON.stringify(params);
    } catch {
      return failure(ErrorCode.InvalidParams, `${method}: the parameters cannot be encoded as JSON: ${unencodable(params)}`);
    }
    if (text.length * 3 <= Wire.MAX_REQUEST_BYTES) return null; // UTF-8 needs at most 3 bytes a character here
    const bytes = new TextEncoder().encode(text).length;
    if (bytes <= Wire.MAX_REQUEST_BYTES) return null;
    return failure(ErrorCode.MessageTooLarge, `${method}: the parameters are ${bytes} bytes as JSON, over cif-host's limit of ${Wire.MAX_REQUEST_BYTES} for one call; send less data (a smaller context or fewer template parameters)`);
  }

  /**
   * What in the parameters JSON cannot hold, and what to pass instead.
   * They are encoded again, slowly, to find it.
   * @param {unknown} params parameters JSON.stringify refused
   */
  function unencodable(params) {
    let err;
    try {
      JSON.stringify(params, (key, value) => {
        if (typeof value === "bigint") throw { bigint: key };
        return value;
      });
    } catch (thrown) {
      err = thrown;
    }
    if (err !== null && typeof err === "object" && "bigint" in err) {
      return `they hold a BigInt${err.bigint ? ` (${JSON.stringify(err.bigint)})` : ""}; pass it as a number or a string`;
    }
    if (err instanceof TypeError) return "they hold an object that contains itself (a cycle); pass plain data without cycles";
    return "they are nested too deeply; pass flatter data";
  }

  /**
   * @param {number} code
   * @param {string} message
   */
  function failure(code, message) {
    return { ok: false, error: { code, message } };
  }

  /**
   * @param {string} method
   * @param {unknown} params
   * @returns {Promise<{ok: boolean, result?: unknown, error?: {code: number, message: string}}>}
   */
  function forward(method, params) {
    const refused = unsendable(method, params);
    if (refused) return Promise.resolve(refused);
    return new Promise((resolve) => {
      const id = nextCall++;
      try {
        const { port, waiting } = openCalls();
        waiting.set(id, (reply) => resolve(reply && typeof reply.ok === "boolean" ? reply : unavailable("the background gave no answer")));
        port.postMessage({ id, call: { kind: "call", method, params } });
      } catch (err) {
        // The extension was reloaded or the port died: the next call opens a new one.
        calls?.waiting.delete(id);
        calls = null;
        resolve(unavailable(err instanceof Error ? err.message : String(err)));
      }
    });
  }

  /** @param {string} why */
  function unavailable(why) {
    return failure(ErrorCode.ExtensionUnavailable, `the CIF Bridge extension cannot be reached (${why}); if it was just updated or reloaded, reload this page`);
  }

  /**
   * Keeps one port open to the background for this page's events, and
   * reopens it when the background restarts or the page comes back from
   * the back/forward cache. A refusal (origin not allowed) is final.
   */
  function connectEvents() {
    if (eventsPort || pagePorts.length === 0) return;
    try {
      eventsPort = api.runtime.connect({ name: Wire.EVENTS_PORT });
    } catch {
      return; // the extension was reloaded or removed: nothing to reconnect to
    }
    let refused = false;
    connectedAt = Date.now();
    eventsPort.onMessage.addListener((/** @type {any} */ message) => {
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
    if (data === null || typeof data !== "object" || data.ns !== Wire.NS || data.v !== Wire.VERSION) return;
    if (data.kind === "ping") {
      announce();
      return;
    }
    if (data.kind === "connect" && event.ports.length === 1) serveCalls(event.ports[0]);
  }

  /**
   * Takes the channel the page's script calls on: each call, tagged with
   * its id, is forwarded and answered on the same channel; a "subscribe"
   * brings the port this page's events go to. One channel keeps them in
   * the order the page made them: a handler added before a call hears the
   * events that call causes.
   * @param {MessagePort} port
   */
  function serveCalls(port) {
    port.onmessage = (event) => {
      const data = event.data;
      if (data?.kind === "subscribe" && event.ports.length === 1) {
        pagePorts.push(event.ports[0]);
        connectEvents();
        return;
      }
      if (data?.kind !== "call" || typeof data.method !== "string" || typeof data.id !== "number") return;
      forward(data.method, data.params).then((reply) => port.postMessage({ kind: "reply", id: data.id, ...reply }));
    };
  }

  window.addEventListener("message", onMessage);
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) connectEvents();
  });
  announce();
})();
