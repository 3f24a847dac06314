import { extraPatterns } from "../shared/origins.js";

/** Ids of the content scripts registered for origins the user added. */
const SCRIPT_IDS = Object.freeze({ page: "cif-bridge-page", relay: "cif-bridge-relay" });

/**
 * The part of the browser API that syncContentScripts uses.
 * @typedef {object} ScriptingApi
 * @property {{contains: (p: {origins: string[]}) => Promise<boolean>}} permissions
 * @property {{
 *   getRegisteredContentScripts: (f: {ids: string[]}) => Promise<{id: string}[]>,
 *   registerContentScripts: (s: object[]) => Promise<void>,
 *   updateContentScripts: (s: object[]) => Promise<void>,
 *   unregisterContentScripts: (f: {ids: string[]}) => Promise<void>,
 * }} scripting
 */

/**
 * Makes the page API appear on the origins the user added (and granted),
 * by registering the same two content scripts the manifest declares for
 * local pages. Idempotent.
 * @param {ScriptingApi} api
 * @param {readonly string[]} entries the allowlist
 */
export async function syncContentScripts(api, entries) {
  const granted = [];
  for (const pattern of extraPatterns(entries)) {
    if (await api.permissions.contains({ origins: [pattern] })) granted.push(pattern);
  }
  const ids = [SCRIPT_IDS.page, SCRIPT_IDS.relay];
  const existing = await api.scripting.getRegisteredContentScripts({ ids });
  if (granted.length === 0) {
    if (existing.length > 0) await api.scripting.unregisterContentScripts({ ids });
    return;
  }
  const common = { matches: granted, runAt: "document_start", allFrames: true, persistAcrossSessions: true };
  const scripts = [
    { ...common, id: SCRIPT_IDS.page, js: ["content/page-contract.js", "content/page.js"], world: "MAIN" },
    { ...common, id: SCRIPT_IDS.relay, js: ["content/relay-contract.js", "content/relay.js", "content/links.js"] },
  ];
  if (existing.length === ids.length) await api.scripting.updateContentScripts(scripts);
  else {
    if (existing.length > 0) await api.scripting.unregisterContentScripts({ ids });
    await api.scripting.registerContentScripts(scripts);
  }
}
