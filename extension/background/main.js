// The background: one connection to cif-host for the whole browser
// profile, the router that checks and forwards every page's calls, the
// fan-out of events to the pages and views they belong to, the
// workspace's sessions kept in step with real browser tabs, and the
// agent's side of CIF (agent.js).
import { HostEvent, PROTOCOL_VERSION } from "../shared/contract.js";
import { CLICK_TO_ACT_KEY, OPTIONS_KEY } from "../shared/clicktoact.js";
import { BackgroundMethod, PageMethod, ViewEvent } from "../shared/methods.js";
import { PANEL_PORT } from "../shared/panel.js";
import { PROVIDERS_KEY } from "../shared/providers.js";
import { loadRecordAccess, RECORDS_KEY } from "../shared/recordaccess.js";
import { ALLOWED_KEY, loadAllowedOrigins } from "../shared/settings.js";
import { startAgent } from "./agent.js";
import { Bridge } from "./bridge.js";
import { commandHandler } from "./commands.js";
import { getEnvironment } from "./environment.js";
import { NativeHost } from "./host.js";
import { Lanes } from "./lanes.js";
import { syncLinkScript } from "./links.js";
import { MessageBars } from "./messagebars.js";
import { PageTabs } from "./pagetabs.js";
import { Panel } from "./panel.js";
import { profileId } from "./profile.js";
import { Providers } from "./providers.js";
import { syncContentScripts } from "./scripts.js";
import { tabMarks } from "./tabmarks.js";
import { TabSync } from "./tabsync.js";

const api = globalThis.browser ?? globalThis.chrome;

/** The channel providers: the administrator's (from hello) and the agent's. */
const providers = new Providers({ storage: api.storage.local });

/** @type {Promise<readonly string[]> | null} */
let allowedCache = null;

/**
 * @returns {Promise<readonly string[]>} the allowed sites, cached until they
 * change: the user's allowlist and the enabled providers' origins
 */
function allowedOrigins() {
  allowedCache ??= Promise.all([loadAllowedOrigins(api.storage.local), providers.origins()]).then(([list, origins]) => [...list, ...origins]);
  return allowedCache;
}

/** @type {Promise<Readonly<Record<string, string>>> | null} */
let recordAccessCache = null;

/** @returns {Promise<Readonly<Record<string, string>>>} the records choices, cached until they change */
function recordAccess() {
  recordAccessCache ??= loadRecordAccess(api.storage.local);
  return recordAccessCache;
}

/** The record pages cif-host opens outside sessions (a record method on the home session). */
const pageTabs = new PageTabs(api.tabs, (path) => api.runtime.getURL(path));

/** Puts the page API on every allowed site the browser lets the extension reach. */
async function syncScripts() {
  try {
    await syncContentScripts(api, await allowedOrigins());
  } catch (err) {
    console.error("CIF Bridge: could not register the page API for the allowed origins", err);
  }
}

/** The allowlist, the providers or the browser's permissions changed. */
function sitesChanged() {
  allowedCache = null;
  syncScripts();
}

/** The providers changed: new sites, and the panels host the enabled ones. */
function providersChanged() {
  sitesChanged();
  panel.providersChanged();
}

const host = new NativeHost({
  connectNative: (name) => api.runtime.connectNative(name),
  lastError: () => api.runtime.lastError?.message,
  helloParams: async () => ({
    protocolVersion: PROTOCOL_VERSION,
    extensionVersion: api.runtime.getManifest().version,
    profileId: await profileId(api.storage.local),
  }),
  onEvent: (method, params) => {
    bridge.deliver(method, params);
    if (method === HostEvent.WorkspaceChanged) tabSync.changed(params);
    if (method === HostEvent.OpenPage) pageTabs.open(params);
  },
  onHello: (hello) => {
    tabSync.reconnected();
    if (providers.setManaged(hello?.channelProviders)) providersChanged();
  },
});

const lanes = new Lanes(host);

