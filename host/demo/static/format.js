// Pure helpers for the demo console: how values, calls and errors read in
// its log, and the sample customers. No DOM here, so Node can test them.

/** The workspace's session limit: CIF's default, and CIF Bridge's. */
export const MAX_SESSIONS = 10;

/**
 * Error codes that mean the bridge itself is not working (rather than
 * that one call was wrong): the console shows these in its status line.
 * See CIF Bridge's docs/protocol.md.
 */
export const BRIDGE_PROBLEMS = new Set([
  1008, // HostUnavailable
  1009, // Timeout
  1010, // ProtocolMismatch
  1011, // OriginNotAllowed
  1014, // ExtensionUnavailable
  1015, // ProfileBusy
  1019, // StateUnavailable
]);

/**
 * A value as JSON, with Maps (getSession's result, raiseEvent's
 * parameters) shown as the objects they carry and functions (event
 * handlers) by name.
 * @param {unknown} value
 * @returns {string}
 */
export function formatValue(value) {
  if (value === undefined) return "undefined";
  if (typeof value === "function") return value.name || "function";
  return JSON.stringify(value, (_key, v) => (v instanceof Map ? Object.fromEntries(v) : v)) ?? String(value);
}

/**
 * A call as code: method(arg, …), without trailing undefined arguments.
 * @param {string} method
 * @param {unknown[]} args
 * @returns {string}
 */
export function formatCall(method, args) {
  const shown = [...args];
  while (shown.length > 0 && shown[shown.length - 1] === undefined) shown.pop();
  return `${method}(${shown.map(formatValue).join(", ")})`;
}

/**
 * What a rejected call says: CIF's error.message and errorCode, or
 * whatever else was thrown.
 * @param {unknown} err
 * @returns {{message: string, code: number | undefined}}
 */
export function describeError(err) {
  if (err !== null && typeof err === "object") {
    const { message, errorCode } = /** @type {{message?: unknown, errorCode?: unknown}} */ (err);
    const code = typeof errorCode === "number" ? errorCode : undefined;
    if (typeof message === "string" && message !== "") return { message, code };
    return { message: formatValue(err), code };
  }
  return { message: String(err), code: undefined };
}

/**
 * An error as one line: "message (errorCode N)".
 * @param {unknown} err
 * @returns {string}
 */
export function errorText(err) {
  const { message, code } = describeError(err);
  return code === undefined ? message : `${message} (errorCode ${code})`;
}

/**
 * A system event's payload: CIF passes a JSON string. Returns the parsed
 * object, or null when it is not one.
 * @param {unknown} data
 * @returns {Record<string, unknown> | null}
 */
export function parsePayload(data) {
  let value = data;
  if (typeof data === "string") {
    try {
      value = JSON.parse(data);
    } catch {
      return null;
    }
  }
  return value !== null && typeof value === "object" && !Array.isArray(value) ? /** @type {Record<string, unknown>} */ (value) : null;
}

/**
 * The capacity line: how many of this page's sessions are open, and what
 * canCreateSession said.
 * @param {number} open
 * @param {boolean | undefined} canCreate undefined when the call failed
 * @returns {string}
 */
export function capacityText(open, canCreate) {
  const count = `${open} of ${MAX_SESSIONS} sessions open`;
  if (canCreate === true) return `${count} · room for more`;
  if (canCreate === false) return `${count} · the workspace is full: close a session in the side panel`;
  return count;
}

export const SAMPLE_NAMES = Object.freeze([
  "Ada Okafor", "Bruno Silva", "Chen Wei", "Dagny Lindqvist", "Emeka Obi", "Fatima Zahra",
  "Gustavo Reyes", "Hana Sato", "Ingrid Berg", "Jamal Haddad", "Kirsten Moller", "Luis Ortega",
  "Mei Lin", "Nadia Petrova", "Oscar Novak", "Priya Raman", "Quinn Murphy", "Rosa Ferreira",
  "Sven Aalto", "Tomasz Nowak", "Uma Patel", "Viktor Horvath", "Wanjiru Kamau", "Yusuf Demir",
]);

/**
 * A sample customer name other than the current one.
 * @param {string} [current]
 * @param {() => number} [random]
 * @returns {string}
 */
export function sampleName(current = "", random = Math.random) {
  const others = SAMPLE_NAMES.filter((n) => n !== current);
  return others[Math.floor(random() * others.length) % others.length];
}

/**
 * A short random id for the sample conversations and records.
 * @param {string} prefix
 * @param {() => number} [random]
 * @returns {string}
 */
export function sampleId(prefix, random = Math.random) {
  return `${prefix}-${Math.floor(random() * 0x100000000).toString(16).padStart(8, "0")}`;
}
