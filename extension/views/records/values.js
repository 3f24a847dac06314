// Attribute values between the Web API's shape (what cif-host's record
// pages operations answer and take) and the text of the inputs a record
// page edits them in. No DOM here, so Node's tests run it.

/**
 * An attribute as records.page lays it out (host/api/record_pages.go).
 * @typedef {object} Attribute
 * @property {string} logicalName
 * @property {string} displayName
 * @property {string} type String, Memo, Integer, BigInt, Decimal, Money, Boolean, DateTime, Picklist, State, Status, Lookup, Customer, Uniqueidentifier
 * @property {string} [format]
 * @property {number} [maxLength]
 * @property {number} [minValue]
 * @property {number} [maxValue]
 * @property {number} [precision]
 * @property {boolean} [required]
 * @property {boolean} [readOnly]
 * @property {{value: number, label: string, state?: number}[]} [options]
 * @property {number} [default]
 * @property {{entity: string, displayName: string, entitySetName: string, navigation: string}[]} [targets]
 */

/**
 * An entity as records.page lays it out.
 * @typedef {object} Entity
 * @property {string} logicalName
 * @property {string} entitySetName
 * @property {string} displayName
 * @property {string} displayCollectionName
 * @property {string} primaryIdAttribute
 * @property {string} primaryNameAttribute
 * @property {Attribute[]} attributes
 */

/** A lookup's value: the record it points at. @typedef {{entity: string, id: string, name: string}} LookupValue */

/** The Web API's annotations. */
const FORMATTED = "@OData.Community.Display.V1.FormattedValue";
const LOOKUP_ENTITY = "@Microsoft.Dynamics.CRM.lookuplogicalname";

const NUMBERS = new Set(["Integer", "BigInt", "Decimal", "Money"]);
const OPTION_SETS = new Set(["Picklist", "State", "Status"]);

/** @param {Attribute} a */
const isLookup = (a) => a.type === "Lookup" || a.type === "Customer";

/**
 * How a record page edits an attribute: with a text input of some kind,
 * a text area, a select, a lookup picker, or not at all (shown only).
 * @param {Attribute} a
 * @returns {"text" | "textarea" | "number" | "date" | "datetime" | "select" | "lookup" | "shown"}
 */
export function control(a) {
  if (a.readOnly || a.type === "State") return "shown";
  if (isLookup(a)) return "lookup";
  if (a.type === "Memo" || a.format === "TextArea") return "textarea";
  if (NUMBERS.has(a.type)) return "number";
  if (a.type === "DateTime") return a.format === "DateOnly" ? "date" : "datetime";
  if (a.type === "Boolean" || OPTION_SETS.has(a.type)) return "select";
  return "text";
}

/**
 * The input type of a text control: phone numbers, email addresses and
 * web addresses get theirs.
 * @param {Attribute} a
 * @returns {string}
 */
export function inputType(a) {
  switch (a.format) {
    case "Phone": return "tel";
    case "Email": return "email";
    case "Url": return "url";
  }
  return "text";
}

/**
 * A select's choices: the options' labels, or a Boolean's two labels,
 * with a blank "no value" choice unless the attribute always has one.
 * @param {Attribute} a
 * @returns {{value: string, label: string}[]}
 */
export function choices(a) {
  const options = (a.options ?? []).map((o) => ({
    value: a.type === "Boolean" ? String(o.value === 1) : String(o.value),
    label: o.label,
  }));
  return a.type === "Status" ? options : [{ value: "", label: "" }, ...options];
}

/**
 * The text an input shows for a value from the Web API.
 * @param {Attribute} a
 * @param {unknown} value
 * @returns {string}
 */
export function toInput(a, value) {
  if (value === null || value === undefined) return "";
  if (a.type === "DateTime" && a.format !== "DateOnly") return String(value).replace(/(:\d\d)?(\.\d+)?Z$/, "").slice(0, 16);
  return String(value);
}

/**
 * The Web API value of an input's text, or an error saying what to type.
 * @param {Attribute} a
 * @param {string} text
 * @returns {{value: unknown} | {error: string}}
 */
