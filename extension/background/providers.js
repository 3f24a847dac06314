import { loadUserProviders, managedProviders, providerOf, providerOrigins, sortProviders } from "../shared/providers.js";

/**
 * @typedef {import("../shared/providers.js").Provider} Provider
 * @typedef {{get: (key: string) => Promise<Record<string, any>>}} StorageArea
 */

/**
 * The channel providers the background knows: the administrator's, from
 * cif-host's hello, and the agent's own, from storage, read once and again
 * after they change.
 */
export class Providers {
  /** @type {StorageArea} */
  #storage;
  /** @type {Provider[]} */
  #managed = [];
  /** @type {Promise<Provider[]> | null} */
  #user = null;

  /** @param {{storage: StorageArea}} opts */
  constructor({ storage }) {
    this.#storage = storage;
  }

  /**
   * Takes the administrator's providers from hello.
   * @param {unknown} list hello's channelProviders
   * @returns {boolean} whether they changed
   */
  setManaged(list) {
    const next = managedProviders(list);
    const changed = JSON.stringify(next) !== JSON.stringify(this.#managed);
    this.#managed = next;
    return changed;
  }

  /** Forgets the agent's providers as read, after storage says they changed. */
  invalidate() {
    this.#user = null;
  }

  /** @returns {Promise<Provider[]>} every provider, enabled or not, in the switcher's order */
  async all() {
    this.#user ??= loadUserProviders(this.#storage);
    return sortProviders([...this.#managed, ...await this.#user]);
  }

  /** @returns {Promise<Provider[]>} the providers the panel hosts, in order */
  async enabled() {
    return (await this.all()).filter((p) => p.enabled);
  }

  /** @returns {Promise<string[]>} the allowlist entries of the enabled providers' pages */
  async origins() {
    return (await this.enabled()).flatMap(providerOrigins);
  }

  /**
   * The enabled provider a page belongs to.
   * @param {string} origin the page's origin, as the browser reports it
   * @param {string} [url] the page's address, as the browser reports it
   * @returns {Promise<Provider | undefined>}
   */
  async of(origin, url) {
    return providerOf(await this.enabled(), origin, url);
  }
}
