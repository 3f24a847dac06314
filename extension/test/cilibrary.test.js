import assert from "node:assert/strict";
import { test } from "node:test";
import { LIBRARY_PATH, libraryFilter, syncLibraryRules } from "../background/cilibrary.js";

/** Whether the rule for entry answers a script request for url, as the browsers match it (case-insensitive). */
const answers = (entry, url) => new RegExp(libraryFilter(entry), "i").test(url);

test("msdyn_ciLibrary.js is answered under any webresources/Widget/ path of the allowed site, in any letter case", () => {
  for (const url of [
    "http://localhost:3000/webresources/Widget/msdyn_ciLibrary.js",
    "http://localhost/WebResources/Widget/msdyn_ciLibrary.js?v=9.2",
    "http://localhost:8080/%7b638%7d/Webresources/widget/MSDYN_CILIBRARY.JS",
    "http://localhost/org/a/b/webresources/Widget/msdyn_ciLibrary.js#x",
  ]) assert.ok(answers("http://localhost", url), url);
  for (const url of [
    "http://localhost.evil.example/webresources/Widget/msdyn_ciLibrary.js",
    "https://localhost/webresources/Widget/msdyn_ciLibrary.js",
    "http://localhost/webresources/Widget/msdyn_ciLibrary.js.map",
    "http://localhost/xwebresources/Widget/msdyn_ciLibrary.js",
    "http://localhost/webresources/Widget/other.js",
    "http://evil.example/?http://localhost/webresources/Widget/msdyn_ciLibrary.js",
  ]) assert.ok(!answers("http://localhost", url), url);
});

test("the rule keeps to the entry's port and subdomains", () => {
  const lib = "/webresources/Widget/msdyn_ciLibrary.js";
  assert.ok(answers("http://127.0.0.1:8700", `http://127.0.0.1:8700${lib}`));
  assert.ok(!answers("http://127.0.0.1:8700", `http://127.0.0.1:8701${lib}`));
  assert.ok(answers("https://crm.example:443", `https://crm.example${lib}`));
  assert.ok(answers("https://*.example.com", `https://a.b.example.com${lib}`));
  assert.ok(!answers("https://*.example.com", `https://example.com${lib}`));
  assert.ok(!answers("https://*.example.com", `https://badexample.com${lib}`));
  assert.ok(answers("http://[::1]", `http://[::1]:3000${lib}`));
});

test("the rules follow the allowed sites the browser lets the extension reach", async () => {
  let rules = [{ id: 1500 }, { id: 1501 }, { id: 7 }];
  const updates = [];
  const api = {
    permissions: { contains: async ({ origins }) => origins[0] !== "https://denied.example/*" },
    declarativeNetRequest: {
      getDynamicRules: async () => rules,
      updateDynamicRules: async (u) => {
        updates.push(u);
        rules = rules.filter((r) => !u.removeRuleIds.includes(r.id)).concat(u.addRules);
      },
    },
  };
  await syncLibraryRules(api, ["http://localhost", "https://denied.example", "not an origin", "http://localhost"]);
  assert.deepEqual(updates[0].removeRuleIds, [1500, 1501], "only its own rules");
  assert.deepEqual(updates[0].addRules, [{
    id: 1500, priority: 1,
    action: { type: "redirect", redirect: { extensionPath: LIBRARY_PATH } },
    condition: { regexFilter: libraryFilter("http://localhost"), isUrlFilterCaseSensitive: false, resourceTypes: ["script"] },
  }]);
  assert.deepEqual(rules.map((r) => r.id), [7, 1500]);
});
