// The one test kit: hand-written fakes of the browser APIs and of cif-host
// that every test uses. They record what the code under test did and let a
// test play the other side.

/** The extension's id and base URL, as the browser reports them. */
export const EXT_ID = "aacpoilajhhjiddkhdigidknphfhbeif";
export const EXT_URL = `chrome-extension://${EXT_ID}/`;

/**
 * What the browser says about a web page (or frame) at url.
 * @param {string} url
 * @param {object} [extra] fields to override, such as frameId and tab
 */
export function pageSender(url, extra = {}) {
  return { id: EXT_ID, url, origin: new URL(url).origin, frameId: 0, tab: { id: 1, url }, ...extra };
}

/** What the browser says about one of the extension's own pages. */
export const VIEW_SENDER = Object.freeze({ id: EXT_ID, url: `${EXT_URL}views/panel/panel.html` });

/** An event like runtime.Port.onMessage. */
export class FakeEvent {
  /** @type {Function[]} */
  listeners = [];
  /** @param {Function} fn */
  addListener(fn) {
    this.listeners.push(fn);
  }
  /** @param {Function} fn */
  removeListener(fn) {
    this.listeners = this.listeners.filter((l) => l !== fn);
  }
  /** @param {...any} args */
  fire(...args) {
    for (const l of [...this.listeners]) l(...args);
  }
}

/**
 * One end of a port: the native port to cif-host (the test answers as
 * cif-host would), or a runtime port as the background's onConnect gets it
 * (the test plays the page). It records what was posted on it.
 */
export class FakePort {
  onMessage = new FakeEvent();
  onDisconnect = new FakeEvent();
  /** @type {any[]} */
  sent = [];
  disconnected = false;
  /** @type {{message?: string} | null} */
  error = null;

  /** @param {{name?: string, sender?: object}} [opts] a runtime port's name and sender */
  constructor({ name = "", sender } = {}) {
    this.name = name;
    this.sender = sender;
  }

  /** @param {any} message */
  postMessage(message) {
    if (this.disconnected) throw new Error("Attempting to use a disconnected port object");
    this.sent.push(structuredClone(message));
  }
  disconnect() {
    this.disconnected = true;
  }
  /** The browser drops the port, with Firefox's way of giving a reason. */
  drop(reason) {
    this.disconnected = true;
    this.error = reason ? { message: reason } : null;
    this.onDisconnect.fire(this);
  }
  /** cif-host answers the request with this id. */
  reply(id, result) {
    this.onMessage.fire({ jsonrpc: "2.0", id, result });
  }
  fail(id, code, message) {
    this.onMessage.fire({ jsonrpc: "2.0", id, error: { code, message } });
  }
}

/**
 * Two connected runtime.Port ends, as runtime.connect and onConnect give
 * them: what one end posts arrives at the other a moment later, as JSON
 * carries it. Chromium's ports do that, and throw on what JSON cannot hold
 * (Firefox's clone it).
 * @param {string} name
 * @param {object} sender what the second end (the background's) says about the first
 */
export function portPair(name, sender) {
  const a = { name, onMessage: new FakeEvent(), onDisconnect: new FakeEvent() };
  const b = { name, sender, onMessage: new FakeEvent(), onDisconnect: new FakeEvent() };
  const link = (from, to) => {
    from.postMessage = (m) => {
      const text = JSON.stringify(m);
      queueMicrotask(() => to.onMessage.fire(JSON.parse(text)));
    };
    from.disconnect = () => queueMicrotask(() => to.onDisconnect.fire(to));
  };
  link(a, b);
  link(b, a);
  return [a, b];
}

/**
 * cif-host as the background's router sees it: it records every call and
 * answers with answer(method, params), which may throw or return a promise.
 */
export class FakeHost {
  /** @type {{method: string, params: any}[]} */
  calls = [];
  restarts = 0;

  /** @param {(method: string, params: any) => any} [answer] */
  constructor(answer = () => null) {
    this.answer = answer;
  }

  /** @param {string} method @param {any} params */
  async call(method, params) {
    this.calls.push({ method, params });
    return this.answer(method, params);
  }
  status() {
    return { connected: true };
  }
  restart() {
    this.restarts++;
  }
}

/** A storage area (storage.local, storage.session) in memory. */
export class FakeStorage {
  /** @type {Record<string, any>} */
  items = {};
  /** @param {string} key */
  async get(key) {
    return { [key]: structuredClone(this.items[key]) };
  }
  /** @param {object} items */
  async set(items) {
    Object.assign(this.items, structuredClone(items));
  }
}

