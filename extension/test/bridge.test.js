import assert from "node:assert/strict";
import { test } from "node:test";
import { AGENT_METHODS, ErrorCode, HostEvent, Wire } from "../shared/contract.js";
import { BackgroundMethod } from "../shared/methods.js";
import { Bridge } from "../background/bridge.js";
import { Lanes } from "../background/lanes.js";
import { EXT_ID, EXT_URL, FakeHost, FakePort, pageSender as page, VIEW_SENDER as view } from "./fakes.js";
import { testBridge } from "./world.js";

/** A bridge whose host records calls and answers with the method's name. */
function setup() {
  const host = new FakeHost((method) => ({ echoed: method }));
  return { bridge: testBridge(host), calls: host.calls, host };
}

const call = (method, params = {}) => ({ kind: "call", method, params });

test("a page's call reaches the host with the provider the browser reported", async () => {
  const { bridge, calls } = setup();
  const reply = await bridge.handle(call("createSession", { input: { templateName: "t" }, provider: "https://evil.example" }), page("http://127.0.0.1:8080/app"));
  assert.deepEqual(reply, { ok: true, result: { echoed: "createSession" } });
  assert.deepEqual(calls, [{ method: "createSession", params: { provider: "http://127.0.0.1:8080", args: { input: { templateName: "t" }, provider: "https://evil.example" } } }],
    "the page's parameters travel as they are, apart from the provider");
});

test("the origin comes from sender.url when sender.origin is missing (older Firefox)", async () => {
  const { bridge, calls } = setup();
  const sender = page("http://localhost:3000/x");
  delete sender.origin;
  await bridge.handle(call("getAllSessions"), sender);
  assert.equal(calls[0].params.provider, "http://localhost:3000");
});

const NO_ORIGIN = "this page has no web origin (a file, a data: address or a sandboxed frame); serve it over http or https, and give a sandboxed frame allow-same-origin or call from the top-level page";

test("refusals, each with its code and message", async (t) => {
  const cases = [
    {
      name: "origin not allowed",
      sender: page("https://crm.example.com/"),
      method: "getAllSessions",
      error: { code: ErrorCode.OriginNotAllowed, message: "the origin https://crm.example.com is not allowed to use CIF Bridge; add it in the extension's options (allowed now: http://localhost, http://127.0.0.1)" },
    },
    {
      name: "cross-origin frame",
      sender: page("http://localhost:9000/frame", { frameId: 3, tab: { id: 1, url: "http://127.0.0.1:8080/" } }),
      method: "getAllSessions",
      error: { code: ErrorCode.OriginNotAllowed, message: "the frame http://localhost:9000 is not of the same origin as its top-level page; CIF Bridge serves top-level pages and their same-origin frames only, and the channel providers its own panel hosts" },
    },
    {
      name: "frame whose top page is unknown",
      sender: page("http://localhost:9000/frame", { frameId: 3, tab: { id: 1 } }),
      method: "getAllSessions",
      error: { code: ErrorCode.OriginNotAllowed, message: "the frame http://localhost:9000 is not of the same origin as its top-level page; CIF Bridge serves top-level pages and their same-origin frames only, and the channel providers its own panel hosts" },
    },
    {
      name: "a frame outside any tab that no panel of the extension hosts",
      sender: { id: "aacpoilajhhjiddkhdigidknphfhbeif", url: "http://localhost:9000/frame", origin: "http://localhost:9000" },
      method: "getAllSessions",
      error: { code: ErrorCode.OriginNotAllowed, message: "the frame http://localhost:9000 is not in a browser tab, and CIF Bridge's panel does not host it; outside tabs CIF Bridge serves only the channel providers its own panel hosts: add http://localhost:9000 as a channel provider in the extension's options" },
    },
    {
      name: "a file page",
      sender: { ...page("http://x/"), url: "file:///home/u/x.html", origin: "null", tab: { url: "file:///home/u/x.html" } },
      method: "getAllSessions",
      error: { code: ErrorCode.OriginNotAllowed, message: NO_ORIGIN },
    },
    {
      name: "a sandboxed frame at an allowed address",
      sender: page("http://127.0.0.1:8080/frame", { origin: "null", frameId: 2, tab: { id: 1, url: "http://127.0.0.1:8080/" } }),
      method: "getAllSessions",
      error: { code: ErrorCode.OriginNotAllowed, message: NO_ORIGIN },
    },
    {
      name: "another extension",
      sender: { id: "other", url: "chrome-extension://other/x.html" },
      method: "getAllSessions",
      error: { code: ErrorCode.OriginNotAllowed, message: "calls from other extensions are refused" },
    },
    {
      name: "a page calling an agent operation",
      sender: page("http://127.0.0.1/"),
      method: "workspace.closeSession",
      error: { code: ErrorCode.AgentOnly, message: "workspace.closeSession is one of the agent's own operations; web pages cannot call it" },
    },
    {
      name: "a page calling hello",
      sender: page("http://127.0.0.1/"),
      method: "hello",
      error: { code: ErrorCode.MethodNotFound, message: "hello is not a CIF method CIF Bridge serves" },
    },
    {
      name: "a view calling a page method",
      sender: view,
      method: "createSession",
      error: { code: ErrorCode.MethodNotFound, message: `createSession is not for the extension's views, which call ${[...AGENT_METHODS, ...Object.values(BackgroundMethod)].join(", ")}` },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const { bridge, calls } = setup();
      assert.deepEqual(await bridge.handle(call(c.method), c.sender), { ok: false, error: c.error });
      assert.deepEqual(calls, [], "nothing reached the host");
    });
  }
});

