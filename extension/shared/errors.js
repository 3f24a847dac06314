import { ErrorCode } from "./contract.js";

/**
 * An error as it travels between the extension's parts and cif-host.
 * @typedef {{code: number, message: string}} WireError
 */

/**
 * The reply to one call as it travels from the background to a page.
 * @typedef {{ok: true, result: unknown} | {ok: false, error: WireError}} Reply
 */

/**
 * A thrown WireError, so that async code can reject with one.
 */
export class BridgeError extends Error {
  /**
   * @param {number} code one of ErrorCode (shared/contract.js)
   * @param {string} message what went wrong and what to do
   */
  constructor(code, message) {
    super(message);
    this.code = code;
  }

  /** @returns {WireError} */
  toWire() {
    return { code: this.code, message: this.message };
  }
}

/**
 * Turns anything thrown into a WireError.
 * @param {unknown} err
 * @returns {WireError}
 */
export function toWireError(err) {
  if (err instanceof BridgeError) return err.toWire();
  const message = err instanceof Error ? err.message : String(err);
  return { code: ErrorCode.Internal, message: `CIF Bridge failed: ${message}` };
}
