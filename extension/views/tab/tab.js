// The page of a session tab that has no address of its own, and of the
// extension's record pages. A session tab of an entity record, search or
// entity list that names an entity shows that record page (with no
// organisationUrl configured such tabs have no address); any other (a
// control such as the active conversation) shows its template and
// resolved parameters. It follows the host's changes (setTabTitle,
// closing). With ?page=… and no tab, it shows a record page of its own,
// outside any session (pagelinks.js).
import { ErrorCode } from "../../shared/contract.js";
import { readPageQuery } from "../../shared/pagelinks.js";
import { readWorkspace } from "../../shared/workspace.js";
import { RECORD_CHANGED, showPage, tabPage } from "../records/page.js";
import { callBackground, watchRecords, watchWorkspace } from "../shared/client.js";
import { wireClickToAct } from "../shared/clicktoact.js";

const api = globalThis.browser ?? globalThis.chrome;
const query = new URLSearchParams(location.search);
const tabId = query.get("tab") ?? "";
const page = /** @type {HTMLElement} */ (document.getElementById("page"));

/** @param {string} method @param {object} args */
const call = (method, args) => callBackground(api, method, args);

/** Whether this tab's record page is on screen: workspace changes leave it (and the agent's edits) alone. */
let shownPage = false;

/**
 * @param {string} id
 * @param {string} text
 */
function text(id, text) {
  /** @type {HTMLElement} */ (document.getElementById(id)).textContent = text;
}

/**
 * Shows either the record page or the tab's details.
 * @param {boolean} record
 */
function showing(record) {
  page.hidden = !record;
  /** @type {HTMLElement} */ (document.getElementById("details")).hidden = record;
}

async function render() {
  let workspace, tab;
  try {
    workspace = await readWorkspace(call);
    tab = await call("workspace.tab", { tabId }).catch((err) => {
      if (err.code === ErrorCode.TabNotFound) return null;
      throw err;
    });
  } catch (err) {
    text("status", `This tab's details cannot be shown: ${err instanceof Error ? err.message : err}`);
    document.body.dataset.ready = "error";
    return;
  }
  const session = workspace.sessions.find((s) => s.id === tab?.sessionId);
  if (!session || !tab) {
    showing(false);
    document.title = "Closed tab";
    text("title", "This tab was closed");
    text("status", "Its session or the tab itself is no longer open.");
    document.body.dataset.ready = "closed";
    return;
  }
  text("session", `${session.title || session.template} · ${session.provider}`);
  text("status", "");
  const ref = tabPage(tab, query);
  if (ref) {
    showing(true);
    if (!shownPage) {
      shownPage = true;
      await showPage(page, ref, call);
    }
    document.body.dataset.ready = "true";
    return;
  }
  showDetails(tab);
}

/**
 * The tab's template and its resolved parameters.
 * @param {any} tab
 */
function showDetails(tab) {
  showing(false);
  document.title = tab.title || tab.template;
  text("title", tab.title || tab.template);
  text("about", `Template ${tab.template}, page type ${tab.pageType}${tab.anchor ? ", the session's anchor tab" : ""}.`);
  const rows = Object.entries(tab.params ?? {}).map(([name, value]) => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    const td = document.createElement("td");
    th.scope = "row";
    th.textContent = name;
    td.textContent = typeof value === "string" ? value : JSON.stringify(value, null, 2);
    tr.append(th, td);
    return tr;
  });
  /** @type {HTMLElement} */ (document.querySelector("#params tbody")).replaceChildren(...rows);
  document.body.dataset.ready = "true";
}

/** A record page of its own, outside any session. */
async function renderStandalone() {
  const ref = readPageQuery(location.search);
  if (!ref) {
    text("title", "Nothing to show");
    text("status", "This page shows a session's tab (?tab=ID) or a record page (?page=record&entity=contact&id=ID); its address names neither.");
    document.body.dataset.ready = "error";
    return;
  }
  showing(true);
  await showPage(page, ref, call);
  document.body.dataset.ready = "true";
}

// Record pages hear of every record change (records/page.js decides).
watchRecords(api, (change) => page.dispatchEvent(new CustomEvent(RECORD_CHANGED, { detail: change })));

if (tabId) {
  watchWorkspace(api, render);
  render();
} else {
  renderStandalone();
}
wireClickToAct(api); // the record pages' click-to-act fields (views/shared/clicktoact.js)
