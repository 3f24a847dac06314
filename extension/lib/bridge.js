import { BridgeError, ErrorCode, toWireError } from "./errors.js";
import { identifyCaller } from "./origins.js";

/**
 * The CIF methods cif-host answers for web pages. Everything else a page
 * may call is answered in the page itself.
 * @type {ReadonlySet<string>}
 */
export const HOST_METHODS = new Set([
  "canCreateSession",
  "createSession",
  "getSession",
  "getFocusedSession",
  "getAllSessions",
  "setSessionTitle",
  "requestFocusSession",
  "notifyNewActivity",
  "notifyKpiBreach",
  "updateContext",
  "createTab",
  "getTabs",
  "getFocusedTab",
  "focusTab",
  "refreshTab",
  "setTabTitle",
  "closeTab",
]);

/** The agent's own operations start with this; only extension pages may call them. */
const AGENT_PREFIX = "workspace.";

/**
 * @typedef {import("./errors.js").Reply} Reply
 * @typedef {import("./origins.js").Sender} Sender
 */

/**
 * @typedef {object} BridgeOptions
 * @property {{call: (method: string, params: object) => Promise<unknown>}} host
 * @property {string} extensionId runtime.id
 * @property {string} extensionUrl runtime.getURL("")
 * @property {() => Promise<readonly string[]>} allowedOrigins the user's allowlist
 */

/**
 * The background's router: it identifies each caller from the browser's
 * sender information, checks what it may call, and forwards the call to
 * cif-host with the provider (the page's origin) filled in.
 */
export class Bridge {
  /** @type {BridgeOptions} */
  #opts;

  /** @param {BridgeOptions} opts */
  constructor(opts) {
    this.#opts = opts;
  }

  /**
   * Answers one runtime message. Never rejects: failures become replies.
   * @param {any} message
   * @param {Sender} sender
   * @returns {Promise<Reply>}
   */
  async handle(message, sender) {
    try {
      return { ok: true, result: await this.#call(message, sender) };
    } catch (err) {
      return { ok: false, error: toWireError(err) };
    }
  }

  /**
   * @param {any} message
   * @param {Sender} sender
   */
  async #call(message, sender) {
    if (message?.kind !== "call" || typeof message.method !== "string") {
      throw new BridgeError(ErrorCode.InvalidRequest, "not a CIF Bridge call");
    }
    const { method } = message;
    const params = message.params ?? {};
    if (typeof params !== "object" || Array.isArray(params)) {
      throw new BridgeError(ErrorCode.InvalidParams, `${method}: parameters must be an object`);
    }
    const caller = identifyCaller(sender, {
      extensionId: this.#opts.extensionId,
      extensionUrl: this.#opts.extensionUrl,
      allowed: await this.#opts.allowedOrigins(),
    });
    if (caller.kind === "agent") {
      if (!method.startsWith(AGENT_PREFIX)) {
        throw new BridgeError(ErrorCode.MethodNotFound, `${method} is for web pages; the agent's views call ${AGENT_PREFIX}* methods`);
      }
      return this.#opts.host.call(method, { ...params, provider: "" });
    }
    if (method.startsWith(AGENT_PREFIX)) {
      throw new BridgeError(ErrorCode.AgentOnly, `${method} is one of the agent's own operations; web pages cannot call it`);
    }
    if (!HOST_METHODS.has(method)) {
      throw new BridgeError(ErrorCode.MethodNotFound, `${method} is not a CIF method CIF Bridge serves`);
    }
    return this.#opts.host.call(method, { ...params, provider: caller.origin });
  }
}
