// CIF's global notifications (showGlobalNotification): message bars the
// panel shows above the providers, as Dynamics shows them across its
// window, and Xrm's progress indicator (showProgressIndicator). Each
// belongs to the provider that showed it: only it clears it, and only its
// pages hear onGlobalNotificationActionClick.
import { ErrorCode, PageEvent } from "../shared/contract.js";
import { BridgeError } from "../shared/errors.js";
import { PageMethod } from "../shared/methods.js";
import { readArgs } from "./args.js";

/** At most this many message bars per provider, and in all. */
const MAX_BARS_PER_PROVIDER = 5;
const MAX_BARS = 20;
const MAX_MESSAGE = 2000;
const MAX_LABEL = 100;
const MAX_LINK = 2048;

/** Xrm's notification levels, by number and by the names code passes. */
/** @type {Readonly<Record<string, Bar["level"]>>} */
const LEVELS = Object.freeze({ 1: "success", 2: "error", 3: "warning", 4: "info", SUCCESS: "success", ERROR: "error", WARNING: "warning", INFO: "info", INFORMATION: "info" });

/**
 * One message bar, as the panel shows it.
 * @typedef {object} Bar
 * @property {string} id
 * @property {"message" | "progress"} kind
 * @property {string} provider the origin of the page that showed it
 * @property {string} source what the panel names the provider by
 * @property {string} message
 * @property {"success" | "error" | "warning" | "info"} level
 * @property {boolean} showCloseButton
 * @property {string} actionLabel "" for none
 * @property {string} actionLink "" for none: the panel opens it
 * @property {boolean} hasHandler whether the action tells the provider (onGlobalNotificationActionClick)
 */

/**
 * @typedef {object} MessageBarsOptions
 * @property {() => void} onChange the bars changed: the panels show them again
 * @property {(name: string, data: object, origin: string) => void} emit sends a CIF event to a provider's pages
 * @property {(origin: string, url: string | undefined) => Promise<string>} sourceOf what the panel names a page's provider by
 * @property {() => string} [newId]
 */

/** @typedef {import("./bridge.js").PageHandler} PageHandler */

export class MessageBars {
  /** @type {MessageBarsOptions} */
  #opts;
  /** @type {Bar[]} */
  #bars = [];

  /** @param {MessageBarsOptions} opts */
  constructor(opts) {
    this.#opts = opts;
  }

  /** @returns {Bar[]} the bars, oldest first */
  list() {
    return this.#bars.map((b) => ({ ...b }));
  }

  /** @returns {Map<string, PageHandler>} the CIF methods this answers */
  pageMethods() {
    /** @type {[string, PageHandler][]} */
    const methods = [
      [PageMethod.ShowGlobalNotification, (origin, params, sender) => this.#show(origin, sender.url, params)],
      [PageMethod.ClearGlobalNotification, (origin, params) => this.#clear(origin, params)],
      [PageMethod.ShowTimeoutGlobalNotification, async (origin, params, sender) => {
        readArgs("showTimeoutGlobalNotification", params, {});
        return this.#add(origin, sender.url, { kind: "message", message: "A notification timed out before it was answered.", level: "warning", showCloseButton: true, actionLabel: "", actionLink: "", hasHandler: false });
      }],
      [PageMethod.ShowProgressIndicator, (origin, params, sender) => this.#progress(origin, sender.url, params)],
      [PageMethod.CloseProgressIndicator, (origin, params) => {
        readArgs("closeProgressIndicator", params, {});
        this.#remove((b) => b.kind === "progress" && b.provider === origin);
        return null;
      }],
    ];
    return new Map(methods);
  }

  /**
   * The agent closed a bar in the panel: only one with a close button.
   * @param {unknown} id
   */
  dismiss(id) {
    this.#remove((b) => b.id === id && b.showCloseButton);
  }

  /**
   * The agent clicked a bar's action: its provider hears of it.
   * @param {unknown} id
   */
  act(id) {
    const bar = this.#bars.find((b) => b.id === id && b.hasHandler);
    if (bar) this.#opts.emit(PageEvent.GlobalNotificationActionClick, { notificationId: bar.id }, bar.provider);
  }

  /**
   * @param {string} origin
   * @param {string | undefined} url
   * @param {Record<string, unknown>} params
   */
  async #show(origin, url, params) {
    const { notificationOptions: options } = readArgs("showGlobalNotification", params, { notificationOptions: "object" });
    if (!options) {
      throw new BridgeError(ErrorCode.InvalidParams, "The notificationOptions parameter is null. Provide a value to the parameter: pass {type: 2, level: 4, message: \"…\"}");
    }
    return this.#add(origin, url, { kind: "message", ...readOptions(/** @type {Record<string, unknown>} */ (options)) });
  }

  /**
   * @param {string} origin
   * @param {Record<string, unknown>} params
   */
  #clear(origin, params) {
    const { notificationId } = readArgs("clearGlobalNotification", params, { notificationId: "string" });
    if (notificationId === undefined) {
      throw new BridgeError(ErrorCode.InvalidParams, "The notificationId parameter is null. Provide a value to the parameter: pass the id showGlobalNotification resolved with");
    }
    // Another provider's id, or one already cleared, changes nothing and says nothing.
    this.#remove((b) => b.id === notificationId && b.kind === "message" && b.provider === origin);
    return null;
  }

  /**
   * @param {string} origin
   * @param {string | undefined} url
   * @param {Record<string, unknown>} params
   */
  async #progress(origin, url, params) {
    const { message = "" } = readArgs("showProgressIndicator", params, { message: "string" });
    this.#remove((b) => b.kind === "progress" && b.provider === origin);
    await this.#add(origin, url, { kind: "progress", message: clip(String(message), MAX_MESSAGE), level: "info", showCloseButton: false, actionLabel: "", actionLink: "", hasHandler: false });
    return null;
  }

