// The options page's records choice for each allowed site: read and
// write (the default), read only, or none.
import { ACCESS_LABELS, loadRecordAccess, RecordAccess, saveRecordAccess } from "../../shared/recordaccess.js";

/** @type {Readonly<Record<string, string>>} what a change of the choice says, by the new choice */
const CHANGED = Object.freeze({
  [RecordAccess.Write]: "may now read and write records",
  [RecordAccess.Read]: "may now only read records",
  [RecordAccess.None]: "may no longer use records",
});

/**
 * A labelled select of what one allowlist entry may do with records; a
 * change is saved at once and reported with say.
 * @param {{get: (key: string) => Promise<Record<string, any>>, set: (items: object) => Promise<void>}} storage
 * @param {string} entry
 * @param {Readonly<Record<string, string>>} choices the saved choices
 * @param {(text: string) => void} say
 * @returns {HTMLLabelElement}
 */
export function recordsChoice(storage, entry, choices, say) {
  const select = document.createElement("select");
  select.dataset.records = entry;
  select.setAttribute("aria-label", `Records for site ${entry}`);
  for (const access of [RecordAccess.Write, RecordAccess.Read, RecordAccess.None]) {
    const option = document.createElement("option");
    option.value = access;
    option.textContent = ACCESS_LABELS[access];
    select.append(option);
  }
  select.value = choices[entry] ?? RecordAccess.Write;
  select.addEventListener("change", async () => {
    const saved = { ...(await loadRecordAccess(storage)), [entry]: select.value };
    await saveRecordAccess(storage, saved);
    say(`${entry} ${CHANGED[select.value]}. Its pages' next record call follows this.`);
  });
  const label = document.createElement("label");
  label.append("Records: ", select);
  return label;
}

/**
 * Forgets the choices of entries no longer allowed.
 * @param {{get: (key: string) => Promise<Record<string, any>>, set: (items: object) => Promise<void>}} storage
 * @param {readonly string[]} entries the allowlist as it now is
 */
export async function forgetRemoved(storage, entries) {
  const choices = await loadRecordAccess(storage);
  const kept = Object.fromEntries(Object.entries(choices).filter(([entry]) => entries.includes(entry)));
  if (Object.keys(kept).length !== Object.keys(choices).length) await saveRecordAccess(storage, kept);
}
