// The page of a session tab that has no address of its own (a Dynamics
// page with no organisation configured, a control such as the active
// conversation): it shows the tab's template and its resolved parameters,
// and follows the host's changes (setTabTitle, closing).
import { ErrorCode } from "../../shared/contract.js";
import { readWorkspace } from "../../shared/workspace.js";
import { callBackground, watchWorkspace } from "../shared/client.js";
import { wireClickToAct } from "../shared/clicktoact.js";

const api = globalThis.browser ?? globalThis.chrome;
const tabId = new URLSearchParams(location.search).get("tab") ?? "";

/**
 * @param {string} id
 * @param {string} text
 */
function text(id, text) {
  document.getElementById(id).textContent = text;
}

async function render() {
  let workspace, tab;
  try {
    workspace = await readWorkspace((method, args) => callBackground(api, method, args));
    tab = await callBackground(api, "workspace.tab", { tabId }).catch((err) => {
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
    document.title = "Closed tab";
    text("title", "This tab was closed");
    text("status", "Its session or the tab itself is no longer open.");
    document.body.dataset.ready = "closed";
    return;
  }
  document.title = tab.title || tab.template;
  text("session", `${session.title || session.template} · ${session.provider}`);
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
  document.querySelector("#params tbody").replaceChildren(...rows);
  text("status", "");
  document.body.dataset.ready = "true";
}

watchWorkspace(api, render);
render();
wireClickToAct(api); // fields marked data-cif-click-to-act (views/shared/clicktoact.js)
