// The agent's presence. cif-host reports the configured list in hello
// (settings.json's presences over Dynamics' five) and checks what pages
// pass (setAgentPresence, initializeAgentPresenceList); the background
// keeps which presence is the agent's, in the browser profile's storage.
import { ErrorCode } from "../shared/contract.js";
import { BridgeError } from "../shared/errors.js";

/** storage.local: the agent's presence, a whole Presence. */
export const CURRENT_KEY = "agentPresence";
/** storage.local: the presences a provider added with initializeAgentPresenceList. */
export const PROVIDED_KEY = "agentPresenceList";

/**
 * A presence as CIF passes and sends it.
 * @typedef {{presenceId: string, presenceText: string, presenceColor: string, basePresenceStatus: string}} Presence
 */

/**
 * @typedef {object} StorageArea
 * @property {(key: string) => Promise<Record<string, any>>} get
 * @property {(items: object) => Promise<void>} set
 */

/**
 * @typedef {object} PresenceOptions
 * @property {StorageArea} storage storage.local
 * @property {() => Promise<{presences?: Presence[]}>} hello cif-host's hello, which lists the configured presences
 * @property {(presence: Presence) => void} onChange the agent's presence changed
 */

/**
 * onPresenceChange's payload, as CIF sends it: a JSON string of
 * {presenceInfo}, its members in CIF's order.
 * @param {Presence} p
 * @returns {string}
 */
export function presenceEvent(p) {
  const { basePresenceStatus, presenceColor, presenceId, presenceText } = p;
  return JSON.stringify({ presenceInfo: { basePresenceStatus, presenceColor, presenceId, presenceText } });
}

export class AgentPresence {
  /** @type {PresenceOptions} */
  #opts;
  /** @type {Promise<unknown>} changes run one at a time */
  #changing = Promise.resolve();

  /** @param {PresenceOptions} opts */
  constructor(opts) {
    this.#opts = opts;
  }

  /**
   * The presences the agent picks from: the configured ones, then those a
   * provider added whose id and text are new.
   * @returns {Promise<Presence[]>}
   */
  async list() {
    const configured = (await this.#opts.hello()).presences ?? [];
    /** @type {Presence[]} */
    const provided = (await this.#opts.storage.get(PROVIDED_KEY))[PROVIDED_KEY] ?? [];
    const taken = (/** @type {Presence} */ p) => configured.some((c) => c.presenceId === p.presenceId || c.presenceText === p.presenceText);
    return [...configured, ...provided.filter((p) => !taken(p))];
  }

  /**
   * The agent's presence: the one last set, else the first of the list
   * (Available).
   * @returns {Promise<Presence>}
   */
  async current() {
    const stored = (await this.#opts.storage.get(CURRENT_KEY))[CURRENT_KEY];
    if (stored) return stored;
    const [first] = await this.list();
    if (!first) throw new BridgeError(ErrorCode.Internal, "cif-host reported no presences; install the cif-host that comes with this extension (./install.sh)");
    return first;
  }

  /**
   * setPresence: the presence whose text is exactly this one.
   * @param {unknown} text
   * @returns {Promise<boolean>} whether there was one
   */
  async setText(text) {
    const found = (await this.list()).find((p) => p.presenceText === text);
    if (found) await this.set(found);
    return Boolean(found);
  }

  /**
   * The agent picks a presence of the list.
   * @param {unknown} presenceId
   */
  async setId(presenceId) {
    const found = (await this.list()).find((p) => p.presenceId === presenceId);
    if (!found) throw new BridgeError(ErrorCode.InvalidParams, `there is no presence ${JSON.stringify(presenceId)} in the list; pick one of the list the panel shows`);
    await this.set(found);
  }

  /**
   * initializeAgentPresenceList: the presences a provider offers the
   * agent besides the configured ones (checked by cif-host).
   * @param {Presence[]} list
   */
  async provide(list) {
    await this.#opts.storage.set({ [PROVIDED_KEY]: list });
  }

  /**
   * Makes a presence the agent's and tells everyone when it changed.
   * Presences checked by cif-host (setAgentPresence) may be outside the
   * list, as in Dynamics.
   * @param {Presence} presence
   */
  set(presence) {
    const change = this.#changing.then(async () => {
      const before = await this.current().catch(() => null);
      await this.#opts.storage.set({ [CURRENT_KEY]: presence });
      if (!before || presenceEvent(before) !== presenceEvent(presence)) this.#opts.onChange(presence);
    });
    this.#changing = change.catch(() => {});
    return change;
  }
}

/**
 * Shows the agent's presence on the toolbar button: the badge in the
 * presence's colour, holding the count of waiting notifications, and the
 * tooltip naming both.
 * @param {any} action browser.action
 * @param {Presence | null} presence
 * @param {number} waiting
 * @param {string} title the button's own title, the manifest's (localised)
 */
export async function showOnToolbar(action, presence, waiting, title) {
  const parts = [title, presence ? `presence: ${presence.presenceText}` : "", waiting ? `${waiting} waiting for you` : ""];
  await action.setTitle({ title: parts.filter(Boolean).join(" · ") });
  await action.setBadgeText({ text: waiting ? String(waiting) : presence ? " " : "" });
  if (presence) await action.setBadgeBackgroundColor({ color: presence.presenceColor });
  await action.setBadgeTextColor?.({ color: "#ffffff" });
}

/**
 * The page methods and the views' methods of presence.
 * @param {AgentPresence} presence
 * @param {{call: (provider: string, method: string, args: object) => Promise<any>}} lanes cif-host, which checks what pages pass
 */
export function presenceMethods(presence, lanes) {
  return {
    /** setPresence: true when a presence of the list has exactly this text. */
    setPresence: (/** @type {string} */ _origin, /** @type {Record<string, unknown>} */ { presenceText }) => presence.setText(presenceText),
    /** getPresence: the agent's presence's text. */
    getPresence: async () => (await presence.current()).presenceText,
    /** setAgentPresence: cif-host checks the presence, which becomes the agent's. */
    setAgentPresence: async (/** @type {string} */ origin, /** @type {Record<string, unknown>} */ params) => {
      await presence.set(await lanes.call(origin, "setAgentPresence", params));
      return true;
    },
    /** initializeAgentPresenceList: cif-host checks the list, which the agent then picks from too. */
    initializeAgentPresenceList: async (/** @type {string} */ origin, /** @type {Record<string, unknown>} */ params) => {
      await presence.provide(await lanes.call(origin, "initializeAgentPresenceList", params));
      return true;
    },
    /** The views' view of it: the agent's presence and the list. */
    state: async () => ({ current: await presence.current(), list: await presence.list() }),
    /** The agent picks a presence. */
    pick: async (/** @type {Record<string, unknown>} */ { presenceId }) => {
      await presence.setId(presenceId);
      return null;
    },
  };
}
