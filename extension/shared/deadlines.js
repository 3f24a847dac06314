/**
 * The clock Deadlines reads and arms: the global one unless a test gives
 * its own.
 * @typedef {object} Clock
 * @property {() => number} now milliseconds, monotonic
 * @property {(fn: () => void, ms: number) => unknown} setTimeout
 * @property {(timer: unknown) => void} clearTimeout
 */

/** @type {Clock} */
const GLOBAL_CLOCK = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(/** @type {any} */ (timer)),
};

/**
 * Time limits for many waiting calls on one timer. Each call has a
 * deadline; one browser timer, armed for the earliest, expires those whose
 * time is up and is armed again for the next. A browser timer set and
 * cleared for every call cost a tenth of the extension's own share of a
 * call in Chromium (docs/performance.md); with this, a call that is
 * answered in time costs no timer at all.
 * @template K
 */
export class Deadlines {
  #clock;
  /** @type {Map<K, {at: number, expire: () => void}>} */
  #waiting = new Map();
  /** @type {unknown} */
  #timer;
  #armedFor = Infinity;

  /** @param {Clock} [clock] */
  constructor(clock = GLOBAL_CLOCK) {
    this.#clock = clock;
  }

  /**
   * Runs expire once ms have passed, unless key is deleted before.
   * Adding a key again replaces its limit.
   * @param {K} key
   * @param {number} ms
   * @param {() => void} expire
   */
  add(key, ms, expire) {
    const at = this.#clock.now() + ms;
    this.#waiting.set(key, { at, expire });
    this.#arm(at);
  }

  /**
   * Takes key's limit away.
   * @param {K} key
   */
  delete(key) {
    this.#waiting.delete(key);
  }

  /** @param {number} at */
  #arm(at) {
    if (at >= this.#armedFor) return;
    if (this.#armedFor !== Infinity) this.#clock.clearTimeout(this.#timer);
    this.#armedFor = at;
    this.#timer = this.#clock.setTimeout(() => this.#expire(), Math.max(0, at - this.#clock.now()));
  }

  #expire() {
    this.#armedFor = Infinity;
    const now = this.#clock.now();
    let next = Infinity;
    for (const [key, { at, expire }] of this.#waiting) {
      if (at > now) {
        next = Math.min(next, at);
        continue;
      }
      this.#waiting.delete(key);
      expire();
    }
    if (next !== Infinity) this.#arm(next);
  }
}
