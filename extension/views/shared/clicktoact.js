// Click-to-act on the extension's own pages: the agent clicks a field a
// record page marked (a phone number or an address), and a provider with
// click-to-act on hears onclicktoact. The record pages mark the element
// with data-cif-click-to-act and carry CIF's payload in one attribute per
// member:
//   data-cif-click-to-act-value, -name, -format, -entity-logical-name,
//   -entity-id, -record-title
import { BackgroundMethod } from "../../shared/methods.js";
import { callBackground } from "./client.js";

/** The attribute that marks a field the agent may click to act on. */
const CLICK_TO_ACT_MARK = "data-cif-click-to-act";

/** The payload's members, with the attribute each is kept in. */
const MEMBERS = Object.freeze({
  value: "data-cif-click-to-act-value",
  name: "data-cif-click-to-act-name",
  format: "data-cif-click-to-act-format",
  entityLogicalName: "data-cif-click-to-act-entity-logical-name",
  entityId: "data-cif-click-to-act-entity-id",
  recordTitle: "data-cif-click-to-act-record-title",
});

/**
 * The payload a marked element carries.
 * @param {Element} el
 * @returns {Record<string, string>}
 */
function markedPayload(el) {
  return Object.fromEntries(Object.entries(MEMBERS).map(([member, attr]) => [member, el.getAttribute(attr) ?? ""]));
}

/**
 * Listens for the agent's clicks on marked fields below root.
 * @param {any} api browser or chrome
 * @param {ParentNode & EventTarget} [root]
 */
export function wireClickToAct(api, root = document) {
  root.addEventListener("click", (event) => {
    const field = /** @type {Element} */ (event.target).closest?.(`[${CLICK_TO_ACT_MARK}]`);
    if (!field) return;
    event.preventDefault();
    callBackground(api, BackgroundMethod.ClickToAct, { payload: markedPayload(field) })
      .catch((err) => console.warn("CIF Bridge: click-to-act failed:", err.message));
  });
}