test("a same-origin frame may call", async () => {
  const { bridge, calls } = setup();
  await bridge.handle(call("getAllSessions"), page("http://127.0.0.1:8080/frame", { frameId: 2, tab: { url: "http://127.0.0.1:8080/top" } }));
  assert.equal(calls.length, 1);
});

test("a calls port's page is identified once under an allowlist, again when it changes, and a frame every time", async () => {
  const host = new FakeHost(() => null);
  let allowed = Object.freeze(["http://127.0.0.1"]);
  let consulted = 0;
  const bridge = new Bridge({
    lanes: new Lanes(host), host, extensionId: EXT_ID, extensionUrl: EXT_URL,
    allowedOrigins: async () => allowed, recordAccess: async () => ({}),
    panelFrame: () => (consulted++, true),
  });
  const top = page("http://127.0.0.1:8080/app");
  const known = {};
  assert.deepEqual(await bridge.handle(call("getAllSessions"), top, known), { ok: true, result: null });
  assert.deepEqual(known, { allowed, caller: { kind: "page", origin: "http://127.0.0.1:8080" } }, "the port's verdict, and the allowlist it was found under");
  allowed = Object.freeze(["http://localhost"]); // the agent takes the site off the list
  assert.deepEqual(await bridge.handle(call("getAllSessions"), top, known), { ok: false, error: { code: ErrorCode.OriginNotAllowed,
    message: "the origin http://127.0.0.1:8080 is not allowed to use CIF Bridge; add it in the extension's options (allowed now: http://localhost)" } });
  assert.equal(host.calls.length, 1, "the refused call did not reach the host");

  const framed = page("http://localhost:3000/in-panel", { frameId: 3, tab: { id: 9, url: "chrome-extension://x/views/panel/panel.html" } });
  const frameKnown = {};
  for (let i = 0; i < 2; i++) assert.equal((await bridge.handle(call("getAllSessions"), framed, frameKnown)).ok, true);
  assert.equal(consulted, 2, "a frame's panel is asked at every call");
  assert.deepEqual(frameKnown, {}, "nothing is kept for a frame");
});

test("malformed messages are refused", async () => {
  const { bridge } = setup();
  assert.equal((await bridge.handle({ kind: "call" }, page("http://127.0.0.1/"))).error.code, ErrorCode.InvalidRequest);
  assert.equal((await bridge.handle(call("getAllSessions", ["x"]), page("http://127.0.0.1/"))).error.code, ErrorCode.InvalidParams);
});

