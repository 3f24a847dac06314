// A record's page, or a new-record form: the header with the primary
// name, the fields by type, Save (with the record's ETag, so that a change
// made since is refused, not lost), and the related records as links.
import { ErrorCode } from "../../shared/contract.js";
import { pageQuery } from "../../shared/pagelinks.js";
import { changeAction } from "./changes.js";
import { h, message } from "./dom.js";
import { field } from "./fields.js";
import { defaultValue, prefill, toInput } from "./values.js";

/**
 * What a record page needs.
 * @typedef {object} RecordOptions
 * @property {(method: string, args: object) => Promise<any>} call an agent operation
 * @property {string} entityName
 * @property {string} [entityId] none for a new-record form
 * @property {Record<string, unknown>} [data] a new record's form parameters
 * @property {(id: string) => void} onCreated the new record was created with this id
 */

/**
 * Shows a record or a new-record form in container.
 * @param {HTMLElement} container
 * @param {RecordOptions} opts
 * @returns {Promise<void>}
 */
export async function showRecord(container, opts) {
  let page;
  container.dataset.loading = "true";
  try {
    page = await opts.call("records.page", opts.entityId ? { entityName: opts.entityName, id: opts.entityId } : { entityName: opts.entityName });
  } catch (err) {
    delete container.dataset.loading;
    showFailure(container, opts, err);
    return;
  }
  render(container, opts, page);
  delete container.dataset.loading;
  container.dispatchEvent(new Event(RECORD_SHOWN));
}

/** The event a record page's container receives each time it shows its record. */
export const RECORD_SHOWN = "cifbridge:recordshown";

/**
 * Follows a record change that cif-host announced, on the record the page
 * shows: another agent's change is read and shown at once, unless the
 * agent is editing, who is then told that a save would be refused; a
 * deleted record is said to be.
 * @param {HTMLElement} container
 * @param {RecordOptions} opts
 * @param {import("./changes.js").RecordChange} change
 */
export function recordChanged(container, opts, change) {
  if (container.dataset.view !== "record") return;
  const shown = { entityName: container.dataset.entity ?? "", id: container.dataset.id ?? "", etag: container.dataset.etag ?? "", dirty: container.dataset.dirty === "true" };
  const status = container.querySelector("#record-status");
  if (!(status instanceof HTMLElement)) return;
  switch (changeAction(shown, change)) {
    case "refresh":
      showRecord(container, { ...opts, entityId: shown.id }).then(() => {
        const now = container.querySelector("#record-status");
        if (now instanceof HTMLElement && container.dataset.view === "record") say(now, "Updated: this record was changed elsewhere, and shows the change.", "updated");
      });
      return;
    case "warn": {
      const reload = h("button", { type: "button", id: "record-reload" }, "Reload the record");
      reload.addEventListener("click", () => showRecord(container, { ...opts, entityId: shown.id }));
      say(status, "Someone changed this record since you opened it: saving your edit would be refused. Reload it to see their change, then make yours again. ", "changed");
      status.append(reload);
      return;
    }
    case "deleted": {
      say(status, "Someone deleted this record: it can no longer be saved.", "deleted");
      const save = container.querySelector("#record-save");
      if (save instanceof HTMLButtonElement) save.disabled = true;
    }
  }
}

/**
 * Says why a record cannot be shown, and what to do.
 * @param {HTMLElement} container
 * @param {RecordOptions} opts
 * @param {any} err
 */
function showFailure(container, opts, err) {
  const links = [];
  if (err?.code === ErrorCode.RecordNotFound) {
    links.push(h("a", { href: pageQuery({ page: "search", entityName: opts.entityName }) }, `Search the ${opts.entityName} records`),
      " or ", h("a", { href: pageQuery({ page: "record", entityName: opts.entityName }) }, `create a new ${opts.entityName}`), ".");
  }
  document.title = "Record not shown";
  container.dataset.view = "failed";
  container.replaceChildren(h("h1", {}, "This record cannot be shown"), h("p", { className: "error", role: "alert" }, message(err)), h("p", {}, ...links));
}

/**
 * @param {HTMLElement} container
 * @param {RecordOptions} opts
 * @param {{entity: import("./values.js").Entity, record?: Record<string, any>, related?: any[]}} page
 */
