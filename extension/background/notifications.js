// The notifications waiting for the agent: notifyEvent's live side.
// cif-host resolves the template (host/api/notifications.go); the queue
// here shows each notification until the agent answers it, its time runs
// out or its provider cancels it, and settles the page's promise with the
// JSON string CIF resolves with.
import { ErrorCode } from "../shared/contract.js";
import { BridgeError } from "../shared/errors.js";

/** How many notifications may wait at once, as in Dynamics. */
export const MAX_WAITING = 10;

/**
 * How a notification ended: CIF's actionName and responseReason.
 * @typedef {readonly [action: string, reason: string]} Outcome
 */

/** The outcomes, as CIF names them. */
export const Outcome = Object.freeze({
  Accepted: /** @type {Outcome} */ (["Accept", "Accept"]),
  AutoAccepted: /** @type {Outcome} */ (["Accept", "AutoAccept"]),
  Declined: /** @type {Outcome} */ (["Reject", "DeclinedByAgent"]),
  QueueFull: /** @type {Outcome} */ (["Reject", "NotificationQueueLimitExceeded"]),
  TimedOut: /** @type {Outcome} */ (["Timeout", "DisplayTimeout"]),
  Cancelled: /** @type {Outcome} */ (["Cancel", "Cancelled"]),
});

/**
 * What cif-host's notifyEvent resolved: the template with its slugs
 * filled in.
 * @typedef {object} Resolved
 * @property {string} templateName
 * @property {string} title
 * @property {string} icon
 * @property {{label: string, value: string}[]} fields
 * @property {boolean} showTimeout
 * @property {number} timeout seconds
 * @property {string} acceptButtonText
 * @property {string} [rejectButtonText] absent when there is no reject button
 * @property {boolean} autoAccept
 * @property {string} [cancellationToken]
 */

/**
 * A waiting notification as the views show it.
 * @typedef {Resolved & {id: string, provider: string, deadline: number}} Waiting
 */

/**
 * @typedef {object} Clock
 * @property {() => number} now milliseconds since the epoch
 * @property {(fn: () => void, ms: number) => unknown} setTimeout
 * @property {(handle: any) => void} clearTimeout
 */

/** @type {Clock} */
const systemClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle),
};

/**
 * The JSON string notifyEvent resolves with: CIF's flat
 * {"actionName", "responseReason"}.
 * @param {Outcome} outcome
 * @returns {string}
 */
export function outcomeText([actionName, responseReason]) {
  return JSON.stringify({ actionName, responseReason });
}

/**
 * @typedef {object} Entry
 * @property {Waiting} shown
 * @property {unknown} timer
 * @property {(text: string) => void} resolve
 */

/**
 * The notifications waiting for the agent, each shown as soon as it
 * arrives with its own countdown.
 */
export class NotificationQueue {
  /** @type {Clock} */
  #clock;
  #max;
  #onChange;
  /** @type {Map<string, Entry>} in arrival order */
  #entries = new Map();
  #next = 1;

  /**
   * @param {object} [opts]
   * @param {Clock} [opts.clock]
   * @param {number} [opts.max] how many may wait at once
   * @param {() => void} [opts.onChange] called after every arrival and departure
   */
  constructor({ clock = systemClock, max = MAX_WAITING, onChange = () => {} } = {}) {
    this.#clock = clock;
    this.#max = max;
    this.#onChange = onChange;
  }

