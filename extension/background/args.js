import { ErrorCode } from "../shared/contract.js";
import { BridgeError } from "../shared/errors.js";

/**
 * The JSON kinds a parameter of a method the background answers may take.
 * @typedef {"string" | "number" | "boolean" | "object" | "any"} Kind
 */

/**
 * Reads the parameters of a method the background answers itself as
 * strictly as cif-host reads its own: a name it does not take, in another
 * letter case, or of the wrong kind is refused with InvalidParams naming
 * it. null and left out are the same.
 * @param {string} method
 * @param {Record<string, unknown>} params
 * @param {Record<string, Kind>} kinds the parameters the method takes, correlationId besides
 * @returns {Record<string, unknown>} the parameters given, without nulls
 */
export function readArgs(method, params, kinds) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [name, value] of Object.entries(params)) {
    const kind = name === "correlationId" ? "string" : Object.hasOwn(kinds, name) ? kinds[name] : undefined;
    if (kind === undefined) {
      throw new BridgeError(ErrorCode.InvalidParams, `${method}: there is no parameter ${name}; check its spelling and letter case (see docs/api.md)`);
    }
    if (value === null || value === undefined) continue;
    if (kind !== "any" && kindOf(value) !== kind) {
      throw new BridgeError(ErrorCode.InvalidParams, `${method}: parameter ${name} must be ${article(kind)}, not ${article(kindOf(value))}`);
    }
    out[name] = value;
  }
  return out;
}

/**
 * @param {unknown} value
 * @returns {string}
 */
function kindOf(value) {
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** @param {string} kind */
function article(kind) {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}
