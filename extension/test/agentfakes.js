// Fakes for the agent's side of CIF (background/agent.js): a clock the
// test moves by hand, and the browser APIs it uses, recording what was
// done with them.
import { EXT_URL, FakeEvent, FakeHost, FakeStorage } from "./fakes.js";
import { pageWorld, testBridge } from "./world.js";
import { startAgent } from "../background/agent.js";

/** A clock that moves only when the test says so. */
export class FakeClock {
  t = 1_700_000_000_000;
  /** @type {{at: number, fn: () => void, id: number}[]} */
  timers = [];
  #next = 1;
  now = () => this.t;
  setTimeout = (fn, ms) => {
    const id = this.#next++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (id) => {
    this.timers = this.timers.filter((timer) => timer.id !== id);
  };
  /** Moves the clock on, running the timers that fall due, in order. */
  advance(ms) {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.clearTimeout(due.id);
      this.t = due.at;
      due.fn();
    }
    this.t = end;
  }
}

/**
 * The browser APIs the agent's side uses, in memory.
 * @param {{firefox?: boolean, notifications?: boolean}} [opts] notifications: the optional permission is granted
 */
export function fakeAgentApi({ firefox = false, notifications = false } = {}) {
  const log = [];
  const menuItems = new Map();
  const api = {
    log,
    menuItems,
    granted: new Set(notifications ? ["notifications"] : []),
    runtime: {
      getURL: (path) => EXT_URL + path,
      ...(firefox ? { getBrowserInfo: async () => ({ name: "Firefox" }) } : {}),
    },
    storage: { local: new FakeStorage() },
    permissions: {
      contains: async ({ permissions = [], origins = [] }) => [...permissions, ...origins].every((p) => api.granted.has(p)),
    },
    i18n: { getMessage: (/** @type {string} */ name) => ({ actionTitle: "CIF Bridge sessions" })[name] ?? "" },
    action: {
      badge: { text: "", color: "", title: "" },
      setTitle: async ({ title }) => { api.action.badge.title = title; },
      setBadgeText: async ({ text }) => { api.action.badge.text = text; },
      setBadgeBackgroundColor: async ({ color }) => { api.action.badge.color = color; },
    },
    notifications: {
      shown: new Map(),
      create: async (id, options) => { api.notifications.shown.set(id, options); log.push(["notify", id]); },
      clear: async (id) => { api.notifications.shown.delete(id); log.push(["clear", id]); },
      onClicked: new FakeEvent(),
      ...(firefox ? {} : { onButtonClicked: new FakeEvent() }),
    },
    windows: {
      getLastFocused: async () => ({ id: 1 }),
      create: async (opts) => { log.push(["window", opts.url]); },
    },
    sidePanel: { open: async () => { throw new Error("sidePanel.open() may only be called in response to a user gesture"); } },
    contextMenus: {
      onClicked: new FakeEvent(),
      ...(firefox ? { onShown: new FakeEvent(), refresh: () => log.push(["refresh"]) } : {}),
      removeAll: async () => menuItems.clear(),
      create: (item) => { menuItems.set(item.id, { ...item, visible: true }); },
      update: async (id, change) => { Object.assign(menuItems.get(id), change); },
    },
    tabs: { onUpdated: new FakeEvent(), onRemoved: new FakeEvent() },
  };
  return api;
}

/**
 * A background with the agent's side started, cif-host answering with
 * answer(method, params), and pages to open on it.
 * @param {object} [opts]
 * @param {(method: string, params: any) => any} [opts.answer]
 * @param {ReturnType<typeof fakeAgentApi>} [opts.api]
 * @param {any[]} [opts.presences] hello's presences
 * @param {string} [opts.focused] the provider of the focused session
 */
export function agentWorld({ answer = () => null, api = fakeAgentApi(), presences = PRESENCES, focused = "" } = {}) {
  const host = new FakeHost(answer);
  const bridge = testBridge(host);
  const clock = new FakeClock();
  const tabSync = { focused, focusedProvider: () => tabSync.focused, sessionOf: () => undefined };
  const agent = startAgent({ api, bridge, lanes: { call: (provider, method, args) => host.call(method, { provider, args }) }, hello: async () => ({ presences }), tabSync, clock });
  /** @type {ReturnType<typeof pageWorld>[]} */
  const pages = [];
  return {
    api, bridge, clock, agent, host, tabSync,
    /** Opens a page of the provider at url on this background. */
    page(url = "http://127.0.0.1:8080/page") {
      const w = pageWorld({ url, bridge });
      pages.push(w);
      return w;
    },
    close: () => pages.forEach((w) => w.close()),
  };
}

/** Dynamics' five presences, as cif-host's hello lists them. */
export const PRESENCES = Object.freeze([
  { presenceId: "available", presenceText: "Available", presenceColor: "#92c353", basePresenceStatus: "AVAILABLE" },
  { presenceId: "busy", presenceText: "Busy", presenceColor: "#c4314b", basePresenceStatus: "BUSY" },
  { presenceId: "busy_dnd", presenceText: "Busy - DND", presenceColor: "#c4314b", basePresenceStatus: "BUSY_DO_NOT_DISTURB" },
  { presenceId: "away", presenceText: "Away", presenceColor: "#fcd116", basePresenceStatus: "AWAY" },
  { presenceId: "offline", presenceText: "Offline", presenceColor: "#8c8c8c", basePresenceStatus: "OFFLINE" },
]);
