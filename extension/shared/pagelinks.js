// The addresses of the extension's record pages, which the tab page
// (views/tab/tab.html) shows: a record, a new-record form, search results
// and an entity's list. The background opens them for cif-host's
// cifbridge.openPage; the pages link to each other with them.

/** The tab page, below the extension's root. */
export const TAB_PAGE = "views/tab/tab.html";

/**
 * One record page: a record (with entityId) or a new-record form (without,
 * filled from data), search results for searchText, or an entity's list.
 * @typedef {object} PageRef
 * @property {"record" | "search" | "list"} page
 * @property {string} entityName
 * @property {string} [entityId]
 * @property {Record<string, unknown>} [data] a new record's form parameters
 * @property {string} [searchText]
 */

const PAGES = new Set(["record", "search", "list"]);

/**
 * The query string of a page's address, "?page=record&entity=contact&id=…".
 * @param {PageRef} ref
 * @returns {string}
 */
export function pageQuery(ref) {
  const q = new URLSearchParams({ page: ref.page, entity: ref.entityName });
  if (ref.entityId) q.set("id", ref.entityId);
  if (ref.data && Object.keys(ref.data).length > 0) q.set("data", JSON.stringify(ref.data));
  if (ref.searchText) q.set("q", ref.searchText);
  return `?${q}`;
}

/**
 * Reads a page's address; null when it names no record page.
 * @param {string} search location.search
 * @returns {PageRef | null}
 */
export function readPageQuery(search) {
  const q = new URLSearchParams(search);
  const page = q.get("page") ?? "";
  const entityName = q.get("entity") ?? "";
  if (!PAGES.has(page) || entityName === "") return null;
  /** @type {PageRef} */
  const ref = { page: /** @type {PageRef["page"]} */ (page), entityName };
  const id = q.get("id");
  if (id) ref.entityId = id;
  const data = parseObject(q.get("data"));
  if (data) ref.data = data;
  const text = q.get("q");
  if (text) ref.searchText = text;
  return ref;
}

/**
 * The page cif-host's cifbridge.openPage asks for, as a path below the
 * extension's root; null for anything else.
 * @param {unknown} params the notification's params
 * @returns {string | null}
 */
export function openPagePath(params) {
  if (params === null || typeof params !== "object") return null;
  const p = /** @type {Record<string, unknown>} */ (params);
  if ((p.page !== "record" && p.page !== "search") || typeof p.entityName !== "string" || p.entityName === "") return null;
  /** @type {PageRef} */
  const ref = { page: p.page, entityName: p.entityName };
  if (typeof p.entityId === "string") ref.entityId = p.entityId;
  if (p.data !== null && typeof p.data === "object" && !Array.isArray(p.data)) ref.data = /** @type {Record<string, unknown>} */ (p.data);
  if (typeof p.searchText === "string") ref.searchText = p.searchText;
  return TAB_PAGE + pageQuery(ref);
}

/**
 * @param {string | null} text
 * @returns {Record<string, unknown> | null} the JSON object text holds, or null
 */
function parseObject(text) {
  if (!text) return null;
  try {
    const value = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}
