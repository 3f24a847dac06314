import assert from "node:assert/strict";
import { test } from "node:test";
import { NativeHost, unavailable } from "../background/host.js";
import { ErrorCode, HOST_NAME, PROTOCOL_VERSION } from "../shared/contract.js";
import { FakePort, until } from "./fakes.js";

const HELLO = { protocolVersion: PROTOCOL_VERSION, extensionVersion: "0.1.0", profileId: "p1" };

/** A NativeHost over fake ports, with the ports it opened. */
function setup(opts = {}) {
  /** @type {FakePort[]} */
  const ports = [];
  const events = [];
  let lastError;
  const host = new NativeHost({
    connectNative: (name) => {
      assert.equal(name, HOST_NAME);
      const port = new FakePort();
      ports.push(port);
      return port;
    },
    lastError: () => lastError,
    helloParams: async () => HELLO,
    onEvent: (method, params) => events.push({ method, params }),
    backoffMs: 0,
    ...opts,
  });
  return { host, ports, events, setLastError: (e) => { lastError = e; } };
}

/** Resolves with what was sent on a port once that is n messages. */
async function sent(port, n) {
  await until(() => port.sent.length >= n);
  return port.sent;
}

/** Answers hello on a port, as cif-host does, once it is sent. */
async function answerHello(port, limits = { maxRequestBytes: 1 << 20 }) {
  const [hello] = await sent(port, 1);
  assert.equal(hello.method, "hello");
  assert.deepEqual(hello.params, HELLO);
  port.reply(hello.id, { protocolVersion: PROTOCOL_VERSION, limits });
}

test("says hello first, then matches replies to calls by id", async () => {
  const { host, ports } = setup();
  const a = host.call("getAllSessions", { provider: "http://x" });
  const b = host.call("canCreateSession", { provider: "http://x" });
  await answerHello(ports[0]);
  const [, first, second] = await sent(ports[0], 3);
  assert.equal(ports.length, 1, "one port for every call");
  assert.equal(first.method, "getAllSessions");
  assert.equal(second.method, "canCreateSession");
  assert.equal(first.jsonrpc, "2.0");
  ports[0].reply(second.id, true);
  ports[0].reply(first.id, ["s1"]);
  assert.deepEqual(await a, ["s1"]);
  assert.equal(await b, true);
});

test("a host error rejects the call with its code and message", async () => {
  const { host, ports } = setup();
  const call = host.call("createSession", {});
  await answerHello(ports[0]);
  ports[0].fail((await sent(ports[0], 2))[1].id, ErrorCode.SessionLimit, "limit reached");
  await assert.rejects(call, { code: ErrorCode.SessionLimit, message: "limit reached" });
});

test("notifications go to onEvent", async () => {
  const { host, ports, events } = setup();
  host.connect();
  await answerHello(ports[0]);
  ports[0].onMessage.fire({ jsonrpc: "2.0", method: "onSessionClosed", params: { provider: "http://x", data: { sessionId: "s" } } });
  assert.deepEqual(events, [{ method: "onSessionClosed", params: { provider: "http://x", data: { sessionId: "s" } } }]);
});

test("a dropped port rejects every pending call with the browser's reason, and the next call reconnects", async () => {
  const { host, ports, setLastError } = setup();
  const calls = [host.call("getAllSessions", {}), host.call("getFocusedSession", {})];
  await answerHello(ports[0]);
  await sent(ports[0], 3);
  setLastError("Native host has exited.");
  ports[0].drop();
  for (const call of calls) {
    await assert.rejects(call, {
      code: ErrorCode.HostUnavailable,
      message: "cif-host is not reachable: Native host has exited.; cif-host stopped; the next call restarts it. If this repeats, read the host log (`cif-host doctor` prints where)",
    });
  }
  setLastError(undefined);
  const next = host.call("getAllSessions", {});
  await until(() => ports.length === 2);
  await answerHello(ports[1]);
  ports[1].reply((await sent(ports[1], 2))[1].id, []);
  assert.deepEqual(await next, []);
});

test("Firefox's silent disconnect still rejects, with a clear message", async () => {
  const { host, ports } = setup();
  const call = host.call("getAllSessions", {});
  await answerHello(ports[0]);
  await sent(ports[0], 2);
  ports[0].drop(null);
  await assert.rejects(call, {
    code: ErrorCode.HostUnavailable,
    message: "cif-host is not reachable (the browser gave no reason); the next call reconnects; if this repeats, run `cif-host doctor` and read the host log",
  });
});

test("a failed hello fails the call and closes the port", async () => {
  const { host, ports } = setup();
  const call = host.call("getAllSessions", {});
  await until(() => ports.length === 1);
  ports[0].fail((await sent(ports[0], 1))[0].id, ErrorCode.ProtocolMismatch, "versions differ");
  await assert.rejects(call, { code: ErrorCode.ProtocolMismatch, message: "versions differ" });
  assert.ok(ports[0].disconnected);
});

