// A page's calls travel from its relay to the background on one port
// (Wire.CALLS_PORT), not as one runtime message each.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Bridge } from "../background/bridge.js";
import { ErrorCode, Wire } from "../shared/contract.js";
import { DEFAULT_ALLOWED_ORIGINS } from "../shared/origins.js";
import { FakeEvent } from "./fakes.js";
import { EXT_ID, pageWorld, until } from "./world.js";

/** A calls port as the browser hands it to onConnect, from a page at url. */
function callsPort(url) {
  return {
    name: Wire.CALLS_PORT,
    sender: { id: EXT_ID, url, origin: new URL(url).origin, frameId: 0, tab: { id: 1, url } },
    received: [],
    onMessage: new FakeEvent(),
    onDisconnect: new FakeEvent(),
    postMessage(m) { this.received.push(m); },
    disconnect() {},
  };
}

/** Resolves with what the port received once that is n messages. */
async function received(port, n) {
  await until(() => port.received.length >= n);
  return port.received;
}

test("calls on a calls port are answered by id, each checked as a runtime message is", async () => {
  const pending = [];
  const host = { call: (method, params) => new Promise((resolve) => pending.push(() => resolve({ method, params }))) };
  const bridge = new Bridge({ host, extensionId: EXT_ID, extensionUrl: `chrome-extension://${EXT_ID}/`, allowedOrigins: async () => DEFAULT_ALLOWED_ORIGINS });
  const port = callsPort("http://127.0.0.1:8080/app");
  await bridge.connect(port);

  port.onMessage.fire({ id: 1, call: { kind: "call", method: "getFocusedSession", params: { provider: "https://evil.example" } } });
  port.onMessage.fire({ id: 2, call: { kind: "call", method: "getAllSessions", params: {} } });
  port.onMessage.fire({ id: 3, call: { kind: "call", method: "workspace.closeSession", params: { sessionId: "s" } } });
  await until(() => pending.length === 2);
  pending[1](); // the host answers the second call first
  pending[0]();
  const replies = await received(port, 3);
  assert.deepEqual(replies.find((r) => r.id === 1), { id: 1, reply: { ok: true, result: { method: "getFocusedSession", params: { provider: "http://127.0.0.1:8080" } } } });
  assert.deepEqual(replies.find((r) => r.id === 2), { id: 2, reply: { ok: true, result: { method: "getAllSessions", params: { provider: "http://127.0.0.1:8080" } } } });
  assert.equal(replies.find((r) => r.id === 3).reply.error.code, ErrorCode.AgentOnly);
  assert.equal(replies[0].id, 3, "a refusal does not wait for the host's answers");
});

test("a page whose origin is not allowed has each call refused on its calls port", async () => {
  const host = { call: () => assert.fail("a refused call reached the host") };
  const bridge = new Bridge({ host, extensionId: EXT_ID, extensionUrl: `chrome-extension://${EXT_ID}/`, allowedOrigins: async () => DEFAULT_ALLOWED_ORIGINS });
  const port = callsPort("https://crm.example.com/");
  await bridge.connect(port);
  port.onMessage.fire({ id: 7, call: { kind: "call", method: "getAllSessions", params: {} } });
  const [reply] = await received(port, 1);
  assert.equal(reply.id, 7);
  assert.equal(reply.reply.error.code, ErrorCode.OriginNotAllowed);
});

test("when the background goes away mid-call, the call fails and the next call reconnects", async (t) => {
  let answer = null;
  const ports = [];
  const real = new Bridge({
    host: { call: (method) => (method === "getAllSessions" ? new Promise(() => {}) : answer) },
    extensionId: EXT_ID,
    extensionUrl: `chrome-extension://${EXT_ID}/`,
    allowedOrigins: async () => DEFAULT_ALLOWED_ORIGINS,
  });
  // The background's side, with a hand on the calls ports it was given.
  const bridge = {
    handle: (message, sender) => real.handle(message, sender),
    connect: (port) => {
      if (port.name === Wire.CALLS_PORT) ports.push(port);
      return real.connect(port);
    },
  };
  const w = pageWorld({ bridge });
  t.after(w.close);

  const stuck = w.cif.getAllSessions();
  await until(() => ports.length === 1);
  ports[0].disconnect(); // the service worker stops
  await assert.rejects(stuck, (err) => {
    assert.equal(err.errorCode, ErrorCode.ExtensionUnavailable);
    assert.match(err.message, /\(the background stopped before it answered\)/);
    return true;
  });

  answer = "session-1";
  assert.equal(await w.cif.getFocusedSession(), "session-1");
  assert.equal(ports.length, 2, "the relay opened a new calls port");
});
