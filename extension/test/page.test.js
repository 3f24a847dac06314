import assert from "node:assert/strict";
import { mock, test } from "node:test";
import { ErrorCode, Wire } from "../shared/contract.js";
import { BridgeError } from "../shared/errors.js";
import { FakeHost, until } from "./fakes.js";
import { pageWorld, testBackground } from "./world.js";

/** Copies a value out of the page's realm, so assertions compare data, not prototypes. */
const plain = (v) => JSON.parse(JSON.stringify(v));

/** Whether a value from the page's realm is a Map. */
const isMap = (v) => Object.prototype.toString.call(v) === "[object Map]";

/** A page world closed when the test ends. */
function world(t, opts) {
  const w = pageWorld(opts);
  t.after(w.close);
  return w;
}

test("CIFInitDone fires once the relay answers", async (t) => {
  const w = world(t);
  await until(() => w.initDone.length === 1);
  assert.deepEqual(plain(w.initDone), [["http://127.0.0.1:8080"]]);
  assert.equal(w.cif.cifBridge, true);
  assert.equal(w.run("globalThis.cifBridgeContract"), undefined, "the content scripts took the contract and left nothing behind");
});

test("a call reaches the host with the page's origin as provider, and undefined parameters left out", async (t) => {
  const w = world(t, { answer: () => "session-1" });
  assert.equal(await w.cif.createSession({ templateName: "msdyn_chat_session" }), "session-1");
  assert.deepEqual(w.calls, [{ method: "createSession", params: { provider: "http://127.0.0.1:8080", args: { input: { templateName: "msdyn_chat_session" } } } }]);
  await w.cif.getTabs(undefined, undefined, "corr-1");
  assert.deepEqual(w.calls[1].params, { provider: "http://127.0.0.1:8080", args: { correlationId: "corr-1" } });
});

test("a host error rejects with CIF's error object", async (t) => {
  const w = world(t, { answer: () => { throw new BridgeError(ErrorCode.SessionNotFound, "Session with ID:x does not exist"); } });
  await assert.rejects(w.cif.getSession("x"), (err) => {
    assert.deepEqual(plain(err), { message: "Session with ID:x does not exist", msdyn_name: "getSession", errorCode: ErrorCode.SessionNotFound });
    return true;
  });
});

test("an unexpected failure in the background still rejects with a readable message", async (t) => {
  const w = world(t, { answer: () => { throw new TypeError("x is undefined"); } });
  await assert.rejects(w.cif.getAllSessions(), { message: "CIF Bridge failed: x is undefined", msdyn_name: "getAllSessions", errorCode: ErrorCode.Internal });
});

test("getSession resolves with a Map that also carries its keys as properties", async (t) => {
  const w = world(t, { answer: () => ({ sessionId: "s1", focused: true, context: { ticket: 7 } }) });
  const result = await w.cif.getSession("s1");
  assert.ok(isMap(result));
  assert.deepEqual(plain(result.get("context")), { ticket: 7 });
  assert.equal(result.sessionId, "s1");
  assert.equal(result.focused, true);
  assert.equal(result.size, 3, "Map's own members are not shadowed");
});

test("methods CIF documents as resolving with nothing resolve with undefined", async (t) => {
  const w = world(t, { answer: () => null });
  assert.equal(await w.cif.focusTab("tab-1"), undefined);
  assert.equal(await w.cif.requestFocusSession("s1", 3, "c"), undefined);
  assert.deepEqual(w.calls.at(-1).params.args, { sessionId: "s1", messagesCount: 3, correlationId: "c" });
  await w.cif.requestFocusSession("s1", "c2");
  assert.deepEqual(w.calls.at(-1).params.args, { sessionId: "s1", correlationId: "c2" });
  assert.equal(await w.cif.getFocusedSession(), null, "null stays null where it is a value");
});

test("parameters that cannot be sent are refused in the page", async (t) => {
  const w = world(t);
  await assert.rejects(w.cif.createSession({ templateName: "x", context: { callback() {} } }), (err) => {
    assert.equal(err.errorCode, ErrorCode.InvalidParams);
    assert.equal(err.msdyn_name, "createSession");
    assert.match(err.message, /^createSession: the parameters cannot be sent \(.+\); pass plain objects, strings, numbers and booleans$/);
    return true;
  });
  assert.deepEqual(w.calls, []);
});