  /**
   * @param {string} origin
   * @param {string | undefined} url
   * @param {Omit<Bar, "id" | "provider" | "source">} bar
   * @returns {Promise<string>} the new bar's id
   */
  async #add(origin, url, bar) {
    const mine = this.#bars.filter((b) => b.provider === origin && b.kind === "message").length;
    if (bar.kind === "message" && (mine >= MAX_BARS_PER_PROVIDER || this.#bars.length >= MAX_BARS)) {
      throw new BridgeError(ErrorCode.InvalidParams, `showGlobalNotification: the panel already shows ${mine >= MAX_BARS_PER_PROVIDER ? `${mine} of this provider's message bars, its most` : `${this.#bars.length} message bars, its most`}; clear one with clearGlobalNotification first`);
    }
    const id = this.#opts.newId?.() ?? `notification-${crypto.randomUUID()}`;
    this.#bars.push({ id, provider: origin, source: await this.#opts.sourceOf(origin, url), ...bar });
    this.#opts.onChange();
    return id;
  }

  /** @param {(bar: Bar) => boolean} which */
  #remove(which) {
    const before = this.#bars.length;
    this.#bars = this.#bars.filter((b) => !which(b));
    if (this.#bars.length !== before) this.#opts.onChange();
  }
}

/**
 * Reads showGlobalNotification's options, Xrm's addGlobalNotification
 * ones: {type?, level, message, showCloseButton?, action?: {actionLabel,
 * eventHandler}, actionLabel?, actionLink?}. The page's script sends
 * action.eventHandler as true, since a function cannot travel.
 * @param {Record<string, unknown>} options
 * @returns {Omit<Bar, "id" | "kind" | "provider" | "source">}
 */
function readOptions(options) {
  const method = "showGlobalNotification";
  const o = readArgs(method, prefixed(options), {
    "notificationOptions.type": "number", "notificationOptions.level": "any", "notificationOptions.message": "string",
    "notificationOptions.showCloseButton": "boolean", "notificationOptions.action": "object",
    "notificationOptions.actionLabel": "string", "notificationOptions.actionLink": "string",
  });
  const message = /** @type {string | undefined} */ (o["notificationOptions.message"]);
  if (!message) {
    throw new BridgeError(ErrorCode.InvalidParams, "showGlobalNotification: notificationOptions.message is blank; pass the text the panel shows");
  }
  const levelGiven = o["notificationOptions.level"] ?? 4;
  const level = LEVELS[String(levelGiven).toUpperCase()];
  if (!level) {
    throw new BridgeError(ErrorCode.InvalidParams, `showGlobalNotification: notificationOptions.level is ${JSON.stringify(levelGiven)}; use 1 (success), 2 (error), 3 (warning) or 4 (information)`);
  }
  const action = readAction(/** @type {Record<string, unknown> | undefined} */ (o["notificationOptions.action"]));
  const link = /** @type {string} */ (o["notificationOptions.actionLink"] ?? "");
  if (link && !webLink(link)) {
    throw new BridgeError(ErrorCode.InvalidParams, `showGlobalNotification: notificationOptions.actionLink is not an http or https address of at most ${MAX_LINK} characters; pass a full URL such as https://contoso.com/help`);
  }
  const label = action?.actionLabel ?? /** @type {string} */ (o["notificationOptions.actionLabel"] ?? "");
  return {
    message: clip(message, MAX_MESSAGE),
    level,
    showCloseButton: o["notificationOptions.showCloseButton"] === true,
    actionLabel: clip(label || (link ? link : ""), MAX_LABEL),
    actionLink: action?.hasHandler ? "" : link,
    hasHandler: action?.hasHandler ?? false,
  };
}

/**
 * @param {Record<string, unknown> | undefined} action
 * @returns {{actionLabel: string, hasHandler: boolean} | undefined}
 */
function readAction(action) {
  if (!action) return undefined;
  const a = readArgs("showGlobalNotification", prefixed(action, "notificationOptions.action"), {
    "notificationOptions.action.actionLabel": "string", "notificationOptions.action.eventHandler": "boolean",
  });
  return { actionLabel: /** @type {string} */ (a["notificationOptions.action.actionLabel"] ?? ""), hasHandler: a["notificationOptions.action.eventHandler"] === true };
}

/**
 * Names an object's members by their path, for readArgs' messages.
 * @param {Record<string, unknown>} o
 * @param {string} [prefix]
 */
function prefixed(o, prefix = "notificationOptions") {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [`${prefix}.${k}`, v]));
}

/** @param {string} link */
function webLink(link) {
  if (link.length > MAX_LINK) return false;
  try {
    const url = new URL(link);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * @param {string} text
 * @param {number} max
 */
function clip(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
