// How the tab sync knows, after the browser restarts, which of the tabs the
// browser restored it opened itself for a session: only those go back to
// their sessions. A tab a page opened, or any other tab the agent has open,
// is never taken into a session, whatever its address.

/**
 * A browser tab as the tabs API describes it.
 * @typedef {{id: number, url?: string, pendingUrl?: string, active?: boolean, groupId?: number}} BrowserTab
 */

/** @param {BrowserTab} tab @returns {string} the address it shows or is loading */
const address = (tab) => tab.url || tab.pendingUrl || "";

/**
 * A browser tab the tab sync shows a host tab in, as it is now.
 * @typedef {object} Shown
 * @property {string} hostTab the host's tab id
 * @property {BrowserTab} tab
 * @property {string} group the title of the session's tab group ("" without tab groups)
 */

/**
 * browser.sessions, the part Firefox offers for values on tabs.
 * @typedef {object} SessionsApi
 * @property {(id: number, key: string, value: string) => Promise<void>} setTabValue
 * @property {(id: number, key: string) => Promise<unknown>} getTabValue
 */

/**
 * @typedef {object} StorageArea
 * @property {(key: string) => Promise<Record<string, any>>} get
 * @property {(items: object) => Promise<void>} set
 */

/**
 * @typedef {object} TabMarks
 * @property {(shown: Shown[], all: BrowserTab[]) => Promise<void>} save
 *   remembers the tabs the tab sync shows host tabs in, among all the tabs in the browser's order
 * @property {(restored: BrowserTab[]) => Promise<Map<string, number>>} find
 *   the restored tabs (in the browser's order) it opened, by the host tab they showed
 */

/** The key of the tab value (Firefox) and of the stored addresses (Chromium). */
const KEY = "cifBridgeHostTab";

/**
 * Firefox: a value on the tab itself (sessions.setTabValue), which only
 * this extension can set or read and which session restore keeps.
 * @implements {TabMarks}
 */
export class TabValueMarks {
  /** @type {SessionsApi} */
  #sessions;
  /** @type {Map<number, string>} the marks set since the background started */
  #marked = new Map();

  /** @param {SessionsApi} sessions browser.sessions */
  constructor(sessions) {
    this.#sessions = sessions;
  }

  /** @param {Shown[]} shown */
  async save(shown) {
    for (const { hostTab, tab } of shown) {
      if (this.#marked.get(tab.id) === hostTab) continue;
      await this.#sessions.setTabValue(tab.id, KEY, hostTab);
      this.#marked.set(tab.id, hostTab);
    }
  }

  /** @param {BrowserTab[]} restored */
  async find(restored) {
    const found = new Map();
    for (const tab of restored) {
      const hostTab = await this.#sessions.getTabValue(tab.id, KEY);
      if (typeof hostTab === "string" && !found.has(hostTab)) found.set(hostTab, tab.id);
    }
    return found;
  }
}

/**
 * Chromium, which cannot mark a tab: what the browser restores about each
 * tab, kept in the extension's storage and saved again whenever tabs move
 * — its address, its tab group's title, and which of the tabs with that
 * address in a group of that title it is, in the browser's order (a page's
 * tab can land in a session's group: Chromium groups a new tab with its
 * neighbours). The tab sync offers only the tabs the browser restored at
 * start-up, so a tab that appears later never matches, whatever it shows.
 * @implements {TabMarks}
 */
export class AddressMarks {
  /** @type {StorageArea} */
  #storage;
  /** @type {{query: (q: object) => Promise<{id: number, title?: string}[]>} | undefined} */
  #tabGroups;
  #saved = "";

  /**
   * @param {StorageArea} storage storage.local
   * @param {{query: (q: object) => Promise<{id: number, title?: string}[]>}} [tabGroups]
   */
  constructor(storage, tabGroups) {
    this.#storage = storage;
    this.#tabGroups = tabGroups;
  }

  /**
   * @param {Shown[]} shown
   * @param {BrowserTab[]} all
   */
  async save(shown, all) {
    const title = await this.#titles();
    const records = Object.fromEntries(shown.map(({ hostTab, tab, group }) => {
      const alike = all.filter((t) => address(t) === address(tab) && title(t) === group);
      return [hostTab, { url: address(tab), group, nth: alike.findIndex((t) => t.id === tab.id) }];
    }));
    const text = JSON.stringify(records);
    if (text === this.#saved) return;
    await this.#storage.set({ [KEY]: records });
    this.#saved = text;
  }

  /** @param {BrowserTab[]} restored */
  async find(restored) {
    const records = (await this.#storage.get(KEY))[KEY] ?? {};
    const title = await this.#titles();
    const found = new Map();
    const taken = new Set();
    for (const [hostTab, { url, group, nth }] of Object.entries(records)) {
      const tab = restored.filter((t) => address(t) === url && title(t) === group)[nth];
      if (!tab || taken.has(tab.id)) continue;
      found.set(hostTab, tab.id);
      taken.add(tab.id);
    }
    return found;
  }

  /** @returns {Promise<(tab: BrowserTab) => string>} the title of a tab's group, "" for none */
  async #titles() {
    const groups = (await this.#tabGroups?.query({})) ?? [];
    const titles = new Map(groups.map((g) => [g.id, g.title ?? ""]));
    return (tab) => titles.get(tab.groupId ?? -1) ?? "";
  }
}

/**
 * The marks this browser offers.
 * @param {any} api browser or chrome
 * @returns {TabMarks}
 */
export function tabMarks(api) {
  return api.sessions?.setTabValue ? new TabValueMarks(api.sessions) : new AddressMarks(api.storage.local, api.tabGroups);
}