test("values JSON cannot carry, and calls over cif-host's limit, are refused in the relay, which goes on working", async (t) => {
  const w = world(t, { answer: () => true });
  const cyclic = { a: 1 };
  cyclic.self = cyclic;
  const refusals = [
    [{ context: { amount: 10n } }, ErrorCode.InvalidParams,
      'createSession: the parameters cannot be encoded as JSON: they hold a BigInt ("amount"); pass it as a number or a string'],
    [{ context: cyclic }, ErrorCode.InvalidParams,
      "createSession: the parameters cannot be encoded as JSON: they hold an object that contains itself (a cycle); pass plain data without cycles"],
    [{ context: "é".repeat(600_000) }, ErrorCode.MessageTooLarge,
      "createSession: the parameters are 1200024 bytes as JSON, over cif-host's limit of 1048576 for one call; send less data (a smaller context or fewer template parameters)"],
  ];
  for (const [input, errorCode, message] of refusals) {
    await assert.rejects(w.cif.createSession(input), (err) => {
      assert.deepEqual(plain(err), { message, msdyn_name: "createSession", errorCode });
      return true;
    });
  }
  assert.deepEqual(w.calls, [], "nothing reached the host");
  assert.equal(await w.cif.canCreateSession(), true, "the next call goes through");
});

test("a sandboxed frame's calls fail at once with OriginNotAllowed, saying how to fix it", async (t) => {
  mock.timers.enable({ apis: ["setTimeout", "Date"] });
  t.after(() => mock.timers.reset());
  const w = world(t, { origin: "null" });
  mock.timers.tick(0); // CIFInitDone, after the document's own scripts
  assert.deepEqual(plain(w.initDone), [["http://127.0.0.1:8080"]]);
  const call = w.cif.getAllSessions();
  mock.timers.tick(3000); // what a call waits for the relay's acknowledgement
  await assert.rejects(call, {
    message: "getAllSessions: this frame is sandboxed (its origin is opaque), and a sandboxed frame cannot call CIF; add allow-same-origin to the iframe's sandbox attribute, or call Microsoft.CIFramework from the top-level page",
    msdyn_name: "getAllSessions",
    errorCode: ErrorCode.OriginNotAllowed,
  });
  assert.deepEqual(w.calls, []);
});

test("without the extension, a call fails quickly with ExtensionUnavailable", async (t) => {
  mock.timers.enable({ apis: ["setTimeout", "Date"] });
  t.after(() => mock.timers.reset());
  const w = world(t, { relay: false });
  const call = w.cif.canCreateSession();
  mock.timers.tick(3000);
  await assert.rejects(call, {
    message: "the CIF Bridge extension did not answer; check that it is installed and enabled for this site, then reload the page",
    msdyn_name: "canCreateSession",
    errorCode: ErrorCode.ExtensionUnavailable,
  });
});

test("methods that need Dynamics reject with NotSupported", async (t) => {
  const w = world(t);
  for (const name of ["insertNotes", "closeNotes", "openKBSearchControl", "logAnalyticsEvent", "initLogAnalytics", "updateConversation",
    "createTabInHomeSession", "openDialog", "openMDDDialog", "executeFetchQuery", "executeAction"]) {
    await assert.rejects(w.cif[name]("x"), (err) => {
      assert.equal(err.errorCode, ErrorCode.NotSupported);
      assert.equal(err.msdyn_name, name);
      assert.match(err.message, new RegExp(`^${name} .+; see "Not supported" in CIF Bridge's docs/api.md$`), "each says what it needs and what to do");
      return true;
    });
  }
  assert.deepEqual(w.calls, []);
});

test("Dynamics' feature flags are all off", async (t) => {
  const w = world(t);
  assert.equal(await w.cif.isFeatureEnabled("anything"), false);
  assert.equal(await w.cif.getFcsValue("ns", "feature"), false);
  assert.equal(await w.cif.isConsoleApp(), true);
  assert.deepEqual(w.calls, []);
});

