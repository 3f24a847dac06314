import { AGENT_METHODS, ErrorCode, HostEvent, PAGE_METHODS, PageEvent, Wire } from "../shared/contract.js";
import { BridgeError, toWireError } from "../shared/errors.js";
import { BackgroundMethod, PageMethod } from "../shared/methods.js";
import { identifyCaller } from "../shared/origins.js";
import { checkRecordAccess } from "../shared/recordaccess.js";

/** Everything the extension's views may call. */
const VIEW_METHODS = [...AGENT_METHODS, ...Object.values(BackgroundMethod)];

/** CIF's system events, in lower case: only CIF Bridge raises them. */
const SYSTEM_EVENTS = new Set(Object.values(PageEvent).map((name) => name.toLowerCase()));

/**
 * A method a web page calls that the background answers itself, or whose
 * host result it takes further.
 * @callback PageHandler
 * @param {string} origin the calling page's provider, as the browser reported it
 * @param {Record<string, unknown>} params what the page passed
 * @param {Sender} sender what the browser said about the calling page
 * @returns {unknown} the result, or a promise of it
 */

/**
 * A method only the extension's views call, answered in the background.
 * @callback ViewHandler
 * @param {Record<string, unknown>} params
 * @returns {unknown} the result, or a promise of it
 */

/**
 * @typedef {import("../shared/errors.js").Reply} Reply
 * @typedef {import("../shared/origins.js").Sender} Sender
 * @typedef {import("../shared/origins.js").Caller} Caller
 * @typedef {{allowed?: readonly string[], caller?: Caller}} Identified who a
 *   calls port's page was found to be, and under which allowlist
 */

/**
 * The part of runtime.Port the bridge uses for event subscribers.
 * @typedef {object} EventPort
 * @property {string} name
 * @property {Sender} [sender]
 * @property {(message: object) => void} postMessage
 * @property {() => void} disconnect
 * @property {{addListener: (fn: () => void) => void}} onDisconnect
 */

/**
 * The part of runtime.Port the bridge uses for a page's calls.
 * @typedef {EventPort & {onMessage: {addListener: (fn: (message: any) => void) => void}}} CallsPort
 */

/**
 * @typedef {object} BridgeOptions
 * @property {{call: (provider: string, method: string, args: object) => Promise<unknown>}} lanes
 *   calls cif-host for a provider ("" for the extension's views), in turn (lanes.js)
 * @property {{status: () => object, restart: () => void}} host the connection, for the views' own methods
 * @property {string} extensionId runtime.id
 * @property {string} extensionUrl runtime.getURL("")
 * @property {() => Promise<readonly string[]>} allowedOrigins the allowed sites: the user's allowlist and the channel providers' origins
 * @property {() => Promise<Readonly<Record<string, string>>>} recordAccess the user's records choices by allowlist entry (recordaccess.js)
 * @property {import("../shared/origins.js").PanelFrame} [panelFrame] admits a provider's page framed by the extension's panel
 */

/**
 * The background's router: it identifies each caller from the browser's
 * sender information, checks what it may call, forwards calls to cif-host
 * with the provider (the page's origin) beside the caller's parameters,
 * and passes events to the pages of the provider they belong to.
 */
export class Bridge {
  /** @type {BridgeOptions} */
  #opts;
  /** @type {Map<string, Set<EventPort>>} event ports of web pages, by origin */
  #pages = new Map();
  /** @type {Set<EventPort>} event ports of the extension's views */
  #views = new Set();
  /** @type {Map<string, PageHandler>} */
  #pageHandlers = new Map();
  /** @type {Map<string, ViewHandler>} */
  #viewHandlers = new Map();

