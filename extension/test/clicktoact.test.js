import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";
import { ErrorCode } from "../shared/contract.js";
import { linkPayload, looksLikePhone, readPayload } from "../shared/clicktoact.js";
import { BackgroundMethod } from "../shared/methods.js";
import { routeClickToAct } from "../background/clicktoact.js";
import { ClickToActMenu, menuTitle } from "../background/menus.js";
import { watchNavigation } from "../background/navigation.js";
import { agentWorld, fakeAgentApi } from "./agentfakes.js";
import { FakeEvent, until, VIEW_SENDER } from "./fakes.js";

const A = "http://127.0.0.1:8080";
const B = "http://localhost:3000";
const C = "http://localhost:4000";

test("which provider hears the agent's click", () => {
  assert.equal(routeClickToAct({}, "", ""), null, "nobody has click-to-act on");
  assert.equal(routeClickToAct({ [A]: 1 }, "", B), A, "the only one");
  assert.equal(routeClickToAct({ [A]: 1, [B]: 2 }, A, B), A, "the agent's default");
  assert.equal(routeClickToAct({ [A]: 1, [B]: 2 }, C, A), A, "a default without click-to-act on counts for nothing; the focused session's owner");
  assert.equal(routeClickToAct({ [A]: 1, [B]: 2, [C]: 3 }, "", ""), C, "the last to turn it on");
});

test("payloads: CIF's six members, as text, bounded", () => {
  assert.deepEqual(readPayload({ value: "619-555-0129", name: "mobilephone", format: "Phone", entityLogicalName: "contact", entityId: "80ac", extra: "dropped" }),
    { value: "619-555-0129", name: "mobilephone", format: "Phone", entityLogicalName: "contact", entityId: "80ac", recordTitle: "" });
  assert.deepEqual(readPayload({ value: 5550100 }).value, "5550100");
  assert.equal(readPayload("tel:1"), 'the click-to-act data must be an object such as {value: "+1 555 0100", name: "telephone1", format: "Phone"}');
  assert.equal(readPayload({ value: "1", name: {} }), "the click-to-act data's name must be text, not object");
  assert.equal(readPayload({ value: "x".repeat(1025) }), "the click-to-act data's value is 1025 characters long; send at most 1024");
  assert.equal(readPayload({ name: "telephone1" }), "the click-to-act data has no value: pass the phone number or address in value");

  assert.deepEqual(linkPayload("tel:+1%20555%200100", ["tel"]), { value: "+1 555 0100", name: "tel", format: "Phone", entityLogicalName: "", entityId: "", recordTitle: "" });
  assert.equal(linkPayload("sms:+15550100?body=hi", ["tel", "sms"]).value, "+15550100");
  assert.deepEqual(linkPayload("mailto:ann@contoso.com?subject=x", ["mailto"]), { value: "ann@contoso.com", name: "mailto", format: "Email", entityLogicalName: "", entityId: "", recordTitle: "" });
  assert.equal(linkPayload("callto://+15550100", ["callto"]).value, "+15550100");
  assert.equal(linkPayload("sms:+15550100", ["tel"]), null, "a scheme the agent did not choose");
  assert.equal(linkPayload("https://x/tel:1", ["tel"]), null);
  assert.equal(linkPayload("tel:", ["tel"]), null);

  for (const yes of ["+1 (206) 555-0143", "555-0100", "0044 20 7946 0958", "206.555.0143 ext 12"]) assert.ok(looksLikePhone(yes), yes);
  for (const no of ["hello", "12", "call 555-0100", "1234567890123456789012", "2024-01-02T10:00"]) assert.ok(!looksLikePhone(no), no);
});

/** A page's handler's payloads. */
async function listen(page, name) {
  page.run("globalThis.heard = []");
  await page.cif.addHandler(name, page.run("(payload) => heard.push(payload)"));
  await page.cif.raiseEvent("flush", {});
  return () => JSON.parse(JSON.stringify(page.run("heard")));
}

/** A click-to-act world: providers A and B, each with a page listening. */
async function twoProviders(t, opts) {
  const w = agentWorld(opts);
  t.after(w.close);
  const a = w.page(`${A}/softphone`);
  const b = w.page(`${B}/other`);
  return { w, a, b, heardA: await listen(a, "onclicktoact"), heardB: await listen(b, "onClickToAct") };
}

