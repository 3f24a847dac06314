// Dynamics' library script, msdyn_ciLibrary.js, for pages that load it.
// Real CIF code often adds <script src=".../webresources/Widget/msdyn_ciLibrary.js">
// (the folder's letter case varies) and starts on that script's load
// event; outside Dynamics the request fails and the code never starts.
// On allowed sites, a declarativeNetRequest rule answers the request with
// the extension's content/cilibrary.js instead (both browsers run such
// rules), which tells the page's Microsoft.CIFramework that it loaded.
import { matchPattern, validEntry } from "../shared/origins.js";

/** The extension's answer to msdyn_ciLibrary.js, a web-accessible resource. */
export const LIBRARY_PATH = "/content/cilibrary.js";

/** The ids of the dynamic rules this owns: one per allowed site. */
const FIRST_RULE_ID = 1500;
const MAX_RULES = 200;

/**
 * The regular expression of a library request on the site an allowlist
 * entry admits: any path ending in webresources/widget/msdyn_cilibrary.js,
 * matched without regard to letter case, with any query.
 * @param {string} entry a valid allowlist entry
 * @returns {string}
 */
export function libraryFilter(entry) {
  const m = /^(https?):\/\/(\*\.)?([^/:]+|\[[^\]]+\])(?::(\d+))?\/?$/.exec(entry.trim().toLowerCase());
  if (!m) throw new Error(`not an allowlist entry: ${entry}`);
  const [, scheme, wildcard, host, port] = m;
  const defaultPort = scheme === "https" ? "443" : "80";
  const hostRe = `${wildcard ? "[^/:?#]+\\." : ""}${escape(host)}`;
  let portRe = "(:[0-9]+)?";
  if (port === defaultPort) portRe = `(:${port})?`;
  else if (port) portRe = `:${port}`;
  return `^${scheme}://${hostRe}${portRe}/([^?#]*/)?webresources/widget/msdyn_cilibrary\\.js([?#].*)?$`;
}

/** @param {string} text */
function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The part of the browser API syncLibraryRules uses.
 * @typedef {object} RulesApi
 * @property {{contains: (p: {origins: string[]}) => Promise<boolean>}} permissions
 * @property {{
 *   getDynamicRules: () => Promise<{id: number}[]>,
 *   updateDynamicRules: (u: {removeRuleIds: number[], addRules: object[]}) => Promise<void>,
 * }} declarativeNetRequest
 */

/**
 * Answers msdyn_ciLibrary.js on every allowed site the extension has the
 * browser's permission for, and nowhere else. Idempotent.
 * @param {RulesApi} api
 * @param {readonly string[]} entries the allowlist, providers' origins included
 */
export async function syncLibraryRules(api, entries) {
  const filters = [];
  for (const entry of new Set(entries.filter(validEntry))) {
    if (filters.length === MAX_RULES) break;
    if (await api.permissions.contains({ origins: [matchPattern(entry)] })) filters.push(libraryFilter(entry));
  }
  const mine = (await api.declarativeNetRequest.getDynamicRules()).map((r) => r.id).filter((id) => id >= FIRST_RULE_ID && id < FIRST_RULE_ID + MAX_RULES);
  await api.declarativeNetRequest.updateDynamicRules({
    removeRuleIds: mine,
    addRules: filters.map((regexFilter, i) => ({
      id: FIRST_RULE_ID + i,
      priority: 1,
      action: { type: "redirect", redirect: { extensionPath: LIBRARY_PATH } },
      condition: { regexFilter, isUrlFilterCaseSensitive: false, resourceTypes: ["script"] },
    })),
  });
}
