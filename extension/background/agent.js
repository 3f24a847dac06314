// The agent talks back: notifications waiting for the agent's answer, the
// agent's presence, click-to-act and navigation events. This wires them
// to the bridge (the methods pages and views call), to the browser (the
// toolbar button, desktop notifications, the context menu, link clicks)
// and to each other.
import { PageEvent } from "../shared/contract.js";
import { BackgroundMethod, PageMethod, ViewEvent } from "../shared/methods.js";
import { ClickToAct, clickToActMethods } from "./clicktoact.js";
import { DesktopNotifications, openPanel } from "./desktop.js";
import { ClickToActMenu } from "./menus.js";
import { watchNavigation } from "./navigation.js";
import { NotificationQueue, notificationMethods } from "./notifications.js";
import { AgentPresence, presenceEvent, presenceMethods, showOnToolbar } from "./presence.js";

/**
 * @typedef {object} AgentDeps
 * @property {any} api browser or chrome: storage.local, action, notifications, permissions, windows, menus, tabs
 * @property {import("./bridge.js").Bridge} bridge
 * @property {{call: (provider: string, method: string, args: object) => Promise<any>}} lanes cif-host
 * @property {() => Promise<any>} hello cif-host's hello on the current connection
 * @property {{focusedProvider: () => string, sessionOf: (browserTab: number) => any}} tabSync
 * @property {import("./notifications.js").Clock} [clock]
 */

/**
 * Starts the agent's side of CIF: registers the methods and listeners.
 * @param {AgentDeps} deps
 */
export function startAgent({ api, bridge, lanes, hello, tabSync, clock }) {
  const send = (/** @type {string} */ origin, /** @type {string} */ name, /** @type {string} */ payload) => bridge.sendToProvider(origin, name, payload);

  const queue = new NotificationQueue({
    clock,
    onChange: () => {
      bridge.toViews(ViewEvent.NotificationsChanged, null);
      desktop.sync();
      updateToolbar();
    },
  });
  const desktop = new DesktopNotifications({
    api,
    waiting: () => queue.list(),
    answer: (id, accept) => queue.answer(id, accept),
    openPanel: () => openPanel(api),
    now: clock?.now,
  });
  const notifications = notificationMethods(queue, lanes);
  bridge.answerPage("notifyEvent", notifications.notifyEvent);
  bridge.answerPage(PageMethod.CancelEvent, notifications.cancelEvent);
  bridge.answerView(BackgroundMethod.Notifications, notifications.list);
  bridge.answerView(BackgroundMethod.AnswerNotification, notifications.answer);

  const presence = new AgentPresence({
    storage: api.storage.local,
    hello,
    onChange: (p) => {
      bridge.broadcast(PageEvent.PresenceChange, presenceEvent(p));
      bridge.toViews(ViewEvent.PresenceChanged, null);
      updateToolbar();
    },
  });
  const presences = presenceMethods(presence, lanes);
  bridge.answerPage(PageMethod.SetPresence, presences.setPresence);
  bridge.answerPage(PageMethod.GetPresence, presences.getPresence);
  bridge.answerPage("setAgentPresence", presences.setAgentPresence);
  bridge.answerPage("initializeAgentPresenceList", presences.initializeAgentPresenceList);
  bridge.answerView(BackgroundMethod.Presence, presences.state);
  bridge.answerView(BackgroundMethod.SetPresence, presences.pick);

  /** Shows the agent's presence and the waiting notifications on the toolbar button. */
  async function updateToolbar() {
    try {
      await showOnToolbar(api.action, await presence.current().catch(() => null), queue.list().length, api.i18n.getMessage("actionTitle"));
    } catch (err) {
      console.warn("CIF Bridge: could not show the presence on the toolbar", err);
    }
  }

  const clickToAct = new ClickToAct({ storage: api.storage.local, send, focusedProvider: () => tabSync.focusedProvider() });
  const menu = new ClickToActMenu({
    menus: api.contextMenus ?? api.menus,
    enabled: () => clickToAct.enabled(),
    call: (payload, to) => clickToAct.agentClicked(payload, to),
  });
  const clickMethods = clickToActMethods(clickToAct);
  bridge.answerPage(PageMethod.SetClickToAct, clickMethods.setClickToAct);
  bridge.answerPage(PageMethod.GetClickToAct, clickMethods.getClickToAct);
  bridge.answerPage(PageMethod.RaiseClickToAct, clickMethods.raiseClickToAct);
  bridge.answerView(BackgroundMethod.ClickToAct, clickMethods.agentClicked);

  watchNavigation({ tabs: api.tabs, tabSync, send });
  menu.rebuild();
  updateToolbar();
  return { queue, presence, clickToAct, menu, desktop };
}
