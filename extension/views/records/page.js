// Which record page to show: for a session's tab (from its page type and
// parameters) or for an address of its own (pagelinks.js), and showing it.
import { RECORD_SHOWN, recordChanged, showRecord } from "./record.js";
import { showSearch } from "./search.js";

/**
 * The event the page's container receives for each record change cif-host
 * announces (its detail is the change): the tab page dispatches it.
 */
export const RECORD_CHANGED = "cifbridge:recordchanged";

/**
 * The record page a session tab shows, from workspace.tab's answer: an
 * entity record, search or entity list tab that names an entity. null
 * for any other tab. overrides are what the page's address adds since it
 * opened: the id of a record created on it (id), the last search (q).
 * @param {{pageType?: string, params?: Record<string, unknown>}} tab
 * @param {URLSearchParams} overrides
 * @returns {import("../../shared/pagelinks.js").PageRef | null}
 */
export function tabPage(tab, overrides) {
  const params = tab.params ?? {};
  const entityName = typeof params.entityName === "string" ? params.entityName : "";
  if (entityName === "") return null;
  const text = (/** @type {unknown} */ v) => (typeof v === "string" ? v : "");
  switch (tab.pageType) {
    case "entityRecord": {
      const data = params.data !== null && typeof params.data === "object" && !Array.isArray(params.data) ? /** @type {Record<string, unknown>} */ (params.data) : undefined;
      return { page: "record", entityName, entityId: overrides.get("id") || text(params.entityId) || undefined, data };
    }
    case "search":
      return { page: "search", entityName, searchText: overrides.get("q") ?? text(params.searchText) };
    case "entityList":
      return { page: "list", entityName, searchText: overrides.get("q") ?? "" };
  }
  return null;
}

/**
 * Shows a record page in container. The page's address keeps what the
 * agent did there (a created record's id, the last search), so that a
 * reload shows the same.
 * @param {HTMLElement} container
 * @param {import("../../shared/pagelinks.js").PageRef} ref
 * @param {(method: string, args: object) => Promise<any>} call an agent operation
 * @returns {Promise<void>}
 */
export function showPage(container, ref, call) {
  const remember = (/** @type {string} */ key, /** @type {string} */ value) => {
    const url = new URL(location.href);
    url.searchParams.set(key, value);
    if (key === "id") url.searchParams.delete("data");
    history.replaceState(null, "", url);
  };
  if (ref.page === "record") {
    const onCreated = (/** @type {string} */ id) => {
      remember("id", id);
      showRecord(container, { call, entityName: ref.entityName, entityId: id, onCreated });
    };
    const opts = { call, entityName: ref.entityName, onCreated };
    // Changes heard while the page saves or loads wait until it shows the
    // record again: it may have read them already.
    /** @type {import("./changes.js").RecordChange | null} */
    let waiting = null;
    container.addEventListener(RECORD_CHANGED, (event) => {
      const change = /** @type {CustomEvent} */ (event).detail;
      if (container.dataset.saving === "true" || container.dataset.loading === "true") waiting = change;
      else recordChanged(container, opts, change);
    });
    container.addEventListener(RECORD_SHOWN, () => {
      const change = waiting;
      waiting = null;
      if (change) recordChanged(container, opts, change);
    });
    return showRecord(container, { ...opts, entityId: ref.entityId, data: ref.data });
  }
  return showSearch(container, { call, entityName: ref.entityName, searchText: ref.searchText ?? "", onSearch: (text) => remember("q", text) });
}
