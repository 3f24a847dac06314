import assert from "node:assert/strict";
import { test } from "node:test";
import { Deadlines } from "../shared/deadlines.js";

/** A clock the test moves, whose timers it can see. */
function fakeClock() {
  let now = 0;
  /** @type {Map<number, {at: number, fn: () => void}>} */
  const timers = new Map();
  let nextTimer = 1;
  let set = 0;
  return {
    now: () => now,
    setTimeout: (/** @type {() => void} */ fn, /** @type {number} */ ms) => {
      set++;
      timers.set(nextTimer, { at: now + ms, fn });
      return nextTimer++;
    },
    clearTimeout: (/** @type {any} */ id) => timers.delete(id),
    /** Moves the clock on, running the timers due on the way, in order. */
    advance(/** @type {number} */ ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
    /** How many timers are armed now, and were ever set. */
    get armed() { return timers.size; },
    get set() { return set; },
  };
}

test("each limit expires on time, in its order, on one timer", () => {
  const clock = fakeClock();
  const d = new Deadlines(clock);
  /** @type {string[]} */
  const expired = [];
  d.add("a", 100, () => expired.push(`a@${clock.now()}`));
  d.add("b", 300, () => expired.push(`b@${clock.now()}`));
  d.add("c", 50, () => expired.push(`c@${clock.now()}`)); // earlier than the armed one
  assert.equal(clock.armed, 1, "one timer whatever the number of limits");
  clock.advance(1000);
  assert.deepEqual(expired, ["c@50", "a@100", "b@300"]);
  assert.equal(clock.armed, 0, "nothing armed with nothing waiting");
});

test("a limit taken away never expires, and calls answered in time set no timer after the first", () => {
  const clock = fakeClock();
  const d = new Deadlines(clock);
  /** @type {number[]} */
  const expired = [];
  for (let i = 0; i < 100; i++) {
    d.add(i, 10000, () => expired.push(i));
    clock.advance(10);
    d.delete(i);
  }
  assert.equal(clock.set, 1, "one timer for a hundred sequential calls");
  d.add(100, 10000, () => expired.push(100));
  clock.advance(20000);
  assert.deepEqual(expired, [100]);
});

test("adding a key again replaces its limit", () => {
  const clock = fakeClock();
  const d = new Deadlines(clock);
  /** @type {string[]} */
  const expired = [];
  d.add("k", 3000, () => expired.push("ack"));
  d.add("k", 10000, () => expired.push(`call@${clock.now()}`));
  clock.advance(20000);
  assert.deepEqual(expired, ["call@10000"]);
});

test("an expiry may add a limit of its own", () => {
  const clock = fakeClock();
  const d = new Deadlines(clock);
  /** @type {string[]} */
  const expired = [];
  d.add("first", 10, () => {
    expired.push(`first@${clock.now()}`);
    d.add("retry", 10, () => expired.push(`retry@${clock.now()}`));
  });
  clock.advance(100);
  assert.deepEqual(expired, ["first@10", "retry@20"]);
});
