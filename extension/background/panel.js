// The communication panel as the background sees it: the extension's
// panel pages that are open (Chromium's side panel, Firefox's sidebar, or
// the panel page in a tab), which channel providers each hosts and shows,
// and CIF's panel mode and width. CIF's setMode, getMode, setWidth and
// getWidth are answered here; onmodechanged and onsizechanged go to every
// provider's pages when the panel changes.
import { ErrorCode, PageEvent } from "../shared/contract.js";
import { BridgeError } from "../shared/errors.js";
import { PageMethod } from "../shared/methods.js";
import { PanelMessage } from "../shared/panel.js";
import { providerAdmits, providerOrigins } from "../shared/providers.js";
import { readArgs } from "./args.js";

/** CIF's panel modes (Xrm.Panel.state). */
const Mode = Object.freeze({ Minimized: 0, Docked: 1, Hidden: 2 });

/**
 * @typedef {import("../shared/providers.js").Provider} Provider
 * @typedef {import("../shared/origins.js").Sender} Sender
 * @typedef {import("./bridge.js").PageHandler} PageHandler
 */

/**
 * The part of runtime.Port the panel uses.
 * @typedef {object} PanelPort
 * @property {Sender} [sender]
 * @property {(message: object) => void} postMessage
 * @property {() => void} disconnect
 * @property {{addListener: (fn: (message: any) => void) => void}} onMessage
 * @property {{addListener: (fn: () => void) => void}} onDisconnect
 */

/**
 * One open panel page.
 * @typedef {object} PanelPage
 * @property {number | null} tabId the tab showing it; null in a side panel or sidebar
 * @property {boolean} hosting whether it hosts providers (the toolbar popup does not)
 * @property {Provider[]} providers the providers it hosts
 * @property {string} active the id of the provider it shows
 */

/**
 * @typedef {object} PanelOptions
 * @property {string} panelUrl the address of the panel page, runtime.getURL("views/panel/panel.html")
 * @property {{enabled: () => Promise<Provider[]>}} providers
 * @property {{list: () => object[], dismiss: (id: unknown) => void, act: (id: unknown) => void}} bars the message bars
 * @property {(name: string, data: object) => void} broadcast sends a CIF event to every provider's pages
 */

export class Panel {
  /** @type {PanelOptions} */
  #opts;
  /** @type {Map<PanelPort, PanelPage>} */
  #pages = new Map();
  /** @type {number} the mode the agent or the active provider chose, applied while a panel is open */
  #mode = Mode.Docked;
  /** The provider region's width as a panel last measured it, else as setWidth last asked. */
  #width = 0;
  #measured = false;
  /** @type {number} the mode providers last heard of */
  #announced = Mode.Hidden;
  /** The provider the agent last chose to see. */
  #lastActive = "";

  /** @param {PanelOptions} opts */
  constructor(opts) {
    this.#opts = opts;
  }

