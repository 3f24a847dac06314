// "Copy diagnostics": a support report of the extension, the browser,
// cif-host's hello (its version, state and log files, configuration
// problems), the last connection error and the settings the extension
// holds. It holds no page data and no records, and no provider's custom
// parameters (they may hold secrets): only their length.
import { CLICK_TO_ACT_KEY, loadOptions } from "../../shared/clicktoact.js";
import { BackgroundMethod } from "../../shared/methods.js";
import { ACCESS_LABELS, loadRecordAccess, RecordAccess } from "../../shared/recordaccess.js";
import { loadAllowedOrigins } from "../../shared/settings.js";
import { callBackground } from "../shared/client.js";

/**
 * @typedef {object} Problem
 * @property {string} file
 * @property {string} [template]
 * @property {string} [field]
 * @property {string} message
 */

/**
 * What the report says, gathered by gatherDiagnostics.
 * @typedef {object} Diagnostics
 * @property {string} time when it was gathered, ISO 8601
 * @property {{name: string, version: string, id: string}} extension
 * @property {{name: string, userAgent: string, os: string, arch: string}} browser
 * @property {{hostVersion?: string, protocolVersion?: number, stateFile?: string, logFile?: string, problems?: Problem[]} | null} hello null when not connected
 * @property {string | null} lastError why the last connection ended or failed
 * @property {readonly string[]} allowedSites
 * @property {Readonly<Record<string, string>>} recordsAccess choices by allowlist entry
 * @property {import("../../shared/providers.js").Provider[]} providers
 * @property {{schemes: string[], links: boolean, defaultProvider: string}} clickToAct
 * @property {string[]} clickToActOn the providers that turned click-to-act on
 * @property {string[]} permissions the permissions and sites granted
 * @property {{name: string, shortcut: string}[]} shortcuts
 */

/**
 * Gathers the report's facts. What cannot be read is left out and named
 * in lastError (for cif-host) or as "unknown".
 * @param {any} api browser or chrome
 * @returns {Promise<Diagnostics>}
 */
export async function gatherDiagnostics(api) {
  const storage = api.storage.local;
  const manifest = api.runtime.getManifest();
  const { hello, lastError } = await callBackground(api, BackgroundMethod.Status).catch((err) => ({ hello: null, lastError: `the background did not answer: ${err.message}` }));
  const platform = await api.runtime.getPlatformInfo().catch(() => ({ os: "unknown", arch: "unknown" }));
  const granted = await api.permissions.getAll();
  const commands = await api.commands?.getAll().catch(() => []) ?? [];
  return {
    time: new Date().toISOString(),
    extension: { name: api.i18n.getMessage("extensionName"), version: manifest.version, id: api.runtime.id },
    browser: { name: await browserName(api), userAgent: navigator.userAgent, os: platform.os, arch: platform.arch },
    hello,
    lastError,
    allowedSites: await loadAllowedOrigins(storage),
    recordsAccess: await loadRecordAccess(storage),
    providers: await callBackground(api, BackgroundMethod.Providers).catch(() => []),
    clickToAct: await loadOptions(storage),
    clickToActOn: Object.keys((await storage.get(CLICK_TO_ACT_KEY))[CLICK_TO_ACT_KEY] ?? {}).sort(),
    permissions: [...(granted.permissions ?? []), ...(granted.origins ?? [])],
    shortcuts: commands.filter((/** @type {{name: string}} */ c) => c.name !== "_execute_action")
      .map((/** @type {{name: string, shortcut?: string}} */ c) => ({ name: c.name, shortcut: c.shortcut || "none" })),
  };
}

/**
 * The browser and its full version: Firefox says it (getBrowserInfo),
 * Chromium's family through the user agent's client hints.
 * @param {any} api
 * @returns {Promise<string>} "" when neither says
 */
async function browserName(api) {
  const info = await api.runtime.getBrowserInfo?.().catch(() => null);
  if (info) return `${info.name} ${info.version}`;
  /** @type {{getHighEntropyValues?: (hints: string[]) => Promise<{fullVersionList?: {brand: string, version: string}[]}>} | undefined} */
  const hints = /** @type {any} */ (navigator).userAgentData;
  const values = await hints?.getHighEntropyValues?.(["fullVersionList"]).catch(() => null);
  return (values?.fullVersionList ?? []).filter((b) => !/not.a.brand/i.test(b.brand)).map((b) => `${b.brand} ${b.version}`).join(", ");
}

/**
 * The report as plain text, for a support ticket.
 * @param {Diagnostics} d
 * @returns {string}
 */
export function diagnosticsReport(d) {
  const h = d.hello;
  const problems = h?.problems ?? [];
  const lines = [
    `CIF Bridge diagnostics, ${d.time}`,
    `Extension: ${d.extension.name} ${d.extension.version} (id ${d.extension.id})`,
    `Browser: ${d.browser.name || "see the user agent"}; ${d.browser.os} ${d.browser.arch}`,
    `User agent: ${d.browser.userAgent}`,
    h ? `cif-host: ${h.hostVersion}, protocol ${h.protocolVersion}, connected` : "cif-host: not connected",
    `State file: ${h?.stateFile ?? "unknown (not connected)"}`,
    `Log file: ${h?.logFile ?? "unknown (not connected); `cif-host doctor` prints where it is"}`,
    `Configuration problems: ${h ? (problems.length ? "" : "none") : "unknown (not connected)"}`,
    ...problems.map((p) => `  ${p.file}: ${[p.template, p.field, p.message].filter(Boolean).join(" ")}`),
    `Last connection error: ${d.lastError ?? "none"}`,
    "Allowed sites:",
    ...d.allowedSites.map((site) => `  ${site} (${ACCESS_LABELS[d.recordsAccess[site] ?? RecordAccess.Write]})`),
    `Channel providers: ${d.providers.length ? "" : "none"}`,
    ...d.providers.map(providerLine),
    `Click-to-act: links ${d.clickToAct.schemes.join(", ") || "none"}; on every site: ${d.clickToAct.links ? "yes" : "no"}; default provider: ${d.clickToAct.defaultProvider || "the focused session's"}; on for: ${d.clickToActOn.join(", ") || "no provider"}`,
    `Permissions and sites granted: ${d.permissions.join(", ") || "none"}`,
    `Keyboard shortcuts: ${d.shortcuts.map((c) => `${c.name} ${c.shortcut}`).join(", ") || "none"}`,
  ];
  return lines.join("\n") + "\n";
}

/**
 * One provider, without its custom parameters' text.
 * @param {import("../../shared/providers.js").Provider} p
 */
function providerLine(p) {
  const parts = [p.landingUrl, `order ${p.order}`, p.enabled ? "on" : "off", p.managed ? "administrator's" : "the agent's"];
  if (p.trustedDomain) parts.push(`trusted domain ${p.trustedDomain}`);
  if (p.customParams) parts.push(`custom parameters: ${p.customParams.length} characters, not shown`);
  return `  ${p.label}: ${parts.join(", ")}`;
}
