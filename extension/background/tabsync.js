/**
 * The workspace in real browser tabs. cif-host is the single source of
 * truth; this keeps the browser in step with it, and tells it what the
 * agent does with the tabs:
 *   - each session is a tab group titled with the session's title (and its
 *     attention indicators), anchor tab first;
 *   - a tab with an address opens it; one without shows the extension's
 *     tab page, which describes its template and parameters;
 *   - when the host's focus moves, the focused tab is activated; when the
 *     agent activates a session's tab, the host focuses it (and switches
 *     sessions, which the providers hear as onSessionSwitched);
 *   - when the agent closes a tab, the host closes it, and closing an
 *     anchor tab (or a whole group, anchor included) closes the session;
 *   - refreshTab reloads the tab, createTab and closeTab open and close it.
 * The mapping from the host's tabs to browser tabs is kept in session
 * storage across background restarts; after a browser restart, restored
 * tabs are adopted by their address, and missing ones are reopened.
 */

import { readWorkspace } from "../shared/workspace.js";

/** Tab group colours, picked by provider so each provider keeps one. */
const COLORS = ["blue", "green", "purple", "cyan", "orange", "pink", "yellow", "red", "grey"];

const MAP_KEY = "workspaceTabs";

/**
 * The parts of the browser API this uses.
 * @typedef {object} TabsApi
 * @property {{
 *   query: (q: object) => Promise<BrowserTab[]>,
 *   create: (p: {url: string, active: boolean}) => Promise<BrowserTab>,
 *   remove: (id: number) => Promise<void>,
 *   reload: (id: number) => Promise<void>,
 *   update: (id: number, p: {active: boolean}) => Promise<BrowserTab>,
 *   group?: (p: {tabIds: number[], groupId?: number}) => Promise<number>,
 *   onRemoved: {addListener: (fn: (id: number, info: {isWindowClosing: boolean}) => void) => void},
 *   onActivated: {addListener: (fn: (info: {tabId: number}) => void) => void},
 * }} tabs
 * @property {{update: (id: number, p: {title?: string, color?: string}) => Promise<unknown>}} [tabGroups]
 * @property {{get: (k: string) => Promise<Record<string, any>>, set: (i: object) => Promise<void>}} [session] storage.session
 */

/**
 * @typedef {{id: number, url?: string, pendingUrl?: string, active?: boolean, groupId?: number}} BrowserTab
 */

/**
 * @typedef {object} TabSyncOptions
 * @property {TabsApi} api
 * @property {(method: string, args: object) => Promise<any>} call calls cif-host as the extension's views do
 * @property {(hostTabId: string) => string} tabPageUrl the extension page for a tab with no address
 * @property {(err: unknown) => void} [onError]
 */

export class TabSync {
  /** @type {TabSyncOptions} */
  #opts;
  /** @type {Map<string, number>} host tab id -> browser tab id */
  #tabs = new Map();
  /** @type {Map<string, number>} host tab id -> refreshTab count already applied */
  #refreshes = new Map();
  /** @type {Map<number, string>} tab group id -> title last given */
  #groupTitles = new Map();
  /** @type {Set<number>} browser tabs this is closing itself */
  #closing = new Set();
  /** @type {Set<number>} browser tabs this is activating itself */
  #activating = new Set();
  #lastFocus = "";
  /** @type {Promise<void> | null} */
  #running = null;
  #again = false;

  /** @param {TabSyncOptions} opts */
  constructor(opts) {
    this.#opts = opts;
  }

