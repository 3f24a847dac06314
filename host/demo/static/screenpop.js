// The screen pop of an incoming call, as CIF integrations do it (Microsoft's
// Twilio samples, Amazon Connect and Flex adapters): search the contacts by
// the caller's number and open what is found; for an unknown number, log
// the call and open a new contact's form with the number filled in. Only
// CIF 2.0's record methods; no DOM here, so Node can test it.

/**
 * A CIF call as the console makes it: the method, its arguments, and
 * whether it only reads; it resolves with the outcome, never rejects.
 * @typedef {(method: string, args: unknown[], opts?: {read?: boolean}) => Promise<{ok: true, value: any} | {ok: false, error: unknown}>} Call
 */

/**
 * The query that finds a caller: a phone number in $search matches
 * however the contact's number is written.
 * @param {string} number
 * @returns {string}
 */
export function byNumber(number) {
  return `?$select=fullname,telephone1&$search=${number}`;
}

/**
 * The records searchAndOpenRecords resolved with: CIF's JSON string of
 * an object keyed "0", "1", ….
 * @param {unknown} result
 * @returns {Record<string, unknown>[]}
 */
export function matches(result) {
  if (typeof result !== "string") return [];
  try {
    const found = JSON.parse(result);
    return found !== null && typeof found === "object" ? Object.values(found) : [];
  } catch {
    return [];
  }
}

/**
 * A number no sample contact has: +1 555 555 01NN, in the range North
 * American numbering keeps for fiction.
 * @param {() => number} [random]
 * @returns {string}
 */
export function unknownNumber(random = Math.random) {
  return `+1 555 555 01${String(Math.floor(random() * 100) % 100).padStart(2, "0")}`;
}

/**
 * A known contact's number, for a call whose screen pop finds someone;
 * null when the organisation has no contact with a phone number.
 * @param {Call} call
 * @param {() => number} [random]
 * @returns {Promise<string | null>}
 */
export async function knownNumber(call, random = Math.random) {
  const found = await call("searchAndOpenRecords", ["contact", "?$select=telephone1&$filter=telephone1 ne null&$top=50", true], { read: true });
  const numbers = found.ok ? matches(found.value).map((c) => c.telephone1).filter((n) => typeof n === "string" && n !== "") : [];
  return numbers.length ? String(numbers[Math.floor(random() * numbers.length) % numbers.length]) : null;
}

/**
 * The screen pop. One contact with the number: searchAndOpenRecords opens
 * their page in the session, and this resolves with their name. Several:
 * it opens the search results. None: the call is logged as an incoming
 * phone call (createRecord) and openForm opens a new contact's form with
 * the number.
 * @param {Call} call
 * @param {string} number the caller's number
 * @returns {Promise<string | null>} the caller's name when one contact has the number
 */
export async function screenPop(call, number) {
  const found = await call("searchAndOpenRecords", ["contact", byNumber(number), false]);
  if (!found.ok) return null;
  const contacts = matches(found.value);
  if (contacts.length === 1) return String(contacts[0].fullname ?? "") || null;
  if (contacts.length > 1) return null;
  const logged = await call("createRecord", ["phonecall", JSON.stringify({ subject: `Call from ${number}`, phonenumber: number, directioncode: false })]);
  if (!logged.ok) return null;
  await call("openForm", [JSON.stringify({ entityName: "contact" }), JSON.stringify({ telephone1: number })]);
  return null;
}
