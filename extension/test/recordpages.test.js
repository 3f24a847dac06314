import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_PAGE_TABS, PageTabs } from "../background/pagetabs.js";
import { openPagePath, pageQuery, readPageQuery } from "../shared/pagelinks.js";
import { changeAction } from "../views/records/changes.js";
import { markClickToAct, readClickToAct } from "../views/records/clicktoact.js";
import { tabPage } from "../views/records/page.js";
import { choices, control, fromInput, lookupBind, lookupValue, prefill, shown, toInput } from "../views/records/values.js";

test("record page addresses", () => {
  const ref = { page: "record", entityName: "contact", entityId: "0f8fad5b-d9cb-469f-a165-70867728950e" };
  assert.equal(pageQuery(ref), "?page=record&entity=contact&id=0f8fad5b-d9cb-469f-a165-70867728950e");
  assert.deepEqual(readPageQuery(pageQuery(ref)), ref);
  const form = { page: "record", entityName: "contact", data: { telephone1: "+1 206 555 0143", note: "a&b=c" } };
  assert.deepEqual(readPageQuery(pageQuery(form)), form, "a new record's form parameters travel whole");
  assert.deepEqual(readPageQuery("?page=search&entity=contact&q=Ann%20Lee"), { page: "search", entityName: "contact", searchText: "Ann Lee" });
  assert.equal(readPageQuery("?page=record"), null);
  assert.equal(readPageQuery("?page=evil&entity=contact"), null);
  assert.deepEqual(readPageQuery("?page=record&entity=contact&data=%5B1%5D"), { page: "record", entityName: "contact" }, "data that is no object is ignored");

  assert.equal(openPagePath({ page: "record", entityName: "contact", entityId: "x" }), "views/tab/tab.html?page=record&entity=contact&id=x");
  assert.equal(openPagePath({ page: "search", entityName: "contact", searchText: "555" }), "views/tab/tab.html?page=search&entity=contact&q=555");
  assert.equal(openPagePath({ page: "list", entityName: "contact" }), null, "cif-host opens records and searches only");
  assert.equal(openPagePath({ page: "record", entityName: "" }), null);
  assert.equal(openPagePath(null), null);
});

test("which record page a session tab shows", () => {
  const none = new URLSearchParams();
  assert.deepEqual(tabPage({ pageType: "entityRecord", params: { entityName: "contact", entityId: "c1" } }, none), { page: "record", entityName: "contact", entityId: "c1", data: undefined });
  assert.deepEqual(tabPage({ pageType: "entityRecord", params: { entityName: "contact", entityId: "", data: { telephone1: "555" } } }, none),
    { page: "record", entityName: "contact", entityId: undefined, data: { telephone1: "555" } }, "no id: a new-record form");
  assert.equal(tabPage({ pageType: "entityRecord", params: { entityName: "contact" } }, new URLSearchParams("tab=t&id=new-1")).entityId, "new-1", "once created, the record");
  assert.deepEqual(tabPage({ pageType: "search", params: { entityName: "contact", searchText: "Ann" } }, none), { page: "search", entityName: "contact", searchText: "Ann" });
  assert.deepEqual(tabPage({ pageType: "entityList", params: { entityName: "account" } }, none), { page: "list", entityName: "account", searchText: "" });
  assert.equal(tabPage({ pageType: "search", params: { searchText: "kb" } }, none), null, "a knowledge search names no entity");
  assert.equal(tabPage({ pageType: "control", params: { entityName: "contact" } }, none), null);
});

const attr = (type, extra = {}) => ({ logicalName: "x", displayName: "X", type, ...extra });

