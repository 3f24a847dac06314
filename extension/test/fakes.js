// Hand-written fakes of the browser APIs the extension uses, for Node's
// test runner. They record what the code under test did and let a test
// play the browser's part.

/** An event target like runtime.Port.onMessage. */
export class FakeEvent {
  /** @type {Function[]} */
  listeners = [];
  /** @param {Function} fn */
  addListener(fn) {
    this.listeners.push(fn);
  }
  /** @param {Function} fn */
  removeListener(fn) {
    this.listeners = this.listeners.filter((l) => l !== fn);
  }
  /** @param {...any} args */
  fire(...args) {
    for (const l of [...this.listeners]) l(...args);
  }
}

/** A native-messaging port; the test answers as cif-host would. */
export class FakePort {
  onMessage = new FakeEvent();
  onDisconnect = new FakeEvent();
  /** @type {any[]} */
  sent = [];
  disconnected = false;
  /** @type {{message?: string} | null} */
  error = null;

  /** @param {any} message */
  postMessage(message) {
    if (this.disconnected) throw new Error("Attempting to use a disconnected port object");
    this.sent.push(structuredClone(message));
  }
  disconnect() {
    this.disconnected = true;
  }
  /** The browser drops the port, with Firefox's way of giving a reason. */
  drop(reason) {
    this.disconnected = true;
    this.error = reason ? { message: reason } : null;
    this.onDisconnect.fire(this);
  }
  /** cif-host answers the request with this id. */
  reply(id, result) {
    this.onMessage.fire({ jsonrpc: "2.0", id, result });
  }
  fail(id, code, message) {
    this.onMessage.fire({ jsonrpc: "2.0", id, error: { code, message } });
  }
}

/**
 * Waits for the microtask queue and pending timers of 0 ms to drain.
 * @returns {Promise<void>}
 */
export function settle() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
