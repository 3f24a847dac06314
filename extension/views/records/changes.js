// What a record page does when cif-host says a record changed
// (cifbridge.recordChanged): another agent's save shows without a reload,
// and an agent in the middle of an edit is warned rather than overwritten.

/**
 * A record change as cif-host announces it: {entityName, id, version}
 * (created or updated), {entityName, id, deleted: true}, {entityName}
 * (many of that entity changed at once) or {} (changes may have been
 * missed).
 * @typedef {{entityName?: string, id?: string, version?: number, deleted?: boolean}} RecordChange
 */

/**
 * What a record page shows: its record's entity, id and ETag, and whether
 * the agent has edited a field since.
 * @typedef {{entityName: string, id: string, etag: string, dirty: boolean}} Shown
 */

/**
 * What to do about a change: "ignore" it (another record, or the version
 * shown, such as the page's own save), "refresh" the page (read the record
 * again), "warn" the agent who is editing that a save will be refused, or
 * say the record was "deleted".
 * @param {Shown} shown
 * @param {RecordChange} change
 * @returns {"ignore" | "refresh" | "warn" | "deleted"}
 */
export function changeAction(shown, change) {
  if (!shown.id) return "ignore"; // a new-record form
  const entity = typeof change?.entityName === "string" ? change.entityName : "";
  const id = typeof change?.id === "string" ? change.id.toLowerCase() : "";
  if (entity !== "" && entity !== shown.entityName) return "ignore";
  if (id !== "" && id !== shown.id.toLowerCase()) return "ignore";
  if (id !== "" && change.deleted === true) return "deleted";
  if (id !== "" && typeof change.version === "number" && `W/"${change.version}"` === shown.etag) return "ignore";
  return shown.dirty ? "warn" : "refresh";
}