test("values between the Web API and a page's inputs", () => {
  assert.equal(control(attr("String", { format: "Phone" })), "text");
  assert.equal(control(attr("Memo")), "textarea");
  assert.equal(control(attr("Money")), "number");
  assert.equal(control(attr("DateTime", { format: "DateOnly" })), "date");
  assert.equal(control(attr("DateTime", { format: "DateAndTime" })), "datetime");
  assert.equal(control(attr("Picklist")), "select");
  assert.equal(control(attr("Customer")), "lookup");
  assert.equal(control(attr("State")), "shown", "a record's state follows its status");
  assert.equal(control(attr("String", { readOnly: true })), "shown");

  const when = attr("DateTime", { format: "DateAndTime" });
  assert.equal(toInput(when, "2026-03-15T16:00:00Z"), "2026-03-15T16:00");
  assert.deepEqual(fromInput(when, "2026-03-15T16:00"), { value: "2026-03-15T16:00:00Z" });
  assert.deepEqual(fromInput(attr("Integer"), "1.5"), { error: "X must be a whole number, such as 42" });
  assert.deepEqual(fromInput(attr("Money"), "abc"), { error: "X must be a number, such as 42" });
  assert.deepEqual(fromInput(attr("Money"), " 12.5 "), { value: 12.5 });
  assert.deepEqual(fromInput(attr("String"), ""), { value: null }, "an emptied field clears the value");
  assert.deepEqual(fromInput(attr("Boolean"), "true"), { value: true });
  assert.deepEqual(fromInput(attr("Picklist"), "3"), { value: 3 });

  const yes = attr("Boolean", { options: [{ value: 0, label: "Allow" }, { value: 1, label: "Do Not Allow" }] });
  assert.deepEqual(choices(yes), [{ value: "", label: "" }, { value: "false", label: "Allow" }, { value: "true", label: "Do Not Allow" }]);
  assert.deepEqual(choices(attr("Status", { options: [{ value: 1, label: "Active" }] })), [{ value: "1", label: "Active" }], "a status always has one");
  assert.equal(shown(yes, { x: true, [`x@OData.Community.Display.V1.FormattedValue`]: "Do Not Allow" }), "Do Not Allow");
});

const customer = attr("Customer", {
  logicalName: "customerid",
  targets: [
    { entity: "account", displayName: "Account", entitySetName: "accounts", navigation: "customerid_account" },
    { entity: "contact", displayName: "Contact", entitySetName: "contacts", navigation: "customerid_contact" },
  ],
});

test("lookups: read from a record, written as binds", () => {
  const record = {
    _customerid_value: "c1",
    "_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "contact",
    "_customerid_value@OData.Community.Display.V1.FormattedValue": "Ann Lee",
  };
  const ann = lookupValue(customer, record);
  assert.deepEqual(ann, { id: "c1", entity: "contact", name: "Ann Lee" });
  assert.equal(lookupValue(customer, {}), null);
  assert.deepEqual(lookupBind(customer, { id: "a1", entity: "account", name: "" }, ann), ["customerid_account@odata.bind", "/accounts(a1)"]);
  assert.deepEqual(lookupBind(customer, null, ann), ["customerid_contact@odata.bind", null], "cleared through the target it had");
  assert.equal(lookupBind(customer, { id: "t1", entity: "task", name: "" }, null), null);
});

test("a new-record form starts from openForm's form parameters, as CIF passes them", () => {
  const entity = {
    logicalName: "incident", attributes: [
      attr("String", { logicalName: "title" }), attr("Picklist", { logicalName: "caseorigincode" }), customer,
      attr("String", { logicalName: "ticketnumber", readOnly: true }),
    ],
  };
  const start = prefill(entity, {
    title: "Call from 555", caseorigincode: 1, customerid: "{0F8FAD5B-D9CB-469F-A165-70867728950E}", customeridname: "Ann", customeridtype: "contact",
    ticketnumber: "CAS-1", unknown: "ignored",
  });
  assert.deepEqual([...start], [
    ["title", "Call from 555"], ["caseorigincode", 1],
    ["customerid", { id: "0f8fad5b-d9cb-469f-a165-70867728950e", entity: "contact", name: "Ann" }],
  ], "read-only and unknown keys are left out");
  assert.deepEqual(prefill(entity, { "customerid_account@odata.bind": "/accounts(a1)" }).get("customerid"), { id: "a1", entity: "account", name: "" });
});