  /** @param {BridgeOptions} opts */
  constructor(opts) {
    this.#opts = opts;
    this.answerPage(PageMethod.RaiseEvent, (origin, params) => this.#raise(origin, params));
  }

  /**
   * Answers a page method in the background, in place of forwarding it to
   * cif-host as it is.
   * @param {string} method
   * @param {PageHandler} handler
   */
  answerPage(method, handler) {
    this.#pageHandlers.set(method, handler);
  }

  /**
   * Answers one of the views' own methods (BackgroundMethod).
   * @param {string} method
   * @param {ViewHandler} handler
   */
  answerView(method, handler) {
    this.#viewHandlers.set(method, handler);
  }

  /**
   * Answers one runtime message. Never rejects: failures become replies.
   * @param {any} message
   * @param {Sender} sender
   * @param {Identified} [known] who a calls port's sender was found to be
   * @returns {Promise<Reply>}
   */
  async handle(message, sender, known) {
    try {
      return { ok: true, result: await this.#call(message, sender, known) };
    } catch (err) {
      return { ok: false, error: toWireError(err) };
    }
  }

  /**
   * Identifies the caller, or takes who a calls port's top-level page was
   * found to be under the same allowlist: a port's sender never changes,
   * and a top-level page's verdict depends on nothing else, while a
   * frame's may (the panel it is in). Identifying each call cost as much
   * as the rest of the router's part of it.
   * @param {Sender} sender
   * @param {Identified} [known]
   * @returns {Promise<Caller>}
   */
  async #identify(sender, known) {
    const allowed = await this.#opts.allowedOrigins();
    if (known?.caller && known.allowed === allowed) return known.caller;
    const caller = identifyCaller(sender, {
      extensionId: this.#opts.extensionId,
      extensionUrl: this.#opts.extensionUrl,
      allowed,
      panelFrame: this.#opts.panelFrame,
    });
    if (known && sender.tab && !sender.frameId) Object.assign(known, { allowed, caller });
    return caller;
  }

  /**
   * @param {any} message
   * @param {Sender} sender
   * @param {Identified} [known]
   */
  async #call(message, sender, known) {
    if (message?.kind !== "call" || typeof message.method !== "string") {
      throw new BridgeError(ErrorCode.InvalidRequest, "not a CIF Bridge call");
    }
    const { method } = message;
    const params = message.params ?? {};
    if (typeof params !== "object" || Array.isArray(params)) {
      throw new BridgeError(ErrorCode.InvalidParams, `${method}: parameters must be an object`);
    }
    const caller = await this.#identify(sender, known);
    if (caller.kind === "view") return this.#viewCall(method, params);
    if (VIEW_METHODS.includes(method)) {
      throw new BridgeError(ErrorCode.AgentOnly, `${method} is one of the agent's own operations; web pages cannot call it`);
    }
    const handler = this.#pageHandlers.get(method);
    if (handler) return handler(caller.origin, params, sender);
    if (!PAGE_METHODS.includes(method)) {
      throw new BridgeError(ErrorCode.MethodNotFound, `${method} is not a CIF method CIF Bridge serves`);
    }
    checkRecordAccess(method, params, caller.origin, await this.#opts.allowedOrigins(), await this.#opts.recordAccess());
    return this.#opts.lanes.call(caller.origin, method, params);
  }

  /**
   * @param {string} method
   * @param {Record<string, unknown>} params
   */
  #viewCall(method, params) {
    if (method === BackgroundMethod.Status) return this.#opts.host.status();
    if (method === BackgroundMethod.RestartHost) {
      this.#opts.host.restart();
      return null;
    }
    const handler = this.#viewHandlers.get(method);
    if (handler) return handler(params);
    if (!AGENT_METHODS.includes(method)) {
      throw new BridgeError(ErrorCode.MethodNotFound, `${method} is not for the extension's views, which call ${VIEW_METHODS.join(", ")}`);
    }
    return this.#opts.lanes.call("", method, params);
  }