function render(container, opts, page) {
  const { entity } = page;
  const record = page.record ?? null;
  const name = record ? String(record[entity.primaryNameAttribute] ?? "") : "";
  const title = record ? name || `(${entity.displayName} without a name)` : `New ${entity.displayName.toLowerCase()}`;
  document.title = title;
  const starts = record ? null : prefill(entity, opts.data ?? {});
  const fields = entity.attributes.map((a) => {
    const saved = record ? record[a.logicalName] : defaultValue(a);
    return field(a, {
      entity, record, search: (target, text) => opts.call("records.search", { entityName: target, searchText: text }),
      start: starts?.has(a.logicalName) ? starts.get(a.logicalName) : saved,
      baseline: toInput(a, saved),
    });
  }).filter((f) => f !== null);
  const status = h("p", { id: "record-status", role: "status" });
  const save = h("button", { type: "submit", id: "record-save" }, record ? "Save" : `Create ${entity.displayName.toLowerCase()}`);
  const form = h("form", { id: "record-form" },
    h("div", { className: "fields" }, ...fields.map((f) => f.row)),
    h("div", { className: "actions" }, save, status));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(container, opts, page, fields, status);
  });
  container.dataset.view = record ? "record" : "form";
  container.dataset.entity = entity.logicalName;
  container.dataset.id = record ? String(record[entity.primaryIdAttribute] ?? "") : "";
  container.dataset.etag = record ? String(record["@odata.etag"] ?? "") : "";
  delete container.dataset.dirty;
  form.addEventListener("input", () => { container.dataset.dirty = "true"; });
  form.addEventListener("change", () => { container.dataset.dirty = "true"; });
  container.replaceChildren(h("p", { className: "entity" }, entity.displayName), h("h1", { id: "record-title" }, title), form);
  if (record) container.append(related(page.related ?? []));
}

/**
 * Saves the agent's changes, or creates the new record.
 * @param {HTMLElement} container
 * @param {RecordOptions} opts
 * @param {{entity: import("./values.js").Entity, record?: Record<string, any>}} page
 * @param {import("./fields.js").Field[]} fields
 * @param {HTMLElement} status
 */
async function submit(container, opts, page, fields, status) {
  const changed = page.record ? fields.filter((f) => f.changed()) : fields;
  /** @type {Record<string, unknown>} */
  const data = {};
  for (const f of changed) {
    const d = f.data();
    if ("error" in d) {
      say(status, d.error, "error");
      return;
    }
    for (const [key, value] of d.entries) if (page.record || value !== null) data[key] = value;
  }
  if (page.record && Object.keys(data).length === 0) {
    say(status, "Nothing changed: edit a field, then save.", "");
    return;
  }
  say(status, page.record ? "Saving…" : "Creating…", "");
  try {
    if (!page.record) {
      const { id } = await opts.call("records.create", { entityName: page.entity.logicalName, data });
      opts.onCreated(id);
      return;
    }
    const id = page.record[page.entity.primaryIdAttribute];
    container.dataset.saving = "true";
    try {
      await opts.call("records.save", { entityName: page.entity.logicalName, id, data, etag: page.record["@odata.etag"] });
    } finally {
      delete container.dataset.saving;
    }
    await showRecord(container, { ...opts, entityId: id });
    const shown = container.querySelector("#record-status");
    if (shown instanceof HTMLElement) say(shown, "Saved.", "saved");
  } catch (err) {
    failed(container, opts, status, err);
  }
}

/**
 * Says why a save or create failed; a conflict offers to reload.
 * @param {HTMLElement} container
 * @param {RecordOptions} opts
 * @param {HTMLElement} status
 * @param {any} err
 */
function failed(container, opts, status, err) {
  if (err?.code !== ErrorCode.RecordConflict) {
    say(status, `Not saved: ${message(err)}`, "error");
    return;
  }
  const reload = h("button", { type: "button", id: "record-reload" }, "Reload the record");
  reload.addEventListener("click", () => showRecord(container, opts));
  say(status, "Not saved: someone changed this record since you opened it, and your edit would have overwritten their change. Reload it to see theirs, then make yours again. ", "conflict");
  status.append(reload);
}

/**
 * @param {HTMLElement} status
 * @param {string} text
 * @param {string} state "error", "saved", "conflict" or ""
 */
function say(status, text, state) {
  status.textContent = text;
  status.dataset.state = state;
}

/**
 * The related records, one list per lookup pointing at the record.
 * @param {{entity: string, title: string, attribute: string, records: {id: string, name: string, detail?: string}[], more?: boolean}[]} lists
 * @returns {HTMLElement}
 */
function related(lists) {
  const sections = lists.map((list) => h("section", { className: "related-list", dataset: { entity: list.entity, attribute: list.attribute } },
    h("h3", {}, list.title),
    h("ul", {}, ...list.records.map((r) => h("li", {},
      h("a", { href: pageQuery({ page: "record", entityName: list.entity, entityId: r.id }) }, r.name || r.id),
      r.detail ? h("span", { className: "detail" }, ` ${r.detail}`) : null))),
    list.more ? h("p", { className: "hint" }, "The 20 most recent; ", h("a", { href: pageQuery({ page: "list", entityName: list.entity }) }, "see them all"), ".") : null));
  return h("section", { className: "related", id: "related" }, h("h2", {}, "Related"),
    ...(sections.length ? sections : [h("p", { className: "hint" }, "No records point at this one yet.")]));
}
