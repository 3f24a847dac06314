import assert from "node:assert/strict";
import { mock, test } from "node:test";
import { ErrorCode } from "../shared/contract.js";
import { BridgeError } from "../shared/errors.js";
import { BackgroundMethod } from "../shared/methods.js";
import { desktopOptions, DesktopNotifications } from "../background/desktop.js";
import { MAX_WAITING, NotificationQueue, notificationMethods } from "../background/notifications.js";
import { agentWorld, FakeClock, fakeAgentApi } from "./agentfakes.js";
import { EXT_URL, until, VIEW_SENDER } from "./fakes.js";

/** A notification as cif-host's notifyEvent resolves one. */
function resolved(extra = {}) {
  return {
    templateName: "msdyn_chat_incoming_unauthenticated", title: "Incoming chat request", icon: "chat",
    fields: [{ label: "Customer name", value: "Ann" }], showTimeout: true, timeout: 120,
    acceptButtonText: "Accept", rejectButtonText: "Reject", autoAccept: false, ...extra,
  };
}

const answer = (actionName, responseReason) => JSON.stringify({ actionName, responseReason });

/** A queue on a fake clock, counting its changes. */
function queue(opts = {}) {
  const clock = new FakeClock();
  const changes = { n: 0 };
  const q = new NotificationQueue({ clock, onChange: () => changes.n++, ...opts });
  return { q, clock, changes };
}

/** Whether a promise has settled, without waiting for it. */
async function settled(promise) {
  const marker = Symbol("pending");
  return (await Promise.race([promise, Promise.resolve(marker)])) !== marker;
}

test("the agent accepts: Accept/Accept, and the notification is gone", async () => {
  const { q, clock, changes } = queue();
  const result = q.add("http://127.0.0.1:8080", resolved({ cancellationToken: "t1" }));
  const [shown] = q.list();
  assert.deepEqual(shown, { ...resolved({ cancellationToken: "t1" }), id: "n1", provider: "http://127.0.0.1:8080", deadline: clock.now() + 120_000 });
  assert.equal(q.answer(shown.id, true), "answered");
  assert.equal(await result, answer("Accept", "Accept"));
  assert.deepEqual(q.list(), []);
  assert.equal(changes.n, 2, "one change when it arrived, one when it ended");
  assert.equal(q.answer(shown.id, true), "gone", "an answer comes once");
  assert.deepEqual(clock.timers, [], "its timer is gone too");
});

test("the agent rejects: Reject/DeclinedByAgent", async () => {
  const { q } = queue();
  const result = q.add("http://a", resolved());
  assert.equal(q.answer(q.list()[0].id, false), "answered");
  assert.equal(await result, answer("Reject", "DeclinedByAgent"));
});

test("no answer in time: Timeout/DisplayTimeout, not a moment before", async () => {
  const { q, clock } = queue();
  const result = q.add("http://a", resolved({ timeout: 30 }));
  clock.advance(29_999);
  assert.equal(await settled(result), false);
  assert.equal(q.list().length, 1);
  clock.advance(1);
  assert.equal(await result, answer("Timeout", "DisplayTimeout"));
  assert.deepEqual(q.list(), []);
});

test("an auto-accept notification is accepted when its time is up, and cannot be rejected", async () => {
  const { q, clock } = queue();
  const result = q.add("http://a", resolved({ autoAccept: true, acceptButtonText: "Open", rejectButtonText: undefined, timeout: 5 }));
  assert.equal(q.answer(q.list()[0].id, false), "no reject button");
  clock.advance(5_000);
  assert.equal(await result, answer("Accept", "AutoAccept"));

  const opened = q.add("http://a", resolved({ autoAccept: true, acceptButtonText: "Open", rejectButtonText: undefined }));
  q.answer(q.list()[0].id, true);
  assert.equal(await opened, answer("Accept", "Accept"), "opened by the agent before its time");
});

