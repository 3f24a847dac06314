// Click-to-act on the extension's own pages: the agent clicks a field a
// record page marked (a phone number or an address; records/clicktoact.js
// says how), and a provider with click-to-act on hears onclicktoact.
import { BackgroundMethod } from "../../shared/methods.js";
import { MARK, readClickToAct } from "../records/clicktoact.js";
import { callBackground } from "./client.js";

/**
 * Listens for the agent's clicks on marked fields below root.
 * @param {any} api browser or chrome
 * @param {ParentNode & EventTarget} [root]
 */
export function wireClickToAct(api, root = document) {
  root.addEventListener("click", (event) => {
    const field = /** @type {Element} */ (event.target).closest?.(`[${MARK}]`);
    const payload = field && readClickToAct(field);
    if (!payload) return;
    event.preventDefault();
    callBackground(api, BackgroundMethod.ClickToAct, { payload })
      .catch((err) => console.warn("CIF Bridge: click-to-act failed:", err.message));
  });
}