  /**
   * Takes a panel page's port. Only the extension's own panel page may
   * open one; the browser names the sender.
   * @param {PanelPort} port
   */
  connect(port) {
    const sender = port.sender ?? {};
    if (!sender.url?.startsWith(this.#opts.panelUrl)) {
      port.disconnect();
      return;
    }
    /** @type {PanelPage} */
    const page = { tabId: sender.tab?.id ?? null, hosting: false, providers: [], active: "" };
    this.#pages.set(port, page);
    port.onMessage.addListener((message) => this.#receive(port, page, message));
    port.onDisconnect.addListener(() => {
      this.#pages.delete(port);
      this.#changed();
    });
  }

  /**
   * Whether a frame is a provider's page hosted by one of the extension's
   * panel pages: its origin is one of the providers that panel hosts, and
   * it is in the panel's tab, or, outside tabs, a panel outside tabs hosts
   * it (the browsers name neither the frame nor its parent there).
   * @param {Sender} sender the frame, as the browser reports it
   * @param {string} origin its origin, as the browser reports it
   * @returns {boolean}
   */
  admits(sender, origin) {
    const tabId = sender.tab?.id ?? null;
    if (sender.tab && !sender.tab.url?.startsWith(this.#opts.panelUrl)) return false;
    for (const page of this.#pages.values()) {
      if (page.hosting && page.tabId === tabId && page.providers.some((p) => providerAdmits(p, origin))) return true;
    }
    return false;
  }

  /** @returns {Map<string, PageHandler>} the CIF methods this answers */
  pageMethods() {
    return new Map([
      [PageMethod.SetMode, (origin, params) => this.#setMode(origin, params)],
      [PageMethod.GetMode, (_origin, params) => (readArgs("getMode", params, {}), this.#effectiveMode())],
      [PageMethod.SetWidth, (origin, params) => this.#setWidth(origin, params)],
      [PageMethod.GetWidth, (_origin, params) => (readArgs("getWidth", params, {}), this.#width)],
    ]);
  }

  /** The configured providers changed: each panel hosts the enabled ones. */
  async providersChanged() {
    await Promise.all([...this.#pages.values()].filter((p) => p.hosting).map((p) => this.#host(p)));
    this.#changed();
  }

  /** Shows the panels the message bars as they now are. */
  barsChanged() {
    this.#publish();
  }

  /**
   * @param {PanelPort} port
   * @param {PanelPage} page
   * @param {any} message
   */
  async #receive(port, page, message) {
    switch (message?.kind) {
      case PanelMessage.Hello:
        page.hosting = message.hosting === true;
        if (page.hosting) await this.#host(page);
        if (this.#pages.has(port)) this.#changed();
        break;
      case PanelMessage.Show:
        if (page.providers.some((p) => p.id === message.provider)) {
          page.active = message.provider;
          this.#lastActive = message.provider;
        }
        break;
      case PanelMessage.Width:
        if (Number.isFinite(message.width) && message.width > 0) this.#measure(Math.round(message.width));
        break;
      case PanelMessage.Mode:
        if (message.mode === Mode.Minimized || message.mode === Mode.Docked || message.mode === Mode.Hidden) this.#apply(message.mode);
        break;
      case PanelMessage.Dismiss:
        this.#opts.bars.dismiss(message.id);
        break;
      case PanelMessage.Action:
        this.#opts.bars.act(message.id);
        break;
    }
  }

  /**
   * Gives a panel page the enabled providers to host, before it loads
   * their pages: the frames are admitted from then on.
   * @param {PanelPage} page
   */
  async #host(page) {
    page.providers = await this.#opts.providers.enabled();
    const ids = page.providers.map((p) => p.id);
    if (!ids.includes(page.active)) page.active = ids.includes(this.#lastActive) ? this.#lastActive : ids[0] ?? "";
  }

  /** Tells every panel page how things are now. */
  #publish() {
    const bars = this.#opts.bars.list();
    for (const [port, page] of this.#pages) {
      const providers = page.providers.map((p) => ({ id: p.id, label: p.label, landingUrl: p.landingUrl, origins: providerOrigins(p) }));
      try {
        port.postMessage({ kind: PanelMessage.State, hosting: page.hosting, providers, active: page.active, mode: this.#mode, bars });
      } catch {
        // The page closed under us; its onDisconnect forgets it.
      }
    }
  }

  /** Something changed: the panels show it, and providers hear a new mode. */
  #changed() {
    const mode = this.#effectiveMode();
    if (mode !== this.#announced) {
      this.#announced = mode;
      this.#opts.broadcast(PageEvent.ModeChanged, { value: mode });
    }
    this.#publish();
  }

  /** The mode as CIF code sees it: hidden while no panel hosts providers. */
  #effectiveMode() {
    return [...this.#pages.values()].some((p) => p.hosting && p.providers.length > 0) ? this.#mode : Mode.Hidden;
  }

  /** @param {number} mode */
  #apply(mode) {
    this.#mode = mode;
    this.#changed();
  }

  /** @param {number} width */
  #measure(width) {
    if (this.#measured && width === this.#width) return;
    this.#width = width;
    this.#measured = true;
    this.#opts.broadcast(PageEvent.SizeChanged, { value: width });
  }

  /**
   * @param {string} origin
   * @param {Record<string, unknown>} params
   */
  #setMode(origin, params) {
    const { value } = readArgs("setMode", params, { value: "any" });
    if (value !== Mode.Minimized && value !== Mode.Docked && value !== Mode.Hidden) {
      throw new BridgeError(ErrorCode.InvalidParams, "The setMode paramter value must be 0, 1 or 2. (0 minimized, 1 docked, 2 hidden)");
    }
    this.#checkActive("setMode", origin);
    this.#apply(value);
    return value;
  }

  /**
   * @param {string} origin
   * @param {Record<string, unknown>} params
   */
  #setWidth(origin, params) {
    const { value } = readArgs("setWidth", params, { value: "any" });
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new BridgeError(ErrorCode.InvalidParams, "The setWidth parameter value is invalid. Provide a positive number to the parameter.");
    }
    this.#checkActive("setWidth", origin);
    // The width is the agent's to change: the browsers let no extension
    // size its panel. Until a panel measures itself, getWidth says this.
    if (!this.#measured) this.#width = value;
    return value;
  }

  /**
   * Refuses a provider the panel does not show, as Dynamics refuses one
   * that is not the active provider: only the provider the agent looks
   * at changes the panel.
   * @param {string} method
   * @param {string} origin
   */
  #checkActive(method, origin) {
    const shown = [...this.#pages.values()].flatMap((page) => page.providers.filter((p) => page.hosting && p.id === page.active));
    if (shown.length === 0 || shown.some((p) => providerAdmits(p, origin))) return;
    throw new BridgeError(ErrorCode.NotOwner, `This operation can be performed from the active provider: the panel shows ${[...new Set(shown.map((p) => p.label))].join(", ")}, and ${method} works only for the provider it shows; the agent switches providers in the panel`);
  }
}
