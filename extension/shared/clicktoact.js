// Click-to-act's settings and payloads, shared by the background, the
// options page and (by the same names, as it is a classic script)
// content/links.js.

/** storage.local: the providers that turned click-to-act on, {origin: when (ms)}. */
export const CLICK_TO_ACT_KEY = "clickToAct";
/** storage.local: the agent's choices in the options (ClickToActOptions). */
export const OPTIONS_KEY = "clickToActOptions";

/** The link schemes click-to-act can take over, in the order the options list them. */
export const SCHEMES = Object.freeze(["tel", "callto", "sms", "mailto"]);

/**
 * @typedef {object} ClickToActOptions
 * @property {string[]} schemes the link schemes a click on a link takes over
 * @property {boolean} links whether clicks on links are taken over in every site, not only the allowed ones (needs the optional host permission)
 * @property {string} defaultProvider the provider that hears click-to-act when several have it on; "" for none
 */

/** @type {Readonly<ClickToActOptions>} */
export const DEFAULT_OPTIONS = Object.freeze({ schemes: ["tel"], links: false, defaultProvider: "" });

/** The pages click-to-act on links runs in, once the agent grants them. */
export const LINK_ORIGINS = Object.freeze(["http://*/*", "https://*/*"]);

/**
 * The agent's options, with the defaults for what is missing or malformed.
 * @param {{get: (key: string) => Promise<Record<string, any>>}} storage
 * @returns {Promise<ClickToActOptions>}
 */
export async function loadOptions(storage) {
  const stored = (await storage.get(OPTIONS_KEY))[OPTIONS_KEY] ?? {};
  const schemes = Array.isArray(stored.schemes) ? SCHEMES.filter((s) => stored.schemes.includes(s)) : [...DEFAULT_OPTIONS.schemes];
  return {
    schemes,
    links: stored.links === true,
    defaultProvider: typeof stored.defaultProvider === "string" ? stored.defaultProvider : "",
  };
}

/** The members of CIF's onclicktoact payload, in CIF's order. */
export const PAYLOAD_KEYS = Object.freeze(["value", "name", "format", "entityLogicalName", "entityId", "recordTitle"]);

/** How long one member of a payload may be. */
export const MAX_PAYLOAD_TEXT = 1024;

/**
 * CIF's onclicktoact payload, as the object it sends as JSON text.
 * @typedef {{value: string, name: string, format: string, entityLogicalName: string, entityId: string, recordTitle: string}} Payload
 */

/**
 * Reads a click-to-act payload from what a page or a view passed: an
 * object whose members are strings (numbers are written as text), each at
 * most MAX_PAYLOAD_TEXT long; missing members are empty, others dropped.
 * @param {unknown} detail
 * @returns {Payload | string} the payload, or what is wrong with it
 */
export function readPayload(detail) {
  if (detail === null || typeof detail !== "object" || Array.isArray(detail)) return "the click-to-act data must be an object such as {value: \"+1 555 0100\", name: \"telephone1\", format: \"Phone\"}";
  const out = /** @type {Record<string, string>} */ ({});
  for (const key of PAYLOAD_KEYS) {
    const value = /** @type {Record<string, unknown>} */ (detail)[key] ?? "";
    if (typeof value !== "string" && typeof value !== "number") return `the click-to-act data's ${key} must be text, not ${Array.isArray(value) ? "an array" : typeof value}`;
    const text = String(value);
    if (text.length > MAX_PAYLOAD_TEXT) return `the click-to-act data's ${key} is ${text.length} characters long; send at most ${MAX_PAYLOAD_TEXT}`;
    out[key] = text;
  }
  if (out.value.trim() === "") return "the click-to-act data has no value: pass the phone number or address in value";
  return /** @type {Payload} */ (out);
}

/**
 * The payload of a click on a link: the number or address after the
 * scheme, without its parameters; name is the scheme; format is "Email"
 * for mailto and "Phone" for the others. Null when the link is not one of
 * schemes or carries nothing.
 * @param {string} href
 * @param {readonly string[]} schemes
 * @returns {Payload | null}
 */
export function linkPayload(href, schemes) {
  const colon = href.indexOf(":");
  const scheme = href.slice(0, colon).toLowerCase();
  if (colon < 0 || !schemes.includes(scheme)) return null;
  let value = href.slice(colon + 1).replace(/^\/\//, "").split(/[?#]/)[0];
  try {
    value = decodeURIComponent(value);
  } catch {
    // Not percent-encoded text: take it as it is.
  }
  value = value.trim().slice(0, MAX_PAYLOAD_TEXT);
  if (value === "") return null;
  return { value, name: scheme, format: scheme === "mailto" ? "Email" : "Phone", entityLogicalName: "", entityId: "", recordTitle: "" };
}

/**
 * Whether selected text looks like a phone number: 3 to 20 digits, with
 * only the signs people write numbers with.
 * @param {string} text
 * @returns {boolean}
 */
export function looksLikePhone(text) {
  const t = text.trim();
  const digits = t.replace(/\D/g, "").length;
  return t.length <= 40 && /^\+?[\d\s().\-/]+(?:\s*(?:x|ext\.?)\s*\d+)?$/i.test(t) && digits >= 3 && digits <= 20;
}

/**
 * The payload of a phone number the agent selected.
 * @param {string} text
 * @returns {Payload}
 */
export function selectionPayload(text) {
  return { value: text.trim(), name: "selection", format: "Phone", entityLogicalName: "", entityId: "", recordTitle: "" };
}