test("cancel withdraws the provider's own notifications with that token, and no other's", async () => {
  const { q } = queue();
  const mine = q.add("http://a", resolved({ cancellationToken: "call-1" }));
  const theirs = q.add("http://b", resolved({ cancellationToken: "call-1" }));
  const other = q.add("http://a", resolved({ cancellationToken: "call-2" }));
  assert.equal(q.cancel("http://a", "call-1"), 1);
  assert.equal(await mine, answer("Cancel", "Cancelled"));
  assert.deepEqual(q.list().map((n) => [n.provider, n.cancellationToken]), [["http://b", "call-1"], ["http://a", "call-2"]]);
  assert.equal(q.cancel("http://a", "call-1"), 0, "already gone");
  assert.equal(await settled(theirs), false);
  assert.equal(await settled(other), false);
});

test(`at most ${MAX_WAITING} wait: the next is rejected at once, until one ends`, async () => {
  const { q, changes } = queue();
  for (let i = 0; i < MAX_WAITING; i++) q.add("http://a", resolved());
  assert.equal(await q.add("http://b", resolved()), answer("Reject", "NotificationQueueLimitExceeded"));
  assert.equal(q.list().length, MAX_WAITING);
  assert.equal(changes.n, MAX_WAITING, "a refused notification is never shown");
  q.answer(q.list()[0].id, false);
  q.add("http://b", resolved());
  assert.equal(q.list().length, MAX_WAITING);
});

test("notifyEvent asks cif-host for the template, then waits; cancelEvent resolves with the token", async () => {
  const { q } = queue();
  const calls = [];
  const lanes = { call: async (provider, method, args) => (calls.push({ provider, method, args }), resolved({ cancellationToken: args.input.cancellationToken })) };
  const m = notificationMethods(q, lanes);
  const result = m.notifyEvent("http://a", { input: { templateName: "msdyn_chat_incoming_unauthenticated", cancellationToken: "tok" } });
  await until(() => q.list().length === 1);
  assert.deepEqual(calls, [{ provider: "http://a", method: "notifyEvent", args: { input: { templateName: "msdyn_chat_incoming_unauthenticated", cancellationToken: "tok" } } }]);
  assert.throws(() => m.cancelEvent("http://b", { cancellationToken: "tok" }), (err) => err.code === ErrorCode.NotificationNotFound
    && err.message === 'RejectAfterClientError: none of your notifications waits with the cancellation token "tok"; it was answered, timed out or cancelled already (its notifyEvent promise has settled), or notifyEvent was given another token');
  assert.equal(m.cancelEvent("http://a", { cancellationToken: "tok" }), "tok");
  assert.equal(await result, answer("Cancel", "Cancelled"));
  assert.throws(() => m.cancelEvent("http://a", {}), { code: ErrorCode.InvalidParams, message: "cancelEvent: the cancellationToken parameter is blank; pass the token you gave notifyEvent in input.cancellationToken" });

  const failing = notificationMethods(q, { call: async () => { throw new BridgeError(ErrorCode.TemplateNotFound, "NotificationTemplateNotFoundError: …"); } });
  await assert.rejects(failing.notifyEvent("http://a", { input: { templateName: "x" } }), { code: ErrorCode.TemplateNotFound });
  assert.equal(q.list().length, 0, "a template that cannot be resolved shows nothing");
});

