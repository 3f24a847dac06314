// The agent's panel: Chromium's side panel, Firefox's sidebar, the toolbar
// popup, or a tab. It hosts the channel providers' pages (not in the
// popup, which closes as soon as the agent looks away), shows the
// providers' message bars, the agent's presence (presence.js), the
// notifications waiting for an answer (notifications.js), and lists the
// workspace's sessions (workspace.js).
import { ViewEvent } from "../../shared/methods.js";
import { entryAdmits } from "../../shared/origins.js";
import { PANEL_PORT, PanelMessage } from "../../shared/panel.js";
import { watchEvent } from "../shared/client.js";
import { byId } from "../shared/dom.js";
import { renderBars } from "./messagebars.js";
import { showNotifications, wireDesktopOffer } from "./notifications.js";
import { showPresence } from "./presence.js";
import { ProviderFrames } from "./providers.js";
import { showWorkspace } from "./workspace.js";

const api = globalThis.browser ?? globalThis.chrome;
const popup = new URLSearchParams(location.search).get("view") === "popup";

/** @type {any} runtime.Port to the background */
let port = null;
let retryDelay = 0;
const frames = new ProviderFrames(() => port);
/** @type {{label: string, origins: string[]}[]} the hosted providers, to name sessions by */
let named = [];

/**
 * What the panel calls a session's provider: its label, when it is a
 * configured provider, else its origin.
 * @param {string} origin
 */
function nameOf(origin) {
  return named.find((p) => p.origins.some((entry) => entryAdmits(entry, origin)))?.label ?? origin;
}

/**
 * Opens the panel's port and says hello; again when the background
 * restarts, so that it knows again which providers this panel hosts.
 */
function connect() {
  try {
    port = api.runtime.connect({ name: PANEL_PORT });
  } catch {
    return; // the extension was reloaded or removed
  }
  const openedAt = Date.now();
  port.onMessage.addListener((/** @type {any} */ message) => {
    if (message?.kind !== PanelMessage.State) return;
    frames.render(message);
    renderBars(api, message.bars ?? [], () => port);
    if (JSON.stringify(message.providers) !== JSON.stringify(named)) {
      named = message.providers;
      refreshWorkspace();
    }
    document.body.dataset.panel = "ready";
  });
  port.onDisconnect.addListener(() => {
    void api.runtime.lastError; // read, so the browser does not report it as unchecked
    retryDelay = Date.now() - openedAt > 1000 ? 0 : Math.min(Math.max(retryDelay * 2, 250), 30000);
    setTimeout(connect, retryDelay);
  });
  port.postMessage({ kind: PanelMessage.Hello, hosting: !popup });
  frames.remeasure();
}

/**
 * In the popup, a button opens the side panel (Chromium) or the sidebar
 * (Firefox), which host the providers. Both browsers open them only from
 * the agent's click, so the call is made in the click itself.
 */
async function offerPanel() {
  const button = /** @type {HTMLButtonElement} */ (document.getElementById("open-panel"));
  const windowId = (await api.windows?.getCurrent?.())?.id;
  if (!api.sidePanel?.open && !api.sidebarAction?.open) return;
  button.textContent = api.sidePanel?.open ? "Open the side panel" : "Open the sidebar";
  button.hidden = false;
  button.addEventListener("click", () => {
    const opened = api.sidePanel?.open ? api.sidePanel.open({ windowId }) : api.sidebarAction.open();
    opened.then(() => window.close(), (/** @type {unknown} */ err) => {
      byId("status").textContent = `The panel did not open: ${err instanceof Error ? err.message : err}`;
    });
  });
}

/** @param {string} failure */
const say = (failure) => {
  byId("status").textContent = failure;
};

document.body.classList.toggle("popup", popup);
const refreshWorkspace = showWorkspace(api, nameOf);
connect();
if (popup) offerPanel();
showPresence(api, say);
showNotifications(api, say);
wireDesktopOffer(api);
// What a keyboard shortcut did, said in a live region.
watchEvent(api, ViewEvent.ShortcutUsed, (text) => {
  byId("shortcut").textContent = String(text);
});
