import assert from "node:assert/strict";
import { test } from "node:test";
import { ErrorCode } from "../shared/contract.js";
import { BridgeError } from "../shared/errors.js";
import { BackgroundMethod } from "../shared/methods.js";
import { AgentPresence, presenceEvent, showOnToolbar } from "../background/presence.js";
import { agentWorld, fakeAgentApi, PRESENCES } from "./agentfakes.js";
import { FakeStorage, until, VIEW_SENDER } from "./fakes.js";

const [AVAILABLE, BUSY] = PRESENCES;
const ON_A_CALL = { presenceId: "{0b6f}", presenceText: "On a call", presenceColor: "#ff0000", basePresenceStatus: "BUSY" };

/** An AgentPresence over fresh storage, recording its changes. */
function presence(presences = PRESENCES) {
  const changes = [];
  const storage = new FakeStorage();
  const p = new AgentPresence({ storage, hello: async () => ({ presences }), onChange: (x) => changes.push(x.presenceId) });
  return { p, changes, storage };
}

test("the agent starts Available, and setPresence takes a presence of the list by its exact text", async () => {
  const { p, changes, storage } = presence();
  assert.deepEqual(await p.current(), AVAILABLE);
  assert.equal(await p.setText("Busy"), true);
  assert.deepEqual(await p.current(), BUSY);
  assert.deepEqual(storage.items.agentPresence, BUSY, "kept in the browser profile's storage");
  for (const text of ["busy", "Busy ", "Lunch", 42, null]) assert.equal(await p.setText(text), false, `${text} is no presence of the list`);
  assert.deepEqual(await p.current(), BUSY);
  assert.equal(await p.setText("Busy"), true);
  assert.deepEqual(changes, ["busy"], "setting the presence the agent has already changes nothing");
});

test("the agent picks a presence by id; an unknown id is refused", async () => {
  const { p } = presence();
  await p.setId("away");
  assert.equal((await p.current()).presenceText, "Away");
  await assert.rejects(p.setId("lunch"), { code: ErrorCode.InvalidParams, message: 'there is no presence "lunch" in the list; pick one of the list the panel shows' });
});

test("a provider's list adds presences whose id and text are new; setAgentPresence may go beyond the list", async () => {
  const { p } = presence();
  await p.provide([ON_A_CALL, { ...BUSY, presenceColor: "#000" }, { ...ON_A_CALL, presenceId: "x", presenceText: "Available" }]);
  assert.deepEqual((await p.list()).map((x) => x.presenceText), ["Available", "Busy", "Busy - DND", "Away", "Offline", "On a call"]);
  assert.equal(await p.setText("On a call"), true);
  const lunch = { presenceId: "lunch", presenceText: "Lunch", presenceColor: "#fcd116", basePresenceStatus: "AWAY" };
  await p.set(lunch);
  assert.deepEqual(await p.current(), lunch);
});

test("onPresenceChange carries CIF's payload", () => {
  assert.equal(presenceEvent(BUSY), '{"presenceInfo":{"basePresenceStatus":"BUSY","presenceColor":"#c4314b","presenceId":"busy","presenceText":"Busy"}}');
});

test("the toolbar shows the presence's colour and text", async () => {
  const api = fakeAgentApi();
  await showOnToolbar(api.action, BUSY, 0, "CIF Bridge sessions");
  assert.deepEqual(api.action.badge, { text: " ", color: "#c4314b", title: "CIF Bridge sessions · presence: Busy" });
  await showOnToolbar(api.action, BUSY, 2, "CIF Bridge sessions");
  assert.deepEqual(api.action.badge, { text: "2", color: "#c4314b", title: "CIF Bridge sessions · presence: Busy · 2 waiting for you" });
});

/** A handler's payloads, recorded in the page. */
async function listen(page, name) {
  page.run("globalThis.heard = globalThis.heard ?? []");
  await page.cif.addHandler(name, page.run(`(payload) => heard.push(payload)`));
  await page.cif.raiseEvent("flush", {}); // a round trip, after which the page is subscribed
  return () => JSON.parse(JSON.stringify(page.run("heard")));
}

test("presence set by a page and by the agent reaches every provider", async (t) => {
  const w = agentWorld({
    answer: (method, { args }) => {
      if (method === "setAgentPresence") return JSON.parse(args.presenceInfo);
      throw new BridgeError(ErrorCode.MethodNotFound, method);
    },
  });
  t.after(w.close);
  const a = w.page("http://127.0.0.1:8080/softphone");
  const b = w.page("http://localhost:3000/crm");
  const heardA = await listen(a, "onPresenceChange");
  const heardB = await listen(b, "onpresencechange");

  assert.equal(await a.cif.setPresence("Busy"), true);
  const busy = presenceEvent(BUSY);
  await until(() => heardB().length === 1);
  assert.deepEqual(heardA(), [busy]);
  assert.deepEqual(heardB(), [busy], "the other provider hears it too, whatever the letter case of its handler");
  assert.equal(await b.cif.getPresence(), "Busy");
  assert.equal(await b.cif.setPresence("Lunch"), false);

  const reply = await w.bridge.handle({ kind: "call", method: BackgroundMethod.SetPresence, params: { presenceId: "away" } }, VIEW_SENDER);
  assert.deepEqual(reply, { ok: true, result: null });
  await until(() => heardA().length === 2 && heardB().length === 2);
  assert.equal(JSON.parse(heardB()[1]).presenceInfo.presenceText, "Away", "the agent's pick in the panel");
  assert.equal(w.api.action.badge.color, "#fcd116");

  assert.equal(await b.cif.setAgentPresence(JSON.stringify(ON_A_CALL)), true);
  await until(() => heardA().length === 3);
  assert.deepEqual(heardA()[2], presenceEvent(ON_A_CALL));
  assert.deepEqual(w.host.calls.at(-1), { method: "setAgentPresence", params: { provider: "http://localhost:3000", args: { presenceInfo: JSON.stringify(ON_A_CALL) } } },
    "cif-host checks what the page passed");

  const state = (await w.bridge.handle({ kind: "call", method: BackgroundMethod.Presence, params: {} }, VIEW_SENDER)).result;
  assert.deepEqual(state.current, ON_A_CALL);
  assert.equal(state.list.length, 5);
  const forged = await a.rawCall("cifbridge.setPresence", { presenceId: "offline" });
  assert.equal(forged.error.code, ErrorCode.AgentOnly, "a page cannot pick for the agent");
});

test("initializeAgentPresenceList: the checked list becomes the agent's to pick from", async (t) => {
  const w = agentWorld({ answer: (method, { args }) => JSON.parse(args.presenceList) });
  t.after(w.close);
  const page = w.page();
  assert.equal(await page.cif.initializeAgentPresenceList(JSON.stringify([ON_A_CALL])), true);
  assert.equal(await page.cif.setPresence("On a call"), true);
  assert.equal(await page.cif.getPresence(), "On a call");
});
