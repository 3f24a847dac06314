import assert from "node:assert/strict";
import { test } from "node:test";
import { groupTitle, TabSync } from "../background/tabsync.js";
import { FakeBrowser, FakeHost, until } from "./fakes.js";

/** A host whose workspace the test sets, recording the agent's calls. */
const fakeHost = (view) => new FakeHost((method) => (method === "workspace.get" ? structuredClone(view) : null));

function session(id, provider, tabs, extra = {}) {
  return { id, provider, title: `Session ${id}`, template: "t", tabs, focusedTab: tabs[0]?.id, attention: {}, ...extra };
}

function setup(view) {
  const browser = new FakeBrowser();
  const host = fakeHost(view);
  const ws = new TabSync({ api: browser.api, call: (method, args) => host.call(method, args), tabPageUrl: (id) => `ext://tab.html?tab=${id}` });
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
  assert.deepEqual(browser.session.items.workspaceTabs, { t1: 100, t2: 101 });
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

test("after a browser restart, restored tabs are adopted and missing ones reopened", async () => {
  const view = { focused: "", sessions: [session("s1", "http://a", [{ id: "t1", anchor: true, url: "https://kept.example/" }, { id: "t2", url: "" }])] };
  const { browser, ws } = setup(view);
  browser.tabs.set(7, { id: 7, url: "https://kept.example/", groupId: -1 }); // restored by the browser
  await ws.start();
  assert.equal(ws.browserTab("t1"), 7);
  assert.deepEqual(browser.log, [["create", "ext://tab.html?tab=t2"]]);
});

test("after a background restart, the saved mapping is used", async () => {
  const view = { focused: "", sessions: [session("s1", "http://a", [{ id: "t1", anchor: true, url: "https://same.example/" }])] };
  const { browser, ws } = setup(view);
  browser.tabs.set(5, { id: 5, url: "https://same.example/", groupId: -1 });
  browser.tabs.set(6, { id: 6, url: "https://same.example/", groupId: -1 });
  browser.session.items.workspaceTabs = { t1: 6 };
  await ws.start();
  assert.equal(ws.browserTab("t1"), 6, "not the first tab with the same address");
  assert.deepEqual(browser.log, []);
});

test("group titles carry the attention indicators", () => {
  assert.equal(groupTitle({ title: "Contoso", attention: {} }), "Contoso");
  assert.equal(groupTitle({ title: "Contoso", attention: { focusRequested: true, newActivity: 3, kpiBreach: true } }), "⚠ ● (3) Contoso");
  assert.equal(groupTitle({ title: "", template: "msdyn_chat_session" }), "msdyn_chat_session");
});
