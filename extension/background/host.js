import { ErrorCode, HOST_NAME, Wire } from "../shared/contract.js";
import { Deadlines } from "../shared/deadlines.js";
import { BridgeError } from "../shared/errors.js";

/** How long a call may wait for cif-host before it fails. */
const CALL_TIMEOUT_MS = 9000;

const MAX_BACKOFF_MS = 5000;
/** How long a connection keeps trying while the profile is busy (ProfileBusy). */
const BUSY_RETRY_MS = 8000;
const BACKOFF_MS = 50;

/**
 * The part of runtime.Port that NativeHost uses.
 * @typedef {object} Port
 * @property {(message: object) => void} postMessage
 * @property {() => void} disconnect
 * @property {{addListener: (fn: (message: any) => void) => void}} onMessage
 * @property {{addListener: (fn: (port: Port) => void) => void}} onDisconnect
 * @property {{message?: string} | null} [error] Firefox's disconnect reason
 */

/**
 * @typedef {object} NativeHostOptions
 * @property {(name: string) => Port} connectNative runtime.connectNative
 * @property {() => (string | undefined)} lastError reads (and so clears) runtime.lastError
 * @property {() => Promise<object>} helloParams the hello call's params
 * @property {(method: string, params: any) => void} onEvent receives host notifications
 * @property {(hello: any) => void} [onHello] receives hello's result on each new connection
 * @property {number} [timeoutMs] per-call timeout
 * @property {number} [backoffMs] the first reconnect delay after a drop; it doubles with each failure
 * @property {number} [busyRetryMs] how long to keep starting a new host while the profile is busy
 */

/**
 * @typedef {object} Pending
 * @property {(value: unknown) => void} resolve
 * @property {(err: BridgeError) => void} reject
 */

/**
 * One long-lived connection to cif-host. It connects on the first call,
 * says hello first, matches replies to calls by id, fails every pending
 * call with the browser's reason when the port drops, and reconnects on
 * the next call, backing off while the host keeps failing.
 */
export class NativeHost {
  /** @type {NativeHostOptions} */
  #opts;
  /** @type {Port | null} */
  #port = null;
  /** @type {Promise<any> | null} */
  #ready = null;
  /** @type {Map<number, Pending>} */
  #pending = new Map();
  /** @type {Deadlines<number>} the pending calls' time limits */
  #deadlines = new Deadlines();
  #nextId = 1;
  #failures = 0;
  #retryAt = 0;
  /** @type {number} */
  #maxRequestBytes = Wire.MAX_REQUEST_BYTES;
  #encoder = new TextEncoder();
  /** @type {any} hello's result on the current connection */
  #hello = null;
  /** @type {string | null} why the last connection ended or failed */
  #lastError = null;
  /** @type {string | undefined} the browser's reason for the last dropped port */
  #dropReason;

  /** @param {NativeHostOptions} opts */
  constructor(opts) {
    this.#opts = opts;
  }

