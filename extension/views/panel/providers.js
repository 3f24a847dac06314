// The channel providers in the panel, as Dynamics' communication panel
// hosts them: one frame per enabled provider, every one loaded (a
// softphone stays connected while the agent looks at the chat), one shown
// at a time, with a switcher when there are several; the mode the agent
// or the shown provider chose (docked, minimised, hidden); and the
// provider area's width, which the panel measures for getWidth and
// onsizechanged. Which providers, and which one shows first, the
// background says: it admits the frames' calls from the moment it told.
import { PanelMessage } from "../../shared/panel.js";
import { el } from "../shared/dom.js";

/** What Dynamics lets a provider's frame do, and no more. */
const SANDBOX = "allow-forms allow-popups allow-scripts allow-same-origin allow-modals allow-downloads";
const ALLOW = "microphone; camera; geolocation; clipboard-read; clipboard-write";

/**
 * @typedef {{id: string, label: string, landingUrl: string}} HostedProvider
 * @typedef {{hosting: boolean, providers: HostedProvider[], active: string, mode: number}} PanelState
 * @typedef {{postMessage: (message: object) => void}} Port
 */

export class ProviderFrames {
  /** @type {() => Port | null} the current port to the background */
  #port;
  /** @type {Map<string, HTMLIFrameElement>} */
  #frames = new Map();
  #active = "";
  #width = 0;

  /** @param {() => Port | null} port */
  constructor(port) {
    this.#port = port;
    new ResizeObserver(() => this.#measure()).observe(byId("frames"));
    for (const b of document.querySelectorAll("[data-mode-to]")) {
      b.addEventListener("click", () => this.#port()?.postMessage({ kind: PanelMessage.Mode, mode: Number(/** @type {HTMLElement} */ (b).dataset.modeTo) }));
    }
  }

  /** Tells a background that starts again how wide the provider area is. */
  remeasure() {
    this.#width = 0;
    this.#measure();
  }

  /**
   * Hosts the providers the background says, in its order.
   * @param {PanelState} state
   */
  render(state) {
    const providers = state.hosting ? state.providers : [];
    this.#sync(providers);
    if (!this.#frames.has(this.#active)) this.#active = state.active;
    document.body.dataset.mode = String(state.mode);
    document.body.classList.toggle("no-providers", providers.length === 0);
    byId("no-providers").hidden = !state.hosting || providers.length > 0;
    this.#renderSwitcher(providers);
    this.#showActive();
  }

  /** Tells the background how wide the provider area is now, when it shows. */
  #measure() {
    const width = Math.round(byId("frames").getBoundingClientRect().width);
    if (width === 0 || width === this.#width) return;
    this.#width = width;
    this.#port()?.postMessage({ kind: PanelMessage.Width, width });
  }

  /**
   * Adds the frames of new providers, and removes those of providers no
   * longer hosted; a provider's frame stays as long as its address does.
   * @param {HostedProvider[]} providers
   */
  #sync(providers) {
    const ids = new Set(providers.map((p) => p.id));
    for (const [id, frame] of this.#frames) {
      if (!ids.has(id)) {
        frame.remove();
        this.#frames.delete(id);
      }
    }
    for (const p of providers) {
      const frame = this.#frames.get(p.id);
      if (frame?.dataset.src === p.landingUrl) continue;
      frame?.remove();
      const created = /** @type {HTMLIFrameElement} */ (el("iframe", { src: p.landingUrl, "data-src": p.landingUrl, "data-provider": p.id, title: p.label, sandbox: SANDBOX, allow: ALLOW }));
      byId("frames").append(created);
      this.#frames.set(p.id, created);
    }
  }

  /** @param {HostedProvider[]} providers */
  #renderSwitcher(providers) {
    const tabs = providers.map((p) => {
      const tab = el("button", { type: "button", role: "tab", "data-provider": p.id }, p.label);
      tab.addEventListener("click", () => this.#choose(p.id));
      return tab;
    });
    const switcher = byId("switcher");
    switcher.replaceChildren(...(providers.length === 1 ? [el("span", { class: "label" }, providers[0].label)] : tabs));
    switcher.setAttribute("role", providers.length > 1 ? "tablist" : "presentation");
  }

  /**
   * The agent chose a provider in the switcher.
   * @param {string} id
   */
  #choose(id) {
    this.#active = id;
    this.#port()?.postMessage({ kind: PanelMessage.Show, provider: id });
    this.#showActive();
  }

  #showActive() {
    for (const [id, frame] of this.#frames) frame.classList.toggle("shown", id === this.#active);
    for (const tab of byId("switcher").querySelectorAll("[role=tab]")) {
      tab.setAttribute("aria-selected", String(/** @type {HTMLElement} */ (tab).dataset.provider === this.#active));
    }
    document.body.dataset.active = this.#active;
  }
}

/** @param {string} id */
function byId(id) {
  return /** @type {HTMLElement} */ (document.getElementById(id));
}
