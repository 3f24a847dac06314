// Click-to-act: the agent clicks a phone number or an address and a
// softphone acts on it. Providers turn it on with setClickToAct (kept per
// browser profile); onclicktoact reaches one provider that has it on,
// chosen by routeClickToAct, with CIF's payload as JSON text. It starts
// from the agent's click on a record page's field (an extension page), on
// a tel:, callto:, sms: or mailto: link in any site the agent granted
// (content/links.js), on "Call with …" in the context menu (menus.js), or
// from a CIClickToAct window event, which a page raises for its own
// provider only.
import { ErrorCode, PageEvent } from "../shared/contract.js";
import { BridgeError } from "../shared/errors.js";
import { CLICK_TO_ACT_KEY, linkPayload, loadOptions, readPayload } from "../shared/clicktoact.js";

/**
 * @typedef {import("../shared/clicktoact.js").Payload} Payload
 * @typedef {import("../shared/clicktoact.js").ClickToActOptions} ClickToActOptions
 */

/**
 * @typedef {object} StorageArea
 * @property {(key: string) => Promise<Record<string, any>>} get
 * @property {(items: object) => Promise<void>} set
 */

/**
 * @typedef {object} ClickToActDeps
 * @property {StorageArea} storage storage.local
 * @property {(origin: string, name: string, payload: string) => number} send raises an event in a provider's pages; how many it reached
 * @property {() => string} focusedProvider the owner of the focused session, "" on the home session
 */

/**
 * Which provider hears the agent's click: the default the agent chose in
 * the options, else the only provider with click-to-act on, else the
 * owner of the focused session (Dynamics sends it to the active
 * provider), else the provider that turned it on last.
 * @param {Record<string, number>} enabled provider -> when it turned click-to-act on
 * @param {string} defaultProvider
 * @param {string} focused
 * @returns {string | null}
 */
export function routeClickToAct(enabled, defaultProvider, focused) {
  const on = Object.keys(enabled);
  if (on.length === 0) return null;
  if (on.includes(defaultProvider)) return defaultProvider;
  if (on.length === 1) return on[0];
  if (on.includes(focused)) return focused;
  return on.reduce((a, b) => (enabled[b] > enabled[a] ? b : a));
}

export class ClickToAct {
  /** @type {ClickToActDeps} */
  #deps;
  /** @type {Promise<unknown>} */
  #writing = Promise.resolve();

  /** @param {ClickToActDeps} deps */
  constructor(deps) {
    this.#deps = deps;
  }

  /** @returns {Promise<Record<string, number>>} the providers with click-to-act on */
  async enabled() {
    const stored = (await this.#deps.storage.get(CLICK_TO_ACT_KEY))[CLICK_TO_ACT_KEY];
    return stored && typeof stored === "object" ? stored : {};
  }

  /**
   * setClickToAct: true turns it on for the provider, anything else
   * (false, null) off. Changes run one at a time, so none is lost.
   * @param {string} origin
   * @param {unknown} value
   * @returns {Promise<void>}
   */
  set(origin, value) {
    const change = this.#writing.then(async () => {
      const enabled = await this.enabled();
      if ((value === true) === origin in enabled) return;
      if (value === true) enabled[origin] = Date.now();
      else delete enabled[origin];
      await this.#deps.storage.set({ [CLICK_TO_ACT_KEY]: enabled });
    });
    this.#writing = change.catch(() => {});
    return change;
  }

  /**
   * @param {string} origin
   * @returns {Promise<boolean>}
   */
  async get(origin) {
    return origin in (await this.enabled());
  }

  /**
   * Raises onclicktoact for the agent's click: to the provider named, if
   * it has click-to-act on, else to the one routeClickToAct picks.
   * @param {Payload} payload
   * @param {string} [to]
   * @returns {Promise<{provider: string | null, pages: number}>} who heard it, in how many pages
   */
  async agentClicked(payload, to) {
    const enabled = await this.enabled();
    const { defaultProvider } = await loadOptions(this.#deps.storage);
    const provider = to === undefined ? routeClickToAct(enabled, defaultProvider, this.#deps.focusedProvider()) : to in enabled ? to : null;
    if (provider === null) return { provider, pages: 0 };
    return { provider, pages: this.#deps.send(provider, PageEvent.ClickToAct, JSON.stringify(payload)) };
  }

  /**
   * A CIClickToAct event a page raised: onclicktoact for the page's own
   * provider, if it has click-to-act on. A page never reaches another
   * provider.
   * @param {string} origin
   * @param {unknown} detail
   * @returns {Promise<boolean>} whether the provider has click-to-act on
   */
  async pageRaised(origin, detail) {
    const payload = checked(detail);
    if (!(await this.get(origin))) return false;
    this.#deps.send(origin, PageEvent.ClickToAct, JSON.stringify(payload));
    return true;
  }

  /**
   * A click on a link that content/links.js took over: the link's
   * payload, if its scheme is one the agent chose.
   * @param {unknown} href
   * @returns {Promise<{handled: boolean}>} false: nobody heard it, and the link should do what it does
   */
  async linkClicked(href) {
    if (typeof href !== "string" || href.length > 4096) return { handled: false };
    const payload = linkPayload(href, (await loadOptions(this.#deps.storage)).schemes);
    if (!payload) return { handled: false };
    return { handled: (await this.agentClicked(payload)).pages > 0 };
  }
}

/**
 * @param {unknown} detail
 * @returns {Payload}
 */
function checked(detail) {
  const payload = readPayload(detail);
  if (typeof payload === "string") throw new BridgeError(ErrorCode.InvalidParams, payload);
  return payload;
}

/**
 * The page methods and the views' method of click-to-act.
 * @param {ClickToAct} clickToAct
 */
export function clickToActMethods(clickToAct) {
  return {
    /** setClickToAct: resolves with nothing, as CIF does. */
    setClickToAct: async (/** @type {string} */ origin, /** @type {Record<string, unknown>} */ { value }) => {
      await clickToAct.set(origin, value);
      return null;
    },
    getClickToAct: (/** @type {string} */ origin) => clickToAct.get(origin),
    /** The page's script passes on a CIClickToAct window event. */
    raiseClickToAct: (/** @type {string} */ origin, /** @type {Record<string, unknown>} */ { detail }) => clickToAct.pageRaised(origin, detail),
    /** The agent clicked a field on one of the extension's pages. */
    agentClicked: async (/** @type {Record<string, unknown>} */ { payload }) => clickToAct.agentClicked(checked(payload)),
  };
}
