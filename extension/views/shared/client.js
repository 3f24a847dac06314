import { HostEvent, Wire } from "../../shared/contract.js";
import { BridgeError } from "../../shared/errors.js";

// The extension's views (panel, options, tab pages) talk to the background
// through these.

/**
 * Calls the background as one of the extension's views; rejects with a
 * BridgeError.
 * @param {any} api browser or chrome
 * @param {string} method
 * @param {object} [params]
 * @returns {Promise<any>}
 */
export async function callBackground(api, method, params = {}) {
  const reply = await api.runtime.sendMessage({ kind: "call", method, params });
  if (reply?.ok) return reply.result;
  throw new BridgeError(reply?.error?.code ?? 0, reply?.error?.message ?? "the extension's background gave no answer; close this view and open it again");
}

/**
 * Calls onChange whenever the workspace changes, for as long as the view
 * is open.
 * @param {any} api browser or chrome
 * @param {() => void} onChange
 */
export function watchWorkspace(api, onChange) {
  watchEvent(api, HostEvent.WorkspaceChanged, onChange);
}

/**
 * Calls onEvent whenever the background tells the views of an event of
 * that name (HostEvent.WorkspaceChanged, a ViewEvent), for as long as the
 * view is open.
 * @param {any} api browser or chrome
 * @param {string} name
 * @param {(payload: unknown) => void} onEvent
 */
export function watchEvent(api, name, onEvent) {
  const port = api.runtime.connect({ name: Wire.EVENTS_PORT });
  port.onMessage.addListener((/** @type {any} */ message) => {
    if (message?.kind === "event" && message.name === name) onEvent(message.payload);
  });
}

/**
 * Calls onChange with each record change cif-host announces (any agent's,
 * this one's too: cifbridge.recordChanged), for as long as the view is
 * open.
 * @param {any} api browser or chrome
 * @param {(change: import("../records/changes.js").RecordChange) => void} onChange
 */
export function watchRecords(api, onChange) {
  const port = api.runtime.connect({ name: Wire.EVENTS_PORT });
  port.onMessage.addListener((/** @type {any} */ message) => {
    if (message?.kind === "event" && message.name === HostEvent.RecordChanged) onChange(message.payload ?? {});
  });
}

/**
 * @typedef {object} TabRow
 * @property {string} id
 * @property {string} title
 * @property {boolean} anchor
 * @property {boolean} focused
 * @property {string} url
 */

/**
 * @typedef {object} SessionRow
 * @property {string} id
 * @property {string} title
 * @property {string} provider
 * @property {boolean} focused
 * @property {string[]} badges the attention indicators, in words
 * @property {TabRow[]} tabs
 */

/**
 * Turns the workspace into what a view shows, in the order the sessions
 * were opened.
 * @param {import("../../shared/workspace.js").Workspace} workspace
 * @returns {SessionRow[]}
 */
export function sessionRows(workspace) {
  return workspace.sessions.map((s) => ({
    id: s.id,
    title: s.title || s.template,
    provider: s.provider,
    focused: s.id === workspace.focused,
    badges: badges(s.attention ?? {}),
    tabs: (s.tabs ?? []).map((t) => ({
      id: t.id,
      title: t.title || t.template,
      anchor: Boolean(t.anchor),
      focused: t.id === s.focusedTab,
      url: t.url ?? "",
    })),
  }));
}

/**
 * @param {{focusRequested?: boolean, newActivity?: number, kpiBreach?: boolean}} a
 * @returns {string[]}
 */
function badges(a) {
  const out = [];
  if (a.focusRequested) out.push("needs attention");
  if (a.newActivity) out.push(`${a.newActivity} new`);
  if (a.kpiBreach) out.push("KPI breached");
  return out;
}

/**
 * "3 of 10 sessions".
 * @param {import("../../shared/workspace.js").Workspace} workspace
 * @returns {string}
 */
export function summary(workspace) {
  const n = workspace.sessions.length;
  return `${n} of ${workspace.maxSessions} session${workspace.maxSessions === 1 ? "" : "s"}`;
}
