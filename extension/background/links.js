// Click-to-act on links in every site: content/links.js runs on the
// allowed sites beside the relay; this registers it for every http and
// https page too, once the agent has turned that on in the options and
// granted the browser's permission for all sites (optional, asked for
// there, and given back when the agent turns it off).
import { LINK_ORIGINS, loadOptions } from "../shared/clicktoact.js";

const SCRIPT_ID = "cif-bridge-links";

/**
 * Registers or unregisters content/links.js to match the agent's choice
 * and the permission the browser holds. Idempotent.
 * @param {any} api browser or chrome
 */
export async function syncLinkScript(api) {
  const { links } = await loadOptions(api.storage.local);
  const wanted = links && (await api.permissions.contains({ origins: [...LINK_ORIGINS] }));
  const existing = await api.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] });
  if (!wanted) {
    if (existing.length > 0) await api.scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
    return;
  }
  if (existing.length > 0) return;
  await api.scripting.registerContentScripts([{
    id: SCRIPT_ID,
    matches: [...LINK_ORIGINS],
    js: ["content/links.js"],
    runAt: "document_start",
    allFrames: true,
    persistAcrossSessions: true,
  }]);
}
