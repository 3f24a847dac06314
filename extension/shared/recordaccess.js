import { ErrorCode } from "./contract.js";
import { BridgeError } from "./errors.js";
import { admitterOf } from "./origins.js";

// Which sites may use the organisation's records: the user's choice per
// allowed site, in the options page. The background checks it before a
// record method reaches cif-host.

/** The storage key of the user's choices: allowlist entry -> RecordAccess. */
export const RECORDS_KEY = "recordsAccess";

/**
 * What a site may do with records. A site the user has not chosen for
 * may read and write.
 * @enum {string}
 */
export const RecordAccess = Object.freeze({
  Write: "write",
  Read: "read",
  None: "none",
});

/** @type {readonly string[]} the levels from the least to the most a site may do */
const LEVELS = [RecordAccess.None, RecordAccess.Read, RecordAccess.Write];

/** The record methods that only read, whatever their arguments. */
const READS = new Set(["retrieveRecord", "getEntityMetadata"]);

/** The record methods that write records or open pages. */
const WRITES = new Set(["createRecord", "updateRecord", "deleteRecord", "openForm", "renderSearchPage", "refreshForm"]);

/** @type {Readonly<Record<string, string>>} options-page wording of each level, also used in refusals */
export const ACCESS_LABELS = Object.freeze({
  [RecordAccess.Write]: "read and write records",
  [RecordAccess.Read]: "read records only",
  [RecordAccess.None]: "no records",
});

/**
 * The access a call needs: Read or Write for a record method, null for
 * any other. searchAndOpenRecords only reads with searchOnly true; else it
 * opens a page.
 * @param {string} method
 * @param {Record<string, unknown>} args
 * @returns {string | null}
 */
export function accessNeeded(method, args) {
  if (READS.has(method)) return RecordAccess.Read;
  if (WRITES.has(method)) return RecordAccess.Write;
  if (method === "searchAndOpenRecords") return args.searchOnly === true ? RecordAccess.Read : RecordAccess.Write;
  return null;
}

/**
 * What an origin may do: among the allowlist entries that admit it, the
 * most restrictive choice, so that narrowing one entry always narrows.
 * @param {string} origin
 * @param {readonly string[]} entries the allowlist
 * @param {Readonly<Record<string, string>>} choices the user's choices by entry
 * @returns {{access: string, entry: string}} entry is the one that decided ("" when none admits the origin)
 */
export function accessOf(origin, entries, choices) {
  /** @type {{access: string, entry: string}} */
  let found = { access: RecordAccess.None, entry: "" };
  const admits = admitterOf(origin);
  for (const entry of entries) {
    if (!admits(entry)) continue;
    const access = choices[entry] ?? RecordAccess.Write;
    if (found.entry === "" || LEVELS.indexOf(access) < LEVELS.indexOf(found.access)) found = { access, entry };
  }
  return found;
}

/**
 * Refuses a record call the origin may not make, with RecordsNotAllowed
 * and where the user changes it.
 * @param {string} method
 * @param {Record<string, unknown>} args
 * @param {string} origin the calling page's origin, as the browser reported it
 * @param {readonly string[]} entries
 * @param {Readonly<Record<string, string>>} choices
 */
export function checkRecordAccess(method, args, origin, entries, choices) {
  const needed = accessNeeded(method, args);
  if (needed === null) return;
  const { access, entry } = accessOf(origin, entries, choices);
  if (LEVELS.indexOf(access) >= LEVELS.indexOf(needed)) return;
  const where = `in the extension's options, under Allowed sites, set Records for ${entry || origin} to`;
  if (access === RecordAccess.Read) {
    throw new BridgeError(ErrorCode.RecordsNotAllowed,
      `${method}: ${origin} may only read records (retrieveRecord, getEntityMetadata, searchAndOpenRecords with searchOnly true), and ${method} writes records or opens a page; to let it, ${where} "${ACCESS_LABELS[RecordAccess.Write]}"`);
  }
  throw new BridgeError(ErrorCode.RecordsNotAllowed,
    `${method}: ${origin} may not use the organisation's records; to let it, ${where} "${ACCESS_LABELS[needed]}"`);
}

/**
 * The user's choices, keeping only well-formed ones.
 * @param {{get: (key: string) => Promise<Record<string, any>>}} storage
 * @returns {Promise<Readonly<Record<string, string>>>}
 */
export async function loadRecordAccess(storage) {
  const stored = (await storage.get(RECORDS_KEY))[RECORDS_KEY];
  if (stored === null || typeof stored !== "object" || Array.isArray(stored)) return {};
  return Object.freeze(Object.fromEntries(Object.entries(stored).filter(([, v]) => LEVELS.includes(v))));
}

/**
 * Saves the user's choices.
 * @param {{set: (items: object) => Promise<void>}} storage
 * @param {Readonly<Record<string, string>>} choices
 */
export function saveRecordAccess(storage, choices) {
  return storage.set({ [RECORDS_KEY]: { ...choices } });
}