test("the agent's operations, called from a view, go to the host with an empty provider", async () => {
  const { bridge, calls, host } = setup();
  await bridge.handle(call("workspace.switchSession", { sessionId: "s", provider: "http://x" }), view);
  assert.deepEqual(calls, [{ method: "workspace.switchSession", params: { provider: "", args: { sessionId: "s", provider: "http://x" } } }]);
  assert.deepEqual(await bridge.handle(call("cifbridge.status"), view), { ok: true, result: { connected: true } });
  assert.deepEqual(await bridge.handle(call("cifbridge.restartHost"), view), { ok: true, result: null });
  assert.equal(host.restarts, 1);
  assert.deepEqual((await bridge.handle(call("cifbridge.restartHost"), page("http://127.0.0.1/"))).error,
    { code: ErrorCode.AgentOnly, message: "cifbridge.restartHost is one of the agent's own operations; web pages cannot call it" }, "pages cannot restart the host");
});

/** An event port as the browser hands it to onConnect. */
const eventPort = (sender) => new FakePort({ name: Wire.EVENTS_PORT, sender });

test("events reach the pages of the provider that owns the session, and only them", async () => {
  const { bridge } = setup();
  const a1 = eventPort(page("http://127.0.0.1:8080/a"));
  const a2 = eventPort(page("http://127.0.0.1:8080/b"));
  const other = eventPort(page("http://localhost:8080/"));
  const views = eventPort(view);
  for (const p of [a1, a2, other, views]) await bridge.connect(p);

  bridge.deliver("onSessionSwitched", { provider: "http://127.0.0.1:8080", data: { sessionId: "s1", focused: true } });
  const expected = { kind: "event", name: "onSessionSwitched", payload: '{"sessionId":"s1","focused":true}' };
  assert.deepEqual(a1.sent, [expected]);
  assert.deepEqual(a2.sent, [expected]);
  assert.deepEqual(other.sent, []);
  assert.deepEqual(views.sent, []);

  bridge.deliver(HostEvent.WorkspaceChanged, { version: 3 });
  assert.deepEqual(views.sent, [{ kind: "event", name: HostEvent.WorkspaceChanged, payload: { version: 3 } }]);
  assert.equal(a1.sent.length, 1, "pages never see the workspace notification");
  bridge.deliver(HostEvent.RecordChanged, { entityName: "contact", id: "c1", version: 1234 });
  assert.deepEqual(views.sent[1], { kind: "event", name: HostEvent.RecordChanged, payload: { entityName: "contact", id: "c1", version: 1234 } });
  assert.equal(a1.sent.length, 1, "nor another agent's record changes");

  a1.onDisconnect.fire();
  bridge.deliver("onSessionClosed", { provider: "http://127.0.0.1:8080", data: { sessionId: "s1" } });
  assert.equal(a1.sent.length, 1, "a closed port gets nothing more");
  assert.equal(a2.sent.length, 2);
});

test("an event port from a refused caller is told why and closed", async () => {
  const { bridge } = setup();
  const port = eventPort(page("https://elsewhere.example/"));
  await bridge.connect(port);
  assert.equal(port.sent[0].kind, "refused");
  assert.equal(port.sent[0].error.code, ErrorCode.OriginNotAllowed);
  assert.ok(port.disconnected);
});

test("raiseEvent runs the handlers in every page of the caller's provider", async () => {
  const { bridge, calls } = setup();
  const mine = eventPort(page("http://127.0.0.1:8080/a"));
  const theirs = eventPort(page("http://localhost:8080/"));
  await bridge.connect(mine);
  await bridge.connect(theirs);
  const reply = await bridge.handle(call("raiseEvent", { eventName: "contoso.ping", eventInputParameters: { value: 1 } }), page("http://127.0.0.1:8080/b"));
  assert.deepEqual(reply, { ok: true, result: true });
  assert.deepEqual(mine.sent, [{ kind: "event", name: "contoso.ping", payload: { value: 1 } }]);
  assert.deepEqual(theirs.sent, []);
  assert.deepEqual(calls, [], "raiseEvent stays in the extension");
});
