import { NOTIFICATIONS_PERMISSION } from "../shared/permissions.js";

// Waiting notifications as the browser's own (desktop) notifications, when
// the agent has granted the optional "notifications" permission. Chromium's
// have buttons, which answer; Firefox's have none, so there a click opens
// the panel, where the agent answers. Every text is passed as text: a
// browser notification renders no HTML.

/** The prefix of the browser notifications' ids. */
const PREFIX = "cif-bridge-";


/**
 * @typedef {import("./notifications.js").Waiting} Waiting
 */

/**
 * @typedef {object} DesktopOptions
 * @property {any} api browser or chrome
 * @property {() => Waiting[]} waiting the notifications waiting now
 * @property {(id: string, accept: boolean) => void} answer the agent answered with a button
 * @property {() => Promise<void>} openPanel the agent clicked a notification
 * @property {() => number} [now] milliseconds since the epoch
 */

/**
 * The browser notification of a waiting one.
 * @param {Waiting} n
 * @param {{iconUrl: string, buttons: boolean, now: number}} how
 * @returns {object} notifications.create's options
 */
export function desktopOptions(n, { iconUrl, buttons, now }) {
  const seconds = Math.max(0, Math.ceil((n.deadline - now) / 1000));
  const when = n.showTimeout ? ` · answer within ${seconds} s` : "";
  const options = {
    type: "basic",
    iconUrl,
    title: n.title,
    message: n.fields.map((f) => `${f.label}: ${f.value}`).join("\n"),
    contextMessage: `${n.provider}${when}`,
  };
  if (!buttons) return options;
  const answers = [{ title: n.acceptButtonText }];
  if (n.rejectButtonText !== undefined) answers.push({ title: n.rejectButtonText });
  return { ...options, buttons: answers, requireInteraction: true };
}

/**
 * Keeps the browser's notifications in step with the waiting ones.
 */
export class DesktopNotifications {
  /** @type {DesktopOptions} */
  #opts;
  /** @type {Set<string>} the waiting notifications shown */
  #shown = new Set();
  #listening = false;
  /** @type {Promise<void>} the running pass; passes run one at a time */
  #running = Promise.resolve();

  /** @param {DesktopOptions} opts */
  constructor(opts) {
    this.#opts = opts;
  }

  /** Firefox's notifications have no buttons. */
  get #buttons() {
    return typeof this.#opts.api.runtime.getBrowserInfo !== "function";
  }

  /**
   * Shows the waiting notifications not yet shown and clears those that
   * ended, after the passes before it. Without the permission it does
   * nothing.
   * @returns {Promise<void>}
   */
  sync() {
    this.#running = this.#running.then(() => this.#pass()).catch((err) => console.warn("CIF Bridge: could not show a desktop notification", err));
    return this.#running;
  }

  async #pass() {
    const { api } = this.#opts;
    if (!api.notifications || !(await api.permissions.contains(NOTIFICATIONS_PERMISSION))) return;
    this.#listen();
    const waiting = this.#opts.waiting();
    const ids = new Set(waiting.map((n) => n.id));
    for (const id of [...this.#shown]) {
      if (ids.has(id)) continue;
      this.#shown.delete(id);
      await api.notifications.clear(PREFIX + id);
    }
    const now = (this.#opts.now ?? Date.now)();
    for (const n of waiting) {
      if (this.#shown.has(n.id)) continue;
      this.#shown.add(n.id);
      const iconUrl = api.runtime.getURL(`icons/${n.icon}.png`);
      await api.notifications.create(PREFIX + n.id, desktopOptions(n, { iconUrl, buttons: this.#buttons, now }));
    }
  }

  /** Listens to the agent's clicks, once the API is there. */
  #listen() {
    if (this.#listening) return;
    this.#listening = true;
    const { notifications } = this.#opts.api;
    const ours = (/** @type {string} */ id) => (id.startsWith(PREFIX) ? id.slice(PREFIX.length) : null);
    notifications.onButtonClicked?.addListener((/** @type {string} */ nid, /** @type {number} */ index) => {
      const id = ours(nid);
      if (id) this.#opts.answer(id, index === 0);
    });
    notifications.onClicked.addListener((/** @type {string} */ nid) => {
      if (ours(nid)) this.#opts.openPanel().catch((err) => console.warn("CIF Bridge: could not open the panel", err));
    });
  }
}

/**
 * Opens the panel where the agent answers: the side panel or sidebar when
 * the browser lets it open now, else a small window showing it.
 * @param {any} api browser or chrome
 */
export async function openPanel(api) {
  try {
    if (api.sidebarAction) return await api.sidebarAction.open();
    const win = await api.windows.getLastFocused();
    return await api.sidePanel.open({ windowId: win.id });
  } catch {
    await api.windows.create({ url: api.runtime.getURL("views/panel/panel.html"), type: "popup", width: 400, height: 640 });
  }
}
