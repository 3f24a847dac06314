// The benchmark floor's relay, in the extension's isolated world: it
// takes the page's end of the channel and passes every message on one
// runtime port to the background, and every message back to the page.
(() => {
  "use strict";

  const NS = "cif-floor";
  const api = globalThis.browser ?? globalThis.chrome;
  /** @type {MessagePort | null} the page's channel */
  let page = null;
  /** @type {any} runtime.Port to the background, or null while closed */
  let background = null;

  /** @returns {any} the port to the background, opened once */
  function toBackground() {
    if (background) return background;
    background = api.runtime.connect({ name: NS });
    background.onMessage.addListener((message) => page?.postMessage(message));
    background.onDisconnect.addListener(() => {
      background = null;
    });
    return background;
  }

  /** Tells the page script that the relay listens. */
  function announce() {
    window.postMessage({ ns: NS, kind: "ready" }, location.origin);
  }

  window.addEventListener("message", (event) => {
    if (event.source !== window || event.data?.ns !== NS) return;
    if (event.data.kind === "ping") announce();
    if (event.data.kind !== "connect" || page || event.ports.length !== 1) return;
    page = event.ports[0];
    page.onmessage = ({ data }) => toBackground().postMessage(data);
  });
  announce();
})();