test("setClickToAct is kept per provider, in the browser profile", async (t) => {
  const { w, a, b } = await twoProviders(t);
  assert.equal(await a.cif.getClickToAct(), false);
  assert.equal(await a.cif.setClickToAct(true), undefined);
  assert.equal(await a.cif.getClickToAct(), true);
  assert.equal(await b.cif.getClickToAct(), false, "each provider has its own");
  assert.deepEqual(Object.keys(w.api.storage.local.items.clickToAct), [A]);
  await a.cif.setClickToAct(null);
  assert.equal(await a.cif.getClickToAct(), false, "null turns it off, as in CIF");
});

test("a tel: link reaches the provider with click-to-act on, and only it", async (t) => {
  const { w, a, heardA, heardB } = await twoProviders(t);
  await w.api.storage.local.set({ clickToActOptions: { schemes: ["tel"], links: true } });
  assert.deepEqual(await w.agent.clickToAct.linkClicked("tel:+15550100"), { handled: false }, "nobody has click-to-act on: the link does what it always does");
  await a.cif.setClickToAct(true);
  assert.deepEqual(await w.agent.clickToAct.linkClicked("tel:+15550100"), { handled: true });
  await until(() => heardA().length === 1);
  assert.deepEqual(JSON.parse(heardA()[0]), { value: "+15550100", name: "tel", format: "Phone", entityLogicalName: "", entityId: "", recordTitle: "" });
  assert.deepEqual(await w.agent.clickToAct.linkClicked("mailto:ann@contoso.com"), { handled: false }, "mailto is not among the agent's schemes");
  await a.cif.raiseEvent("flush", {});
  assert.deepEqual(heardB(), [], "a provider without click-to-act hears nothing");
});

test("several providers: the default from the options, else the focused session's owner", async (t) => {
  const { w, a, b, heardA, heardB } = await twoProviders(t);
  await a.cif.setClickToAct(true);
  await b.cif.setClickToAct(true);
  w.tabSync.focused = A;
  const field = { value: "+1 555 0100", name: "telephone1", format: "Phone", entityLogicalName: "contact", entityId: "c-1", recordTitle: "Ann" };
  const reply = await w.bridge.handle({ kind: "call", method: BackgroundMethod.ClickToAct, params: { payload: field } }, VIEW_SENDER);
  assert.deepEqual(reply, { ok: true, result: { provider: A, pages: 1 } }, "the agent clicked a field on a record page");
  await w.api.storage.local.set({ clickToActOptions: { schemes: ["tel"], defaultProvider: B } });
  await w.bridge.handle({ kind: "call", method: BackgroundMethod.ClickToAct, params: { payload: field } }, VIEW_SENDER);
  await until(() => heardA().length === 1 && heardB().length === 1);
  assert.deepEqual(JSON.parse(heardB()[0]), field);
});

test("a page raises CIClickToAct for its own provider only, and cannot fake the agent's click otherwise", async (t) => {
  const { w, a, b, heardA, heardB } = await twoProviders(t);
  const detail = { value: "619-555-0129", name: "mobilephone", format: "Phone", entityLogicalName: "contact", entityId: "80ac" };
  b.run(`window.dispatchEvent(new CustomEvent("CIClickToAct", { detail: ${JSON.stringify(detail)} }))`);
  await a.cif.setClickToAct(true);
  await b.cif.raiseEvent("flush", {});
  assert.deepEqual(heardA(), [], "B's event never reaches A, even with A's click-to-act on");
  assert.deepEqual(heardB(), [], "and B has click-to-act off");

  await b.cif.setClickToAct(true);
  b.run(`window.dispatchEvent(new CustomEvent("CIClickToAct", { detail: { ...${JSON.stringify(detail)}, stray: () => 1 } }))`);
  await until(() => heardB().length === 1);
  assert.deepEqual(JSON.parse(heardB()[0]), { ...detail, recordTitle: "" });
  assert.deepEqual(heardA(), []);

  const spoofed = (method, params) => b.rawCall(method, params);
  assert.equal((await spoofed("cifbridge.clickToAct", { payload: detail })).error.code, ErrorCode.AgentOnly, "the agent's click is the extension's views' to report");
  assert.deepEqual((await spoofed("raiseEvent", { eventName: "onClickToAct", eventInputParameters: detail })).error, {
    code: ErrorCode.InvalidParams,
    message: "raiseEvent: onClickToAct is one of CIF's own events, which only CIF Bridge raises; give your event a name of its own, such as contoso.onClickToAct",
  });
  assert.deepEqual((await spoofed("cifbridge.raiseClickToAct", { detail: { value: {} } })).error, { code: ErrorCode.InvalidParams, message: "the click-to-act data's value must be text, not object" });
  await a.cif.raiseEvent("flush", {});
  assert.deepEqual(heardA(), []);
  assert.equal(w.host.calls.length, 0, "none of this needed cif-host");
});

