import assert from "node:assert/strict";
import { test } from "node:test";
import { AddressMarks, TabValueMarks } from "../background/tabmarks.js";
import { groupTitle, TabSync } from "../background/tabsync.js";
import { FakeBrowser, FakeHost, until } from "./fakes.js";

/** A host whose workspace the test sets, recording the agent's calls. */
const fakeHost = (view) => new FakeHost((method) => (method === "workspace.get" ? structuredClone(view) : null));

function session(id, provider, tabs, extra = {}) {
  return { id, provider, title: `Session ${id}`, template: "t", tabs, focusedTab: tabs[0]?.id, attention: {}, ...extra };
}

/** The marks each browser uses, over the fake browser's APIs. */
const MARKS = {
  chromium: (browser) => new AddressMarks(browser.local, browser.api.tabGroups),
  firefox: (browser) => new TabValueMarks(browser.sessions),
};

/**
 * A tab sync over a fake browser, with Chromium's marks unless told
 * otherwise. Tabs put in browser before start() are those the browser
 * restored at start-up.
 */
function setup(view, { marks = "chromium", browser = new FakeBrowser(), host = fakeHost(view) } = {}) {
  const ws = new TabSync({
    api: browser.api,
    marks: MARKS[marks](browser),
    call: (method, args) => host.call(method, args),
    tabPageUrl: (id) => `ext://tab.html?tab=${id}`,
  });
  return { browser, host, ws };
}

test("each session opens as a titled group, anchor first, and the focused tab is activated", async () => {
  const view = {
    focused: "s1",
    sessions: [session("s1", "http://a", [{ id: "t1", anchor: true, url: "" }, { id: "t2", url: "https://x.example/" }])],
  };
  const { browser, ws } = setup(view);
  await ws.start();
  assert.deepEqual(browser.log, [["create", "ext://tab.html?tab=t1"], ["create", "https://x.example/"], ["activate", 100]]);
  const [a, b] = [browser.tabs.get(100), browser.tabs.get(101)];
  assert.equal(a.groupId, b.groupId);
  assert.equal(browser.groupTitles.get(a.groupId), "Session s1");
  assert.deepEqual(browser.session.items.tabSync, { tabs: { t1: 100, t2: 101 }, startup: null });
});

test("new, closed and refreshed host tabs are applied; unchanged focus is left alone", async () => {
  const view = { focused: "s1", sessions: [session("s1", "http://a", [{ id: "t1", anchor: true, url: "" }])] };
  const { browser, host, ws } = setup(view);
  await ws.start();
  browser.tabs.get(100).active = false; // the agent went elsewhere
  browser.log = [];
  view.sessions[0].tabs.push({ id: "t2", url: "https://y.example/" });
  view.sessions[0].tabs[0].refreshes = 1;
  await ws.changed();
  assert.deepEqual(browser.log, [["reload", 100], ["create", "https://y.example/"]], "focus did not move, so nothing is activated");
  browser.log = [];
  view.sessions[0].tabs.pop();
  await ws.changed();
  assert.deepEqual(browser.log, [["remove", 101]]);
  assert.deepEqual(host.calls.filter((c) => c.method !== "workspace.get"), [], "closing a tab itself tells the host nothing");
});

test("the agent's closing and activating of tabs reach the host", async () => {
  const view = {
    focused: "s2",
    sessions: [session("s1", "http://a", [{ id: "t1", anchor: true }]), session("s2", "http://b", [{ id: "t2", anchor: true }])],
  };
  const { browser, host, ws } = setup(view);
  await ws.start();
  browser.api.tabs.onActivated.fire({ tabId: 100 });
  browser.close(101);
  browser.api.tabs.onRemoved.fire(999, { isWindowClosing: false }); // not a session's tab
  browser.api.tabs.onRemoved.fire(100, { isWindowClosing: true }); // the window, not the agent
  await until(() => host.calls.length === 3);
  assert.deepEqual(host.calls.filter((c) => c.method !== "workspace.get"), [
    // Not the activation of t2 that start() made itself.
    { method: "workspace.focusTab", params: { tabId: "t1" } },
    { method: "workspace.closeTab", params: { tabId: "t2" } },
  ]);
});

for (const marks of Object.keys(MARKS)) {
  test(`${marks}: after a browser restart, the restored tabs go back to their sessions, and a page's tab with the same address does not`, async () => {
    const view = { focused: "s1", sessions: [session("s1", "http://a", [{ id: "t1", anchor: true, url: "https://kept.example/" }, { id: "t2", url: "" }])] };
    const { browser: before, ws: first } = setup(view, { marks });
    await first.start();
    const [t1, t2] = [first.browserTab("t1"), first.browserTab("t2")];
    // A page opens a tab with t1's address, which Chromium can put in the session's
    // group, just before t1; the tab sync hears of it and notes where t1 now is.
    before.open({ id: 9, url: "https://kept.example/", groupId: before.tabs.get(t1).groupId }, t1);
    if (marks === "chromium") await until(() => before.local.items.cifBridgeHostTab.t1.nth === 1);

    const after = before.restarted(); // the page's tab, t1 and t2 become 1, 2 and 3
    const { ws } = setup(view, { marks, browser: after });
    await ws.start();
    assert.deepEqual([ws.browserTab("t1"), ws.browserTab("t2")], [2, 3], `not the page's tab (was ${t1}, ${t2})`);
    assert.deepEqual(after.log, [], "nothing was opened again");
  });
}

