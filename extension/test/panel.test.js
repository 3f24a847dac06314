import assert from "node:assert/strict";
import { test } from "node:test";
import { ErrorCode, Wire } from "../shared/contract.js";
import { PANEL_PORT, PanelMessage } from "../shared/panel.js";
import { EXT_ID, FakeHost, pageSender, portPair, until } from "./fakes.js";
import { PANEL_URL, pageWorld, testBackground } from "./world.js";

const SOFT = { name: "soft", label: "Softphone", landingUrl: "http://127.0.0.1:8080/soft/", customParams: "", order: 0, enabled: true };
const CHAT = { name: "chat", label: "Chat", landingUrl: "https://chat.example/app", trustedDomain: "https://*.login.example", customParams: "", order: 1, enabled: true };

/**
 * Opens the panel page on a background: in tab tabId, or outside tabs
 * (the side panel, the sidebar) when tabId is null. Resolves once the
 * background has told it what to host.
 * @param {ReturnType<typeof testBackground>} background
 * @param {{tabId?: number | null, hosting?: boolean, url?: string}} [opts]
 */
async function openPanel(background, { tabId = 7, hosting = true, url = PANEL_URL } = {}) {
  const sender = { id: EXT_ID, url, ...(tabId === null ? {} : { tab: { id: tabId, url } }) };
  const [page, end] = portPair(PANEL_PORT, sender);
  const states = [];
  page.onMessage.addListener((m) => states.push(m));
  background.panel.connect(end);
  page.postMessage({ kind: PanelMessage.Hello, hosting });
  await until(() => states.length > 0);
  return { page, states, close: () => page.disconnect() };
}

/** A frame of url in the given tab (null: outside tabs), as the browser reports it. */
function frame(url, tabId = 7, tabUrl = PANEL_URL) {
  return tabId === null ? { id: EXT_ID, url, origin: new URL(url).origin } : pageSender(url, { frameId: 9, tab: { id: tabId, url: tabUrl } });
}

const call = (method, params = {}) => ({ kind: "call", method, params });

test("the panel is told which providers to host, in order, before it loads their pages", async () => {
  const background = testBackground(new FakeHost(), { providers: [CHAT, SOFT, { ...SOFT, name: "off", enabled: false }] });
  const { states } = await openPanel(background);
  assert.deepEqual(states.at(-1), {
    kind: PanelMessage.State, hosting: true, active: "managed:soft", mode: 1, bars: [],
    providers: [
      { id: "managed:soft", label: "Softphone", landingUrl: SOFT.landingUrl, origins: ["http://127.0.0.1:8080"] },
      { id: "managed:chat", label: "Chat", landingUrl: CHAT.landingUrl, origins: ["https://chat.example:443", "https://*.login.example"] },
    ],
  });
});