test("a cancelEvent while cif-host still resolves the template withdraws that notification before it shows", async () => {
  const { q } = queue();
  /** @type {(value: unknown) => void} */
  let resolveTemplate = () => {};
  const lanes = { call: () => new Promise((resolve) => { resolveTemplate = resolve; }) };
  const m = notificationMethods(q, lanes);
  const viaInput = m.notifyEvent("http://a", { input: { templateName: "msdyn_chat_incoming_unauthenticated", cancellationToken: "conv-7" }, cancellationToken: "other" });
  assert.throws(() => m.cancelEvent("http://a", { cancellationToken: "other" }), { code: ErrorCode.NotificationNotFound }, "input's token wins, as in cif-host");
  assert.throws(() => m.cancelEvent("http://b", { cancellationToken: "conv-7" }), { code: ErrorCode.NotificationNotFound }, "another provider's token is not this one's");
  assert.equal(m.cancelEvent("http://a", { cancellationToken: "conv-7" }), "conv-7");
  assert.throws(() => m.cancelEvent("http://a", { cancellationToken: "conv-7" }), { code: ErrorCode.NotificationNotFound }, "cancelled once");
  resolveTemplate(resolved({ cancellationToken: "conv-7" }));
  assert.equal(await viaInput, answer("Cancel", "Cancelled"));
  assert.equal(q.list().length, 0, "it never showed");

  const byArgument = m.notifyEvent("http://a", { input: { templateName: "msdyn_chat_incoming_unauthenticated" }, cancellationToken: "call-9" });
  assert.equal(m.cancelEvent("http://a", { cancellationToken: "call-9" }), "call-9");
  resolveTemplate(resolved({ cancellationToken: "call-9" }));
  assert.equal(await byArgument, answer("Cancel", "Cancelled"));
});

test("through a page: notifyEvent outlives the page's 10 s call timeout and resolves with the agent's answer", async (t) => {
  const w = agentWorld({ answer: (method, { args }) => (method === "notifyEvent" ? resolved({ cancellationToken: args.input.cancellationToken }) : null) });
  t.after(w.close);
  const page = w.page();
  const result = page.cif.notifyEvent({ templateName: "msdyn_chat_incoming_unauthenticated", templateParameters: { customerName: "Ann" } });
  await until(() => w.agent.queue.list().length === 1);
  const [waiting] = (await w.bridge.handle({ kind: "call", method: BackgroundMethod.Notifications, params: {} }, VIEW_SENDER)).result;
  assert.equal(waiting.title, "Incoming chat request");

  const refused = await page.rawCall("cifbridge.answerNotification", { id: waiting.id, accept: true });
  assert.deepEqual(refused.error, { code: ErrorCode.AgentOnly, message: "cifbridge.answerNotification is one of the agent's own operations; web pages cannot call it" },
    "no web page can answer for the agent");
  assert.equal(await settled(result), false);

  const reply = await w.bridge.handle({ kind: "call", method: BackgroundMethod.AnswerNotification, params: { id: waiting.id, accept: true } }, VIEW_SENDER);
  assert.deepEqual(reply, { ok: true, result: null });
  assert.equal(await result, answer("Accept", "Accept"));
  const again = await w.bridge.handle({ kind: "call", method: BackgroundMethod.AnswerNotification, params: { id: waiting.id, accept: false } }, VIEW_SENDER);
  assert.deepEqual(again.error, { code: ErrorCode.NotificationNotFound, message: "This notification is no longer waiting: it was answered, timed out or withdrawn by its provider" });
});

test("the page gives notifyEvent no time limit, where other calls have CIF's 10 s", async (t) => {
  mock.timers.enable({ apis: ["Date"] }); // the page's clock; the test's own timers stay real
  t.after(() => mock.timers.reset());
  const w = agentWorld({ answer: (method) => (method === "notifyEvent" ? resolved() : new Promise(() => {})) });
  t.after(w.close);
  const page = w.page();
  // The page's long timers wait for the test to run them.
  page.run("globalThis.due = []; { const real = setTimeout; globalThis.setTimeout = (fn, ms) => (ms >= 1000 ? (due.push(fn), 0) : real(fn, ms)); }");
  const call = page.cif.getFocusedSession();
  const result = page.cif.notifyEvent({ templateName: "x" });
  await until(() => w.agent.queue.list().length === 1);
  mock.timers.tick(10_000);
  page.run("due.splice(0).forEach((fn) => fn())");
  await assert.rejects(call, { msdyn_name: "getFocusedSession", errorCode: ErrorCode.Timeout });
  w.agent.queue.answer(w.agent.queue.list()[0].id, false);
  assert.equal(await result, answer("Reject", "DeclinedByAgent"), "notifyEvent waited beyond 10 s for the agent");
});