test("the panel's mode and width are the background's: hidden while no panel is open", async (t) => {
  const w = world(t);
  assert.equal(await w.cif.getMode(), 2, "no panel hosts providers");
  assert.equal(await w.cif.setMode(0, "c1"), 0, "setMode resolves with the mode, as CIF does");
  assert.equal(await w.cif.getMode(), 2, "and the panel, closed, stays hidden: the browsers open it only for the agent");
  await assert.rejects(w.cif.setMode(3), { errorCode: ErrorCode.InvalidParams, message: "The setMode paramter value must be 0, 1 or 2. (0 minimized, 1 docked, 2 hidden)", msdyn_name: "setMode" });
  assert.equal(await w.cif.getWidth(), 0);
  assert.equal(await w.cif.setWidth(420), 420);
  assert.equal(await w.cif.getWidth(), 420, "until a panel measures itself, the width asked for");
  await assert.rejects(w.cif.setWidth(-1), { errorCode: ErrorCode.InvalidParams, message: "The setWidth parameter value is invalid. Provide a positive number to the parameter." });
  await assert.rejects(w.cif.getMode(5), { errorCode: ErrorCode.InvalidParams, message: "getMode: parameter correlationId must be a string, not a number" });
  assert.deepEqual(w.calls, [], "cif-host is not asked");
});

test("getEnvironment is cif-host's, with the provider's own custom parameters, as CIF's JSON string", async (t) => {
  const host = new FakeHost((method) => (method === "getEnvironment" ? { appUrl: "", customParams: null, etn: "contact", pagetype: "entityrecord", userId: "{A}" } : null));
  const { bridge } = testBackground(host, { providers: [{ name: "soft", label: "Soft", landingUrl: "http://127.0.0.1:8080/soft/", customParams: "{\"queue\":7}", order: 0, enabled: true }] });
  const w = world(t, { url: "http://127.0.0.1:8080/soft/index.html", bridge });
  const env = await w.cif.getEnvironment("c1");
  assert.equal(typeof env, "string");
  assert.deepEqual(JSON.parse(env), { appUrl: "", customParams: "{\"queue\":7}", etn: "contact", pagetype: "entityrecord", userId: "{A}" });
  assert.deepEqual(host.calls, [{ method: "getEnvironment", params: { provider: "http://127.0.0.1:8080", args: { correlationId: "c1" } } }], "args are what the page passed");
  const other = world(t, { url: "http://localhost:3000/", bridge });
  assert.equal(JSON.parse(await other.cif.getEnvironment()).customParams, null, "a page of no configured provider has none");
});

test("openForm passes entityFormOptions as an object or a JSON string", async (t) => {
  const w = world(t, { answer: () => '{"savedEntityReference":[]}' });
  await w.cif.openForm({ entityName: "contact" }, { firstname: "Ann" }, "c1");
  assert.deepEqual(w.calls.at(-1).params.args, { entityFormOptions: { entityName: "contact" }, formParameters: { firstname: "Ann" }, correlationId: "c1" });
  await w.cif.openForm('{"entityName":"contact","entityId":"1"}');
  assert.deepEqual(w.calls.at(-1).params.args, { entityFormOptions: '{"entityName":"contact","entityId":"1"}' });
});

test("message bars: shown in the panel, cleared by their provider, and an action's eventHandler runs when the agent clicks it", async (t) => {
  const host = new FakeHost();
  const background = testBackground(host);
  const w = world(t, { bridge: background.bridge });
  const clicked = [];
  const id = await w.cif.showGlobalNotification({ type: 2, level: 3, message: "Queue is long", showCloseButton: true, action: { actionLabel: "Open queue", eventHandler: (data) => clicked.push(data) } }, "c1");
  assert.match(id, /^notification-/);
  const [bar] = background.bars.list();
  assert.deepEqual({ ...bar, id: "" }, { id: "", kind: "message", provider: "http://127.0.0.1:8080", source: "http://127.0.0.1:8080", message: "Queue is long", level: "warning", showCloseButton: true, actionLabel: "Open queue", actionLink: "", hasHandler: true });
  background.bars.act(id);
  await until(() => clicked.length === 1);
  assert.deepEqual(JSON.parse(clicked[0]), { notificationId: id });

  await assert.rejects(w.cif.showGlobalNotification(null), { errorCode: ErrorCode.InvalidParams, message: "The notificationOptions parameter is null. Provide a value to the parameter: pass {type: 2, level: 4, message: \"…\"}" });
  await assert.rejects(w.cif.clearGlobalNotification(), { errorCode: ErrorCode.InvalidParams, message: "The notificationId parameter is null. Provide a value to the parameter: pass the id showGlobalNotification resolved with" });
  const other = world(t, { url: "http://localhost:3000/", bridge: background.bridge });
  assert.equal(await other.cif.clearGlobalNotification(id), undefined);
  assert.equal(background.bars.list().length, 1, "another provider cannot clear it");
  assert.equal(await w.cif.clearGlobalNotification(id), undefined);
  assert.deepEqual(background.bars.list(), []);

  assert.match(await w.cif.showTimeoutGlobalNotification(), /^notification-/);
  await w.cif.showProgressIndicator("Dialling…");
  assert.deepEqual(background.bars.list().map((b) => [b.kind, b.message]), [["message", "A notification timed out before it was answered."], ["progress", "Dialling…"]]);
  await w.cif.closeProgressIndicator();
  assert.deepEqual(background.bars.list().map((b) => b.kind), ["message"]);
  assert.deepEqual(host.calls, [], "cif-host is not asked");
});

