// A page's calls travel from its relay to the background on one port
// (Wire.CALLS_PORT), not as one runtime message each.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ErrorCode, Wire } from "../shared/contract.js";
import { FakeHost, FakePort, pageSender, until } from "./fakes.js";
import { pageWorld, testBridge } from "./world.js";

/** A calls port as the browser hands it to onConnect, from a page at url. */
const callsPort = (url) => new FakePort({ name: Wire.CALLS_PORT, sender: pageSender(url) });

/** Resolves with what the port was sent once that is n messages. */
async function received(port, n) {
  await until(() => port.sent.length >= n);
  return port.sent;
}

test("calls on a calls port are answered by id, each checked as a runtime message is", async () => {
  const pending = [];
  const bridge = testBridge(new FakeHost((method, params) => new Promise((resolve) => pending.push(() => resolve({ method, params })))));
  const port = callsPort("http://127.0.0.1:8080/app");
  await bridge.connect(port);

  port.onMessage.fire({ id: 1, call: { kind: "call", method: "getFocusedSession", params: { provider: "https://evil.example" } } });
  port.onMessage.fire({ id: 2, call: { kind: "call", method: "getAllSessions", params: {} } });
  port.onMessage.fire({ id: 3, call: { kind: "call", method: "workspace.closeSession", params: { sessionId: "s" } } });
  await until(() => pending.length === 2);
  pending[1](); // the host answers the second call first
  pending[0]();
  const replies = await received(port, 3);
  assert.deepEqual(replies.find((r) => r.id === 1), { id: 1, reply: { ok: true, result: { method: "getFocusedSession", params: { provider: "http://127.0.0.1:8080", args: { provider: "https://evil.example" } } } } });
  assert.deepEqual(replies.find((r) => r.id === 2), { id: 2, reply: { ok: true, result: { method: "getAllSessions", params: { provider: "http://127.0.0.1:8080", args: {} } } } });
  assert.equal(replies.find((r) => r.id === 3).reply.error.code, ErrorCode.AgentOnly);
  assert.equal(replies[0].id, 3, "a refusal does not wait for the host's answers");
});

test("a page whose origin is not allowed has each call refused on its calls port", async () => {
  const host = new FakeHost();
  const bridge = testBridge(host);
  const port = callsPort("https://crm.example.com/");
  await bridge.connect(port);
  port.onMessage.fire({ id: 7, call: { kind: "call", method: "getAllSessions", params: {} } });
  const [reply] = await received(port, 1);
  assert.equal(reply.id, 7);
  assert.equal(reply.reply.error.code, ErrorCode.OriginNotAllowed);
  assert.deepEqual(host.calls, [], "a refused call does not reach the host");
});

test("when the background goes away mid-call, the call fails and the next call reconnects", async (t) => {
  let answer = null;
  const ports = [];
  const real = testBridge(new FakeHost((method) => (method === "getAllSessions" ? new Promise(() => {}) : answer)));
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
