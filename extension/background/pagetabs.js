import { openPagePath } from "../shared/pagelinks.js";

/**
 * How many tabs the record pages cif-host asks for (cifbridge.openPage, a
 * record method on the home session) may hold open at once. Past it, the
 * newest of them shows the next page, so that no page can open tabs
 * without end.
 */
export const MAX_PAGE_TABS = 10;

/**
 * The parts of the browser's tabs API this uses.
 * @typedef {object} PageTabsApi
 * @property {(id: number) => Promise<unknown>} get
 * @property {(p: {url: string, active: boolean}) => Promise<{id?: number}>} create
 * @property {(id: number, p: {url: string, active: boolean}) => Promise<unknown>} update
 */

/**
 * Opens the record pages cif-host asks for in tabs of their own, outside
 * any session, one request at a time.
 */
export class PageTabs {
  /** @type {PageTabsApi} */
  #tabs;
  /** @type {(path: string) => string} */
  #url;
  /** @type {number[]} the tabs this opened, oldest first */
  #open = [];
  /** @type {Promise<void>} */
  #queue = Promise.resolve();

  /**
   * @param {PageTabsApi} tabs
   * @param {(path: string) => string} url the address of a path below the extension's root (runtime.getURL)
   */
  constructor(tabs, url) {
    this.#tabs = tabs;
    this.#url = url;
  }

  /**
   * Opens the page a cifbridge.openPage notification names; anything else
   * is ignored.
   * @param {unknown} params the notification's params
   * @returns {Promise<void>} settles once the page is open
   */
  open(params) {
    const path = openPagePath(params);
    if (path === null) return this.#queue;
    this.#queue = this.#queue.then(() => this.#show(this.#url(path)));
    return this.#queue;
  }

  /** @param {string} url */
  async #show(url) {
    const alive = await Promise.all(this.#open.map((id) => this.#tabs.get(id).then(() => true, () => false)));
    this.#open = this.#open.filter((_, i) => alive[i]);
    try {
      if (this.#open.length >= MAX_PAGE_TABS) {
        await this.#tabs.update(/** @type {number} */ (this.#open.at(-1)), { url, active: true });
        return;
      }
      const tab = await this.#tabs.create({ url, active: true });
      if (tab.id !== undefined) this.#open.push(tab.id);
    } catch (err) {
      console.error("CIF Bridge: could not open a record page", err);
    }
  }
}
