import assert from "node:assert/strict";
import { test } from "node:test";
import { ErrorCode } from "../shared/contract.js";
import { applyChange, MAX_READS, readWorkspace } from "../shared/workspace.js";
import { FakeHost } from "./fakes.js";

const session = (id) => ({ id, title: id, tabs: [] });

/** A host that answers workspace.get pageSize sessions at a time. */
function pagedHost(pageSize, { version, ids }) {
  return new FakeHost((method, { from = 0 }) => {
    const page = { sessions: ids.slice(from, from + pageSize).map(session), focused: ids[0], maxSessions: 10, version };
    return from + pageSize < ids.length ? { ...page, next: from + pageSize } : page;
  });
}

const call = (host) => (method, args) => host.call(method, args);

test("a workspace in one page is read in one call", async () => {
  const host = pagedHost(10, { version: 3, ids: ["s1", "s2"] });
  assert.deepEqual(await readWorkspace(call(host)), { sessions: [session("s1"), session("s2")], focused: "s1", maxSessions: 10, version: 3 });
  assert.deepEqual(host.calls, [{ method: "workspace.get", params: {} }]);
});

test("a workspace in pages is read page after page, from where the last one ended", async () => {
  const host = pagedHost(2, { version: 7, ids: ["s1", "s2", "s3", "s4", "s5"] });
  const workspace = await readWorkspace(call(host));
  assert.deepEqual(workspace.sessions.map((s) => s.id), ["s1", "s2", "s3", "s4", "s5"]);
  assert.equal(workspace.version, 7);
  assert.deepEqual(host.calls.map((c) => c.params), [{}, { from: 2 }, { from: 4 }]);
});

test("when the workspace changes between pages, the read starts over", async () => {
  const host = new FakeHost((method, { from = 0 }) => [
    { sessions: [session("s1")], focused: "s1", maxSessions: 10, version: 1, next: 1 },
    { sessions: [session("s9")], focused: "s1", maxSessions: 10, version: 2 }, // another version's page
    { sessions: [session("s1"), session("s9")], focused: "s9", maxSessions: 10, version: 2 },
  ][host.calls.length - 1]);
  const workspace = await readWorkspace(call(host));
  assert.deepEqual(workspace, { sessions: [session("s1"), session("s9")], focused: "s9", maxSessions: 10, version: 2 });
  assert.deepEqual(host.calls.map((c) => c.params), [{}, { from: 1 }, {}]);
});

test("a workspace that keeps changing fails with a message that says what happens next", async () => {
  let version = 0;
  const host = new FakeHost((method, { from = 0 }) => ({ sessions: [session(`s${from}`)], focused: "", maxSessions: 10, version: ++version, next: from + 1 }));
  await assert.rejects(readWorkspace(call(host)), {
    code: ErrorCode.Timeout,
    message: `the workspace changed ${MAX_READS} times while its pages were being read; it is read again at its next change, or reopen this view`,
  });
  assert.equal(host.calls.length, 2 * MAX_READS);
});

test("a next page that does not follow on is refused rather than read forever", async () => {
  const host = new FakeHost(() => ({ sessions: [session("s1")], focused: "", maxSessions: 10, version: 1, next: 0 }));
  await assert.rejects(readWorkspace(call(host)), {
    code: ErrorCode.Internal,
    message: "cif-host's workspace.get said the next page starts at session 0, but 1 were read; install the cif-host that comes with this extension (./install.sh)",
  });
});

test("a change cif-host announced applies to the workspace at the version before it, as its journal replays", () => {
  const before = { sessions: [session("s1"), session("s2"), session("s3")], focused: "s1", maxSessions: 10, version: 4 };
  const renamed = { ...session("s2"), title: "renamed" };
  const after = applyChange(before, { version: 5, change: { put: [renamed, session("s4")], delete: ["s3"], focus: "s4" } });
  assert.deepEqual(after, { sessions: [session("s1"), renamed, session("s4")], focused: "s4", maxSessions: 10, version: 5 });
  assert.equal(before.sessions[1].title, "s2", "the workspace before is left as it was");
  assert.equal(applyChange(after, { version: 6, change: { delete: ["s4"], focus: "" } }).focused, "", "the home session");
  assert.equal(applyChange(after, { version: 6, change: { put: [session("s5")] } }).focused, "s4", "focus stays where it was");
});

test("a change that cannot be applied asks for a read", () => {
  const ws = { sessions: [], focused: "", maxSessions: 10, version: 4 };
  assert.equal(applyChange(ws, { version: 6, change: {} }), null, "a change was missed");
  assert.equal(applyChange(ws, { version: 4, change: {} }), null, "already applied");
  assert.equal(applyChange(ws, { version: 5 }), null, "too large to send");
  assert.equal(applyChange(null, { version: 5, change: {} }), null, "nothing read yet");
  assert.equal(applyChange(ws, undefined), null);
});
