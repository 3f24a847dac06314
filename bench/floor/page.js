// The benchmark floor's page script, in the page's own world: the least a
// page-facing API does. window.cifFloor sends each call to the relay on
// one private MessageChannel, handed to the relay once, and resolves it
// with the reply of the same id. No checks, no timeouts, no policy: that
// is what CIF Bridge adds, and what bench/run measures against this.
(() => {
  "use strict";

  const NS = "cif-floor";
  const { port1, port2 } = new MessageChannel();
  /** @type {Map<number, (result: unknown) => void>} calls waiting, by id */
  const waiting = new Map();
  /** @type {Map<string, (payload: unknown) => void>} event handlers, by name */
  const handlers = new Map();
  let nextId = 1;
  let connected = false;

  port1.onmessage = ({ data }) => {
    if (typeof data.event === "string") {
      handlers.get(data.event)?.(data.payload);
      return;
    }
    const done = waiting.get(data.id);
    waiting.delete(data.id);
    done?.(data.result);
  };

  /** Hands the relay its end of the channel, once it listens. */
  function connect() {
    if (connected) return;
    connected = true;
    window.postMessage({ ns: NS, kind: "connect" }, location.origin, [port2]);
  }

  window.addEventListener("message", (event) => {
    if (event.source === window && event.data?.ns === NS && event.data.kind === "ready") connect();
  });
  window.postMessage({ ns: NS, kind: "ping" }, location.origin);

  /**
   * Sends one message to the background; messages wait in the channel
   * until the relay takes its end.
   * @param {"host" | "background" | "raise" | "subscribe"} to
   * @param {string} method
   * @param {unknown} params
   * @returns {Promise<unknown>}
   */
  function send(to, method, params) {
    return new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      port1.postMessage({ id, to, method, params });
    });
  }

  window.cifFloor = Object.freeze({
    /**
     * Calls the native host (the echo host: it answers null).
     * @param {string} method
     * @param {object} params
     */
    call: (method, params) => send("host", method, params),
    /** Answered by the background itself: the path without the native host. */
    background: () => send("background", "", null),
    /**
     * Raises an event in every page that listens for it, this one included.
     * @param {string} name
     * @param {unknown} payload
     */
    raise: (name, payload) => send("raise", name, payload),
    /**
     * Listens for one event; the page then hears every event raised.
     * @param {string} name
     * @param {(payload: unknown) => void} handler
     * @returns {Promise<unknown>} once the background will deliver to this page
     */
    on(name, handler) {
      handlers.set(name, handler);
      return send("subscribe", "", null);
    },
  });
})();
