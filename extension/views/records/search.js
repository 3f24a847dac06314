// Search results for an entity (renderSearchPage, searchAndOpenRecords
// with several matches, a search tab), or the entity's list (an entity
// list tab): a search box and the records as links to their pages.
import { pageQuery } from "../../shared/pagelinks.js";
import { h, message } from "./dom.js";
import { shown } from "./values.js";

/**
 * What a search page needs.
 * @typedef {object} SearchOptions
 * @property {(method: string, args: object) => Promise<any>} call an agent operation
 * @property {string} entityName
 * @property {string} searchText "" lists the entity's records
 * @property {(text: string) => void} onSearch the agent searched for text
 */

/**
 * Shows search results or a list in container.
 * @param {HTMLElement} container
 * @param {SearchOptions} opts
 * @returns {Promise<void>}
 */
export async function showSearch(container, opts) {
  const box = h("input", { type: "search", id: "search-text", name: "q", value: opts.searchText, "aria-label": "Search for" });
  const form = h("form", { id: "search-form", role: "search" }, box, h("button", { type: "submit" }, "Search"));
  const results = h("div", { id: "search-results", "aria-live": "polite" });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    opts.onSearch(box.value);
    fill(results, opts, box.value);
  });
  const heading = h("h1", { id: "search-title" });
  container.dataset.view = "search";
  container.replaceChildren(heading, form, results);
  const page = await fill(results, opts, opts.searchText);
  const plural = page?.entity.displayCollectionName ?? opts.entityName;
  heading.textContent = opts.searchText ? `Search ${plural.toLowerCase()}` : plural;
  document.title = heading.textContent;
  box.placeholder = page ? `A name, a phone number, an email address…` : "";
}

/**
 * Runs a search and shows its results.
 * @param {HTMLElement} results
 * @param {SearchOptions} opts
 * @param {string} text
 * @returns {Promise<any>} the page of results, or null when the search failed
 */
async function fill(results, opts, text) {
  results.replaceChildren(h("p", { className: "hint" }, "Searching…"));
  results.dataset.state = "searching";
  let page;
  try {
    page = await opts.call("records.search", { entityName: opts.entityName, searchText: text });
  } catch (err) {
    results.replaceChildren(h("p", { className: "error", role: "alert" }, `The search failed: ${message(err)}`));
    results.dataset.state = "failed";
    return null;
  }
  const create = h("p", {}, h("a", { href: pageQuery({ page: "record", entityName: page.entity.logicalName }), id: "search-new" }, `New ${page.entity.displayName.toLowerCase()}`));
  results.replaceChildren(summary(page, text), ...(page.records.length ? [table(page)] : []), create);
  results.dataset.state = "done";
  return page;
}

/**
 * "3 contacts match “Ann”."
 * @param {any} page
 * @param {string} text
 * @returns {HTMLElement}
 */
function summary(page, text) {
  const n = page.records.length;
  const what = (n === 1 ? page.entity.displayName : page.entity.displayCollectionName).toLowerCase();
  const count = page.more ? `The first ${n} ${what}` : `${n} ${what}`;
  const line = text.trim()
    ? `${n === 0 ? `No ${page.entity.displayCollectionName.toLowerCase()}` : count} ${n === 1 && !page.more ? "matches" : "match"} “${text.trim()}”.`
    : `${n === 0 ? `No ${page.entity.displayCollectionName.toLowerCase()} yet` : `${count}, most recently changed first`}.`;
  return h("p", { id: "search-summary" }, line);
}

/**
 * The results, each row's name a link to the record's page.
 * @param {any} page
 * @returns {HTMLTableElement}
 */
function table(page) {
  const { entity } = page;
  const attr = (/** @type {string} */ name) => entity.attributes.find((/** @type {any} */ a) => a.logicalName === name);
  const columns = [entity.primaryNameAttribute, ...page.columns].map(attr).filter(Boolean);
  const head = h("tr", {}, ...columns.map((a) => h("th", { scope: "col" }, a.displayName)));
  const rows = page.records.map((/** @type {Record<string, unknown>} */ r) => {
    const id = String(r[entity.primaryIdAttribute]);
    const link = h("a", { href: pageQuery({ page: "record", entityName: entity.logicalName, entityId: id }) }, shown(columns[0], r) || id);
    return h("tr", { dataset: { id } }, h("td", {}, link), ...columns.slice(1).map((a) => h("td", {}, shown(a, r))));
  });
  return h("table", { id: "search-table" }, h("thead", {}, head), h("tbody", {}, ...rows));
}
