// The benchmark floor's background (a service worker in Chromium, an
// event page in Firefox): it passes each page's call to one native port
// and the reply back to the page's port, answers "background" calls
// itself, and passes raised events to every page that listens. The host
// it reaches is the echo host, registered as org.cifbridge.floor.

const api = globalThis.browser ?? globalThis.chrome;
const HOST = "org.cifbridge.floor";

/** @type {any} runtime.Port to the native host, or null while closed */
let native = null;
/** @type {Map<number, {port: any, id: number}>} calls sent to the host, by the host call's id */
const pending = new Map();
/** @type {Set<any>} the ports of the pages that listen for events */
const listening = new Set();
let nextId = 1;

/** @returns {any} the native port, opened on first use */
function host() {
  if (native) return native;
  native = api.runtime.connectNative(HOST);
  native.onMessage.addListener((reply) => {
    const call = pending.get(reply.id);
    pending.delete(reply.id);
    call?.port.postMessage({ id: call.id, result: reply.result ?? null });
  });
  native.onDisconnect.addListener(() => {
    native = null;
    for (const call of pending.values()) call.port.postMessage({ id: call.id, result: null });
    pending.clear();
  });
  return native;
}

/**
 * Answers one message from a page's port.
 * @param {any} port
 * @param {{id: number, to: string, method: string, params: unknown}} message
 */
function serve(port, message) {
  switch (message.to) {
    case "background":
      port.postMessage({ id: message.id, result: null });
      return;
    case "subscribe":
      listening.add(port);
      port.postMessage({ id: message.id, result: true });
      return;
    case "raise":
      for (const page of listening) page.postMessage({ event: message.method, payload: message.params });
      port.postMessage({ id: message.id, result: true });
      return;
    default: {
      const id = nextId++;
      pending.set(id, { port, id: message.id });
      host().postMessage({ jsonrpc: "2.0", id, method: message.method, params: { provider: port.sender?.origin ?? "", args: message.params } });
    }
  }
}

api.runtime.onConnect.addListener((port) => {
  if (port.name !== "cif-floor") return;
  port.onMessage.addListener((message) => serve(port, message));
  port.onDisconnect.addListener(() => listening.delete(port));
});
