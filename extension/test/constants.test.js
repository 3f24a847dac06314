import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { EVENTS_PORT } from "../background/bridge.js";
import { ErrorCode } from "../shared/errors.js";

// The content scripts are classic scripts and cannot import: they repeat
// a few constants, which must stay equal to the modules' own.
const source = (path) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");
const constant = (src, name) => src.match(new RegExp(`const ${name} = ("[^"]*"|\\d+);`))?.[1];

test("the page script and the relay speak the same wire", () => {
  const page = source("content/page.js");
  const relay = source("content/relay.js");
  assert.equal(constant(page, "NS"), '"cif-bridge"');
  assert.equal(constant(relay, "NS"), constant(page, "NS"));
  assert.equal(constant(relay, "WIRE_VERSION"), constant(page, "WIRE_VERSION"));
  assert.equal(constant(relay, "EVENTS_PORT"), JSON.stringify(EVENTS_PORT));
});

test("the error codes the content scripts raise are the shared ones", () => {
  const page = source("content/page.js");
  const codes = page.match(/const Code = Object\.freeze\(\{([^}]*)\}\)/)[1];
  for (const [, name, value] of codes.matchAll(/(\w+): (-?\d+)/g)) {
    assert.equal(Number(value), ErrorCode[name], name);
  }
  assert.equal(Number(constant(source("content/relay.js"), "EXTENSION_UNAVAILABLE")), ErrorCode.ExtensionUnavailable);
});