  /** Listens to the agent's tab actions and brings the tabs in step. */
  async start() {
    const { tabs } = this.#opts.api;
    tabs.onRemoved.addListener((id, info) => this.#removed(id, info));
    tabs.onActivated.addListener(({ tabId }) => this.#activated(tabId));
    const saved = (await this.#opts.api.session?.get(MAP_KEY))?.[MAP_KEY];
    if (saved && typeof saved === "object") {
      for (const [hostTab, browserTab] of Object.entries(saved)) this.#tabs.set(hostTab, Number(browserTab));
    }
    return this.changed();
  }

  /**
   * The workspace changed: bring the tabs in step. Changes that arrive
   * while a pass runs are taken up by one more pass.
   * @returns {Promise<void>}
   */
  changed() {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        try {
          await this.#reconcile();
        } catch (err) {
          this.#opts.onError?.(err);
        }
      } while (this.#again);
      this.#running = null;
    })();
    return this.#running;
  }

  /** The browser tab showing a host tab, if any. */
  browserTab(hostTabId) {
    return this.#tabs.get(hostTabId);
  }

  async #reconcile() {
    const workspace = await readWorkspace(this.#opts.call);
    const live = new Map((await this.#opts.api.tabs.query({})).map((t) => [t.id, t]));
    const wanted = new Set();
    for (const session of workspace.sessions) {
      for (const t of session.tabs ?? []) {
        wanted.add(t.id);
        await this.#ensureTab(t, live);
      }
      await this.#ensureGroup(session, live);
    }
    for (const [hostTab, browserTab] of [...this.#tabs]) {
      if (wanted.has(hostTab)) continue;
      this.#tabs.delete(hostTab);
      this.#refreshes.delete(hostTab);
      if (live.has(browserTab)) {
        this.#closing.add(browserTab);
        await this.#opts.api.tabs.remove(browserTab).catch(() => this.#closing.delete(browserTab));
      }
    }
    await this.#focus(workspace, live);
    await this.#opts.api.session?.set({ [MAP_KEY]: Object.fromEntries(this.#tabs) });
  }

  /**
   * Finds or opens the browser tab of a host tab, and reloads it when the
   * provider asked for a refresh.
   * @param {any} t the host's tab
   * @param {Map<number, BrowserTab>} live
   */
  async #ensureTab(t, live) {
    const url = t.url || this.#opts.tabPageUrl(t.id);
    let id = this.#tabs.get(t.id);
    if (id === undefined || !live.has(id)) {
      id = this.#adopt(url, live) ?? (await this.#open(url, live));
      this.#tabs.set(t.id, id);
      this.#refreshes.set(t.id, t.refreshes ?? 0);
      return;
    }
    if ((t.refreshes ?? 0) > (this.#refreshes.get(t.id) ?? 0)) {
      this.#refreshes.set(t.id, t.refreshes);
      await this.#opts.api.tabs.reload(id);
    }
  }

  /**
   * A browser tab already showing the address that no host tab claims,
   * such as one the browser restored after a restart.
   * @param {string} url
   * @param {Map<number, BrowserTab>} live
   * @returns {number | undefined}
   */
  #adopt(url, live) {
    const claimed = new Set(this.#tabs.values());
    for (const tab of live.values()) {
      if (!claimed.has(tab.id) && (tab.url === url || tab.pendingUrl === url)) return tab.id;
    }
    return undefined;
  }

  /**
   * @param {string} url
   * @param {Map<number, BrowserTab>} live
   */
  async #open(url, live) {
    const tab = await this.#opts.api.tabs.create({ url, active: false });
    live.set(tab.id, tab);
    return tab.id;
  }

  /**
   * Puts a session's tabs in one group titled with its title and
   * indicators, where the browser has tab groups.
   * @param {any} session
   * @param {Map<number, BrowserTab>} live
   */
  async #ensureGroup(session, live) {
    const { tabs, tabGroups } = this.#opts.api;
    if (!tabs.group || !tabGroups) return;
    const ids = (session.tabs ?? []).map((t) => this.#tabs.get(t.id)).filter((id) => id !== undefined);
    if (ids.length === 0) return;
    const existing = ids.map((id) => live.get(id)?.groupId ?? -1).find((g) => g !== -1);
    const loose = ids.filter((id) => (live.get(id)?.groupId ?? -1) !== existing);
    const groupId = loose.length === 0 ? existing : await tabs.group(existing === undefined ? { tabIds: ids } : { groupId: existing, tabIds: loose });
    for (const id of ids) {
      const tab = live.get(id);
      if (tab) tab.groupId = groupId;
    }
    const title = groupTitle(session);
    if (this.#groupTitles.get(groupId) !== title) {
      this.#groupTitles.set(groupId, title);
      await tabGroups.update(groupId, { title, color: colorFor(session.provider) });
    }
  }

  /**
   * Activates the host's focused tab when the host's focus moved.
   * @param {import("../shared/workspace.js").Workspace} workspace
   * @param {Map<number, BrowserTab>} live
   */
  async #focus(workspace, live) {
    const session = workspace.sessions.find((s) => s.id === workspace.focused);
    const hostTab = session?.focusedTab || session?.tabs?.[0]?.id;
    const focus = `${workspace.focused ?? ""}/${hostTab ?? ""}`;
    if (focus === this.#lastFocus) return;
    this.#lastFocus = focus;
    const id = hostTab && this.#tabs.get(hostTab);
    if (id !== undefined && live.has(id) && !live.get(id)?.active) {
      this.#activating.add(id);
      await this.#opts.api.tabs.update(id, { active: true }).catch(() => this.#activating.delete(id));
    }
  }

  /** @param {number} browserTab */
  #hostTab(browserTab) {
    for (const [hostTab, id] of this.#tabs) if (id === browserTab) return hostTab;
    return undefined;
  }

  /**
   * The agent closed a tab. A window closing (the browser quitting, or a
   * window the agent closed) keeps its sessions: they reopen elsewhere or
   * at the next start.
   * @param {number} id
   * @param {{isWindowClosing: boolean}} info
   */
  async #removed(id, info) {
    if (this.#closing.delete(id)) return;
    const hostTab = this.#hostTab(id);
    if (hostTab === undefined || info.isWindowClosing) return;
    this.#tabs.delete(hostTab);
    await this.#agentCall("workspace.closeTab", { tabId: hostTab });
  }

  /**
   * The agent activated a tab: if it is a session's, the host focuses it.
   * An activation this made itself is not echoed back: it may arrive after
   * the host's focus has moved on.
   * @param {number} id
   */
  async #activated(id) {
    if (this.#activating.delete(id)) return;
    const hostTab = this.#hostTab(id);
    if (hostTab !== undefined) await this.#agentCall("workspace.focusTab", { tabId: hostTab });
  }

  /**
   * @param {string} method
   * @param {object} params
   */
  async #agentCall(method, params) {
    try {
      await this.#opts.call(method, params);
    } catch (err) {
      this.#opts.onError?.(err);
    }
  }
}

/**
 * A session's tab group title: its title, with its attention indicators.
 * @param {any} session
 * @returns {string}
 */
export function groupTitle(session) {
  const a = session.attention ?? {};
  const marks = [a.kpiBreach ? "⚠" : "", a.focusRequested ? "●" : "", a.newActivity ? `(${a.newActivity})` : ""].filter(Boolean);
  return [...marks, session.title || session.template].join(" ");
}

/**
 * @param {string} provider
 * @returns {string}
 */
function colorFor(provider) {
  let h = 0;
  for (const c of provider ?? "") h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return COLORS[h % COLORS.length];
}
