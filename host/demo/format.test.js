import assert from "node:assert/strict";
import { test } from "node:test";
import {
  capacityText, describeError, errorText, formatCall, formatValue, parsePayload, SAMPLE_NAMES, sampleId, sampleName,
} from "./static/format.js";

test("values read as JSON, Maps as their entries and functions by name", () => {
  assert.equal(formatValue("session-1"), '"session-1"');
  assert.equal(formatValue(true), "true");
  assert.equal(formatValue(null), "null");
  assert.equal(formatValue(undefined), "undefined");
  assert.equal(formatValue(["a", "b"]), '["a","b"]');
  const info = new Map(Object.entries({ sessionId: "s1", focused: true, context: { channel: "chat" } }));
  assert.equal(formatValue(info), '{"sessionId":"s1","focused":true,"context":{"channel":"chat"}}');
  assert.equal(formatValue({ nested: new Map([["k", 1]]) }), '{"nested":{"k":1}}');
  function onSessionSwitched() {}
  assert.equal(formatValue(onSessionSwitched), "onSessionSwitched");
  assert.equal(formatValue(Symbol("s")), "Symbol(s)");
});

test("a call reads as code, without trailing undefined arguments", () => {
  assert.equal(formatCall("getAllSessions", []), "getAllSessions()");
  assert.equal(formatCall("notifyKpiBreach", ["s1", true, undefined]), 'notifyKpiBreach("s1", true)');
  assert.equal(formatCall("notifyKpiBreach", ["s1", undefined, { kpi: "x" }]), 'notifyKpiBreach("s1", undefined, {"kpi":"x"})');
  assert.equal(formatCall("createSession", [{ templateName: "msdyn_chat_session" }]), 'createSession({"templateName":"msdyn_chat_session"})');
});

test("errors read as CIF's message and errorCode, whatever was thrown", () => {
  const cifError = { message: "Cannot add the Session. Maximum Sessions limit reached. Limit: 10.", msdyn_name: "createSession", errorCode: 1003 };
  assert.deepEqual(describeError(cifError), { message: cifError.message, code: 1003 });
  assert.equal(errorText(cifError), "Cannot add the Session. Maximum Sessions limit reached. Limit: 10. (errorCode 1003)");
  assert.equal(errorText(new TypeError("cif() is undefined")), "cif() is undefined");
  assert.equal(errorText({ errorCode: 1008 }), '{"errorCode":1008} (errorCode 1008)');
  assert.equal(errorText({ message: "", errorCode: "7" }), '{"message":"","errorCode":"7"}');
  assert.equal(errorText("plain string"), "plain string");
  assert.equal(errorText(undefined), "undefined");
  assert.equal(errorText(null), "null");
});

test("event payloads are parsed from CIF's JSON string", () => {
  assert.deepEqual(parsePayload('{"sessionId":"s1","focused":true}'), { sessionId: "s1", focused: true });
  assert.deepEqual(parsePayload({ sessionId: "s1" }), { sessionId: "s1" });
  assert.equal(parsePayload("not json"), null);
  assert.equal(parsePayload('"a string"'), null);
  assert.equal(parsePayload("[1]"), null);
  assert.equal(parsePayload("null"), null);
  assert.equal(parsePayload(undefined), null);
});

test("the capacity line says what canCreateSession said", () => {
  assert.equal(capacityText(0, true), "0 of 10 sessions open · room for more");
  assert.equal(capacityText(10, false), "10 of 10 sessions open · the workspace is full: close a session in the side panel");
  assert.equal(capacityText(3, undefined), "3 of 10 sessions open");
});

test("sample names change and ids have their prefix", () => {
  assert.ok(SAMPLE_NAMES.includes(sampleName()));
  for (const r of [0, 0.5, 0.999999]) {
    assert.notEqual(sampleName(SAMPLE_NAMES[0], () => r), SAMPLE_NAMES[0]);
    assert.notEqual(sampleName(SAMPLE_NAMES.at(-1), () => r), SAMPLE_NAMES.at(-1));
  }
  assert.equal(sampleId("conv", () => 0), "conv-00000000");
  assert.match(sampleId("contact"), /^contact-[0-9a-f]{8}$/);
});
