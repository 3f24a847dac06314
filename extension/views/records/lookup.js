// A lookup field: the record it points at, as a link to that record's
// page, and a search to point it at another (or Clear).
import { pageQuery } from "../../shared/pagelinks.js";
import { h, message } from "./dom.js";
import { lookupBind, lookupValue } from "./values.js";

/** How many matches a lookup's search offers. */
const MAX_MATCHES = 10;

/**
 * @param {import("./values.js").Attribute} a
 * @param {import("./fields.js").FieldContext} ctx
 * @returns {import("./fields.js").Field}
 */
export function lookupField(a, ctx) {
  const before = ctx.record ? lookupValue(a, ctx.record) : null;
  /** @type {import("./values.js").LookupValue | null} */
  let current = ctx.record ? before : /** @type {any} */ (ctx.start) ?? null;
  const id = `field-${a.logicalName}`;
  const shownValue = h("span", { className: "lookup-current", id });
  const results = h("ul", { className: "lookup-results" });
  const show = () => {
    shownValue.replaceChildren(current ? recordLink(current) : h("span", { className: "none" }, "(none)"));
    clear.hidden = current === null;
  };
  const clear = h("button", { type: "button", className: "quiet" }, "Clear");
  clear.addEventListener("click", () => {
    current = null;
    show();
  });
  const pick = (/** @type {import("./values.js").LookupValue} */ value) => {
    current = value;
    results.replaceChildren();
    show();
  };
  const row = h("div", { className: "field lookup", dataset: { attribute: a.logicalName } },
    h("span", { className: "label", id: `${id}-label` }, a.required ? `${a.displayName} *` : a.displayName),
    h("div", { className: "lookup-body" }, h("div", {}, shownValue, " ", clear), finder(a, ctx, results, pick)));
  show();
  return {
    row,
    changed: () => (current?.id ?? "") !== (before?.id ?? "") || (current?.entity ?? "") !== (before?.entity ?? ""),
    data: () => {
      if (!current && !before) return { entries: [] };
      const bind = lookupBind(a, current, before);
      return bind ? { entries: [bind] } : { error: `${a.displayName} cannot point at a ${current?.entity ?? "record"}; pick one of its own kind` };
    },
  };
}

/**
 * A link to a record's page.
 * @param {import("./values.js").LookupValue} value
 * @returns {HTMLAnchorElement}
 */
export function recordLink(value) {
  return h("a", { href: pageQuery({ page: "record", entityName: value.entity, entityId: value.id }) }, value.name || value.id);
}

/**
 * The search that finds a record to point at: the target (when there are
 * several), the text, and the matches to pick from.
 * @param {import("./values.js").Attribute} a
 * @param {import("./fields.js").FieldContext} ctx
 * @param {HTMLUListElement} results
 * @param {(value: import("./values.js").LookupValue) => void} pick
 * @returns {HTMLElement}
 */
function finder(a, ctx, results, pick) {
  const targets = a.targets ?? [];
  const target = h("select", { "aria-label": `What ${a.displayName} points at` },
    ...targets.map((t) => h("option", { value: t.entity }, t.displayName)));
  target.hidden = targets.length < 2;
  const start = /** @type {import("./values.js").LookupValue | null} */ (ctx.record ? lookupValue(a, ctx.record) : ctx.start);
  if (start && targets.some((t) => t.entity === start.entity)) target.value = start.entity;
  const text = h("input", { type: "search", "aria-label": `Find a record for ${a.displayName}`, placeholder: `Find ${targets.map((t) => t.displayName.toLowerCase()).join(" or ")}` });
  const find = async () => {
    const entity = target.value || targets[0]?.entity;
    if (!entity) return;
    results.replaceChildren(h("li", { className: "none" }, "Searching…"));
    try {
      const page = await ctx.search(entity, text.value);
      const found = page.records.slice(0, MAX_MATCHES).map((/** @type {Record<string, unknown>} */ r) => {
        const value = { entity, id: String(r[page.entity.primaryIdAttribute]), name: String(r[page.entity.primaryNameAttribute] ?? "") };
        const button = h("button", { type: "button" }, value.name || value.id);
        button.addEventListener("click", () => pick(value));
        return h("li", {}, button);
      });
      results.replaceChildren(...(found.length ? found : [h("li", { className: "none" }, "Nothing matches; try other words, or a phone number")]));
    } catch (err) {
      results.replaceChildren(h("li", { className: "error" }, `The search failed: ${message(err)}`));
    }
  };
  const button = h("button", { type: "button" }, "Find");
  button.addEventListener("click", find);
  text.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault(); // Enter finds; it does not save the record
    find();
  });
  return h("div", { className: "lookup-find" }, target, text, button, results);
}
