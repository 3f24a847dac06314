import assert from "node:assert/strict";
import { test } from "node:test";
import { entryAdmits, extraPatterns, matchPattern, originAllowed, validEntry } from "../shared/origins.js";

test("allowlist entries", () => {
  const cases = [
    ["http://localhost", "http://localhost:8080", true],
    ["http://localhost", "http://localhost", true],
    ["http://localhost", "https://localhost", false],
    ["http://localhost:8080", "http://localhost:8080", true],
    ["http://localhost:8080", "http://localhost:8081", false],
    ["https://example.com", "https://example.com", true],
    ["https://example.com:443", "https://example.com", true],
    ["https://example.com", "https://www.example.com", false],
    ["https://*.example.com", "https://a.b.example.com", true],
    ["https://*.example.com", "https://example.com", false],
    ["https://*.example.com", "https://badexample.com", false],
    ["http://[::1]", "http://[::1]:3000", true],
    ["HTTP://LocalHost/", "http://localhost:1", true],
    ["not an origin", "http://localhost", false],
    ["http://localhost/path", "http://localhost", false],
  ];
  for (const [entry, origin, want] of cases) {
    assert.equal(entryAdmits(entry, origin), want, `${entry} admits ${origin}`);
  }
  assert.ok(originAllowed("http://127.0.0.1:5", ["http://localhost", "http://127.0.0.1"]));
  assert.ok(!originAllowed("http://127.0.0.1:5", []));
  assert.ok(validEntry("https://crm.example.com"));
  assert.ok(!validEntry("crm.example.com"));
  assert.ok(!validEntry("https://crm.example.com/app"));
});

test("match patterns for registering the page API", () => {
  assert.equal(matchPattern("https://crm.example.com"), "https://crm.example.com/*");
  assert.equal(matchPattern("http://host:8080/"), "http://host/*");
  assert.equal(matchPattern("https://*.example.com"), "https://*.example.com/*");
  assert.deepEqual(extraPatterns(["http://localhost:3000", "http://127.0.0.1", "https://a.example", "https://a.example:8443", "bad"]), ["https://a.example/*"]);
});
