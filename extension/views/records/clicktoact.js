// Click-to-act on record pages: a saved record's phone and email fields
// carry, on the element the agent clicks, what CIF's onclicktoact event
// hands the provider, as data-cif-click-to-act-* attributes:
//
//   data-cif-click-to-act                       marks the element (empty)
//   data-cif-click-to-act-value                 the number or address, as saved
//   data-cif-click-to-act-name                  the attribute's logical name (telephone1)
//   data-cif-click-to-act-format                Phone or Email
//   data-cif-click-to-act-entity-logical-name   contact
//   data-cif-click-to-act-entity-id             the record's id
//   data-cif-click-to-act-record-title          the record's primary name
//
// Nothing is raised here: readClickToAct gives the payload back for the
// code that raises onclicktoact.

/**
 * CIF's onclicktoact payload.
 * @typedef {object} ClickToAct
 * @property {string} value
 * @property {string} name
 * @property {"Phone" | "Email"} format
 * @property {string} entityLogicalName
 * @property {string} entityId
 * @property {string} recordTitle
 */

/** The payload's keys, with the attribute each is kept in. */
const KEYS = Object.freeze({
  value: "data-cif-click-to-act-value",
  name: "data-cif-click-to-act-name",
  format: "data-cif-click-to-act-format",
  entityLogicalName: "data-cif-click-to-act-entity-logical-name",
  entityId: "data-cif-click-to-act-entity-id",
  recordTitle: "data-cif-click-to-act-record-title",
});

/** The attribute that marks an element for click-to-act. */
export const MARK = "data-cif-click-to-act";

/**
 * The formats click-to-act acts on: an attribute's String format.
 * @param {string | undefined} format
 * @returns {format is "Phone" | "Email"}
 */
export function actsOn(format) {
  return format === "Phone" || format === "Email";
}

/**
 * Marks an element with a click-to-act payload.
 * @param {Element} el
 * @param {ClickToAct} payload
 */
export function markClickToAct(el, payload) {
  el.setAttribute(MARK, "");
  for (const [key, attr] of Object.entries(KEYS)) el.setAttribute(attr, payload[/** @type {keyof ClickToAct} */ (key)]);
}

/**
 * The payload an element carries, or null when it is not marked.
 * @param {Element} el
 * @returns {ClickToAct | null}
 */
export function readClickToAct(el) {
  if (!el.hasAttribute(MARK)) return null;
  return /** @type {ClickToAct} */ (Object.fromEntries(Object.entries(KEYS).map(([key, attr]) => [key, el.getAttribute(attr) ?? ""])));
}