test("the toolbar button counts the waiting notifications", async (t) => {
  const w = agentWorld({ answer: () => resolved() });
  t.after(w.close);
  const page = w.page();
  page.cif.notifyEvent({ templateName: "x" });
  await until(() => w.api.action.badge.text === "1");
  assert.match(w.api.action.badge.title, /1 waiting for you/);
  w.agent.queue.answer(w.agent.queue.list()[0].id, true);
  await until(() => w.api.action.badge.text === " ");
});

test("desktop notifications: buttons in Chromium, none in Firefox, and the text as text", () => {
  const n = { ...resolved({ title: "<img src=x onerror=alert(1)>" }), id: "n1", provider: "http://a", deadline: 1_000_000 + 90_000 };
  assert.deepEqual(desktopOptions(n, { iconUrl: "chat.png", buttons: true, now: 1_000_000 }), {
    type: "basic", iconUrl: "chat.png", title: "<img src=x onerror=alert(1)>", message: "Customer name: Ann",
    contextMessage: "http://a · answer within 90 s", buttons: [{ title: "Accept" }, { title: "Reject" }], requireInteraction: true,
  });
  assert.deepEqual(desktopOptions({ ...n, showTimeout: false }, { iconUrl: "chat.png", buttons: false, now: 0 }), {
    type: "basic", iconUrl: "chat.png", title: "<img src=x onerror=alert(1)>", message: "Customer name: Ann", contextMessage: "http://a",
  });
  const auto = desktopOptions({ ...n, autoAccept: true, acceptButtonText: "Open", rejectButtonText: undefined }, { iconUrl: "", buttons: true, now: 0 });
  assert.deepEqual(auto.buttons, [{ title: "Open" }], "no reject button where there is none");
});

test("desktop notifications follow the queue once permitted; their buttons answer, a click opens the panel", async () => {
  const clock = new FakeClock();
  const q = new NotificationQueue({ clock });
  const answers = [];
  let opened = 0;
  const api = fakeAgentApi();
  const desktop = new DesktopNotifications({ api, waiting: () => q.list(), answer: (id, accept) => answers.push([id, accept]), openPanel: async () => { opened++; }, now: clock.now });
  q.add("http://a", resolved());
  await desktop.sync();
  assert.deepEqual(api.log, [], "nothing without the permission");

  api.granted.add("notifications");
  await desktop.sync();
  assert.deepEqual([...api.notifications.shown.keys()], ["cif-bridge-n1"]);
  assert.equal(api.notifications.shown.get("cif-bridge-n1").iconUrl, `${EXT_URL}icons/chat.png`);
  api.notifications.onButtonClicked.fire("cif-bridge-n1", 1);
  api.notifications.onButtonClicked.fire("someone-else", 0);
  assert.deepEqual(answers, [["n1", false]]);
  api.notifications.onClicked.fire("cif-bridge-n1");
  await until(() => opened === 1);

  q.answer("n1", true);
  await desktop.sync();
  assert.deepEqual([...api.notifications.shown.keys()], []);
  assert.deepEqual(api.log, [["notify", "cif-bridge-n1"], ["clear", "cif-bridge-n1"]]);
});

test("in Firefox, where notifications have no buttons, a click opens the panel in a window when the sidebar will not open", async () => {
  const { openPanel } = await import("../background/desktop.js");
  const api = fakeAgentApi({ firefox: true });
  api.sidebarAction = { open: async () => { throw new Error("sidebarAction.open may only be called from a user input handler"); } };
  await openPanel(api);
  assert.deepEqual(api.log, [["window", `${EXT_URL}views/panel/panel.html`]]);
  const chromium = fakeAgentApi();
  await openPanel(chromium);
  assert.deepEqual(chromium.log, [["window", `${EXT_URL}views/panel/panel.html`]], "Chromium's side panel wants a gesture too");
});
