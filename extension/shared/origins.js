import { ErrorCode } from "./contract.js";
import { BridgeError } from "./errors.js";

/**
 * The origins allowed by default: local pages on any port.
 * @type {readonly string[]}
 */
export const DEFAULT_ALLOWED_ORIGINS = Object.freeze(["http://localhost", "http://127.0.0.1"]);

const ENTRY = /^(https?):\/\/(\*\.)?(\[[0-9a-f:.]+\]|[^/:*[\]]+)(?::(\d+))?\/?$/;

/**
 * Whether an allowlist entry admits an origin. An entry is an origin
 * (scheme://host[:port]); without a port it admits every port of that
 * scheme and host, and a host written *.example.com admits the subdomains
 * of example.com.
 * @param {string} entry
 * @param {string} origin
 * @returns {boolean}
 */
export function entryAdmits(entry, origin) {
  return admitterOf(origin)(entry);
}

/**
 * entryAdmits for one origin, parsed once for every entry it is matched
 * against (each call matches the caller against the whole allowlist).
 * @param {string} origin
 * @returns {(entry: string) => boolean}
 */
export function admitterOf(origin) {
  let got;
  try {
    got = new URL(origin);
  } catch {
    return () => false;
  }
  const { protocol, hostname } = got;
  return (entry) => {
    const m = ENTRY.exec(entry.trim().toLowerCase());
    if (!m) return false;
    const [, scheme, wildcard, host, port] = m;
    if (protocol !== `${scheme}:`) return false;
    const hostOK = wildcard ? hostname.endsWith(`.${host}`) : hostname === host;
    const defaultPort = scheme === "https" ? "443" : "80";
    return hostOK && (port === undefined || port === (got.port || defaultPort));
  };
}

/**
 * Whether an allowlist entry is well formed.
 * @param {string} entry
 * @returns {boolean}
 */
export function validEntry(entry) {
  return ENTRY.test(entry.trim().toLowerCase());
}

/**
 * Whether any entry admits the origin.
 * @param {string} origin
 * @param {readonly string[]} entries
 * @returns {boolean}
 */
export function originAllowed(origin, entries) {
  return entries.some(admitterOf(origin));
}

/**
 * The match pattern of an allowlist entry. Match patterns carry no port,
 * so an entry with a port matches every port of its host here, and the
 * background's allowlist check narrows it again.
 * @param {string} entry a valid allowlist entry
 * @returns {string}
 */
export function matchPattern(entry) {
  const url = entry.trim().toLowerCase().replace(/\/+$/, "");
  return `${url.replace(/:\d+$/, "")}/*`;
}

/** The patterns the manifest's content scripts already cover. */
const STATIC_PATTERNS = new Set(DEFAULT_ALLOWED_ORIGINS.map(matchPattern));

/**
 * The patterns an allowlist needs beyond the manifest's own.
 * @param {readonly string[]} entries
 * @returns {string[]}
 */
export function extraPatterns(entries) {
  const patterns = entries.filter(validEntry).map(matchPattern).filter((p) => !STATIC_PATTERNS.has(p));
  return [...new Set(patterns)];
}

/**
 * Who is calling: a web page (by its origin) or one of the extension's own
 * pages (a view: the panel, the options, a tab page).
 * @typedef {{kind: "page", origin: string} | {kind: "view"}} Caller
 */

/**
 * The part of runtime.MessageSender the bridge reads.
 * @typedef {object} Sender
 * @property {string} [id]
 * @property {string} [url]
 * @property {string} [origin]
 * @property {number} [frameId]
 * @property {{id?: number, url?: string}} [tab]
 */

/**
 * Whether a frame is admitted as the provider of its own origin although
 * its top-level page is not of that origin: the background answers it
 * from what the browser said about the frame and about the extension's
 * own panel pages (which providers each hosts, in which tab).
 * @callback PanelFrame
 * @param {Sender} sender
 * @param {string} origin the frame's origin, as the browser reports it
 * @returns {boolean}
 */

/**
 * Identifies the caller from what the browser says about the sender, never
 * from what the page says. A page may call when its origin is allowed and
 * it is the top frame or a frame of the same origin as the top frame.
 * Other frames are refused, so that no site can drive an allowed provider
 * by embedding it, with one exception: a configured channel provider's
 * page in the extension's own panel (panelFrame says which). A frame
 * outside any tab (in a side panel, a sidebar, another extension's page)
 * counts as framed by another: the browsers say nothing of its top.
 * @param {Sender} sender
 * @param {{extensionId: string, extensionUrl: string, allowed: readonly string[], panelFrame?: PanelFrame}} ctx
 * @returns {Caller}
 */
export function identifyCaller(sender, ctx) {
  if (sender.id !== ctx.extensionId) {
    throw new BridgeError(ErrorCode.OriginNotAllowed, "calls from other extensions are refused");
  }
  if (sender.url?.startsWith(ctx.extensionUrl)) return { kind: "view" };
  const origin = senderOrigin(sender);
  if (!origin) {
    throw new BridgeError(ErrorCode.OriginNotAllowed, "this page has no web origin (a file, a data: address or a sandboxed frame); serve it over http or https, and give a sandboxed frame allow-same-origin or call from the top-level page");
  }
  if (framedByAnother(sender, origin)) {
    if (ctx.panelFrame?.(sender, origin)) return { kind: "page", origin };
    throw new BridgeError(ErrorCode.OriginNotAllowed, sender.tab
      ? `the frame ${origin} is not of the same origin as its top-level page; CIF Bridge serves top-level pages and their same-origin frames only, and the channel providers its own panel hosts`
      : `the frame ${origin} is not in a browser tab, and CIF Bridge's panel does not host it; outside tabs CIF Bridge serves only the channel providers its own panel hosts: add ${origin} as a channel provider in the extension's options`);
  }
  if (!originAllowed(origin, ctx.allowed)) {
    throw new BridgeError(ErrorCode.OriginNotAllowed, `the origin ${origin} is not allowed to use CIF Bridge; add it in the extension's options (allowed now: ${ctx.allowed.join(", ") || "none"})`);
  }
  return { kind: "page", origin };
}

/**
 * Whether the sender is a frame whose top-level page is not of its own
 * origin, or whose top-level page the browser does not name.
 * @param {Sender} sender
 * @param {string} origin
 */
function framedByAnother(sender, origin) {
  if (!sender.tab) return true;
  return Boolean(sender.frameId) && senderOrigin({ url: sender.tab.url }) !== origin;
}

/**
 * The sender's origin, from its address only where the browser gives no
 * origin (older Firefox): an opaque origin ("null", a sandboxed frame
 * or a file) is no origin, whatever the frame's address.
 * @param {Sender} sender
 * @returns {string | null} the http(s) origin, or null
 */
function senderOrigin(sender) {
  let origin = sender.origin;
  if (origin === undefined) {
    try {
      origin = new URL(sender.url ?? "").origin;
    } catch {
      return null;
    }
  }
  return /^https?:\/\//.test(origin) ? origin : null;
}
