import assert from "node:assert/strict";
import { test } from "node:test";
import { diagnosticsReport } from "../views/options/diagnostics.js";

/** @returns {import("../views/options/diagnostics.js").Diagnostics} */
function facts(over = {}) {
  return {
    time: "2026-11-29T12:00:00.000Z",
    extension: { name: "CIF Bridge", version: "0.1.0", id: "cif-bridge@cifbridge.org" },
    browser: { name: "Firefox 153.8.0", userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0", os: "linux", arch: "x86-64" },
    hello: {
      hostVersion: "0.1.0", protocolVersion: 2, stateFile: "/home/u/.local/state/cif-bridge/profiles/p1.json", logFile: "/home/u/.local/state/cif-bridge/cif-host.log",
      problems: [{ file: "/home/u/.config/cif-bridge/templates.json", template: "contoso_chat", field: "anchorTab", message: "names tab template \"x\", which does not exist" }],
    },
    lastError: null,
    allowedSites: ["http://localhost", "https://softphone.contoso.com"],
    recordsAccess: { "https://softphone.contoso.com": "read" },
    providers: [{ id: "user:1", label: "Contoso softphone", landingUrl: "https://softphone.contoso.com/agent", trustedDomain: "", customParams: "apiKey=s3cr3t", order: 0, enabled: true, managed: false }],
    clickToAct: { schemes: ["tel"], links: false, defaultProvider: "" },
    clickToActOn: ["https://softphone.contoso.com"],
    permissions: ["https://softphone.contoso.com/*"],
    shortcuts: [{ name: "next-session", shortcut: "Alt+Shift+Down" }],
    ...over,
  };
}

test("the support report says what support asks first", () => {
  const report = diagnosticsReport(facts());
  for (const line of [
    "Extension: CIF Bridge 0.1.0 (id cif-bridge@cifbridge.org)",
    "Browser: Firefox 153.8.0; linux x86-64",
    "cif-host: 0.1.0, protocol 2, connected",
    "State file: /home/u/.local/state/cif-bridge/profiles/p1.json",
    "Log file: /home/u/.local/state/cif-bridge/cif-host.log",
    "  /home/u/.config/cif-bridge/templates.json: contoso_chat anchorTab names tab template \"x\", which does not exist",
    "Last connection error: none",
    "  http://localhost (read and write records)",
    "  https://softphone.contoso.com (read records only)",
    "Keyboard shortcuts: next-session Alt+Shift+Down",
  ]) {
    assert.ok(report.split("\n").includes(line), `the report has the line ${JSON.stringify(line)}:\n${report}`);
  }
});

test("a provider's custom parameters are counted, never shown", () => {
  const report = diagnosticsReport(facts());
  assert.ok(!report.includes("s3cr3t"));
  assert.match(report, /Contoso softphone: https:\/\/softphone\.contoso\.com\/agent, order 0, on, the agent's, custom parameters: 13 characters, not shown/);
});

test("without cif-host, the report gives the connection's last error and where to look", () => {
  const error = "cif-host is not reachable: Specified native messaging host not found.; cif-host is not registered for this browser or this extension; run ./install.sh, then `cif-host doctor`";
  const report = diagnosticsReport(facts({ hello: null, lastError: error }));
  assert.match(report, /^cif-host: not connected$/m);
  assert.ok(report.includes(`Last connection error: ${error}\n`));
  assert.match(report, /^Log file: unknown \(not connected\); `cif-host doctor` prints where it is$/m);
});