test("the context menu lists each provider with click-to-act on and calls the one picked", async () => {
  const api = fakeAgentApi();
  const calls = [];
  let enabled = { [B]: 2, [A]: 1 };
  const menu = new ClickToActMenu({ menus: api.contextMenus, enabled: async () => enabled, call: async (payload, to) => calls.push([payload, to]) });
  await menu.rebuild();
  assert.deepEqual([...api.menuItems.values()].map((i) => [i.title, i.contexts]), [
    ["Call “%s” with 127.0.0.1:8080", ["selection"]],
    ["Call “%s” with localhost:3000", ["selection"]],
  ]);
  api.contextMenus.onClicked.fire({ menuItemId: `cif-bridge-call ${B}`, selectionText: " +1 (206) 555-0143 " });
  api.contextMenus.onClicked.fire({ menuItemId: `cif-bridge-call ${A}`, selectionText: "not a number" });
  api.contextMenus.onClicked.fire({ menuItemId: "someone-else", selectionText: "555-0100" });
  await until(() => calls.length === 1);
  assert.deepEqual(calls, [[{ value: "+1 (206) 555-0143", name: "selection", format: "Phone", entityLogicalName: "", entityId: "", recordTitle: "" }, B]]);
  enabled = {};
  await menu.rebuild();
  assert.equal(api.menuItems.size, 0);
  assert.equal(menuTitle("https://softphone.contoso.com"), "Call “%s” with softphone.contoso.com");
});

test("Firefox hides the items when the selection is no phone number", async () => {
  const api = fakeAgentApi({ firefox: true });
  const menu = new ClickToActMenu({ menus: api.contextMenus, enabled: async () => ({ [A]: 1 }), call: async () => {} });
  await menu.rebuild();
  const id = `cif-bridge-call ${A}`;
  api.contextMenus.onShown.fire({ contexts: ["selection", "page"], selectionText: "hello there", menuIds: [id] });
  await until(() => api.menuItems.get(id).visible === false);
  api.contextMenus.onShown.fire({ contexts: ["selection"], selectionText: "555-0100", menuIds: [id] });
  await until(() => api.menuItems.get(id).visible === true);
  assert.deepEqual(api.log.filter(([what]) => what === "refresh").length, 2);
});

test("onPageNavigate: the agent's navigation in the focused session's tab reaches its owner", () => {
  const tabs = { onUpdated: new FakeEvent(), onRemoved: new FakeEvent() };
  const sessions = new Map([[7, { provider: A, focused: true, url: "https://kb.contoso.com/" }], [8, { provider: B, focused: false, url: "https://b.example/" }]]);
  const sent = [];
  watchNavigation({ tabs, tabSync: { sessionOf: (id) => sessions.get(id) }, send: (...args) => sent.push(args) });
  tabs.onUpdated.fire(7, { url: "https://kb.contoso.com/" });
  tabs.onUpdated.fire(7, { status: "complete" });
  assert.deepEqual(sent, [], "the address the tab opened with is no navigation");
  tabs.onUpdated.fire(7, { url: "https://kb.contoso.com/article/42" });
  tabs.onUpdated.fire(8, { url: "https://b.example/elsewhere" });
  tabs.onUpdated.fire(9, { url: "https://not-a-session.example/" });
  tabs.onUpdated.fire(7, { url: "chrome-extension://x/views/tab/tab.html" });
  assert.deepEqual(sent, [[A, "onpagenavigate", '{"value":"https://kb.contoso.com/article/42"}']],
    "only the focused session's owner hears it; other sessions, other tabs and extension pages are not navigation");
  sessions.get(8).focused = true;
  tabs.onUpdated.fire(8, { url: "https://b.example/elsewhere" });
  assert.equal(sent.length, 1, "an address the tab already showed is no navigation");
});

/**
 * content/links.js in a fake page: a document that dispatches clicks, and
 * the storage and runtime it reads and messages.
 */