test("a failed msdyn_ciLibrary.js loads as Dynamics' would, and CIFInitDone fires after its load", async (t) => {
  const w = world(t);
  await until(() => w.initDone.length === 1);
  w.run(`globalThis.order = [];
    globalThis.script = (src) => {
      const s = new HTMLScriptElement();
      s.src = src;
      s.addEventListener("load", () => {
        order.push("load " + src);
        window.addEventListener("CIFInitDone", () => order.push("CIFInitDone"), { once: true });
      });
      s.addEventListener("error", () => order.push("error " + src));
      return s;
    };`);
  const org = "https://contoso.crm.dynamics.com/WebResources/Widget/msdyn_ciLibrary.js?ver=9.2";
  w.run(`script(${JSON.stringify(org)}).dispatchEvent(new Event("error"))`);
  w.run(`script("/webresources/widget/MSDYN_CILIBRARY.JS").dispatchEvent(new Event("load"))`);
  w.run(`script("/other.js").dispatchEvent(new Event("error"))`);
  await until(() => w.initDone.length === 2);
  assert.deepEqual(plain(w.run("order")), [`load ${org}`, "load /webresources/widget/MSDYN_CILIBRARY.JS", "error /other.js", "CIFInitDone", "CIFInitDone"],
    "the failure became a load; another script's error stays one; two loads made together share one CIFInitDone, after them");
  await w.cif.getMode(); // a round trip, after which a third would have fired
  assert.equal(w.initDone.length, 2);
});

test("host events reach the handlers as CIF's JSON strings; removeHandler stops them", async (t) => {
  const w = world(t);
  const seen = [];
  const handler = (payload) => seen.push(payload);
  await w.cif.addHandler("onSessionSwitched", handler);
  await w.cif.raiseEvent("flush", {}); // a round trip through the relay, after which the page is subscribed
  w.bridge.deliver("onSessionSwitched", { provider: "http://127.0.0.1:8080", data: { sessionId: "s1", focused: true } });
  w.bridge.deliver("onSessionSwitched", { provider: "http://localhost:1", data: { sessionId: "other", focused: true } });
  await until(() => seen.length === 1);
  assert.deepEqual(seen, ['{"sessionId":"s1","focused":true}']);

  await w.cif.removeHandler("onSessionSwitched", handler);
  w.bridge.deliver("onSessionSwitched", { provider: "http://127.0.0.1:8080", data: { sessionId: "s1", focused: false } });
  await w.cif.raiseEvent("flush", {}); // a round trip, after which the event would have arrived
  assert.equal(seen.length, 1);
});

test("raiseEvent runs this provider's handlers with the parameters as a Map", async (t) => {
  const w = world(t);
  const seen = [];
  await w.cif.addHandler("contoso.ping", (arg) => seen.push(arg));
  await until(() => w.initDone.length === 1);
  assert.equal(await w.cif.raiseEvent("contoso.ping", { value: 42 }), true);
  await until(() => seen.length === 1);
  assert.ok(isMap(seen[0]));
  assert.equal(seen[0].get("value"), 42);
  assert.equal(seen[0].value, 42);
});

test("a failing handler does not stop the others", async (t) => {
  const w = world(t);
  const seen = [];
  t.mock.method(console, "error", () => {});
  await w.cif.addHandler("e", () => { throw new Error("boom"); });
  await w.cif.addHandler("e", (arg) => seen.push(arg));
  await w.cif.raiseEvent("e", "plain");
  await until(() => seen.length === 1);
  assert.deepEqual(seen, ["plain"]);
});

