import assert from "node:assert/strict";
import { test } from "node:test";
import { Lanes, MAX_IN_FLIGHT } from "../background/lanes.js";
import { ErrorCode } from "../shared/contract.js";
import { BridgeError } from "../shared/errors.js";
import { FakeHost, until } from "./fakes.js";

/** A host that holds every call until the test answers it, in the order they came. */
function heldHost() {
  /** @type {{resolve: (v: unknown) => void, reject: (e: unknown) => void}[]} */
  const held = [];
  const host = new FakeHost(() => new Promise((resolve, reject) => held.push({ resolve, reject })));
  /** Answers the oldest call still held. */
  const answer = () => held.shift()?.resolve(null);
  /** "provider:n" for each call cif-host got, in order. */
  const order = () => host.calls.map((c) => `${c.params.provider || "view"}:${c.params.args.n}`);
  return { host, held, answer, order };
}

test("a call goes to cif-host as protocol 2 carries it: the provider beside the caller's args", async () => {
  const host = new FakeHost((method, params) => ({ method, params }));
  const lanes = new Lanes(host);
  const args = { input: { templateName: "t" }, provider: "https://evil.example" };
  assert.deepEqual(await lanes.call("http://127.0.0.1:8080", "createSession", args), {
    method: "createSession",
    params: { provider: "http://127.0.0.1:8080", args },
  });
});

test("providers take turns, one call each, and the views go first", async () => {
  const { host, answer, order } = heldHost();
  const lanes = new Lanes(host, 1);
  const done = [];
  const call = (provider, n) => lanes.call(provider, "m", { n }).then(() => done.push(n));
  [1, 2, 3, 4].forEach((n) => call("http://a", n));
  call("http://b", 1);
  call("http://b", 2);
  call("", 1);
  for (let i = 1; i <= 7; i++) {
    await until(() => host.calls.length === i);
    answer();
  }
  await until(() => done.length === 7);
  assert.deepEqual(order(), ["http://a:1", "view:1", "http://a:2", "http://b:1", "http://a:3", "http://b:2", "http://a:4"]);
});

test("a flood from one provider keeps at most MAX_IN_FLIGHT calls at cif-host, and another provider's call waits for one of them", async () => {
  const { host, answer, order } = heldHost();
  const lanes = new Lanes(host);
  for (let n = 1; n <= 100; n++) lanes.call("http://flood", "m", { n });
  lanes.call("http://other", "m", { n: 1 });
  await until(() => host.calls.length === MAX_IN_FLIGHT);
  answer();
  await until(() => host.calls.length === MAX_IN_FLIGHT + 1);
  answer();
  await until(() => host.calls.length === MAX_IN_FLIGHT + 2);
  assert.deepEqual(order().slice(MAX_IN_FLIGHT), [`http://flood:${MAX_IN_FLIGHT + 1}`, "http://other:1"],
    "the flood's turn, then the other provider's, not the flood's 92 other calls");
  assert.equal(host.calls.length, MAX_IN_FLIGHT + 2, "nothing more than MAX_IN_FLIGHT in flight");
});

test("a failed call passes its error on and frees its place", async () => {
  const { host, held, order } = heldHost();
  const lanes = new Lanes(host, 1);
  const first = lanes.call("http://a", "m", { n: 1 });
  const second = lanes.call("http://a", "m", { n: 2 });
  await until(() => held.length === 1);
  held.shift()?.reject(new BridgeError(ErrorCode.SessionNotFound, "no such session"));
  await assert.rejects(first, { code: ErrorCode.SessionNotFound, message: "no such session" });
  await until(() => held.length === 1);
  held.shift()?.resolve("ok");
  assert.equal(await second, "ok");
  assert.deepEqual(order(), ["http://a:1", "http://a:2"]);
});
