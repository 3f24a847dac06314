// The contract files are generated from the Go definitions (a Go test fails
// when they are stale); this checks that the classic scripts the content
// scripts load say what the module says.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";
import { ErrorCode, Wire } from "../shared/contract.js";

for (const file of ["content/page-contract.js", "content/relay-contract.js"]) {
  test(`${file} is the modules' contract`, () => {
    const context = vm.createContext({});
    vm.runInContext(readFileSync(new URL(`../${file}`, import.meta.url), "utf8"), context);
    const loaded = JSON.parse(vm.runInContext("JSON.stringify(globalThis.cifBridgeContract)", context));
    assert.deepEqual(loaded, { Wire: { ...Wire }, ErrorCode: { ...ErrorCode } });
  });
}
