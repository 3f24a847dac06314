import assert from "node:assert/strict";
import { test } from "node:test";
import { Command, commandHandler } from "../background/commands.js";
import { NotificationQueue, Outcome, outcomeText } from "../background/notifications.js";
import { answerName, closeSessionName, focusTabName, switchSessionName } from "../views/shared/names.js";

/**
 * A workspace of sessions, answering workspace.get and switchSession as
 * cif-host does, and what the shortcuts told the agent.
 * @param {string[]} titles
 * @param {number} focused the index of the focused session; -1 for the home session
 */
function world(titles, focused) {
  const sessions = titles.map((title, i) => ({ id: `s${i}`, provider: "http://127.0.0.1", template: "chat", title }));
  const state = { focused: focused === -1 ? "" : `s${focused}`, switched: /** @type {string[]} */ ([]), told: /** @type {string[]} */ ([]) };
  const queue = new NotificationQueue({ clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => {} } });
  const run = commandHandler({
    call: async (method, args) => {
      if (method === "workspace.get") return { sessions, focused: state.focused, maxSessions: 10, version: 1 };
      if (method === "workspace.switchSession") {
        state.switched.push(/** @type {any} */ (args).sessionId);
        state.focused = /** @type {any} */ (args).sessionId;
        return null;
      }
      throw new Error(`unexpected ${method}`);
    },
    queue,
    tell: (text) => state.told.push(text),
  });
  return { state, queue, run };
}

/** A notification as notifyEvent resolves it. */
const request = (title) => ({ title, acceptButtonText: "Accept", rejectButtonText: "Reject", timeout: 60, autoAccept: false, fields: [], icon: "chat", templateName: "t", showTimeout: true });

test("next and previous session go round the sessions in the order they were opened", async () => {
  const { state, run } = world(["Chat with Contoso", "Call from Fabrikam", "SMS from Litware"], 1);
  await run(Command.NextSession);
  assert.equal(state.focused, "s2");
  await run(Command.NextSession);
  assert.equal(state.focused, "s0", "after the last, the first");
  await run(Command.PreviousSession);
  assert.equal(state.focused, "s2", "before the first, the last");
  assert.deepEqual(state.told, [
    "Switched to session SMS from Litware (3 of 3).",
    "Switched to session Chat with Contoso (1 of 3).",
    "Switched to session SMS from Litware (3 of 3).",
  ]);
});

test("from the home session, next is the first session and previous the last", async () => {
  const next = world(["A", "B"], -1);
  await next.run(Command.NextSession);
  assert.deepEqual(next.state.switched, ["s0"]);
  const previous = world(["A", "B"], -1);
  await previous.run(Command.PreviousSession);
  assert.deepEqual(previous.state.switched, ["s1"]);
});

test("with no other session to switch to, the shortcut says so and switches nothing", async () => {
  const none = world([], -1);
  await none.run(Command.NextSession);
  assert.deepEqual(none.state.told, ["No session is open to switch to."]);
  const one = world(["Chat with Contoso"], 0);
  await one.run(Command.PreviousSession);
  assert.deepEqual(one.state.switched, []);
  assert.deepEqual(one.state.told, ["Session Chat with Contoso is the only one open."]);
});

test("accept and reject answer the notification that has waited longest", async () => {
  const { state, queue, run } = world([], -1);
  const first = queue.add("http://127.0.0.1", request("Chat request from Contoso"));
  const second = queue.add("http://127.0.0.1", request("Call from Fabrikam"));
  await run(Command.AcceptNotification);
  assert.equal(await first, outcomeText(Outcome.Accepted));
  await run(Command.RejectNotification);
  assert.equal(await second, outcomeText(Outcome.Declined));
  await run(Command.AcceptNotification);
  assert.deepEqual(state.told, ["Accepted: Chat request from Contoso.", "Rejected: Call from Fabrikam.", "No notification is waiting."]);
});

test("a notification without a reject button is not rejected by the shortcut", async () => {
  const { state, queue, run } = world([], -1);
  queue.add("http://127.0.0.1", { ...request("Auto call"), rejectButtonText: undefined, autoAccept: true });
  await run(Command.RejectNotification);
  assert.equal(queue.list().length, 1, "still waiting");
  assert.deepEqual(state.told, ["Auto call cannot be rejected: it has no reject button. Accept it, or let it time out."]);
});

test("a shortcut that fails says why, and an unknown command does nothing", async () => {
  const told = [];
  const run = commandHandler({ call: async () => { throw new Error("cif-host is not reachable"); }, queue: { list: () => [], answer: () => "gone" }, tell: (t) => told.push(t) });
  await run(Command.NextSession);
  await run("_execute_action");
  assert.deepEqual(told, ["The shortcut did nothing: cif-host is not reachable"]);
});

test("buttons name what they act on, starting with what they show", () => {
  assert.equal(closeSessionName("Chat with Contoso"), "Close session Chat with Contoso");
  assert.equal(switchSessionName("Chat with Contoso"), "Switch to session Chat with Contoso");
  assert.equal(focusTabName("Contact: Ann Lee", "Chat with Contoso", true), "Contact: Ann Lee, anchor tab: show this tab of session Chat with Contoso");
  assert.equal(answerName("Accept", "Chat request", "Contoso softphone"), "Accept: Chat request, from Contoso softphone");
});
