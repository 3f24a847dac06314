import { ErrorCode } from "./contract.js";
import { BridgeError } from "./errors.js";

/** How many times a read starts over because the workspace changed under it. */
export const MAX_READS = 5;

/**
 * One tab of a session, as workspace.get lists it.
 * @typedef {object} Tab
 * @property {string} id
 * @property {string} template
 * @property {string} title
 * @property {string} [url] where its page lives, when its page type has one
 * @property {boolean} [anchor]
 * @property {boolean} [closable]
 */

/**
 * One session, as workspace.get lists it (without its context and
 * parameters).
 * @typedef {object} Session
 * @property {string} id
 * @property {string} provider the origin that owns it
 * @property {string} template
 * @property {string} title
 * @property {Tab[]} [tabs]
 * @property {string} [focusedTab]
 * @property {{focusRequested?: boolean, newActivity?: number, kpiBreach?: boolean}} [attention]
 */

/**
 * The workspace as the extension's views and the tab sync see it: every
 * session, the focused one, the limit, and the version it was read at.
 * @typedef {object} Workspace
 * @property {Session[]} sessions
 * @property {string} focused
 * @property {number} maxSessions
 * @property {number} version
 */

/**
 * Reads the whole workspace, one page of workspace.get at a time: while a
 * page says next, the read goes on from that session; when a page comes
 * from another version of the workspace than the first, it starts over, so
 * what it returns is one version of the workspace, whatever its size.
 * @param {(method: string, args: object) => Promise<any>} call calls cif-host as the views do
 * @returns {Promise<Workspace>}
 */
export async function readWorkspace(call) {
  for (let read = 0; read < MAX_READS; read++) {
    const workspace = await readPages(call);
    if (workspace) return workspace;
  }
  throw new BridgeError(ErrorCode.Timeout, `the workspace changed ${MAX_READS} times while its pages were being read; it is read again at its next change, or reopen this view`);
}

/**
 * @param {(method: string, args: object) => Promise<any>} call
 * @returns {Promise<Workspace | null>} null when the workspace changed between pages
 */
async function readPages(call) {
  const first = await call("workspace.get", {});
  const sessions = [...first.sessions];
  for (let page = first; typeof page.next === "number";) {
    const from = page.next;
    if (from !== sessions.length) {
      throw new BridgeError(ErrorCode.Internal, `cif-host's workspace.get said the next page starts at session ${from}, but ${sessions.length} were read; install the cif-host that comes with this extension (./install.sh)`);
    }
    page = await call("workspace.get", { from });
    if (page.version !== first.version) return null;
    sessions.push(...page.sessions);
  }
  return { sessions, focused: first.focused, maxSessions: first.maxSessions, version: first.version };
}

/**
 * What cif-host says with each change (cifbridge.workspaceChanged): the
 * version after it and, when the call made one change small enough to
 * send, that change as the views see it.
 * @typedef {object} WorkspaceChange
 * @property {number} version
 * @property {{put?: any[], delete?: string[], focus?: string}} [change]
 *   the sessions added or modified, those closed, and the focused session
 *   when focus moved ("" is the home session)
 */

/**
 * Applies a change cif-host announced to the workspace as it was at the
 * version before, as cif-host replays its journal: a session already open
 * is replaced, a new one goes after the others.
 * @param {Workspace | null} workspace
 * @param {WorkspaceChange | undefined} announced
 * @returns {Workspace | null} the workspace at the announced version; null
 *   when the change cannot be applied (no workspace, another version, or
 *   no change sent): read the workspace again
 */
export function applyChange(workspace, announced) {
  const change = announced?.change;
  if (!workspace || !change || announced.version !== workspace.version + 1) return null;
  const closed = new Set(change.delete ?? []);
  const sessions = workspace.sessions.filter((s) => !closed.has(s.id));
  for (const session of change.put ?? []) {
    const i = sessions.findIndex((s) => s.id === session.id);
    if (i >= 0) sessions[i] = session;
    else sessions.push(session);
  }
  return { ...workspace, sessions, focused: change.focus ?? workspace.focused, version: announced.version };
}
