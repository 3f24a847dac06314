/**
 * Error codes shared with cif-host (protocol/errors.go; a Go test keeps the
 * two tables equal). A page reads them as `error.errorCode`.
 * @enum {number}
 */
export const ErrorCode = Object.freeze({
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  Internal: -32603,
  TemplateNotFound: 1001,
  UnsupportedTemplate: 1002,
  SessionLimit: 1003,
  SessionNotFound: 1004,
  TabNotFound: 1005,
  NotOwner: 1006,
  MessageTooLarge: 1007,
  HostUnavailable: 1008,
  Timeout: 1009,
  ProtocolMismatch: 1010,
  OriginNotAllowed: 1011,
  NotSupported: 1012,
  AgentOnly: 1013,
  ExtensionUnavailable: 1014,
  ProfileBusy: 1015,
  TabNotClosable: 1016,
  NoFocusedSession: 1017,
  HandshakeRequired: 1018,
  StateUnavailable: 1019,
});

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
   * @param {number} code one of ErrorCode
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
