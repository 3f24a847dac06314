// A record page's fields: one per attribute, by its type, each knowing
// whether the agent changed it and what to send for it.
import { actsOn, markClickToAct } from "./clicktoact.js";
import { h, webAddress } from "./dom.js";
import { lookupField } from "./lookup.js";
import { choices, control, fromInput, inputType, shown, toInput } from "./values.js";

/**
 * One field of a record page.
 * @typedef {object} Field
 * @property {HTMLElement} row
 * @property {() => boolean} changed whether the agent changed it
 * @property {() => ({entries: [string, unknown][]} | {error: string})} data what to send for it
 */

/**
 * What a field needs from its page.
 * @typedef {object} FieldContext
 * @property {import("./values.js").Entity} entity
 * @property {Record<string, unknown> | null} record the saved record, in the Web API's shape; null on a new-record form
 * @property {unknown} start the value the field starts with (the record's, or a new record's form parameter)
 * @property {string} baseline the input text that counts as unchanged
 * @property {(entity: string, text: string) => Promise<any>} search records.search, for lookups
 */

/** Attributes no page shows: the record's id, and its version (the ETag carries it). */
const HIDDEN = new Set(["Uniqueidentifier"]);

/**
 * The field of one attribute, or null for one a page does not show.
 * @param {import("./values.js").Attribute} a
 * @param {FieldContext} ctx
 * @returns {Field | null}
 */
export function field(a, ctx) {
  if (HIDDEN.has(a.type) || a.logicalName === "versionnumber") return null;
  const kind = control(a);
  if (kind === "shown") return ctx.record ? shownField(a, ctx.record) : null;
  if (kind === "lookup") return lookupField(a, ctx);
  return inputField(a, kind, ctx);
}

/**
 * @param {import("./values.js").Attribute} a
 * @returns {string} the label, marked when a value is required
 */
function labelText(a) {
  return a.required ? `${a.displayName} *` : a.displayName;
}

/**
 * A read-only attribute: shown, never sent.
 * @param {import("./values.js").Attribute} a
 * @param {Record<string, unknown>} record
 * @returns {Field}
 */
function shownField(a, record) {
  const id = `field-${a.logicalName}`;
  const row = h("div", { className: "field shown", dataset: { attribute: a.logicalName } },
    h("span", { className: "label", id: `${id}-label` }, a.displayName),
    h("output", { id, "aria-labelledby": `${id}-label` }, shown(a, record)));
  return { row, changed: () => false, data: () => ({ entries: [] }) };
}

/**
 * @param {import("./values.js").Attribute} a
 * @param {string} kind
 * @returns {HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement}
 */
function inputFor(a, kind) {
  const props = { id: `field-${a.logicalName}`, name: a.logicalName, required: Boolean(a.required) };
  switch (kind) {
    case "textarea":
      return h("textarea", { ...props, rows: 4, ...(a.maxLength ? { maxLength: a.maxLength } : {}) });
    case "select":
      return h("select", props, ...choices(a).map((c) => h("option", { value: c.value }, c.label)));
    case "number":
      return h("input", {
        ...props, type: "number", step: a.type === "Integer" || a.type === "BigInt" ? "1" : "any",
        ...(a.minValue !== undefined ? { min: String(a.minValue) } : {}), ...(a.maxValue !== undefined ? { max: String(a.maxValue) } : {}),
      });
    case "date":
      return h("input", { ...props, type: "date" });
    case "datetime":
      return h("input", { ...props, type: "datetime-local" });
  }
  return h("input", { ...props, type: inputType(a), ...(a.maxLength ? { maxLength: a.maxLength } : {}) });
}

/**
 * An editable attribute.
 * @param {import("./values.js").Attribute} a
 * @param {string} kind
 * @param {FieldContext} ctx
 * @returns {Field}
 */
function inputField(a, kind, ctx) {
  const input = inputFor(a, kind);
  input.value = toInput(a, ctx.start);
  const label = h("label", { htmlFor: input.id }, labelText(a));
  if (a.type === "DateTime" && a.format !== "DateOnly") label.append(" (UTC)");
  const row = h("div", { className: "field", dataset: { attribute: a.logicalName } }, label, h("div", { className: "control" }, input, ...extras(a, ctx)));
  return {
    row,
    changed: () => input.value !== ctx.baseline,
    data: () => {
      const r = fromInput(a, input.value);
      return "error" in r ? r : { entries: [[a.logicalName, r.value]] };
    },
  };
}

/**
 * What a saved value adds beside its input: a click-to-act button for a
 * phone number or email address, a link for a web address.
 * @param {import("./values.js").Attribute} a
 * @param {FieldContext} ctx
 * @returns {HTMLElement[]}
 */
function extras(a, ctx) {
  const record = ctx.record;
  const value = record?.[a.logicalName];
  if (!record || typeof value !== "string" || value === "") return [];
  if (actsOn(a.format)) {
    const verb = a.format === "Phone" ? "Call" : "Email";
    const button = h("button", { type: "button", className: "act", "aria-label": `${verb} ${a.displayName} ${value}` }, verb);
    markClickToAct(button, {
      value, name: a.logicalName, format: /** @type {"Phone" | "Email"} */ (a.format), entityLogicalName: ctx.entity.logicalName,
      entityId: String(record[ctx.entity.primaryIdAttribute] ?? ""), recordTitle: String(record[ctx.entity.primaryNameAttribute] ?? ""),
    });
    return [button];
  }
  const href = a.format === "Url" ? webAddress(value) : null;
  return href ? [h("a", { href, target: "_blank", rel: "noopener noreferrer", className: "open" }, "Open")] : [];
}