test("a busy profile is retried with a fresh host, and heard only when it stays busy", async () => {
  const { host, ports } = setup({ busyRetryMs: 60000 });
  const call = host.call("getAllSessions", {});
  await until(() => ports.length === 1);
  ports[0].fail((await sent(ports[0], 1))[0].id, ErrorCode.ProfileBusy, "another cif-host process is serving this browser profile");
  await until(() => ports.length === 2);
  assert.ok(ports[0].disconnected, "the busy host is let go");
  await answerHello(ports[1]);
  const [, get] = await sent(ports[1], 2);
  ports[1].reply(get.id, []);
  assert.deepEqual(await call, []);

  const { host: impatient, ports: p2 } = setup({ busyRetryMs: 0 });
  const refused = impatient.call("getAllSessions", {});
  await until(() => p2.length === 1);
  p2[0].fail((await sent(p2[0], 1))[0].id, ErrorCode.ProfileBusy, "busy");
  await assert.rejects(refused, { code: ErrorCode.ProfileBusy, message: "busy" });
  assert.equal(p2.length, 1);
});

test("a call made as the connection drops goes to a new connection", async () => {
  const { host, ports } = setup();
  const first = host.call("canCreateSession", {});
  await answerHello(ports[0]);
  const [, sent1] = await sent(ports[0], 2);
  ports[0].reply(sent1.id, true);
  await first;
  // The host dies after the next call found the connection ready, before it was sent.
  const ready = host.connect();
  const second = ready.then(() => host.call("getAllSessions", {}));
  ports[0].drop();
  await until(() => ports.length === 2);
  await answerHello(ports[1]);
  const [, sent2] = await sent(ports[1], 2);
  assert.equal(sent2.method, "getAllSessions");
  ports[1].reply(sent2.id, ["s"]);
  assert.deepEqual(await second, ["s"]);
});

test("a call with no answer times out", async () => {
  const { host, ports } = setup({ timeoutMs: 30 });
  const call = host.call("getAllSessions", {});
  await answerHello(ports[0]);
  await assert.rejects(call, { code: ErrorCode.Timeout });
});

test("a request over the host's limit is refused before it is sent", async () => {
  const { host, ports } = setup();
  host.connect();
  await answerHello(ports[0], { maxRequestBytes: 100 });
  await assert.rejects(host.call("createSession", { input: { context: "é".repeat(60) } }), {
    code: ErrorCode.MessageTooLarge,
  });
  assert.equal(ports[0].sent.length, 1, "only hello was sent");
  assert.ok(!ports[0].disconnected);
});

test("unavailable gives advice for a host that is not registered", () => {
  assert.equal(
    unavailable("Specified native messaging host not found.").message,
    "cif-host is not reachable: Specified native messaging host not found.; cif-host is not registered for this browser or this extension; run ./install.sh, then `cif-host doctor`",
  );
  assert.match(unavailable("No such native application com.cifbridge.host").message, /run \.\/install\.sh/);
});

test("restart closes the port, fails what is in flight, and the next call starts afresh", async () => {
  const { host, ports } = setup();
  const inFlight = host.call("getAllSessions", {});
  await answerHello(ports[0]);
  await sent(ports[0], 2);
  host.restart();
  assert.ok(ports[0].disconnected);
  await assert.rejects(inFlight, { code: ErrorCode.HostUnavailable, message: "cif-host was restarted by the agent while this call waited; call again" });
  assert.deepEqual(host.status(), { connected: false, hello: null, lastError: null });
  const next = host.call("getAllSessions", {});
  await until(() => ports.length === 2);
  await answerHello(ports[1]);
  ports[1].reply((await sent(ports[1], 2))[1].id, ["s"]);
  assert.deepEqual(await next, ["s"]);
  assert.equal(host.status().connected, true);
});

test("a host the browser cannot find: the first call says so, in the browser's words and with the fix", async () => {
  const { host, ports } = setup({
    // The browser drops the port on its own schedule; here as soon as the
    // extension turns to anything else.
    connectNative: () => {
      const port = new FakePort();
      ports.push(port);
      queueMicrotask(() => port.drop("No such native application com.cifbridge.host"));
      return port;
    },
    helloParams: async () => { await new Promise((resolve) => setTimeout(resolve, 0)); return HELLO; },
  });
  const err = await host.call("getAllSessions", { provider: "http://x" }).catch((e) => e);
  const expected = unavailable("No such native application com.cifbridge.host");
  assert.equal(err.code, ErrorCode.HostUnavailable);
  assert.equal(err.message, expected.message);
  assert.match(err.message, /run \.\/install\.sh, then `cif-host doctor`/);
  assert.equal(host.status().lastError, expected.message, "the views' status gives the same words");
});
