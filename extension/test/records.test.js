import assert from "node:assert/strict";
import { test } from "node:test";
import { ErrorCode } from "../shared/contract.js";
import { accessNeeded, accessOf, loadRecordAccess, RecordAccess } from "../shared/recordaccess.js";
import { FakeHost, FakeStorage, pageSender } from "./fakes.js";
import { pageWorld, testBridge } from "./world.js";

/** A page world closed when the test ends. */
function world(t, opts) {
  const w = pageWorld(opts);
  t.after(w.close);
  return w;
}

test("the record methods reach the host with CIF's arguments in order", async (t) => {
  const w = world(t, { answer: () => "{}" });
  const cif = w.cif;
  await cif.createRecord("contact", '{"firstname":"Ann"}', "c1");
  await cif.retrieveRecord("contact", "id-1", "?$select=fullname", "c2");
  await cif.updateRecord("contact", "id-1", { jobtitle: "Buyer" }, "c3");
  await cif.deleteRecord("contact", "id-1", "c4");
  await cif.searchAndOpenRecords("contact", "$search=555", false, "c5", 0);
  await cif.getEntityMetadata("contact", ["telephone1"], "c6");
  await cif.openForm('{"entityName":"contact"}', '{"telephone1":"555"}', "c7");
  await cif.renderSearchPage("contact", "Ann", "c8", 1);
  await cif.refreshForm(true, "c9");
  assert.deepEqual(w.calls.map((c) => [c.method, c.params.args]), [
    ["createRecord", { entityName: "contact", data: '{"firstname":"Ann"}', correlationId: "c1" }],
    ["retrieveRecord", { entityName: "contact", id: "id-1", query: "?$select=fullname", correlationId: "c2" }],
    ["updateRecord", { entityName: "contact", id: "id-1", data: { jobtitle: "Buyer" }, correlationId: "c3" }],
    ["deleteRecord", { entityName: "contact", id: "id-1", correlationId: "c4" }],
    ["searchAndOpenRecords", { entityName: "contact", query: "$search=555", searchOnly: false, correlationId: "c5", searchType: 0 }],
    ["getEntityMetadata", { entityName: "contact", attributes: ["telephone1"], correlationId: "c6" }],
    ["openForm", { entityFormOptions: '{"entityName":"contact"}', formParameters: '{"telephone1":"555"}', correlationId: "c7" }],
    ["renderSearchPage", { entityName: "contact", searchString: "Ann", correlationId: "c8", searchType: 1 }],
    ["refreshForm", { save: true, correlationId: "c9" }],
  ]);
  await cif.retrieveRecord("contact", "id-1");
  assert.deepEqual(w.calls.at(-1).params.args, { entityName: "contact", id: "id-1" }, "what the page left out stays out");
});

test("record methods resolve with the host's JSON string; renderSearchPage with nothing", async (t) => {
  const w = world(t, { answer: (method) => (method === "renderSearchPage" ? null : '{"entityType":"contact","id":"x"}') });
  assert.equal(await w.cif.createRecord("contact", "{}"), '{"entityType":"contact","id":"x"}');
  assert.equal(await w.cif.renderSearchPage("contact", "Ann"), undefined);
});

test("what a record call needs: reads, writes, and searchAndOpenRecords by searchOnly", () => {
  assert.equal(accessNeeded("retrieveRecord", {}), RecordAccess.Read);
  assert.equal(accessNeeded("getEntityMetadata", {}), RecordAccess.Read);
  assert.equal(accessNeeded("searchAndOpenRecords", { searchOnly: true }), RecordAccess.Read);
  assert.equal(accessNeeded("searchAndOpenRecords", { searchOnly: false }), RecordAccess.Write, "it opens a page");
  assert.equal(accessNeeded("searchAndOpenRecords", { searchOnly: "true" }), RecordAccess.Write, "only the boolean true only searches");
  for (const m of ["createRecord", "updateRecord", "deleteRecord", "openForm", "renderSearchPage", "refreshForm"]) assert.equal(accessNeeded(m, {}), RecordAccess.Write, m);
  assert.equal(accessNeeded("createSession", {}), null);
});

