import assert from "node:assert/strict";
import { test } from "node:test";
import { Providers } from "../background/providers.js";
import { LIMITS, PROVIDERS_KEY, loadUserProviders, managedProviders, providerAdmits, providerFaults, providerOf, providerOrigins, saveUserProviders } from "../shared/providers.js";
import { FakeStorage } from "./fakes.js";

const good = { label: "Softphone", landingUrl: "https://soft.example/agent?x=1", trustedDomain: "", customParams: "", order: 0 };

test("a provider's fields are checked as settings.json's are, each fault saying what to write", () => {
  assert.deepEqual(providerFaults(good), []);
  const faults = (p) => providerFaults({ ...good, ...p }).map((f) => `${f.field}: ${f.message}`);
  assert.deepEqual(faults({ label: " " }), ["label: Give the name the panel shows, such as Contoso softphone."]);
  assert.deepEqual(faults({ label: "x".repeat(LIMITS.label + 1) }), ["label: Shorten the label to at most 100 characters."]);
  assert.deepEqual(faults({ landingUrl: "" }), ["landingUrl: Give the address of the provider's page, such as https://softphone.contoso.com/."]);
  assert.deepEqual(faults({ landingUrl: "softphone.example" }), ["landingUrl: Give an absolute http or https address, such as https://softphone.contoso.com/."]);
  assert.deepEqual(faults({ landingUrl: "ftp://soft.example/" }), ["landingUrl: Give an absolute http or https address, such as https://softphone.contoso.com/."]);
  assert.deepEqual(faults({ landingUrl: "https://u:p@soft.example/" }), ["landingUrl: Leave the user name and password out of the address; the page signs in by itself."]);
  assert.deepEqual(faults({ landingUrl: "https://soft.example/#x" }), ["landingUrl: Leave out the part of the address after #."]);
  assert.deepEqual(faults({ landingUrl: `https://soft.example/${"a".repeat(LIMITS.landingUrl)}` }), ["landingUrl: Shorten the address to at most 1024 characters."]);
  assert.deepEqual(faults({ trustedDomain: "soft.example" }), ["trustedDomain: Give one origin, such as https://login.contoso.com, or https://*.contoso.com for its subdomains; or leave it empty."]);
  assert.deepEqual(faults({ customParams: "x".repeat(LIMITS.customParams + 1) }), ["customParams: Custom parameters are text of at most 2000 characters."]);
  assert.deepEqual(faults({ order: 1.5 }), ["order: The order is a whole number from 0 (first) to 1000."]);
  assert.deepEqual(faults({ order: 1001 }), ["order: The order is a whole number from 0 (first) to 1000."]);
});

test("a provider's origins: its landing page's, port included, and its trusted domain", () => {
  const p = { ...good, id: "user:1", enabled: true, managed: false, trustedDomain: "https://*.login.example/" };
  assert.deepEqual(providerOrigins(p), ["https://soft.example:443", "https://*.login.example"]);
  assert.ok(providerAdmits(p, "https://soft.example"));
  assert.ok(!providerAdmits(p, "https://soft.example:8443"), "not every port of the host");
  assert.ok(!providerAdmits(p, "http://soft.example"));
  assert.ok(providerAdmits(p, "https://a.login.example"));
  assert.ok(!providerAdmits(p, "https://login.example"));
  assert.deepEqual(providerOrigins({ ...p, landingUrl: "http://127.0.0.1:8700/", trustedDomain: "" }), ["http://127.0.0.1:8700"]);
});

test("a page's provider: the enabled one whose landing page it is under, else the first in order", () => {
  const a = { ...good, id: "a", label: "A", landingUrl: "https://x.example/a/", order: 1, enabled: true, managed: false };
  const b = { ...good, id: "b", label: "B", landingUrl: "https://x.example/b/?q=1", order: 2, enabled: true, managed: false };
  const off = { ...good, id: "off", label: "Off", landingUrl: "https://y.example/", order: 0, enabled: false, managed: false };
  assert.equal(providerOf([a, b, off], "https://x.example", "https://x.example/b/page")?.id, "b");
  assert.equal(providerOf([a, b, off], "https://x.example", "https://x.example/c")?.id, "a");
  assert.equal(providerOf([a, b, off], "https://y.example", "https://y.example/"), undefined, "a disabled provider has no pages");
});

test("the administrator's providers come from hello; the agent's from storage, well formed only", async () => {
  assert.deepEqual(managedProviders([{ name: "soft", label: "Soft", landingUrl: "https://soft.example/", order: 2, enabled: false }, { name: "bad", label: "", landingUrl: "x", order: 0 }, null]), [
    { id: "managed:soft", label: "Soft", landingUrl: "https://soft.example/", trustedDomain: "", customParams: "", order: 2, enabled: false, managed: true },
  ]);
  assert.deepEqual(managedProviders(undefined), []);

  const storage = new FakeStorage();
  storage.items[PROVIDERS_KEY] = [
    { id: "user:1", ...good, enabled: true },
    { id: "managed:x", ...good, enabled: true },
    { id: "user:2", ...good, landingUrl: "javascript:alert(1)", enabled: true },
    { id: "user:3", ...good, enabled: "yes" },
  ];
  assert.deepEqual((await loadUserProviders(storage)).map((p) => p.id), ["user:1"]);
  await saveUserProviders(storage, [{ id: "user:9", ...good, enabled: false, managed: false }, { id: "managed:soft", ...good, enabled: true, managed: true }]);
  assert.deepEqual(storage.items[PROVIDERS_KEY].map((p) => p.id), ["user:9"], "the administrator's are not the agent's to save");
});

test("the background's providers: both kinds in order, the enabled ones' origins, read again after a change", async () => {
  const storage = new FakeStorage();
  storage.items[PROVIDERS_KEY] = [{ id: "user:1", ...good, label: "Mine", landingUrl: "http://localhost:3000/", order: 5, enabled: true }];
  const providers = new Providers({ storage });
  assert.equal(providers.setManaged([{ name: "soft", label: "Soft", landingUrl: "https://soft.example/", order: 1 }]), true);
  assert.equal(providers.setManaged([{ name: "soft", label: "Soft", landingUrl: "https://soft.example/", order: 1 }]), false, "the same again is no change");
  assert.deepEqual((await providers.all()).map((p) => p.label), ["Soft", "Mine"]);
  assert.deepEqual(await providers.origins(), ["https://soft.example:443", "http://localhost:3000"]);
  storage.items[PROVIDERS_KEY][0].enabled = false;
  assert.equal((await providers.enabled()).length, 2, "read once");
  providers.invalidate();
  assert.deepEqual((await providers.enabled()).map((p) => p.label), ["Soft"]);
  assert.equal((await providers.of("https://soft.example", "https://soft.example/x"))?.id, "managed:soft");
});
