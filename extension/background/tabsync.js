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
 * A session owns only the browser tabs this opened for it. The mapping
 * from the host's tabs to browser tabs is kept in session storage across
 * background restarts. After a browser restart, the first pass takes back
 * exactly the restored tabs it had opened (tabmarks.js says how each
 * browser knows them) from among the tabs present when the background
 * first ran, and reopens the others; a tab that appears later is never
 * taken, whatever its address.
 *
 * cif-host announces each change with the change itself: the tab sync
 * applies it to the workspace it has and touches the browser only when
 * something the browser shows changed (a session's tabs, its group's
 * title, the tab the focus is on). It reads the whole workspace only when
 * it has none, missed a change, or the change was too large to announce.
 */

import { applyChange, readWorkspace } from "../shared/workspace.js";

/** Tab group colours, picked by provider so each provider keeps one. */
const COLORS = ["blue", "green", "purple", "cyan", "orange", "pink", "yellow", "red", "grey"];

/** The session-storage key of the tab sync's state (SavedState). */
const STATE_KEY = "tabSync";

/**
 * What survives a background restart, but not a browser restart.
 * @typedef {object} SavedState
 * @property {Record<string, number>} tabs host tab id -> browser tab id
 * @property {number[] | null} startup the tabs present when the background
 *   first ran in this browser session, until the first pass took theirs back
 */

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
 *   onUpdated: {addListener: (fn: (id: number, change: {url?: string, groupId?: number}) => void) => void},
 *   onCreated: {addListener: (fn: () => void) => void},
 *   onMoved: {addListener: (fn: () => void) => void},
 *   onAttached: {addListener: (fn: () => void) => void},
 *   onDetached: {addListener: (fn: () => void) => void},
 * }} tabs
 * @property {{update: (id: number, p: {title?: string, color?: string}) => Promise<unknown>}} [tabGroups]
 * @property {import("./tabmarks.js").StorageArea} session storage.session
 */

/** @typedef {import("./tabmarks.js").BrowserTab} BrowserTab */

