// The agent's keyboard shortcuts, the manifest's commands: switch to the
// next or the previous session, accept or reject the oldest notification
// waiting. What each did, or why it could not, goes to the open panels,
// which say it in a live region.
import { readWorkspace } from "../shared/workspace.js";

/** The manifest's command names. */
export const Command = Object.freeze({
  NextSession: "next-session",
  PreviousSession: "previous-session",
  AcceptNotification: "accept-notification",
  RejectNotification: "reject-notification",
});

/**
 * @typedef {object} CommandDeps
 * @property {(method: string, args: object) => Promise<any>} call cif-host, as the agent (workspace.get, workspace.switchSession)
 * @property {{list: () => import("./notifications.js").Waiting[], answer: (id: string, accept: boolean) => string}} queue the notifications waiting
 * @property {(text: string) => void} tell shows the outcome to the agent
 */

/**
 * Makes the handler of commands.onCommand.
 * @param {CommandDeps} deps
 * @returns {(name: string) => Promise<void>}
 */
export function commandHandler({ call, queue, tell }) {
  /** @type {Record<string, () => Promise<string>>} */
  const handlers = {
    [Command.NextSession]: () => switchBy(call, 1),
    [Command.PreviousSession]: () => switchBy(call, -1),
    [Command.AcceptNotification]: async () => answerOldest(queue, true),
    [Command.RejectNotification]: async () => answerOldest(queue, false),
  };
  return async (name) => {
    const handler = handlers[name];
    if (!handler) return;
    try {
      tell(await handler());
    } catch (err) {
      tell(`The shortcut did nothing: ${err instanceof Error ? err.message : err}`);
    }
  };
}

/**
 * Switches to the session after (1) or before (-1) the focused one, in
 * the order they were opened, going round; from the home session, to the
 * first or the last.
 * @param {CommandDeps["call"]} call
 * @param {1 | -1} step
 * @returns {Promise<string>} what happened
 */
async function switchBy(call, step) {
  const { sessions, focused } = await readWorkspace(call);
  if (sessions.length === 0) return "No session is open to switch to.";
  const at = sessions.findIndex((s) => s.id === focused);
  const next = at === -1 ? (step === 1 ? 0 : sessions.length - 1) : (at + step + sessions.length) % sessions.length;
  const session = sessions[next];
  const title = session.title || session.template;
  if (next === at) return `Session ${title} is the only one open.`;
  await call("workspace.switchSession", { sessionId: session.id });
  return `Switched to session ${title} (${next + 1} of ${sessions.length}).`;
}

/**
 * Accepts or rejects the notification that has waited longest.
 * @param {CommandDeps["queue"]} queue
 * @param {boolean} accept
 * @returns {string} what happened
 */
function answerOldest(queue, accept) {
  const oldest = queue.list()[0];
  if (!oldest) return "No notification is waiting.";
  const outcome = queue.answer(oldest.id, accept);
  if (outcome === "no reject button") return `${oldest.title} cannot be rejected: it has no reject button. Accept it, or let it time out.`;
  if (outcome !== "answered") return `${oldest.title} is no longer waiting.`;
  return `${accept ? "Accepted" : "Rejected"}: ${oldest.title}.`;
}