  /**
   * raiseEvent: runs a custom event's handlers in every page of the
   * caller's provider, the caller included. CIF's own events are CIF
   * Bridge's to raise.
   * @param {string} origin
   * @param {Record<string, unknown>} params
   */
  #raise(origin, params) {
    if (typeof params.eventName !== "string" || params.eventName === "") {
      throw new BridgeError(ErrorCode.InvalidParams, "raiseEvent: eventName must be a non-empty string");
    }
    if (SYSTEM_EVENTS.has(params.eventName.toLowerCase())) {
      throw new BridgeError(ErrorCode.InvalidParams, `raiseEvent: ${params.eventName} is one of CIF's own events, which only CIF Bridge raises; give your event a name of its own, such as contoso.${params.eventName}`);
    }
    this.#send(this.#pages.get(origin), params.eventName, params.eventInputParameters ?? null);
    return true;
  }

  /**
   * Raises an event in the pages of one provider.
   * @param {string} origin
   * @param {string} name
   * @param {unknown} payload
   * @returns {number} how many pages it reached
   */
  sendToProvider(origin, name, payload) {
    return this.#send(this.#pages.get(origin), name, payload);
  }

  /**
   * Raises an event in the pages of every provider.
   * @param {string} name
   * @param {unknown} payload
   */
  broadcast(name, payload) {
    for (const ports of this.#pages.values()) this.#send(ports, name, payload);
  }

  /**
   * Tells the extension's open views something.
   * @param {string} name
   * @param {unknown} payload
   */
  toViews(name, payload) {
    this.#send(this.#views, name, payload);
  }

  /**
   * Takes a new port: a page's calls port, or an event port from a page or
   * one of the extension's views. An event port from a caller that may not
   * call is told why and closed.
   * @param {EventPort | CallsPort} port
   */
  async connect(port) {
    if (port.name === Wire.CALLS_PORT) {
      this.#serveCalls(/** @type {CallsPort} */ (port));
      return;
    }
    if (port.name !== Wire.EVENTS_PORT) return;
    let caller;
    try {
      caller = await this.#identify(port.sender ?? {});
    } catch (err) {
      port.postMessage({ kind: "refused", error: toWireError(err) });
      port.disconnect();
      return;
    }
    if (caller.kind === "view") {
      this.#views.add(port);
      port.onDisconnect.addListener(() => this.#views.delete(port));
      return;
    }
    const ports = this.#pages.get(caller.origin) ?? new Set();
    this.#pages.set(caller.origin, ports);
    ports.add(port);
    port.onDisconnect.addListener(() => {
      ports.delete(port);
      if (ports.size === 0) this.#pages.delete(caller.origin);
    });
  }

  /**
   * Answers each call a page's relay sends on its calls port as handle
   * does, tagged with the call's id. A change of the allowlist applies to
   * the next call.
   * @param {CallsPort} port
   */
  #serveCalls(port) {
    /** @type {Identified} */
    const known = {};
    port.onMessage.addListener(async (message) => {
      const reply = await this.handle(message?.call, port.sender ?? {}, known);
      try {
        port.postMessage({ id: message?.id, reply });
      } catch {
        // The page went away: nobody waits for the answer.
      }
    });
  }

  /**
   * Passes a cif-host notification on: a CIF event to the pages of the
   * provider that owns the session, as the JSON string CIF hands its
   * handlers; the workspace's changes, and the records' (any agent's), to
   * the extension's views.
   * @param {string} method
   * @param {any} params
   */
  deliver(method, params) {
    if (method === HostEvent.WorkspaceChanged || method === HostEvent.RecordChanged) {
      this.#send(this.#views, method, params);
      return;
    }
    if (typeof params?.provider !== "string") return;
    this.#send(this.#pages.get(params.provider), method, JSON.stringify(params.data ?? null));
  }

  /**
   * @param {Iterable<EventPort> | undefined} ports
   * @param {string} name
   * @param {unknown} payload
   * @returns {number} how many ports took it
   */
  #send(ports, name, payload) {
    let sent = 0;
    for (const port of ports ?? []) {
      try {
        port.postMessage({ kind: "event", name, payload });
        sent++;
      } catch {
        // The port closed under us; its onDisconnect removes it.
      }
    }
    return sent;
  }
}
