/**
 * The methods the background answers itself, without cif-host, for the
 * extension's views.
 */
export const BackgroundMethod = Object.freeze({
  Status: "cifbridge.status",
  RestartHost: "cifbridge.restartHost",
  /** The notifications waiting for the agent's answer. */
  Notifications: "cifbridge.notifications",
  /** The agent answers one: {id, accept}. */
  AnswerNotification: "cifbridge.answerNotification",
  /** The agent's presence and the list to pick from. */
  Presence: "cifbridge.presence",
  /** The agent picks a presence: {presenceId}. */
  SetPresence: "cifbridge.setPresence",
  /** The agent clicked a phone number or address on one of the extension's pages: {payload}. */
  ClickToAct: "cifbridge.clickToAct",
  /** Every channel provider, the administrator's and the agent's, enabled or not, in order. */
  Providers: "cifbridge.providers",
});

/** What the background tells the extension's views, besides the workspace's changes. */
export const ViewEvent = Object.freeze({
  NotificationsChanged: "cifbridge.notificationsChanged",
  PresenceChanged: "cifbridge.presenceChanged",
  /** A keyboard shortcut acted, or could not: the text says which (background/commands.js). */
  ShortcutUsed: "cifbridge.shortcutUsed",
});

/** The methods a web page calls that the background answers itself. */
export const PageMethod = Object.freeze({
  RaiseEvent: "raiseEvent",
  CancelEvent: "cancelEvent",
  SetPresence: "setPresence",
  GetPresence: "getPresence",
  SetClickToAct: "setClickToAct",
  GetClickToAct: "getClickToAct",
  /** Not CIF's: the page's script passes on a CIClickToAct window event with it. */
  RaiseClickToAct: "cifbridge.raiseClickToAct",
  // The communication panel (panel.js) and its message bars (messagebars.js).
  SetMode: "setMode",
  GetMode: "getMode",
  SetWidth: "setWidth",
  GetWidth: "getWidth",
  ShowGlobalNotification: "showGlobalNotification",
  ClearGlobalNotification: "clearGlobalNotification",
  ShowTimeoutGlobalNotification: "showTimeoutGlobalNotification",
  ShowProgressIndicator: "showProgressIndicator",
  CloseProgressIndicator: "closeProgressIndicator",
  /** cif-host's, completed with the provider's custom parameters (environment.js). */
  GetEnvironment: "getEnvironment",
});