test("where several allowlist entries admit a site, the most restrictive choice applies", () => {
  const entries = ["http://localhost", "http://localhost:3000", "https://crm.example"];
  assert.deepEqual(accessOf("http://localhost:3000", entries, {}), { access: RecordAccess.Write, entry: "http://localhost" }, "by default, read and write");
  assert.deepEqual(accessOf("http://localhost:3000", entries, { "http://localhost:3000": RecordAccess.Read }), { access: RecordAccess.Read, entry: "http://localhost:3000" });
  assert.deepEqual(accessOf("http://localhost:3000", entries, { "http://localhost": RecordAccess.None, "http://localhost:3000": RecordAccess.Read }), { access: RecordAccess.None, entry: "http://localhost" });
  assert.deepEqual(accessOf("http://localhost:8080", entries, { "http://localhost:3000": RecordAccess.None }), { access: RecordAccess.Write, entry: "http://localhost" }, "another port's choice does not apply");
  assert.equal(accessOf("https://other.example", entries, {}).access, RecordAccess.None, "an origin no entry admits may do nothing");
});

test("the background refuses record calls a site may not make, before they reach cif-host", async () => {
  const host = new FakeHost(() => "{}");
  const choices = { "http://localhost": RecordAccess.Read, "http://127.0.0.1": RecordAccess.None };
  const bridge = testBridge(host, ["http://localhost", "http://127.0.0.1"], choices);
  const call = (url, method, params) => bridge.handle({ kind: "call", method, params }, pageSender(url));

  assert.deepEqual(await call("http://localhost:3000/", "retrieveRecord", { entityName: "contact", id: "x" }), { ok: true, result: "{}" });
  assert.deepEqual(await call("http://localhost:3000/", "searchAndOpenRecords", { entityName: "contact", query: "$search=x", searchOnly: true }), { ok: true, result: "{}" });
  assert.deepEqual(await call("http://localhost:3000/", "createRecord", { entityName: "contact", data: "{}" }), {
    ok: false,
    error: {
      code: ErrorCode.RecordsNotAllowed,
      message: "createRecord: http://localhost:3000 may only read records (retrieveRecord, getEntityMetadata, searchAndOpenRecords with searchOnly true), and createRecord writes records or opens a page; to let it, in the extension's options, under Allowed sites, set Records for http://localhost to \"read and write records\"",
    },
  });
  assert.equal((await call("http://localhost:3000/", "searchAndOpenRecords", { entityName: "contact", query: "$search=x", searchOnly: false })).error.code, ErrorCode.RecordsNotAllowed);
  assert.deepEqual(await call("http://127.0.0.1:8080/", "getEntityMetadata", { entityName: "contact" }), {
    ok: false,
    error: {
      code: ErrorCode.RecordsNotAllowed,
      message: "getEntityMetadata: http://127.0.0.1:8080 may not use the organisation's records; to let it, in the extension's options, under Allowed sites, set Records for http://127.0.0.1 to \"read records only\"",
    },
  });
  assert.deepEqual(await call("http://127.0.0.1:8080/", "getAllSessions", {}), { ok: true, result: "{}" }, "sessions are not records");
  assert.deepEqual(host.calls.map((c) => c.method), ["retrieveRecord", "searchAndOpenRecords", "getAllSessions"], "a refused call never reaches cif-host");
});

test("stored choices are read strictly", async () => {
  const storage = new FakeStorage();
  assert.deepEqual(await loadRecordAccess(storage), {});
  storage.items.recordsAccess = { "http://a": "read", "http://b": "everything", "http://c": 1, "http://d": "none" };
  assert.deepEqual(await loadRecordAccess(storage), { "http://a": "read", "http://d": "none" });
  storage.items.recordsAccess = ["read"];
  assert.deepEqual(await loadRecordAccess(storage), {});
});