test("the frame rule: a configured provider's page framed by the extension's panel calls as its own provider", async () => {
  const host = new FakeHost(() => []);
  const background = testBackground(host, { providers: [SOFT, CHAT] });
  const { bridge } = background;
  const refused = (sender) => bridge.handle(call("getAllSessions"), sender).then((r) => r.error?.message ?? "admitted");

  assert.match(await refused(frame(SOFT.landingUrl)), /is not of the same origin as its top-level page/, "no panel is open yet");
  const tabPanel = await openPanel(background, { tabId: 7 });
  assert.equal(await refused(frame(SOFT.landingUrl)), "admitted", "in the panel's tab");
  assert.deepEqual(host.calls.at(-1).params.provider, "http://127.0.0.1:8080", "as the provider of its own origin");
  assert.equal(await refused(frame("https://a.login.example/sso")), "admitted", "the trusted domain too");
  assert.match(await refused(frame("http://localhost:9999/x")), /not of the same origin/, "an origin no provider has");
  assert.match(await refused(frame(SOFT.landingUrl, 8, "http://localhost:3000/evil")), /not of the same origin/, "a hostile page framing the provider in another tab");
  assert.match(await refused(frame(SOFT.landingUrl, 7, "http://localhost:3000/evil")), /not of the same origin/, "the panel's tab, once it shows something else");
  assert.match(await refused(frame(SOFT.landingUrl, null)), /is not in a browser tab, and CIF Bridge's panel does not host it/, "outside tabs, only a panel outside tabs vouches");

  const sidePanel = await openPanel(background, { tabId: null });
  assert.equal(await refused(frame(SOFT.landingUrl, null)), "admitted", "in the side panel or sidebar");
  sidePanel.close();
  tabPanel.close();
  await until(() => !background.panel.admits(frame(SOFT.landingUrl), "http://127.0.0.1:8080") && !background.panel.admits(frame(SOFT.landingUrl, null), "http://127.0.0.1:8080"));
  assert.match(await refused(frame(SOFT.landingUrl, null)), /is not in a browser tab/, "once the panel closed");
  assert.match(await refused(frame(SOFT.landingUrl)), /not of the same origin/);
});

test("a panel with no provider to host leaves the mode hidden", async (t) => {
  const background = testBackground(new FakeHost());
  await openPanel(background);
  const w = pageWorld({ bridge: background.bridge });
  t.after(w.close);
  assert.equal(await w.cif.getMode(), 2);
});

test("only the extension's panel page may open a panel port; the toolbar popup hosts nothing", async () => {
  const background = testBackground(new FakeHost(), { providers: [SOFT] });
  const [, end] = portPair(PANEL_PORT, { id: EXT_ID, url: "http://127.0.0.1:8080/soft/", tab: { id: 3, url: "http://127.0.0.1:8080/soft/" } });
  let closed = false;
  end.disconnect = () => { closed = true; };
  background.panel.connect(end);
  assert.ok(closed, "a web page's port is closed at once");

  const popup = await openPanel(background, { tabId: null, hosting: false, url: `${PANEL_URL}?view=popup` });
  assert.deepEqual(popup.states.at(-1).providers, []);
  const reply = await background.bridge.handle(call("getAllSessions"), frame(SOFT.landingUrl, null));
  assert.equal(reply.error.code, ErrorCode.OriginNotAllowed);
});

test("the mode: hidden while no panel is open; the agent and the shown provider change it, and every provider hears", async (t) => {
  const background = testBackground(new FakeHost(), { providers: [SOFT, CHAT] });
  const soft = pageWorld({ url: SOFT.landingUrl, bridge: background.bridge });
  const other = pageWorld({ url: "http://localhost:3000/", bridge: background.bridge });
  t.after(() => { soft.close(); other.close(); });
  const heard = [];
  await soft.cif.addHandler("onmodechanged", (data) => heard.push(["soft", JSON.parse(data).value]));
  await other.cif.addHandler("onmodechanged", (data) => heard.push(["other", JSON.parse(data).value]));
  await soft.cif.raiseEvent("flush"); // subscribed once this round trip is done
  await other.cif.raiseEvent("flush");

  assert.equal(await soft.cif.getMode(), 2);
  const panel = await openPanel(background);
  await until(() => heard.length === 2);
  assert.deepEqual(heard.splice(0), [["soft", 1], ["other", 1]], "the agent opened the panel");
  assert.equal(await soft.cif.getMode(), 1);

  assert.equal(await soft.cif.setMode(0), 0);
  await until(() => heard.length === 2);
  assert.deepEqual(heard.splice(0), [["soft", 0], ["other", 0]]);
  assert.equal(panel.states.at(-1).mode, 0, "the panel shows its providers minimised");
  await assert.rejects(other.cif.setMode(1), {
    errorCode: ErrorCode.NotOwner,
    message: "This operation can be performed from the active provider: the panel shows Softphone, and setMode works only for the provider it shows; the agent switches providers in the panel",
  });
  await assert.rejects(other.cif.setWidth(100), { errorCode: ErrorCode.NotOwner });

  panel.page.postMessage({ kind: PanelMessage.Mode, mode: 1 });
  await until(() => heard.length === 2);
  assert.deepEqual(heard.splice(0), [["soft", 1], ["other", 1]], "the agent docked them again");
  panel.page.postMessage({ kind: PanelMessage.Show, provider: "managed:chat" });
  // The port's message is delivered before the page's call reaches the background (a later turn).
  await assert.rejects(soft.cif.setMode(2), { errorCode: ErrorCode.NotOwner }, "the agent switched to the chat provider");

  panel.close();
  await until(() => heard.length === 2);
  assert.deepEqual(heard.splice(0), [["soft", 2], ["other", 2]], "the agent closed the panel");
  assert.equal(await other.cif.setMode(1), 1, "with no panel open, nobody is active: the call resolves as CIF's does");
});

test("the width: the panel measures it, providers hear of changes, setWidth cannot change it", async (t) => {
  const background = testBackground(new FakeHost(), { providers: [SOFT] });
  const soft = pageWorld({ url: SOFT.landingUrl, bridge: background.bridge });
  t.after(soft.close);
  const heard = [];
  await soft.cif.addHandler("onsizechanged", (data) => heard.push(JSON.parse(data)));
  await soft.cif.raiseEvent("flush");
  assert.equal(await soft.cif.setWidth(500), 500);
  assert.equal(await soft.cif.getWidth(), 500, "no panel has measured itself yet");

  const panel = await openPanel(background);
  panel.page.postMessage({ kind: PanelMessage.Width, width: 377.6 });
  await until(() => heard.length === 1);
  assert.deepEqual(heard, [{ value: 378 }]);
  assert.equal(await soft.cif.setWidth(600), 600, "resolves as CIF does");
  assert.equal(await soft.cif.getWidth(), 378, "the agent's width stays");
  panel.page.postMessage({ kind: PanelMessage.Width, width: 378 });
  panel.page.postMessage({ kind: PanelMessage.Width, width: -5 });
  panel.page.postMessage({ kind: PanelMessage.Width, width: 420 });
  await until(() => heard.length === 2);
  assert.deepEqual(heard, [{ value: 378 }, { value: 420 }], "only changes, only widths");
});

test("the panel shows message bars as they change, and the agent closes only those with a close button", async () => {
  const background = testBackground(new FakeHost(), { providers: [SOFT] });
  const panel = await openPanel(background);
  const w = pageWorld({ url: SOFT.landingUrl, bridge: background.bridge });
  try {
    const closable = await w.cif.showGlobalNotification({ level: 1, message: "Saved", showCloseButton: true });
    const fixed = await w.cif.showGlobalNotification({ level: "ERROR", message: "Offline", actionLabel: "Help", actionLink: "https://help.example/" });
    await until(() => panel.states.at(-1).bars.length === 2);
    assert.deepEqual(panel.states.at(-1).bars.map((b) => [b.source, b.level, b.message, b.actionLabel, b.actionLink]),
      [["Softphone", "success", "Saved", "", ""], ["Softphone", "error", "Offline", "Help", "https://help.example/"]]);
    panel.page.postMessage({ kind: PanelMessage.Dismiss, id: fixed });
    panel.page.postMessage({ kind: PanelMessage.Dismiss, id: closable });
    await until(() => panel.states.at(-1).bars.length === 1);
    assert.equal(panel.states.at(-1).bars[0].id, fixed);
  } finally {
    w.close();
  }
});

test("showGlobalNotification reads its options strictly and bounds them", async (t) => {
  const background = testBackground(new FakeHost());
  const w = pageWorld({ bridge: background.bridge });
  t.after(w.close);
  const fails = (options) => w.cif.showGlobalNotification(options).then(() => "resolved", (err) => `${err.errorCode} ${err.message}`);
  assert.equal(await fails({ message: "x", leve: 1 }), `${ErrorCode.InvalidParams} showGlobalNotification: there is no parameter notificationOptions.leve; check its spelling and letter case (see docs/api.md)`);
  assert.equal(await fails({ message: 5 }), `${ErrorCode.InvalidParams} showGlobalNotification: parameter notificationOptions.message must be a string, not a number`);
  assert.equal(await fails({ level: 3 }), `${ErrorCode.InvalidParams} showGlobalNotification: notificationOptions.message is blank; pass the text the panel shows`);
  assert.equal(await fails({ message: "x", level: 9 }), `${ErrorCode.InvalidParams} showGlobalNotification: notificationOptions.level is 9; use 1 (success), 2 (error), 3 (warning) or 4 (information)`);
  assert.equal(await fails({ message: "x", actionLink: "javascript:alert(1)" }), `${ErrorCode.InvalidParams} showGlobalNotification: notificationOptions.actionLink is not an http or https address of at most 2048 characters; pass a full URL such as https://contoso.com/help`);
  assert.equal(await fails("text"), `${ErrorCode.InvalidParams} showGlobalNotification: parameter notificationOptions must be an object, not a string`);
  await w.cif.showGlobalNotification({ message: "é".repeat(5000) });
  assert.equal(background.bars.list()[0].message.length, 2000, "a long message is cut to what the panel shows");
  for (let i = 1; i < 5; i++) await w.cif.showGlobalNotification({ message: `m${i}` });
  assert.equal(await fails({ message: "sixth" }), `${ErrorCode.InvalidParams} showGlobalNotification: the panel already shows 5 of this provider's message bars, its most; clear one with clearGlobalNotification first`);
});

test("a panel-hosted provider hears its own events on its events port", async () => {
  const host = new FakeHost(() => null);
  const background = testBackground(host, { providers: [SOFT] });
  await openPanel(background, { tabId: null });
  const [page, end] = portPair(Wire.EVENTS_PORT, frame(SOFT.landingUrl, null));
  const got = [];
  page.onMessage.addListener((m) => got.push(m));
  await background.bridge.connect(end);
  background.bridge.deliver("onSessionSwitched", { provider: "http://127.0.0.1:8080", data: { sessionId: "s1", focused: true } });
  await until(() => got.length === 1);
  assert.deepEqual(got, [{ kind: "event", name: "onSessionSwitched", payload: '{"sessionId":"s1","focused":true}' }]);
});
