// "Call with <provider>" in the context menu of selected text, one item
// per provider with click-to-act on. The menu needs no access to the page:
// the browser hands the selected text to the click. Firefox hides the
// items when the selection does not look like a phone number, where it
// tells the extension the selection (on pages it may read); Chromium
// cannot hide them, and a click on text that is no phone number does
// nothing but say so in the background's console.
import { looksLikePhone, selectionPayload } from "../shared/clicktoact.js";

/** The prefix of the items' ids; the provider's origin follows it. */
const PREFIX = "cif-bridge-call ";

/**
 * The item's title: the provider by its host, as the agent knows it.
 * @param {string} origin
 * @returns {string}
 */
export function menuTitle(origin) {
  return `Call “%s” with ${new URL(origin).host}`;
}

/**
 * @typedef {object} MenuDeps
 * @property {any} menus contextMenus (Chromium) or menus (Firefox)
 * @property {() => Promise<Record<string, number>>} enabled the providers with click-to-act on
 * @property {(payload: import("../shared/clicktoact.js").Payload, to: string) => Promise<unknown>} call sends the agent's click to a provider
 */

export class ClickToActMenu {
  /** @type {MenuDeps} */
  #deps;
  /** @type {Promise<void>} rebuilds run one at a time */
  #building = Promise.resolve();

  /** @param {MenuDeps} deps */
  constructor(deps) {
    this.#deps = deps;
    deps.menus.onClicked.addListener((/** @type {any} */ info) => this.#clicked(info));
    deps.menus.onShown?.addListener((/** @type {any} */ info) => this.#shown(info));
  }

  /**
   * Makes the items match the providers with click-to-act on.
   * @returns {Promise<void>}
   */
  rebuild() {
    this.#building = this.#building.then(async () => {
      await this.#deps.menus.removeAll();
      for (const origin of Object.keys(await this.#deps.enabled()).sort()) {
        this.#deps.menus.create({ id: PREFIX + origin, title: menuTitle(origin), contexts: ["selection"] });
      }
    }).catch((err) => console.warn("CIF Bridge: could not build the click-to-act menu", err));
    return this.#building;
  }

  /** @param {{menuItemId: string | number, selectionText?: string}} info */
  async #clicked({ menuItemId, selectionText = "" }) {
    const id = String(menuItemId);
    if (!id.startsWith(PREFIX)) return;
    if (!looksLikePhone(selectionText)) {
      console.warn(`CIF Bridge: "${selectionText.slice(0, 40)}" does not look like a phone number, so no provider was asked to call it; select only the number`);
      return;
    }
    await this.#deps.call(selectionPayload(selectionText), id.slice(PREFIX.length));
  }

  /**
   * Firefox: shows the items only for a selection that looks like a
   * phone number, when the browser says what is selected.
   * @param {{contexts: string[], selectionText?: string, menuIds: (string | number)[]}} info
   */
  async #shown(info) {
    if (!info.contexts.includes("selection") || info.selectionText === undefined) return;
    const visible = looksLikePhone(info.selectionText);
    const ours = info.menuIds.map(String).filter((id) => id.startsWith(PREFIX));
    for (const id of ours) await this.#deps.menus.update(id, { visible });
    if (ours.length > 0) this.#deps.menus.refresh();
  }
}