  /**
   * Calls a method on cif-host.
   * @param {string} method
   * @param {object} params
   * @returns {Promise<unknown>} the result; rejects with a BridgeError
   */
  async call(method, params) {
    await this.connect();
    // A connection can end between its hello and this call's turn (the
    // host was killed, or exited): a call that was never sent is safe to
    // make once more, on a new connection.
    if (!this.#port) await this.connect();
    return this.#send(method, params);
  }

  /**
   * What the extension's views show about the connection.
   * @returns {{connected: boolean, hello: any, lastError: string | null}}
   */
  status() {
    return { connected: this.#hello !== null, hello: this.#hello, lastError: this.#lastError };
  }

  /**
   * Closes the connection on purpose: cif-host sees its input end and
   * exits, and the next call starts a new one, which reads the templates
   * and settings afresh. Calls in flight fail.
   */
  restart() {
    const port = this.#port;
    if (!port) return;
    this.#reset(port);
    port.disconnect();
    const err = new BridgeError(ErrorCode.HostUnavailable, "cif-host was restarted by the agent while this call waited; call again");
    for (const id of [...this.#pending.keys()]) this.#settle(id, undefined, err);
  }

  /**
   * Connects and says hello, once per connection.
   * @returns {Promise<any>} hello's result
   */
  connect() {
    this.#ready ??= this.#open();
    return this.#ready;
  }

  /**
   * Connects and says hello. A host that finds the profile still held by
   * the one before it (which the browser is shutting down, slowly on a
   * busy machine) answers ProfileBusy: that is retried with a fresh host
   * for a while before the callers hear it.
   */
  async #open() {
    const deadline = Date.now() + (this.#opts.busyRetryMs ?? BUSY_RETRY_MS);
    for (;;) {
      try {
        return await this.#openOnce();
      } catch (err) {
        if (!(err instanceof BridgeError) || err.code !== ErrorCode.ProfileBusy || Date.now() >= deadline) throw err;
      }
    }
  }

  async #openOnce() {
    const wait = this.#retryAt - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const port = this.#opts.connectNative(HOST_NAME);
    this.#port = port;
    port.onMessage.addListener((message) => this.#receive(message));
    port.onDisconnect.addListener(() => this.#dropped(port));
    try {
      const hello = /** @type {{limits?: {maxRequestBytes?: number}}} */ (await this.#send("hello", await this.#opts.helloParams()));
      this.#failures = 0;
      this.#maxRequestBytes = hello?.limits?.maxRequestBytes ?? Wire.MAX_REQUEST_BYTES;
      this.#hello = hello;
      this.#lastError = null;
      this.#dropReason = undefined;
      this.#opts.onHello?.(hello);
      return hello;
    } catch (err) {
      this.#lastError = err instanceof Error ? err.message : String(err);
      this.#reset(port);
      port.disconnect();
      throw err;
    }
  }

  /**
   * @param {string} method
   * @param {object} params
   * @returns {Promise<unknown>}
   */
  #send(method, params) {
    const port = this.#port;
    // A browser that finds no host drops the port at once, maybe before the
    // hello is sent: the call then fails with the browser's reason.
    if (!port) return Promise.reject(unavailable(this.#dropReason ?? "the connection closed before the call was sent"));
    const id = this.#nextId++;
    const message = { jsonrpc: "2.0", id, method, params };
    this.#checkSize(method, message);
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#deadlines.add(id, this.#timeout(), () => this.#settle(id, undefined,
        new BridgeError(ErrorCode.Timeout, `Timeout occurred as no response was received from cif-host within ${this.#timeout() / 1000} s for ${method}; see the host log (cif-host doctor prints where)`)));
      try {
        port.postMessage(message);
      } catch (err) {
        this.#settle(id, undefined, unavailable(err instanceof Error ? err.message : String(err)));
      }
    });
  }

  #timeout() {
    return this.#opts.timeoutMs ?? CALL_TIMEOUT_MS;
  }

  /**
   * Refuses a request cif-host would skip as too large, without touching
   * the port. Counting UTF-8 bytes is only needed when the text is long
   * enough to be in doubt.
   * @param {string} method
   * @param {object} message
   */
  #checkSize(method, message) {
    let text;
    try {
      text = JSON.stringify(message);
    } catch (err) {
      throw new BridgeError(ErrorCode.InvalidParams, `${method}: the parameters cannot be sent as JSON (${err instanceof Error ? err.message : err}); pass plain objects, strings, numbers and booleans`);
    }
    if (text.length * 3 <= this.#maxRequestBytes) return;
    const bytes = this.#encoder.encode(text).length;
    if (bytes > this.#maxRequestBytes) {
      throw new BridgeError(ErrorCode.MessageTooLarge, `${method}: the call is ${bytes} bytes, over cif-host's limit of ${this.#maxRequestBytes}; send less data (for example a smaller context)`);
    }
  }

  /** @param {any} message */
  #receive(message) {
    if (message == null || typeof message !== "object") return;
    if (message.id === undefined || message.id === null) {
      if (typeof message.method === "string") this.#opts.onEvent(message.method, message.params);
      return;
    }
    const err = message.error ? new BridgeError(message.error.code, message.error.message) : undefined;
    this.#settle(message.id, message.result, err);
  }

  /**
   * @param {number} id
   * @param {unknown} result
   * @param {BridgeError | undefined} err
   */
  #settle(id, result, err) {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    this.#deadlines.delete(id);
    if (err) pending.reject(err);
    else pending.resolve(result);
  }

  /** @param {Port} port */
  #dropped(port) {
    const reason = this.#opts.lastError() ?? port.error?.message;
    if (this.#port !== port) return;
    this.#dropReason = reason;
    this.#reset(port);
    this.#failures++;
    const base = this.#opts.backoffMs ?? BACKOFF_MS;
    this.#retryAt = Date.now() + Math.min(MAX_BACKOFF_MS, base * 2 ** (this.#failures - 1));
    const err = unavailable(reason);
    this.#lastError = err.message;
    for (const id of [...this.#pending.keys()]) this.#settle(id, undefined, err);
  }

  /** @param {Port} port */
  #reset(port) {
    if (this.#port === port) {
      this.#port = null;
      this.#ready = null;
      this.#hello = null;
    }
  }
}

/**
 * The error for a lost or impossible connection, with advice for the
 * browsers' own reasons.
 * @param {string | undefined} reason
 * @returns {BridgeError}
 */
export function unavailable(reason) {
  const said = reason ? `: ${reason}` : " (the browser gave no reason)";
  let advice = "the next call reconnects; if this repeats, run `cif-host doctor` and read the host log";
  if (/not found|No such native application|forbidden/i.test(reason ?? "")) {
    advice = "cif-host is not registered for this browser or this extension; run ./install.sh, then `cif-host doctor`";
  } else if (/exited|communicating/i.test(reason ?? "")) {
    advice = "cif-host stopped; the next call restarts it. If this repeats, read the host log (`cif-host doctor` prints where)";
  }
  return new BridgeError(ErrorCode.HostUnavailable, `cif-host is not reachable${said}; ${advice}`);
}