test("chromium: after a browser restart, look-alike tabs of look-alike sessions each go back to their own", async () => {
  const tab = (id) => [{ id, anchor: true, url: "https://same.example/" }];
  const view = { focused: "", sessions: [session("s1", "http://a", tab("t1"), { title: "Chat" }), session("s2", "http://a", tab("t2"), { title: "Chat" })] };
  const { browser: before, ws: first } = setup(view);
  await first.start();
  const after = before.restarted();
  const { ws } = setup(view, { browser: after });
  await ws.start();
  assert.deepEqual([ws.browserTab("t1"), ws.browserTab("t2")], [1, 2]);
  assert.deepEqual(after.log, []);
});

test("after a browser restart, Firefox takes back the restored tabs that carry its mark, and marks those it opens", async () => {
  const view = { focused: "", sessions: [session("s1", "http://a", [{ id: "t1", anchor: true, url: "https://kept.example/" }, { id: "t2", url: "https://other.example/" }])] };
  const browser = new FakeBrowser();
  browser.tabs.set(7, { id: 7, url: "https://somewhere.else/", groupId: -1 }); // the agent navigated it
  browser.tabValues.set(7, { cifBridgeHostTab: "t1" });
  browser.tabs.set(8, { id: 8, url: "https://other.example/", groupId: -1 }); // a page's tab
  const { ws } = setup(view, { marks: "firefox", browser });
  await ws.start();
  assert.equal(ws.browserTab("t1"), 7);
  assert.equal(ws.browserTab("t2"), 100, "a tab with the address but without the mark is not taken");
  assert.deepEqual(browser.tabValues.get(100), { cifBridgeHostTab: "t2" });
  assert.equal(browser.tabValues.get(8), undefined);
});

for (const marks of Object.keys(MARKS)) {
  test(`${marks}: a tab that appears after start-up is never taken into a session, whatever it carries`, async () => {
    const view = { focused: "", sessions: [session("s1", "http://a", [{ id: "t1", anchor: true, url: "https://kept.example/" }])] };
    const browser = new FakeBrowser();
    browser.local.items.cifBridgeHostTab = { t1: { url: "https://kept.example/", group: "Session s1" } };
    // A page opens a tab with the session's address after the background started and
    // before its first pass; as hostile as can be: in a group with the session's title,
    // even with the mark (which no page can set).
    const host = new FakeHost((method) => {
      browser.groupTitles.set(50, "Session s1");
      browser.tabs.set(9, { id: 9, url: "https://kept.example/", groupId: 50 });
      browser.tabValues.set(9, { cifBridgeHostTab: "t1" });
      return structuredClone(view);
    });
    const { ws } = setup(view, { marks, browser, host });
    await ws.start();
    assert.equal(ws.browserTab("t1"), 100);
    assert.deepEqual(browser.log, [["create", "https://kept.example/"]]);
  });

  test(`${marks}: a tab a page opened with the address of a new session tab is not taken`, async () => {
    const view = { focused: "", sessions: [session("s1", "http://a", [{ id: "t1", anchor: true, url: "https://a.example/" }])] };
    const { browser, ws } = setup(view, { marks });
    await ws.start();
    browser.tabs.set(9, { id: 9, url: "https://b.example/", groupId: -1 }); // another provider's page opened it
    view.sessions[0].tabs.push({ id: "t2", url: "https://b.example/" });
    await ws.changed();
    assert.equal(ws.browserTab("t2"), 101);
    assert.equal(browser.tabs.get(9).groupId, -1);
  });
}

test("when the first pass after start-up fails, the next one still takes the restored tabs back", async () => {
  const view = { focused: "", sessions: [session("s1", "http://a", [{ id: "t1", anchor: true, url: "https://kept.example/" }])] };
  const browser = new FakeBrowser();
  browser.tabs.set(7, { id: 7, url: "https://kept.example/", groupId: -1 });
  browser.tabValues.set(7, { cifBridgeHostTab: "t1" });
  const errors = [];
  const host = new FakeHost(() => {
    if (host.calls.length === 1) throw new Error("cif-host is not reachable");
    return structuredClone(view);
  });
  const ws = new TabSync({ api: browser.api, marks: MARKS.firefox(browser), call: (m, a) => host.call(m, a), tabPageUrl: String, onError: (e) => errors.push(e.message) });
  await ws.start();
  assert.deepEqual(errors, ["cif-host is not reachable"]);
  await ws.changed();
  assert.equal(ws.browserTab("t1"), 7);
  assert.deepEqual(browser.log, []);
});