function linksWorld(items) {
  const sent = [];
  const storage = { get: async () => structuredClone(items), onChanged: new FakeEvent() };
  const document = new EventTarget();
  const location = { href: "https://crm.example/" };
  class HTMLAnchorElement extends EventTarget {
    constructor(href) {
      super();
      this.href = href;
    }
  }
  let reply = { handled: true };
  const runtime = { sendMessage: async (message) => (sent.push(message), reply) };
  const context = vm.createContext({ browser: { storage: { local: storage, onChanged: storage.onChanged }, runtime }, document, location, HTMLAnchorElement });
  const source = readFileSync(new URL("../content/links.js", import.meta.url), "utf8");
  vm.runInContext(source, context);
  /** Clicks a link; returns the event. */
  const click = (href, { trusted = true, ...extra } = {}) => {
    const link = new HTMLAnchorElement(href);
    const event = Object.assign(new Event("click", { cancelable: true }), { button: 0, ...extra, composedPath: () => [link, document] });
    Object.defineProperty(event, "isTrusted", { value: trusted });
    document.dispatchEvent(event);
    return event;
  };
  return { sent, click, location, setReply: (r) => { reply = r; }, again: () => vm.runInContext(source, context) };
}

test("links.js takes over the agent's clicks on the chosen schemes, and nothing else", async () => {
  const l = linksWorld({ clickToActOptions: { schemes: ["tel", "sms"] }, clickToAct: { [A]: 1 } });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(l.click("tel:+15550100").defaultPrevented, true);
  assert.equal(l.click("sms:+15550100").defaultPrevented, true);
  assert.equal(l.click("mailto:ann@contoso.com").defaultPrevented, false, "a scheme the agent did not choose");
  assert.equal(l.click("https://contoso.com/").defaultPrevented, false);
  assert.equal(l.click("tel:1", { trusted: false }).defaultPrevented, false, "a click the page's scripts made is not the agent's");
  assert.equal(l.click("tel:1", { ctrlKey: true }).defaultPrevented, false);
  await until(() => l.sent.length === 2);
  assert.deepEqual(JSON.parse(JSON.stringify(l.sent)), [{ kind: "clickToAct", href: "tel:+15550100" }, { kind: "clickToAct", href: "sms:+15550100" }]);

  l.setReply({ handled: false });
  l.click("tel:+15550199");
  await until(() => l.location.href === "tel:+15550199");
});

test("links.js does nothing while no provider has click-to-act on", async () => {
  const l = linksWorld({ clickToActOptions: { schemes: ["tel"] }, clickToAct: {} });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(l.click("tel:+15550100").defaultPrevented, false);
  assert.deepEqual(l.sent, []);
});

test("links.js runs once in a frame, however often it is registered", async () => {
  const l = linksWorld({ clickToActOptions: { schemes: ["tel"] }, clickToAct: { [A]: 1 } });
  await new Promise((resolve) => setImmediate(resolve));
  l.again();
  await new Promise((resolve) => setImmediate(resolve));
  l.click("tel:1");
  await until(() => l.sent.length === 1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(l.sent.length, 1);
});

test("a record page's marked field starts click-to-act with the payload its attributes carry", async () => {
  const { wireClickToAct } = await import("../views/shared/clicktoact.js");
  const attrs = {
    "data-cif-click-to-act": "", "data-cif-click-to-act-value": "+1 555 0100", "data-cif-click-to-act-name": "telephone1",
    "data-cif-click-to-act-format": "Phone", "data-cif-click-to-act-entity-logical-name": "contact",
    "data-cif-click-to-act-entity-id": "c-1", "data-cif-click-to-act-record-title": "Ann Smith",
  };
  const field = { getAttribute: (name) => attrs[name] ?? null, hasAttribute: (name) => name in attrs };
  const sent = [];
  const api = { runtime: { sendMessage: async (message) => (sent.push(message), { ok: true, result: { provider: A, pages: 1 } }) } };
  const root = new EventTarget();
  wireClickToAct(api, root);
  const click = (target) => {
    const event = Object.assign(new Event("click", { cancelable: true }), {});
    Object.defineProperty(event, "target", { value: target });
    root.dispatchEvent(event);
    return event;
  };
  assert.equal(click({ closest: (sel) => (sel === "[data-cif-click-to-act]" ? field : null) }).defaultPrevented, true);
  assert.equal(click({ closest: () => null }).defaultPrevented, false, "an unmarked element");
  assert.deepEqual(sent, [{ kind: "call", method: BackgroundMethod.ClickToAct, params: { payload: {
    value: "+1 555 0100", name: "telephone1", format: "Phone", entityLogicalName: "contact", entityId: "c-1", recordTitle: "Ann Smith",
  } } }]);
});