/** The communication panel's message bars: showGlobalNotification's. */
const bars = new MessageBars({
  onChange: () => panel.barsChanged(),
  emit: (name, data, origin) => bridge.sendToProvider(origin, name, JSON.stringify(data)),
  sourceOf: async (origin, url) => (await providers.of(origin, url))?.label ?? origin,
});

/** The communication panel: the panel pages open, the providers they host, CIF's mode and width. */
const panel = new Panel({
  panelUrl: api.runtime.getURL("views/panel/panel.html"),
  providers,
  bars,
  broadcast: (name, data) => bridge.broadcast(name, JSON.stringify(data)),
});

const bridge = new Bridge({
  lanes,
  host,
  extensionId: api.runtime.id,
  extensionUrl: api.runtime.getURL(""),
  allowedOrigins,
  recordAccess,
  panelFrame: (sender, origin) => panel.admits(sender, origin),
});
for (const [method, handler] of [...panel.pageMethods(), ...bars.pageMethods()]) bridge.answerPage(method, handler);
bridge.answerPage(PageMethod.GetEnvironment, getEnvironment({
  call: (provider, method, args) => lanes.call(provider, method, args),
  providerOf: (origin, url) => providers.of(origin, url),
}));
bridge.answerView(BackgroundMethod.Providers, () => providers.all());

const tabSync = new TabSync({
  api: { tabs: api.tabs, tabGroups: api.tabGroups, session: api.storage.session },
  marks: tabMarks(api),
  call: (method, args) => lanes.call("", method, args),
  tabPageUrl: (id) => api.runtime.getURL(`views/tab/tab.html?tab=${encodeURIComponent(id)}`),
  onError: (err) => console.warn("CIF Bridge: keeping the tabs in step with the workspace failed", err),
});

const agent = startAgent({ api, bridge, lanes, hello: () => host.connect(), tabSync });

/** The agent's keyboard shortcuts (the manifest's commands). */
const onCommand = commandHandler({
  call: (method, args) => lanes.call("", method, args),
  queue: agent.queue,
  tell: (text) => bridge.toViews(ViewEvent.ShortcutUsed, text),
});

async function syncLinks() {
  try {
    await syncLinkScript(api);
  } catch (err) {
    console.error("CIF Bridge: could not set up click-to-act on links", err);
  }
}

// --- wiring ---------------------------------------------------------------

api.runtime.onMessage.addListener((/** @type {any} */ message, /** @type {import("./bridge.js").Sender} */ sender, /** @type {(reply: unknown) => void} */ sendResponse) => {
  // content/links.js hands over the agent's click on a link; the relay
  // never sends this kind, so no page can.
  const reply = message?.kind === "clickToAct" && sender.id === api.runtime.id
    ? agent.clickToAct.linkClicked(message.href).catch(() => ({ handled: false }))
    : bridge.handle(message, sender);
  reply.then(sendResponse);
  return true; // the reply is sent asynchronously
});
api.commands?.onCommand.addListener((/** @type {string} */ name) => onCommand(name));
api.runtime.onConnect.addListener((/** @type {any} */ port) => {
  if (port.name === PANEL_PORT) panel.connect(port);
  else bridge.connect(port);
});
api.storage.onChanged.addListener((/** @type {Record<string, unknown>} */ changes, /** @type {string} */ area) => {
  if (area !== "local") return;
  if (RECORDS_KEY in changes) recordAccessCache = null;
  if (PROVIDERS_KEY in changes) {
    providers.invalidate();
    providersChanged();
  } else if (ALLOWED_KEY in changes) sitesChanged();
  if (OPTIONS_KEY in changes) syncLinks();
  if (CLICK_TO_ACT_KEY in changes) agent.menu.rebuild();
});
// Access to a site the agent granted later (an administrator's provider's, say).
api.permissions.onAdded?.addListener(() => {
  sitesChanged();
  syncLinks();
  agent.desktop.sync();
});
api.permissions.onRemoved?.addListener(() => {
  sitesChanged();
  syncLinks();
});
api.runtime.onInstalled.addListener(syncScripts);
api.runtime.onStartup.addListener(syncScripts);
tabSync.start();
syncLinks();
