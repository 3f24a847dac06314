// The options page: the list of origins allowed to use the page API, and
// what cif-host reports about itself.
import { BackgroundMethod } from "../../shared/methods.js";
import { DEFAULT_ALLOWED_ORIGINS, extraPatterns, validEntry } from "../../shared/origins.js";
import { loadRecordAccess } from "../../shared/recordaccess.js";
import { loadAllowedOrigins, saveAllowedOrigins } from "../../shared/settings.js";
import { callBackground } from "../shared/client.js";
import { byId } from "../shared/dom.js";
import { removeSiteName } from "../shared/names.js";
import { diagnosticsReport, gatherDiagnostics } from "./diagnostics.js";
import { forgetRemoved, recordsChoice } from "./records.js";

const api = globalThis.browser ?? globalThis.chrome;
const storage = api.storage.local;

/** @param {string} text */
function say(text) {
  byId("status").textContent = text;
}

/** @param {readonly string[]} entries */
async function renderList(entries) {
  const choices = await loadRecordAccess(storage);
  const items = entries.map((entry) => {
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", removeSiteName(entry));
    remove.dataset.origin = entry;
    remove.addEventListener("click", () => update(entries.filter((e) => e !== entry), `Removed ${entry}.`));
    const label = document.createElement("span");
    label.textContent = entry;
    const li = document.createElement("li");
    li.append(label, recordsChoice(storage, entry, choices, say), remove);
    return li;
  });
  byId("origins").replaceChildren(...items);
}

/**
 * @param {readonly string[]} entries
 * @param {string} message
 */
async function update(entries, message) {
  await saveAllowedOrigins(storage, entries);
  await forgetRemoved(storage, entries);
  await renderList(entries);
  say(message);
}

/**
 * Adds an origin. The permission to run on it is asked for first, while
 * the click still counts as the user's gesture (browsers require that).
 * @param {SubmitEvent} event
 */
async function add(event) {
  event.preventDefault();
  const input = /** @type {HTMLInputElement} */ (byId("origin"));
  const entry = input.value.trim().toLowerCase().replace(/\/+$/, "");
  if (!validEntry(entry)) {
    say(`"${input.value}" is not an origin: write it as https://host or http://host:port, nothing after the host.`);
    return;
  }
  const patterns = extraPatterns([entry]);
  const granted = patterns.length === 0 || await api.permissions.request({ origins: patterns });
  if (!granted) {
    say(`The browser did not grant access to ${entry}, so the page API cannot run there. Try again and allow it.`);
    return;
  }
  const entries = await loadAllowedOrigins(storage);
  if (entries.includes(entry)) {
    say(`${entry} is already allowed.`);
    return;
  }
  input.value = "";
  await update([...entries, entry], `Added ${entry}. Reload its pages to give them the API.`);
}

async function showHost() {
  const out = byId("host");
  try {
    await callBackground(api, "workspace.get"); // a call that needs cif-host, so that it starts
    const { hello, lastError } = await callBackground(api, BackgroundMethod.Status);
    const problems = (hello?.problems ?? []).map((/** @type {{file: string, template?: string, field?: string, message: string}} */ p) => `  ${p.file}: ${p.template ?? ""} ${p.field ?? ""} ${p.message}`);
    out.textContent = hello
      ? [`cif-host ${hello.hostVersion}, protocol ${hello.protocolVersion}`, `state: ${hello.stateFile}`, `log: ${hello.logFile}`,
        problems.length ? `configuration problems:\n${problems.join("\n")}` : "configuration: no problems"].join("\n")
      : `not connected: ${lastError ?? "unknown reason"}`;
  } catch (err) {
    out.textContent = `not connected: ${err instanceof Error ? err.message : err}`;
  }
}

/**
 * Shows the support report and copies it to the clipboard; where the
 * browser refuses the clipboard, the agent copies it from the page.
 */
async function copyDiagnostics() {
  const text = diagnosticsReport(await gatherDiagnostics(api));
  const shown = byId("diagnostics");
  shown.textContent = text;
  shown.hidden = false;
  const status = byId("diagnostics-status");
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = "Copied to the clipboard: paste it into your support ticket. It is shown below.";
  } catch (err) {
    status.textContent = `The browser did not let the page copy it (${err instanceof Error ? err.message : err}): select the report below and copy it.`;
  }
}

async function restart() {
  await callBackground(api, BackgroundMethod.RestartHost);
  say("cif-host restarted.");
  await showHost();
}

byId("add").addEventListener("submit", add);
byId("restart").addEventListener("click", restart);
byId("copy-diagnostics").addEventListener("click", copyDiagnostics);
byId("reset").addEventListener("click", () => update(DEFAULT_ALLOWED_ORIGINS, "Restored the defaults."));
// The page is ready (data-ready) once it shows cif-host's status, which
// moves what is below it.
Promise.all([loadAllowedOrigins(storage).then(renderList), showHost()]).finally(() => {
  document.body.dataset.ready = "true";
});