test("after a background restart, the saved mapping is used and nothing is taken back", async () => {
  const view = { focused: "", sessions: [session("s1", "http://a", [{ id: "t1", anchor: true, url: "https://same.example/" }])] };
  const browser = new FakeBrowser();
  browser.tabs.set(5, { id: 5, url: "https://same.example/", groupId: -1 });
  browser.tabValues.set(5, { cifBridgeHostTab: "t1" });
  browser.tabs.set(6, { id: 6, url: "https://same.example/", groupId: -1 });
  browser.session.items.tabSync = { tabs: { t1: 6 }, startup: null };
  const { ws } = setup(view, { marks: "firefox", browser });
  await ws.start();
  assert.equal(ws.browserTab("t1"), 6);
  assert.deepEqual(browser.log, []);
});

test("an announced change that touches nothing the browser shows is applied without reading the workspace or touching tabs", async () => {
  const view = { focused: "s1", version: 1, sessions: [session("s1", "http://a", [{ id: "t1", anchor: true, url: "" }])] };
  const { browser, host, ws } = setup(view);
  await ws.start();
  const [reads, log] = [host.calls.length, browser.log.length];
  const chat = session("s2", "http://b", []); // a session without tabs, focused
  await ws.changed({ version: 2, change: { put: [chat], focus: "s2" } });
  await ws.changed({ version: 3, change: { put: [{ ...chat, title: "Renamed" }] } });
  assert.equal(host.calls.length, reads, "no workspace.get");
  assert.equal(browser.log.length, log, "no tab touched");
  assert.equal(ws.focusedProvider(), "http://b", "what it knows follows the changes");
  await ws.changed({ version: 4, change: { delete: ["s2"], focus: "s1" } });
  assert.equal(ws.focusedProvider(), "http://a");
});

test("an announced change to what the browser shows is applied to the tabs without reading the workspace", async () => {
  const view = { focused: "s1", version: 1, sessions: [session("s1", "http://a", [{ id: "t1", anchor: true, url: "" }])] };
  const { browser, host, ws } = setup(view);
  await ws.start();
  const reads = host.calls.length;
  browser.log = [];
  const grown = session("s1", "http://a", [{ id: "t1", anchor: true, url: "" }, { id: "t2", url: "https://y.example/" }], { focusedTab: "t1" });
  await ws.changed({ version: 2, change: { put: [grown] } });
  assert.deepEqual(browser.log, [["create", "https://y.example/"]]);
  await ws.changed({ version: 3, change: { put: [{ ...grown, title: "Renamed" }] } });
  assert.equal(browser.groupTitles.get(browser.tabs.get(100).groupId), "Renamed");
  assert.equal(host.calls.length, reads, "no workspace.get");
});

test("a missed change, or one announced without its sessions, is read from the host", async () => {
  const view = { focused: "s1", version: 1, sessions: [session("s1", "http://a", [{ id: "t1", anchor: true, url: "" }])] };
  const { browser, host, ws } = setup(view);
  await ws.start();
  browser.log = [];
  view.version = 3;
  view.sessions[0].tabs.push({ id: "t2", url: "https://y.example/" });
  await ws.changed({ version: 3, change: { put: [] } }); // version 2 never arrived
  assert.deepEqual(browser.log, [["create", "https://y.example/"]]);
  view.version = 4;
  view.sessions[0].tabs.pop();
  await ws.changed({ version: 4 }); // too large to announce
  assert.deepEqual(browser.log.at(-1), ["remove", 101]);
  assert.equal(host.calls.filter((c) => c.method === "workspace.get").length, 3);
  ws.reconnected(); // a new cif-host: its next change is checked against a fresh read
  view.version = 5;
  await ws.changed({ version: 5, change: {} });
  assert.equal(host.calls.filter((c) => c.method === "workspace.get").length, 4);
});

test("a tab the agent closed that the host keeps is opened again", async () => {
  const view = { focused: "s1", version: 1, sessions: [session("s1", "http://a", [{ id: "t1", anchor: true, url: "" }, { id: "t2", url: "https://y.example/" }])] };
  const host = new FakeHost((method) => {
    if (method === "workspace.closeTab") throw new Error("this tab cannot be closed");
    return structuredClone(view);
  });
  const { browser, ws } = setup(view, { host });
  await ws.start();
  browser.log = [];
  browser.close(101);
  await until(() => browser.log.some(([what]) => what === "create"));
  assert.deepEqual(browser.log, [["create", "https://y.example/"]]);
});

test("group titles carry the attention indicators", () => {
  assert.equal(groupTitle({ title: "Contoso", attention: {} }), "Contoso");
  assert.equal(groupTitle({ title: "Contoso", attention: { focusRequested: true, newActivity: 3, kpiBreach: true } }), "⚠ ● (3) Contoso");
  assert.equal(groupTitle({ title: "", template: "msdyn_chat_session" }), "msdyn_chat_session");
});
