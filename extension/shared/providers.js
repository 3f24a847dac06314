// Channel providers, as Dynamics configures them (msdyn_channelprovider):
// the agent's own, kept in the extension's storage and edited in its
// options, and the administrator's, from cif-host's settings.json (hello's
// channelProviders), shown as managed. The panel hosts the enabled ones'
// pages; their origins are allowed sites.
import { admitterOf, validEntry } from "./origins.js";

/** The storage key of the agent's own providers. */
export const PROVIDERS_KEY = "channelProviders";

/** The bounds of a provider's fields: Dynamics' own, as settings.json has them. */
export const LIMITS = Object.freeze({ label: 100, landingUrl: 1024, trustedDomain: 2000, customParams: 2000, order: 1000, providers: 20 });

/**
 * One channel provider.
 * @typedef {object} Provider
 * @property {string} id "managed:<name>" for the administrator's, "user:<uuid>" for the agent's
 * @property {string} label what the panel's switcher shows
 * @property {string} landingUrl the page the panel loads
 * @property {string} trustedDomain "" or one more origin its pages may call from (https://*.example.com for subdomains)
 * @property {string} customParams "" or the text getEnvironment gives its pages
 * @property {number} order its place in the switcher, 0 first
 * @property {boolean} enabled whether the panel hosts it
 * @property {boolean} managed whether it comes from the administrator's settings.json
 */

/**
 * What is wrong with a provider's fields, one message per field, each
 * saying what to write instead; empty when nothing is.
 * @param {{label?: unknown, landingUrl?: unknown, trustedDomain?: unknown, customParams?: unknown, order?: unknown}} p
 * @returns {{field: string, message: string}[]}
 */
export function providerFaults(p) {
  /** @type {{field: string, message: string}[]} */
  const out = [];
  const add = (/** @type {string} */ field, /** @type {string} */ message) => out.push({ field, message });
  if (typeof p.label !== "string" || p.label.trim() === "") add("label", "Give the name the panel shows, such as Contoso softphone.");
  else if (p.label.length > LIMITS.label) add("label", `Shorten the label to at most ${LIMITS.label} characters.`);
  const landing = landingFault(p.landingUrl);
  if (landing) add("landingUrl", landing);
  if (p.trustedDomain !== undefined && p.trustedDomain !== "" && (typeof p.trustedDomain !== "string" || p.trustedDomain.length > LIMITS.trustedDomain || !validEntry(p.trustedDomain))) {
    add("trustedDomain", "Give one origin, such as https://login.contoso.com, or https://*.contoso.com for its subdomains; or leave it empty.");
  }
  if (p.customParams !== undefined && (typeof p.customParams !== "string" || p.customParams.length > LIMITS.customParams)) {
    add("customParams", `Custom parameters are text of at most ${LIMITS.customParams} characters.`);
  }
  if (!Number.isInteger(p.order) || /** @type {number} */ (p.order) < 0 || /** @type {number} */ (p.order) > LIMITS.order) {
    add("order", `The order is a whole number from 0 (first) to ${LIMITS.order}.`);
  }
  return out;
}

/**
 * @param {unknown} value
 * @returns {string} what is wrong with a landing URL, or ""
 */
function landingFault(value) {
  if (typeof value !== "string" || value === "") return "Give the address of the provider's page, such as https://softphone.contoso.com/.";
  if (value.length > LIMITS.landingUrl) return `Shorten the address to at most ${LIMITS.landingUrl} characters.`;
  let url;
  try {
    url = new URL(value);
  } catch {
    return "Give an absolute http or https address, such as https://softphone.contoso.com/.";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "Give an absolute http or https address, such as https://softphone.contoso.com/.";
  if (url.username || url.password) return "Leave the user name and password out of the address; the page signs in by itself.";
  if (url.hash) return "Leave out the part of the address after #.";
  return "";
}

/**
 * The allowlist entries a provider's pages call from: its landing page's
 * origin, port included (an entry without one would admit every port),
 * and its trusted domain.
 * @param {Provider} p
 * @returns {string[]}
 */
export function providerOrigins(p) {
  const url = new URL(p.landingUrl);
  const out = [`${url.protocol}//${url.hostname}:${url.port || (url.protocol === "https:" ? "443" : "80")}`];
  if (p.trustedDomain) out.push(p.trustedDomain.trim().toLowerCase().replace(/\/+$/, ""));
  return out;
}

/**
 * Whether a page of this origin is one of the provider's.
 * @param {Provider} p
 * @param {string} origin
 * @returns {boolean}
 */
export function providerAdmits(p, origin) {
  return providerOrigins(p).some(admitterOf(origin));
}

/**
 * The enabled provider a page belongs to: of those whose origins admit
 * the page's, the one whose landing page the page's address starts with,
 * else the first in order.
 * @param {readonly Provider[]} providers in order
 * @param {string} origin the page's origin, as the browser reports it
 * @param {string} [url] the page's address, as the browser reports it
 * @returns {Provider | undefined}
 */
export function providerOf(providers, origin, url = "") {
  const mine = providers.filter((p) => p.enabled && providerAdmits(p, origin));
  return mine.find((p) => url.startsWith(p.landingUrl.replace(/[?#].*$/, ""))) ?? mine[0];
}

/**
 * Providers in the switcher's order: by order, then label.
 * @param {Provider[]} providers
 * @returns {Provider[]}
 */
export function sortProviders(providers) {
  return [...providers].sort((a, b) => a.order - b.order || a.label.localeCompare(b.label));
}

/**
 * The administrator's providers as hello gives them (settings.json,
 * already checked by cif-host), as the extension keeps providers.
 * @param {unknown} list hello's channelProviders
 * @returns {Provider[]}
 */
export function managedProviders(list) {
  if (!Array.isArray(list)) return [];
  return list.filter((p) => typeof p?.name === "string" && providerFaults(p).length === 0).map((p) => ({
    id: `managed:${p.name}`,
    label: p.label,
    landingUrl: p.landingUrl,
    trustedDomain: p.trustedDomain ?? "",
    customParams: p.customParams ?? "",
    order: p.order,
    enabled: p.enabled !== false,
    managed: true,
  }));
}

/**
 * The agent's own providers. Entries that are not well formed (the
 * storage was edited by hand, or by an older version) are left out.
 * @param {{get: (key: string) => Promise<Record<string, any>>}} storage
 * @returns {Promise<Provider[]>}
 */
export async function loadUserProviders(storage) {
  const stored = (await storage.get(PROVIDERS_KEY))[PROVIDERS_KEY];
  if (!Array.isArray(stored)) return [];
  return stored.filter((p) => typeof p?.id === "string" && p.id.startsWith("user:") && typeof p.enabled === "boolean" && providerFaults(p).length === 0)
    .slice(0, LIMITS.providers)
    .map((p) => ({ id: p.id, label: p.label, landingUrl: p.landingUrl, trustedDomain: p.trustedDomain ?? "", customParams: p.customParams ?? "", order: p.order, enabled: p.enabled, managed: false }));
}

/**
 * Saves the agent's own providers.
 * @param {{set: (items: object) => Promise<void>}} storage
 * @param {readonly Provider[]} providers
 */
export function saveUserProviders(storage, providers) {
  return storage.set({ [PROVIDERS_KEY]: providers.filter((p) => !p.managed).map((p) => ({ ...p, managed: false })) });
}