test("click-to-act marks carry CIF's onclicktoact payload", () => {
  const attrs = new Map();
  const el = { setAttribute: (k, v) => attrs.set(k, v), getAttribute: (k) => attrs.get(k) ?? null, hasAttribute: (k) => attrs.has(k) };
  assert.equal(readClickToAct(el), null);
  const payload = { value: "+1 206 555 0143", name: "telephone1", format: "Phone", entityLogicalName: "contact", entityId: "c1", recordTitle: "Ann <b>Lee</b>" };
  markClickToAct(el, payload);
  assert.deepEqual(readClickToAct(el), payload);
  assert.deepEqual([...attrs.keys()], [
    "data-cif-click-to-act", "data-cif-click-to-act-value", "data-cif-click-to-act-name", "data-cif-click-to-act-format",
    "data-cif-click-to-act-entity-logical-name", "data-cif-click-to-act-entity-id", "data-cif-click-to-act-record-title",
  ]);
});

test("record pages open in tabs of their own, at most MAX_PAGE_TABS at once", async () => {
  const open = new Set();
  const log = [];
  let next = 1;
  const tabs = {
    get: async (id) => { if (!open.has(id)) throw new Error(`No tab with id: ${id}`); },
    create: async ({ url }) => { const id = next++; open.add(id); log.push(["create", id, url]); return { id }; },
    update: async (id, { url }) => { log.push(["update", id, url]); },
  };
  const pages = new PageTabs(tabs, (path) => `ext://x/${path}`);
  await pages.open({ page: "record", entityName: "contact", entityId: "c1" });
  assert.deepEqual(log, [["create", 1, "ext://x/views/tab/tab.html?page=record&entity=contact&id=c1"]]);
  await pages.open({ page: "nonsense" });
  assert.equal(log.length, 1, "anything else is ignored");

  await Promise.all(Array.from({ length: MAX_PAGE_TABS + 2 }, (_, i) => pages.open({ page: "search", entityName: "contact", searchText: `s${i}` })));
  assert.equal(open.size, MAX_PAGE_TABS);
  assert.deepEqual(log.slice(-3).map(([what, id]) => [what, id]), [["update", MAX_PAGE_TABS], ["update", MAX_PAGE_TABS], ["update", MAX_PAGE_TABS]],
    "past the bound, the newest shows the next page");
  open.delete(3);
  await pages.open({ page: "record", entityName: "contact" });
  assert.deepEqual(log.at(-1), ["create", MAX_PAGE_TABS + 1, "ext://x/views/tab/tab.html?page=record&entity=contact"], "a tab the agent closed makes room");
});

test("what a record page does when a record changes", () => {
  const shown = { entityName: "contact", id: "0F8FAD5B-0000-4000-8000-000000000001", etag: 'W/"1002"', dirty: false };
  const id = "0f8fad5b-0000-4000-8000-000000000001";
  assert.equal(changeAction(shown, { entityName: "contact", id, version: 1003 }), "refresh", "another agent's change shows at once");
  assert.equal(changeAction({ ...shown, dirty: true }, { entityName: "contact", id, version: 1003 }), "warn", "an agent who is editing is warned, not overwritten");
  assert.equal(changeAction(shown, { entityName: "contact", id, version: 1002 }), "ignore", "the version shown (the page's own save)");
  assert.equal(changeAction(shown, { entityName: "contact", id, deleted: true }), "deleted");
  assert.equal(changeAction(shown, { entityName: "contact", id: "0f8fad5b-0000-4000-8000-000000000002", version: 9 }), "ignore", "another record");
  assert.equal(changeAction(shown, { entityName: "account", id, version: 9 }), "ignore", "another entity");
  assert.equal(changeAction(shown, { entityName: "contact" }), "refresh", "many contacts changed at once");
  assert.equal(changeAction(shown, {}), "refresh", "changes may have been missed");
  assert.equal(changeAction({ ...shown, id: "" }, { entityName: "contact", id, version: 9 }), "ignore", "a new-record form");
});