/**
 * An in-memory browser for the tab sync: tabs, tab groups, Firefox's tab
 * values, and the extension's local and session storage.
 */
export class FakeBrowser {
  nextId = 100;
  nextGroup = 1;
  /** @type {Map<number, any>} */
  tabs = new Map();
  /** @type {Map<number, string>} */
  groupTitles = new Map();
  /** @type {Map<number, Record<string, unknown>>} sessions.setTabValue's values, by tab */
  tabValues = new Map();
  /** @type {any[]} what was done to the tabs, in order */
  log = [];
  local = new FakeStorage();
  session = new FakeStorage();
  sessions = {
    setTabValue: async (id, key, value) => this.tabValues.set(id, { ...this.tabValues.get(id), [key]: value }),
    getTabValue: async (id, key) => this.tabValues.get(id)?.[key],
  };

  constructor() {
    const self = this;
    this.api = {
      tabs: {
        onRemoved: new FakeEvent(),
        onActivated: new FakeEvent(),
        onCreated: new FakeEvent(),
        onUpdated: new FakeEvent(),
        onMoved: new FakeEvent(),
        onAttached: new FakeEvent(),
        onDetached: new FakeEvent(),
        query: async () => [...self.tabs.values()].map((t) => ({ ...t })),
        create: async ({ url, active }) => {
          const tab = { id: self.nextId++, url, active, groupId: -1 };
          self.tabs.set(tab.id, tab);
          self.log.push(["create", url]);
          self.api.tabs.onCreated.fire({ ...tab });
          return { ...tab };
        },
        remove: async (id) => {
          self.tabs.delete(id);
          self.log.push(["remove", id]);
          self.api.tabs.onRemoved.fire(id, { isWindowClosing: false });
        },
        reload: async (id) => self.log.push(["reload", id]),
        update: async (id, { active }) => {
          for (const t of self.tabs.values()) t.active = t.id === id && active;
          self.log.push(["activate", id]);
          self.api.tabs.onActivated.fire({ tabId: id });
        },
        group: async ({ tabIds, groupId }) => {
          const g = groupId ?? self.nextGroup++;
          for (const id of tabIds) {
            self.tabs.get(id).groupId = g;
            self.api.tabs.onUpdated.fire(id, { groupId: g });
          }
          return g;
        },
      },
      tabGroups: {
        update: async (id, { title }) => self.groupTitles.set(id, title),
        query: async () => [...self.groupTitles].map(([id, title]) => ({ id, title })),
      },
      session: this.session,
    };
  }

  /** The agent closes a tab. */
  close(id) {
    this.tabs.delete(id);
    this.api.tabs.onRemoved.fire(id, { isWindowClosing: false });
  }

  /**
   * A tab opens that the tab sync did not open: the agent's, or a page's;
   * at the end, or just before another tab.
   * @param {any} tab
   * @param {number} [before]
   */
  open(tab, before) {
    const entries = [...this.tabs];
    const at = before === undefined ? entries.length : entries.findIndex(([id]) => id === before);
    entries.splice(at, 0, [tab.id, { groupId: -1, ...tab }]);
    this.tabs = new Map(entries);
    this.api.tabs.onCreated.fire({ ...this.tabs.get(tab.id) });
  }

  /**
   * The browser as it comes back after a restart: the same tabs in the
   * same order under new ids from 1, in groups with the same titles, and
   * the extension's local storage, but nothing of its session storage.
   * @returns {FakeBrowser}
   */
  restarted() {
    const next = new FakeBrowser();
    next.local.items = structuredClone(this.local.items);
    for (const [id, title] of this.groupTitles) next.groupTitles.set(id + 1000, title);
    let n = 1;
    for (const tab of this.tabs.values()) {
      const id = n++;
      next.tabs.set(id, { ...tab, id, groupId: tab.groupId === -1 ? -1 : tab.groupId + 1000 });
      if (this.tabValues.has(tab.id)) next.tabValues.set(id, structuredClone(this.tabValues.get(tab.id)));
    }
    return next;
  }
}

/**
 * Resolves once cond() is true, checking after each turn of the event
 * loop; fails after a bounded number of turns.
 * @param {() => boolean} cond
 */
export async function until(cond, turns = 200) {
  for (let i = 0; i < turns; i++) {
    if (cond()) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  throw new Error(`condition not met: ${cond}`);
}
