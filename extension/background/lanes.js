/** How many calls may wait for cif-host at once, all providers together. */
export const MAX_IN_FLIGHT = 8;

/** The lane of the extension's views, whose calls carry no provider. */
const VIEWS = "";

/**
 * @typedef {object} Job
 * @property {string} method
 * @property {{provider: string, args: object}} params
 * @property {(value: unknown) => void} resolve
 * @property {(err: unknown) => void} reject
 */

/**
 * The calls to cif-host, scheduled fairly. Each provider (a page's origin)
 * has its own first-in, first-out lane; at most maxInFlight calls wait for
 * cif-host at once; when one finishes, the views' lane goes first, then the
 * providers take turns, one call each. However many calls one page makes,
 * another provider's call waits for at most one call of each busy provider
 * and the calls already in flight.
 */
export class Lanes {
  /** @type {{call: (method: string, params: object) => Promise<unknown>}} */
  #host;
  #maxInFlight;
  /** @type {Map<string, Job[]>} the calls waiting, by provider */
  #lanes = new Map();
  /** @type {string[]} the providers with calls waiting, in turn */
  #turns = [];
  #inFlight = 0;

  /**
   * @param {{call: (method: string, params: object) => Promise<unknown>}} host the connection to cif-host
   * @param {number} [maxInFlight]
   */
  constructor(host, maxInFlight = MAX_IN_FLIGHT) {
    this.#host = host;
    this.#maxInFlight = maxInFlight;
  }

  /**
   * Calls cif-host for a provider, "" for the extension's views, when the
   * call's turn comes. The params are protocol 2's: the provider the
   * background identified, and beside it the caller's parameters as they
   * are, so nothing the caller passes can stand for the provider.
   * @param {string} provider
   * @param {string} method
   * @param {object} args
   * @returns {Promise<unknown>} the result; rejects with the host's error
   */
  call(provider, method, args) {
    return new Promise((resolve, reject) => {
      const job = { method, params: { provider, args }, resolve, reject };
      const lane = this.#lanes.get(provider);
      if (lane) lane.push(job);
      else {
        this.#lanes.set(provider, [job]);
        if (provider !== VIEWS) this.#turns.push(provider);
      }
      this.#run();
    });
  }

  /** Sends calls while there is room. */
  #run() {
    while (this.#inFlight < this.#maxInFlight) {
      const job = this.#next();
      if (!job) return;
      this.#inFlight++;
      this.#host.call(job.method, job.params).then(job.resolve, job.reject).finally(() => {
        this.#inFlight--;
        this.#run();
      });
    }
  }

  /** @returns {Job | undefined} the views' next call, else the next provider's in turn */
  #next() {
    if (this.#lanes.has(VIEWS)) return this.#take(VIEWS);
    const provider = this.#turns.shift();
    if (provider === undefined) return undefined;
    const job = this.#take(provider);
    if (this.#lanes.has(provider)) this.#turns.push(provider);
    return job;
  }

  /** @param {string} provider @returns {Job} */
  #take(provider) {
    const lane = /** @type {Job[]} */ (this.#lanes.get(provider));
    const job = /** @type {Job} */ (lane.shift());
    if (lane.length === 0) this.#lanes.delete(provider);
    return job;
  }
}
