// Click-to-act on the extension's own pages: the agent clicks a field
// marked with data-cif-click-to-act (a phone number or an address on a
// record page), and a provider with click-to-act on hears onclicktoact.
// The attribute holds CIF's payload as JSON:
//   data-cif-click-to-act='{"value":"+1 555 0100","name":"telephone1","format":"Phone",
//                           "entityLogicalName":"contact","entityId":"…","recordTitle":"Ann Smith"}'
import { BackgroundMethod } from "../../shared/methods.js";
import { callBackground } from "./client.js";

/** The attribute that marks a field the agent may click to act on. */
export const CLICK_TO_ACT_ATTRIBUTE = "data-cif-click-to-act";

/**
 * Listens for the agent's clicks on marked fields below root.
 * @param {any} api browser or chrome
 * @param {ParentNode & EventTarget} [root]
 * @param {(result: {provider: string | null, pages: number}) => void} [onResult] who heard it
 */
export function wireClickToAct(api, root = document, onResult = () => {}) {
  root.addEventListener("click", (event) => {
    const field = /** @type {Element} */ (event.target).closest?.(`[${CLICK_TO_ACT_ATTRIBUTE}]`);
    if (!field) return;
    let payload;
    try {
      payload = JSON.parse(field.getAttribute(CLICK_TO_ACT_ATTRIBUTE) ?? "");
    } catch {
      console.warn(`CIF Bridge: a ${CLICK_TO_ACT_ATTRIBUTE} attribute holds no JSON`, field);
      return;
    }
    event.preventDefault();
    callBackground(api, BackgroundMethod.ClickToAct, { payload }).then(onResult, (err) => console.warn("CIF Bridge: click-to-act failed:", err.message));
  });
}