  /**
   * Shows a notification until it ends.
   * @param {string} provider who raised it
   * @param {Resolved} notification
   * @returns {Promise<string>} how it ended, as CIF's JSON string
   */
  add(provider, notification) {
    if (this.#entries.size >= this.#max) return Promise.resolve(outcomeText(Outcome.QueueFull));
    return new Promise((resolve) => {
      const id = `n${this.#next++}`;
      const ms = notification.timeout * 1000;
      const shown = { ...notification, id, provider, deadline: this.#clock.now() + ms };
      const timer = this.#clock.setTimeout(() => this.#end(id, notification.autoAccept ? Outcome.AutoAccepted : Outcome.TimedOut), ms);
      this.#entries.set(id, { shown, timer, resolve });
      this.#onChange();
    });
  }

  /**
   * The agent's answer. A notification without a reject button (an
   * auto-accept one) cannot be rejected.
   * @param {string} id
   * @param {boolean} accept
   * @returns {"answered" | "gone" | "no reject button"}
   */
  answer(id, accept) {
    const entry = this.#entries.get(id);
    if (!entry) return "gone";
    if (!accept && entry.shown.rejectButtonText === undefined) return "no reject button";
    this.#end(id, accept ? Outcome.Accepted : Outcome.Declined);
    return "answered";
  }

  /**
   * Withdraws a provider's waiting notifications that carry the token.
   * @param {string} provider
   * @param {string} token
   * @returns {number} how many
   */
  cancel(provider, token) {
    const ids = [...this.#entries.values()]
      .filter(({ shown }) => shown.provider === provider && shown.cancellationToken === token)
      .map(({ shown }) => shown.id);
    for (const id of ids) this.#end(id, Outcome.Cancelled);
    return ids.length;
  }

  /** @returns {Waiting[]} the waiting notifications, oldest first */
  list() {
    return [...this.#entries.values()].map(({ shown }) => structuredClone(shown));
  }

  /**
   * @param {string} id
   * @param {Outcome} outcome
   */
  #end(id, outcome) {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    this.#clock.clearTimeout(entry.timer);
    entry.resolve(outcomeText(outcome));
    this.#onChange();
  }
}

/**
 * The token a notifyEvent call's notification will carry, as cif-host
 * picks it (host/api/notifications.go): input.cancellationToken, else the
 * documented third argument.
 * @param {Record<string, unknown>} params
 * @returns {unknown}
 */
function tokenOf(params) {
  const input = /** @type {{cancellationToken?: unknown} | null | undefined} */ (params.input);
  const inInput = input !== null && typeof input === "object" ? input.cancellationToken : undefined;
  return inInput !== undefined ? inInput : params.cancellationToken;
}

/**
 * The page methods and the views' methods of notifications.
 * @param {NotificationQueue} queue
 * @param {{call: (provider: string, method: string, args: object) => Promise<any>}} lanes cif-host, which resolves the template
 */
export function notificationMethods(queue, lanes) {
  /**
   * The notifyEvent calls whose template cif-host is still resolving: a
   * cancelEvent that comes meanwhile withdraws them too, so a page that
   * cancels at once (the customer hung up) is not told it has nothing to
   * cancel while its notification is about to show.
   * @type {Set<{provider: string, token: unknown, cancelled: boolean}>}
   */
  const arriving = new Set();
  return {
    /**
     * notifyEvent: cif-host checks the input and resolves the template,
     * then the notification waits for the agent. Its promise settles when
     * the notification ends, however long that takes.
     * @param {string} origin
     * @param {Record<string, unknown>} params
     */
    notifyEvent: async (origin, params) => {
      const arrival = { provider: origin, token: tokenOf(params), cancelled: false };
      arriving.add(arrival);
      try {
        const notification = await lanes.call(origin, "notifyEvent", params);
        return arrival.cancelled ? outcomeText(Outcome.Cancelled) : queue.add(origin, notification);
      } finally {
        arriving.delete(arrival);
      }
    },

    /**
     * cancelEvent: withdraws the caller's waiting notifications with the
     * token, and resolves with the token, as CIF does.
     * @param {string} origin
     * @param {Record<string, unknown>} params
     */
    cancelEvent: (origin, { cancellationToken }) => {
      if (typeof cancellationToken !== "string" || cancellationToken === "") {
        throw new BridgeError(ErrorCode.InvalidParams, "cancelEvent: the cancellationToken parameter is blank; pass the token you gave notifyEvent in input.cancellationToken");
      }
      let cancelled = queue.cancel(origin, cancellationToken);
      for (const arrival of arriving) {
        if (arrival.provider !== origin || arrival.token !== cancellationToken || arrival.cancelled) continue;
        arrival.cancelled = true;
        cancelled++;
      }
      if (cancelled === 0) {
        throw new BridgeError(ErrorCode.NotificationNotFound, `RejectAfterClientError: none of your notifications waits with the cancellation token ${JSON.stringify(cancellationToken.slice(0, 80))}; it was answered, timed out or cancelled already (its notifyEvent promise has settled), or notifyEvent was given another token`);
      }
      return cancellationToken;
    },

    /** The views' list of waiting notifications. */
    list: () => queue.list(),

    /**
     * The agent's answer, from a view.
     * @param {Record<string, unknown>} params
     */
    answer: ({ id, accept }) => {
      if (typeof id !== "string" || typeof accept !== "boolean") {
        throw new BridgeError(ErrorCode.InvalidParams, "cifbridge.answerNotification takes {id, accept}: the notification's id and true to accept, false to reject");
      }
      const result = queue.answer(id, accept);
      if (result === "gone") {
        throw new BridgeError(ErrorCode.NotificationNotFound, "This notification is no longer waiting: it was answered, timed out or withdrawn by its provider");
      }
      if (result === "no reject button") {
        throw new BridgeError(ErrorCode.InvalidParams, "This notification has no reject button: its template accepts it when its time is up; open it, or let it be accepted");
      }
      return null;
    },
  };
}