/**
 * @typedef {object} TabSyncOptions
 * @property {TabsApi} api
 * @property {(method: string, args: object) => Promise<any>} call calls cif-host as the extension's views do
 * @property {import("./tabmarks.js").TabMarks} marks how tabs this opened are known after a browser restart
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
  /** @type {Set<number> | null} the tabs present at start-up, until the first pass */
  #startup = null;
  /** @type {import("../shared/workspace.js").Workspace | null} the latest known, for sessionOf and focusedProvider */
  #workspace = null;
  /** @type {import("../shared/workspace.js").Workspace | null} the latest known, to apply the next change to; null: read it */
  #known = null;
  /** @type {import("../shared/workspace.js").Workspace | null} as the last pass brought the browser in step with it */
  #acted = null;
  /** What of the workspace the browser shows, as the last pass left it (shownKey); "" before one. */
  #showing = "";
  /** @type {Promise<void> | null} */
  #running = null;
  /** Whether the workspace changed since the running pass read it. */
  #changed = false;
  /** Whether tabs moved, opened or closed since the marks were last saved. */
  #moved = false;

  /** @param {TabSyncOptions} opts */
  constructor(opts) {
    this.#opts = opts;
  }

  /**
   * Listens to the agent's tab actions and brings the tabs in step. With
   * no saved state, the browser (or the extension) has just started, and
   * the tabs open now are the ones the browser restored.
   */
  async start() {
    const { tabs, session } = this.#opts.api;
    tabs.onRemoved.addListener((id, info) => this.#removed(id, info));
    tabs.onActivated.addListener(({ tabId }) => this.#activated(tabId));
    // Where the tabs are is part of how Chromium's marks know them.
    const moved = () => this.#schedule("moved");
    for (const event of [tabs.onCreated, tabs.onMoved, tabs.onAttached, tabs.onDetached]) event.addListener(moved);
    tabs.onUpdated.addListener((id, change) => {
      if (change.url !== undefined || change.groupId !== undefined) moved();
    });
    /** @type {SavedState | undefined} */
    const saved = (await session.get(STATE_KEY))[STATE_KEY];
    if (saved) {
      for (const [hostTab, browserTab] of Object.entries(saved.tabs)) this.#tabs.set(hostTab, browserTab);
      this.#startup = saved.startup && new Set(saved.startup);
    } else {
      this.#startup = new Set((await tabs.query({})).map((t) => t.id));
      await this.#save();
    }
    return this.changed();
  }

  /**
   * The workspace changed: bring the tabs in step. With what cif-host
   * announced, a change that touches nothing the browser shows only
   * updates the workspace this knows.
   * @param {import("../shared/workspace.js").WorkspaceChange} [announced] cifbridge.workspaceChanged's params
   * @returns {Promise<void>}
   */
  changed(announced) {
    this.#known = applyChange(this.#known, announced);
    if (this.#known) this.#workspace = this.#known;
    if (this.#known && !this.#running && shownKey(this.#known) === this.#showing) return Promise.resolve();
    return this.#schedule("changed");
  }

  /**
   * A new connection to cif-host: the next change is checked against the
   * workspace read afresh, whatever its version.
   */
  reconnected() {
    this.#known = null;
  }

  /**
   * Runs one pass at a time: a whole pass after the workspace changed, or
   * only a save of the marks after tabs moved. What happens while a pass
   * runs is taken up by one more.
   * @param {"changed" | "moved"} what
   * @returns {Promise<void>}
   */
  #schedule(what) {
    if (what === "changed") this.#changed = true;
    else this.#moved = true;
    this.#running ??= this.#drain();
    return this.#running;
  }

  async #drain() {
    while (this.#changed || this.#moved) {
      const pass = this.#changed ? () => this.#reconcile() : () => this.#saveMarks();
      this.#changed = this.#moved = false;
      try {
        await pass();
      } catch (err) {
        this.#opts.onError?.(err);
      }
    }
    this.#running = null;
  }

  /**
   * The browser tab showing a host tab, if any.
   * @param {string} hostTabId
   * @returns {number | undefined}
   */
  browserTab(hostTabId) {
    return this.#tabs.get(hostTabId);
  }

  /**
   * The session a browser tab shows a tab of, as the last pass read the
   * workspace: its owner, whether it is focused, and the address the
   * host's tab opened.
   * @param {number} browserTab
   * @returns {{provider: string, focused: boolean, url: string} | undefined}
   */
  sessionOf(browserTab) {
    const hostTab = this.#hostTab(browserTab);
    const workspace = this.#workspace;
    const session = workspace?.sessions.find((s) => (s.tabs ?? []).some((t) => t.id === hostTab));
    if (!workspace || !session) return undefined;
    const tab = (session.tabs ?? []).find((t) => t.id === hostTab);
    return { provider: session.provider, focused: session.id === workspace.focused, url: tab?.url ?? "" };
  }

  /** @returns {string} the owner of the focused session as the last pass read it; "" on the home session */
  focusedProvider() {
    const workspace = this.#workspace;
    return workspace?.sessions.find((s) => s.id === workspace.focused)?.provider ?? "";
  }

  async #reconcile() {
    let workspace = this.#known;
    if (!workspace) {
      workspace = await readWorkspace(this.#opts.call);
      this.#known = this.#workspace = workspace;
    }
    // After start-up, a pass with nothing new to show leaves the browser alone.
    if (this.#startup === null && shownKey(workspace) === this.#showing) return;
    const live = new Map((await this.#opts.api.tabs.query({})).map((t) => [t.id, t]));
    const restored = await this.#restored(workspace, live);
    const wanted = new Set();
    for (const session of workspace.sessions) {
      for (const t of session.tabs ?? []) {
        wanted.add(t.id);
        await this.#ensureTab(t, live, restored);
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
    this.#acted = workspace;
    this.#showing = shownKey(workspace);
    await this.#saveMarks();
    this.#startup = null;
    await this.#save();
  }

  /** Tells the marks which tabs show host tabs now, and where they are. */
  async #saveMarks() {
    const workspace = this.#acted;
    if (!workspace) return;
    const all = await this.#opts.api.tabs.query({});
    const live = new Map(all.map((t) => [t.id, t]));
    await this.#opts.marks.save(this.#shown(workspace, live), all);
  }

  #save() {
    /** @type {SavedState} */
    const state = { tabs: Object.fromEntries(this.#tabs), startup: this.#startup && [...this.#startup] };
    return this.#opts.api.session.set({ [STATE_KEY]: state });
  }

  /**
   * On the first pass after start-up, the restored tabs this had opened,
   * by the host tab they showed: the marks decide among the tabs present
   * at start-up, and those a host tab already has stay with it.
   * Afterwards, none.
   * @param {import("../shared/workspace.js").Workspace} workspace
   * @param {Map<number, BrowserTab>} live
   * @returns {Promise<Map<string, number>>}
   */
  async #restored(workspace, live) {
    const startup = this.#startup;
    const missing = workspace.sessions.some((s) => (s.tabs ?? []).some((t) => !live.has(this.#tabs.get(t.id) ?? -1)));
    if (!startup || !missing) return new Map();
    const found = await this.#opts.marks.find([...live.values()].filter((t) => startup.has(t.id)));
    const claimed = new Set(this.#tabs.values());
    return new Map([...found].filter(([, id]) => !claimed.has(id)));
  }

  /**
   * The tabs that show host tabs now, for the marks.
   * @param {import("../shared/workspace.js").Workspace} workspace
   * @param {Map<number, BrowserTab>} live
   * @returns {import("./tabmarks.js").Shown[]}
   */
  #shown(workspace, live) {
    const grouped = Boolean(this.#opts.api.tabs.group && this.#opts.api.tabGroups);
    return workspace.sessions.flatMap((session) => (session.tabs ?? []).flatMap((t) => {
      const tab = live.get(this.#tabs.get(t.id) ?? -1);
      return tab ? [{ hostTab: t.id, tab, group: grouped ? groupTitle(session) : "" }] : [];
    }));
  }

  /**
   * Finds, takes back or opens the browser tab of a host tab, and reloads
   * it when the provider asked for a refresh.
   * @param {any} t the host's tab
   * @param {Map<number, BrowserTab>} live
   * @param {Map<string, number>} restored
   */
  async #ensureTab(t, live, restored) {
    let id = this.#tabs.get(t.id);
    if (id === undefined || !live.has(id)) {
      id = restored.get(t.id) ?? (await this.#open(t.url || this.#opts.tabPageUrl(t.id), live));
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
   * @param {import("../shared/workspace.js").Session} session
   * @param {Map<number, BrowserTab>} live
   */
  async #ensureGroup(session, live) {
    const { tabs, tabGroups } = this.#opts.api;
    if (!tabs.group || !tabGroups) return;
    const ids = (session.tabs ?? []).map((t) => this.#tabs.get(t.id)).filter((id) => id !== undefined);
    if (ids.length === 0) return;
    const existing = ids.map((id) => live.get(id)?.groupId ?? -1).find((g) => g !== -1);
    const loose = ids.filter((id) => (live.get(id)?.groupId ?? -1) !== existing);
    const groupId = existing !== undefined && loose.length === 0 ? existing : await tabs.group(existing === undefined ? { tabIds: ids } : { groupId: existing, tabIds: loose });
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
    const id = hostTab ? this.#tabs.get(hostTab) : undefined;
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
    if (!info.isWindowClosing) this.#schedule("moved");
    if (this.#closing.delete(id)) return;
    const hostTab = this.#hostTab(id);
    if (hostTab === undefined || info.isWindowClosing) return;
    this.#tabs.delete(hostTab);
    if (await this.#agentCall("workspace.closeTab", { tabId: hostTab })) return;
    // The host keeps the tab: the next pass opens it again.
    this.#showing = "";
    await this.#schedule("changed");
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
   * @returns {Promise<boolean>} whether the host did it
   */
  async #agentCall(method, params) {
    try {
      await this.#opts.call(method, params);
      return true;
    } catch (err) {
      this.#opts.onError?.(err);
      return false;
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
 * What of a workspace the browser shows: each session that has tabs (its
 * tabs' ids, addresses and refreshes, its group's title and colour) and the
 * tab the focus is on. Two workspaces with the same key need nothing done
 * to the browser's tabs.
 * @param {import("../shared/workspace.js").Workspace} workspace
 * @returns {string}
 */
export function shownKey(workspace) {
  const focused = workspace.sessions.find((s) => s.id === workspace.focused);
  const focusTab = focused?.focusedTab || focused?.tabs?.[0]?.id;
  const shown = workspace.sessions.flatMap((s) => s.tabs?.length ? [[
    s.id, s.provider, groupTitle(s), s.tabs.map((/** @type {any} */ t) => [t.id, t.url ?? "", t.refreshes ?? 0]),
  ]] : []);
  return JSON.stringify([focusTab ? `${workspace.focused}/${focusTab}` : "", shown]);
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