export function fromInput(a, text) {
  const t = a.type === "Memo" || a.type === "String" ? text : text.trim();
  if (t === "") return { value: null };
  if (NUMBERS.has(a.type)) {
    const n = Number(t);
    if (!Number.isFinite(n)) return { error: `${a.displayName} must be a number, such as 42` };
    if ((a.type === "Integer" || a.type === "BigInt") && !Number.isInteger(n)) return { error: `${a.displayName} must be a whole number, such as 42` };
    return { value: n };
  }
  if (a.type === "Boolean") return { value: t === "true" };
  if (OPTION_SETS.has(a.type)) return { value: Number(t) };
  if (a.type === "DateTime" && a.format !== "DateOnly") return { value: `${t.length === 16 ? `${t}:00` : t}Z` };
  return { value: t };
}

/**
 * The text a read-only attribute shows: the Web API's formatted value
 * where it has one, else the value itself.
 * @param {Attribute} a
 * @param {Record<string, unknown>} record
 * @returns {string}
 */
export function shown(a, record) {
  if (isLookup(a)) return String(record[`_${a.logicalName}_value${FORMATTED}`] ?? "");
  const formatted = record[`${a.logicalName}${FORMATTED}`];
  if (formatted !== undefined) return String(formatted);
  return toInput(a, record[a.logicalName]);
}

/**
 * A lookup's value in a record from the Web API, or null.
 * @param {Attribute} a
 * @param {Record<string, unknown>} record
 * @returns {LookupValue | null}
 */
export function lookupValue(a, record) {
  const key = `_${a.logicalName}_value`;
  const id = record[key];
  if (typeof id !== "string" || id === "") return null;
  return { id, entity: String(record[key + LOOKUP_ENTITY] ?? a.targets?.[0]?.entity ?? ""), name: String(record[key + FORMATTED] ?? "") };
}

/**
 * The data that sets a lookup, as the Web API takes it: a bind to the
 * record's entity set, or null (through the target it had) to clear it.
 * @param {Attribute} a
 * @param {LookupValue | null} value
 * @param {LookupValue | null} before what it pointed at
 * @returns {[string, string | null] | null} null when nothing can be written
 */
export function lookupBind(a, value, before) {
  const target = (/** @type {string} */ entity) => a.targets?.find((t) => t.entity === entity);
  if (value) {
    const t = target(value.entity);
    return t ? [`${t.navigation}@odata.bind`, `/${t.entitySetName}(${value.id})`] : null;
  }
  const t = (before && target(before.entity)) ?? a.targets?.[0];
  return t ? [`${t.navigation}@odata.bind`, null] : null;
}

/**
 * The starting values of a new-record form from openForm's form
 * parameters, as CIF passes them: attributes by logical name, a lookup as
 * its id with <name>name and <name>type beside it (or as
 * <navigation>@odata.bind). Other keys are ignored, as Dynamics ignores
 * them.
 * @param {Entity} entity
 * @param {Record<string, unknown>} params
 * @returns {Map<string, unknown>} attribute logical name -> Web API value (a LookupValue for lookups)
 */
export function prefill(entity, params) {
  const out = new Map();
  for (const a of entity.attributes) {
    if (control(a) === "shown") continue;
    if (isLookup(a)) {
      const v = prefilledLookup(a, params);
      if (v) out.set(a.logicalName, v);
    } else if (Object.hasOwn(params, a.logicalName) && params[a.logicalName] !== null && typeof params[a.logicalName] !== "object") {
      out.set(a.logicalName, params[a.logicalName]);
    }
  }
  return out;
}

/**
 * @param {Attribute} a
 * @param {Record<string, unknown>} params
 * @returns {LookupValue | null}
 */
function prefilledLookup(a, params) {
  const name = a.logicalName;
  const id = params[name];
  if (typeof id === "string" && id !== "") {
    const entity = typeof params[`${name}type`] === "string" ? String(params[`${name}type`]) : a.targets?.[0]?.entity ?? "";
    const label = typeof params[`${name}name`] === "string" ? String(params[`${name}name`]) : "";
    return { id: id.replace(/^\{|\}$/g, "").toLowerCase(), entity, name: label };
  }
  for (const t of a.targets ?? []) {
    const bind = params[`${t.navigation}@odata.bind`];
    const m = typeof bind === "string" ? /\(([^()]+)\)$/.exec(bind) : null;
    if (m) return { id: m[1].toLowerCase(), entity: t.entity, name: "" };
  }
  return null;
}

/**
 * The value a new record starts with: its default option, if any.
 * @param {Attribute} a
 * @returns {unknown}
 */
export function defaultValue(a) {
  if (a.default === undefined || a.default === null) return null;
  return a.type === "Boolean" ? a.default === 1 : a.default;
}
