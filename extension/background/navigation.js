// onPageNavigate: when the agent navigates a tab of the focused session
// to another web address, the session's owner hears onpagenavigate with
// {"value": url}, as Dynamics' providers hear the agent's navigation. Only
// the owner: another provider never learns what a session's tabs show.
// The address a tab opened with is no navigation, nor is an extension page.
import { PageEvent } from "../shared/contract.js";

/**
 * @typedef {object} NavigationDeps
 * @property {{onUpdated: {addListener: (fn: (id: number, change: {url?: string}) => void) => void}, onRemoved: {addListener: (fn: (id: number) => void) => void}}} tabs
 * @property {{sessionOf: (browserTab: number) => ({provider: string, focused: boolean, url: string} | undefined)}} tabSync
 * @property {(origin: string, name: string, payload: string) => number} send raises an event in a provider's pages
 */

/**
 * Raises onpagenavigate for the focused session's tabs.
 * @param {NavigationDeps} deps
 */
export function watchNavigation({ tabs, tabSync, send }) {
  /** @type {Map<number, string>} the address each session tab showed last */
  const shown = new Map();
  tabs.onUpdated.addListener((id, { url }) => {
    const session = url === undefined ? undefined : tabSync.sessionOf(id);
    if (!session || !url || !/^https?:/i.test(url)) return;
    const before = shown.get(id) ?? session.url;
    shown.set(id, url);
    if (url === before || !session.focused) return;
    send(session.provider, PageEvent.PageNavigate, JSON.stringify({ value: url }));
  });
  tabs.onRemoved.addListener((id) => shown.delete(id));
}
