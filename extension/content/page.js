// Microsoft.CIFramework for the page. This content script runs in the
// page's own world at document_start, before the page's scripts, so pages
// written for Channel Integration Framework 2.0 find the API where they
// expect it. It only marshals calls to the relay (content/relay.js): no
// secrets and no policy live here, since the page can read all of it. It is
// a classic script: content scripts cannot be modules.
(() => {
  "use strict";

  /** Shared with content/relay.js; a test keeps the two in step. */
  const NS = "cif-bridge";
  const WIRE_VERSION = 1;
  /** Error codes from lib/errors.js that the page raises itself. */
  const Code = Object.freeze({ InvalidParams: -32602, Timeout: 1009, NotSupported: 1012, ExtensionUnavailable: 1014 });

  /** How long the relay may take to acknowledge a call before the extension counts as absent. */
  const ACK_TIMEOUT_MS = 3000;
  /** CIF's own call timeout. */
  const CALL_TIMEOUT_MS = 10000;

  if (window.Microsoft?.CIFramework?.cifBridge) return; // injected twice

  // The page's scripts run after this one and may replace these globals;
  // keep the originals.
  const post = window.postMessage.bind(window);
  const Channel = MessageChannel;
  const origin = location.origin;

  /**
   * A CIF error as pages read it: error.message works as in every CIF
   * sample, msdyn_name is the API's name, errorCode is stable.
   * @typedef {{message: string, msdyn_name: string, errorCode: number}} CifError
   */

  /**
   * @param {string} api
   * @param {number} code
   * @param {string} message
   * @returns {CifError}
   */
  function cifError(api, code, message) {
    return { message, msdyn_name: api, errorCode: code };
  }

  // --- the relay handshake -------------------------------------------------

  let relayReady = false;
  /** @type {Array<() => void>} */
  let waitingForRelay = [];

  window.addEventListener("message", (event) => {
    const data = event.data;
    if (event.source !== window || data === null || typeof data !== "object") return;
    if (data.ns !== NS || data.v !== WIRE_VERSION || data.kind !== "ready" || relayReady) return;
    relayReady = true;
    const waiting = waitingForRelay;
    waitingForRelay = [];
    waiting.forEach((run) => run());
  });
  post({ ns: NS, v: WIRE_VERSION, kind: "ping" }, origin);

  /** @param {() => void} run */
  function whenRelayReady(run) {
    if (relayReady) run();
    else waitingForRelay.push(run);
  }

  // --- calls -----------------------------------------------------------------

  /**
   * Sends one call through the relay on a private channel.
   * @param {string} method
   * @param {object} params
   * @returns {Promise<unknown>}
   */
  function send(method, params) {
    return new Promise((resolve, reject) => {
      const { port1, port2 } = new Channel();
      let done = false;
      /** @param {CifError | null} err @param {unknown} [result] */
      const finish = (err, result) => {
        if (done) return;
        done = true;
        clearTimeout(ackTimer);
        clearTimeout(callTimer);
        port1.close();
        if (err) reject(err);
        else resolve(result);
      };
      const ackTimer = setTimeout(() => finish(cifError(method, Code.ExtensionUnavailable,
        "the CIF Bridge extension did not answer; check that it is installed and enabled for this site, then reload the page")), ACK_TIMEOUT_MS);
      const callTimer = setTimeout(() => finish(cifError(method, Code.Timeout,
        "Timeout occurred as no response was received from listener window; the host may be stuck, see its log")), CALL_TIMEOUT_MS);
      port1.onmessage = (event) => {
        const data = event.data;
        if (data?.kind === "ack") clearTimeout(ackTimer);
        else if (data?.kind === "reply" && data.ok) finish(null, data.result);
        else if (data?.kind === "reply") finish(cifError(method, data.error?.code ?? Code.ExtensionUnavailable, data.error?.message ?? "no reason given"));
      };
      whenRelayReady(() => {
        if (done) return;
        try {
          post({ ns: NS, v: WIRE_VERSION, kind: "call", method, params }, origin, [port2]);
        } catch (err) {
          finish(cifError(method, Code.InvalidParams,
            `${method}: the parameters cannot be sent (${err instanceof Error ? err.message : err}); pass plain objects, strings, numbers and booleans`));
        }
      });
    });
  }

  /**
   * Drops undefined parameters, so that what reaches the host is what the
   * caller passed.
   * @param {Record<string, unknown>} params
   * @returns {Record<string, unknown>}
   */
  function defined(params) {
    return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
  }

  /**
   * @param {string} method
   * @param {Record<string, unknown>} params
   */
  const call = (method, params) => send(method, defined(params));

  /**
   * For methods CIF documents as resolving with nothing.
   * @param {string} method
   * @param {Record<string, unknown>} params
   */
  const callVoid = (method, params) => call(method, params).then(() => undefined);

  /**
   * getSession resolves with a Map, as CIF's code does (Microsoft's samples
   * read result.get("context")), that also carries the documented keys as
   * properties.
   * @param {any} info
   * @returns {Map<string, unknown>}
   */
  function sessionMap(info) {
    const map = new Map(Object.entries(info ?? {}));
    for (const [key, value] of map) {
      Object.defineProperty(map, key, { value, enumerable: true });
    }
    return map;
  }

  // --- the API ---------------------------------------------------------------

  const CIFramework = {
    /** Marks the API as CIF Bridge's, for pages that want to know. */
    cifBridge: true,

    /** @param {string} [correlationId] */
    canCreateSession: (correlationId) => call("canCreateSession", { correlationId }),
    /** @param {object} input @param {string} [correlationId] */
    createSession: (input, correlationId) => call("createSession", { input, correlationId }),
    /** @param {string} sessionId @param {string} [correlationId] */
    getSession: (sessionId, correlationId) => call("getSession", { sessionId, correlationId }).then(sessionMap),
    /** @param {string} [correlationId] */
    getFocusedSession: (correlationId) => call("getFocusedSession", { correlationId }),
    /** @param {string} [correlationId] */
    getAllSessions: (correlationId) => call("getAllSessions", { correlationId }),
    /** @param {object} input @param {string} [correlationId] */
    setSessionTitle: (input, correlationId) => call("setSessionTitle", { input, correlationId }),
  };

  Object.freeze(CIFramework);
  installGlobal(CIFramework);
  announceReady();

  /**
   * Puts the API at window.Microsoft.CIFramework where no page script can
   * replace it. window.Microsoft stays open for other Microsoft libraries:
   * assigning it merges the assigned object's other members in.
   * @param {object} api
   */
  function installGlobal(api) {
    const ms = window.Microsoft ?? {};
    Object.defineProperty(ms, "CIFramework", { value: api, enumerable: true, writable: false, configurable: false });
    Object.defineProperty(window, "Microsoft", {
      enumerable: true,
      configurable: false,
      get: () => ms,
      set: (value) => {
        if (value === ms || value === null || typeof value !== "object") return;
        for (const [key, member] of Object.entries(value)) {
          if (key !== "CIFramework") ms[key] = member;
        }
      },
    });
  }

  /**
   * Fires CIF's CIFInitDone once the relay answers and the document's own
   * scripts have run, so their listeners are in place.
   */
  function announceReady() {
    const fire = () => whenRelayReady(() => {
      window.dispatchEvent(new CustomEvent("CIFInitDone", { detail: [origin] }));
    });
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fire, { once: true });
    else setTimeout(fire, 0);
  }
})();
