import assert from "node:assert/strict";
import { test } from "node:test";
import { byNumber, knownNumber, matches, screenPop, unknownNumber } from "./static/screenpop.js";

/**
 * A console's call function that answers each method from answers and
 * records what was called.
 * @param {Record<string, unknown>} answers
 */
function fakeCall(answers) {
  const calls = [];
  const call = async (method, args) => {
    calls.push([method, ...args]);
    const value = answers[method];
    return value instanceof Error ? { ok: false, error: value } : { ok: true, value };
  };
  return { call, calls };
}

test("one contact with the number: its page opens, and the pop names the caller", async () => {
  const { call, calls } = fakeCall({ searchAndOpenRecords: '{"0":{"fullname":"Ann Lee","telephone1":"+1 (206) 555-0143"}}' });
  assert.equal(await screenPop(call, "+1 206 555 0143"), "Ann Lee");
  assert.deepEqual(calls, [["searchAndOpenRecords", "contact", "?$select=fullname,telephone1&$search=+1 206 555 0143", false]]);
});

test("an unknown number: the call is logged and a new contact's form opens with the number", async () => {
  const { call, calls } = fakeCall({ searchAndOpenRecords: "{}", createRecord: '{"entityType":"phonecall","id":"p1"}', openForm: '{"savedEntityReference":[]}' });
  assert.equal(await screenPop(call, "+1 555 555 0111"), null);
  assert.deepEqual(calls.slice(1), [
    ["createRecord", "phonecall", JSON.stringify({ subject: "Call from +1 555 555 0111", phonenumber: "+1 555 555 0111", directioncode: false })],
    ["openForm", JSON.stringify({ entityName: "contact" }), JSON.stringify({ telephone1: "+1 555 555 0111" })],
  ]);
});

test("several contacts open the search results; a failed search does nothing more", async () => {
  let fake = fakeCall({ searchAndOpenRecords: '{"0":{"fullname":"A"},"1":{"fullname":"B"}}' });
  assert.equal(await screenPop(fake.call, "555"), null);
  assert.equal(fake.calls.length, 1);
  fake = fakeCall({ searchAndOpenRecords: new Error("RecordsNotAllowed") });
  assert.equal(await screenPop(fake.call, "555"), null);
  assert.equal(fake.calls.length, 1);
});

test("numbers to call from", async () => {
  assert.equal(unknownNumber(() => 0.07), "+1 555 555 0107");
  assert.equal(unknownNumber(() => 0.999), "+1 555 555 0199");
  assert.equal(byNumber("(206) 555-0143"), "?$select=fullname,telephone1&$search=(206) 555-0143");
  assert.deepEqual(matches("not json"), []);
  assert.deepEqual(matches(undefined), []);
  let fake = fakeCall({ searchAndOpenRecords: '{"0":{"telephone1":"+1 425 555 0100"},"1":{"telephone1":null}}' });
  assert.equal(await knownNumber(fake.call, () => 0), "+1 425 555 0100");
  fake = fakeCall({ searchAndOpenRecords: "{}" });
  assert.equal(await knownNumber(fake.call), null, "an organisation without contacts knows no number");
});