test("addHandler and removeHandler check their arguments with CIF's texts", async (t) => {
  const w = world(t);
  await assert.rejects(w.cif.addHandler("", () => {}), { errorCode: ErrorCode.InvalidParams, message: "The parameter EventName is blank. Provide a value to the parameter: an event name such as onSessionSwitched", msdyn_name: "addHandler" });
  await assert.rejects(w.cif.addHandler("e", "not a function"), { message: "Passing data parameters to addHandler is mandatory: pass the handler function as the second argument" });
  await assert.rejects(w.cif.removeHandler(undefined, () => {}), { msdyn_name: "removeHandler" });
});

test("the API cannot be replaced, and window.Microsoft stays open to other libraries", (t) => {
  const w = world(t);
  const original = w.cif;
  assert.ok(Object.isFrozen(original));
  const typeError = (err) => err.name === "TypeError";
  assert.throws(() => w.run(`"use strict"; window.Microsoft.CIFramework = {}`), typeError);
  assert.throws(() => w.run(`"use strict"; window.Microsoft.CIFramework.createSession = () => 1`), typeError);
  assert.equal(w.run(`delete window.Microsoft.CIFramework`), false);
  w.run(`window.Microsoft = { Maps: 1, CIFramework: "fake" }`);
  assert.equal(w.cif, original);
  assert.equal(w.run(`window.Microsoft.Maps`), 1);
  w.run(`window.Microsoft.Teams = 2`);
  assert.equal(w.run(`window.Microsoft.Teams`), 2);
});

test("the relay takes a calls channel only from its own window and origin", async (t) => {
  const w = world(t);
  await until(() => w.initDone.length === 1);
  const { port1, port2 } = new MessageChannel();
  t.after(() => { port1.close(); port2.close(); });
  const got = [];
  port1.onmessage = (e) => got.push(e.data);
  const connect = { ns: "cif-bridge", v: Wire.VERSION, kind: "connect" };
  w.spoof(connect, { source: {}, ports: [port2] }); // from another window (a frame)
  w.spoof(connect, { origin: "https://evil.example", ports: [port2] });
  w.spoof({ ...connect, ns: "other" }, { ports: [port2] });
  w.spoof({ ...connect, v: Wire.VERSION + 1 }, { ports: [port2] });
  w.spoof({ ...connect, kind: "call" }, { ports: [port2] });
  port1.postMessage({ kind: "call", id: 1, method: "getAllSessions", params: {} });
  await w.cif.getAllSessions(); // a real call's round trip
  assert.deepEqual(got, [], "no channel but the page script's own was taken");
  assert.equal(w.calls.length, 1);
});

test("the TypeScript declarations name exactly the runtime's members", async (t) => {
  const { readFileSync } = await import("node:fs");
  const dts = readFileSync(new URL("../types/cif-framework.d.ts", import.meta.url), "utf8");
  const declared = new Set([...dts.matchAll(/^\s+(?:function|const) (\w+)/gm)].map((m) => m[1]));
  const w = world(t);
  assert.deepEqual([...declared].sort(), Object.keys(w.cif).sort());
});

test("notifyNewActivity, notifyKpiBreach and createSession take CIF's argument orders", async (t) => {
  const w = world(t, { answer: () => null });
  await w.cif.notifyNewActivity("s1", 2, true, "c1");
  assert.deepEqual(w.calls.at(-1).params.args, { sessionId: "s1", count: 2, shouldReset: true, correlationId: "c1" });
  await w.cif.notifyNewActivity("s1", 2, "c2");
  assert.deepEqual(w.calls.at(-1).params.args, { sessionId: "s1", count: 2, correlationId: "c2" }, "older code's (id, count, correlationId)");
  await w.cif.notifyKpiBreach("s1", true, null);
  assert.deepEqual(w.calls.at(-1).params.args, { sessionId: "s1", shouldReset: true, details: null }, "Microsoft's sample raises a breach so");
  await w.cif.createSession({ templateName: "t" }, "c3", "provider-42");
  assert.deepEqual(w.calls.at(-1).params.args, { input: { templateName: "t" }, correlationId: "c3", providerSessionId: "provider-42" });
});
