// The options page's channel providers: the administrator's (settings.json,
// shown as managed, read-only) and the agent's own, which the agent adds,
// edits, turns off and removes here. A provider's page needs the browser's
// permission for its origins, asked for while the agent's click counts.
import { BackgroundMethod } from "../../shared/methods.js";
import { extraPatterns } from "../../shared/origins.js";
import { LIMITS, loadUserProviders, providerFaults, providerOrigins, saveUserProviders } from "../../shared/providers.js";
import { callBackground } from "../shared/client.js";
import { byId, el } from "../shared/dom.js";
import { providerActionName } from "../shared/names.js";

const api = globalThis.browser ?? globalThis.chrome;
const storage = api.storage.local;
const form = /** @type {HTMLFormElement} */ (document.getElementById("provider-form"));

/** @typedef {import("../../shared/providers.js").Provider} Provider */

/** @param {string} text */
function say(text) {
  byId("provider-status").textContent = text;
}

/** @param {Provider} p @returns {string[]} the patterns the browser must allow for its pages */
function patternsOf(p) {
  return extraPatterns(providerOrigins(p));
}

/** @param {Provider} p */
async function hasAccess(p) {
  const patterns = patternsOf(p);
  return patterns.length === 0 || api.permissions.contains({ origins: patterns });
}

/**
 * Asks the browser for access to a provider's origins; call it before any
 * other await of a click, while the click counts as the agent's gesture.
 * @param {Provider} p
 */
function askAccess(p) {
  const patterns = patternsOf(p);
  return patterns.length === 0 ? Promise.resolve(true) : api.permissions.request({ origins: patterns });
}

/** Shows every provider, the administrator's first where their order says. */
async function render() {
  // A call that needs cif-host first, so that its hello (which carries the
  // administrator's providers) has been read.
  await callBackground(api, "workspace.get").catch(() => undefined);
  /** @type {Provider[]} */
  const providers = await callBackground(api, BackgroundMethod.Providers).catch(() => loadUserProviders(storage));
  const items = await Promise.all(providers.map(async (p) => providerItem(p, await hasAccess(p))));
  byId("providers").replaceChildren(...items);
  byId("providers").dataset.count = String(providers.length);
}

/**
 * @param {Provider} p
 * @param {boolean} access
 */
function providerItem(p, access) {
  const about = el("span", { class: "about" }, el("strong", {}, p.label), ` ${p.landingUrl} · order ${p.order}`,
    p.enabled ? "" : " · off", p.managed ? el("em", {}, " · managed by your administrator (settings.json)") : "");
  const actions = [];
  const name = (/** @type {string} */ verb) => providerActionName(verb, p.label);
  if (!access) {
    const allowText = `Allow access to ${patternsOf(p).join(", ")}`;
    actions.push(button(allowText, `${allowText} for provider ${p.label}`, "allow", () => allow(p)));
  }
  if (!p.managed) {
    const toggle = p.enabled ? "Turn off" : "Turn on";
    actions.push(button(toggle, name(toggle), "toggle", () => change(p.id, (q) => ({ ...q, enabled: !q.enabled }), `${p.label} is ${p.enabled ? "off" : "on"}.`)));
    actions.push(button("Edit", name("Edit"), "edit", () => edit(p)));
    actions.push(button("Remove", name("Remove"), "remove", () => remove(p)));
  }
  return el("li", { "data-provider": p.id }, about, el("span", { class: "actions" }, ...actions));
}

/**
 * @param {string} label what the button shows
 * @param {string} name what it says to assistive technology: which provider it acts on
 * @param {string} action
 * @param {() => void} onClick
 */
function button(label, name, action, onClick) {
  const b = el("button", { type: "button", "data-action": action, "aria-label": name }, label);
  b.addEventListener("click", onClick);
  return b;
}

/** @param {Provider} p */
async function allow(p) {
  const granted = await askAccess(p);
  say(granted ? `${p.label}'s pages get the API once they are loaded again.` : `The browser did not grant access to ${p.label}'s site, so its page cannot use the API. Try again and allow it.`);
  await render();
}

/**
 * Changes one of the agent's providers and saves them.
 * @param {string} id
 * @param {(p: Provider) => Provider} how
 * @param {string} message
 */
async function change(id, how, message) {
  const mine = await loadUserProviders(storage);
  await saveUserProviders(storage, mine.map((p) => (p.id === id ? how(p) : p)));
  say(message);
  await render();
}

/** @param {Provider} p */
async function remove(p) {
  await saveUserProviders(storage, (await loadUserProviders(storage)).filter((q) => q.id !== p.id));
  say(`Removed ${p.label}.`);
  await render();
}

/** @param {Provider} p */
function edit(p) {
  form.dataset.editing = p.id;
  for (const name of /** @type {const} */ (["label", "landingUrl", "trustedDomain", "customParams"])) field(name).value = p[name];
  field("order").value = String(p.order);
  /** @type {HTMLInputElement} */ (field("enabled")).checked = p.enabled;
  submitButton().textContent = "Save";
  field("label").focus();
}

function clearForm() {
  form.reset();
  delete form.dataset.editing;
  submitButton().textContent = "Add";
}

/** @returns {HTMLButtonElement} the form's Add or Save button */
function submitButton() {
  return /** @type {HTMLButtonElement} */ (form.querySelector("button[type=submit]"));
}

/** @param {string} name @returns {HTMLInputElement} */
function field(name) {
  return /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
}

/** @returns {Provider} the form's provider */
function fromForm() {
  return {
    id: form.dataset.editing ?? `user:${crypto.randomUUID()}`,
    label: field("label").value.trim(),
    landingUrl: field("landingUrl").value.trim(),
    trustedDomain: field("trustedDomain").value.trim().toLowerCase().replace(/\/+$/, ""),
    customParams: field("customParams").value,
    order: Number(field("order").value || "0"),
    enabled: field("enabled").checked,
    managed: false,
  };
}

/**
 * Adds or saves a provider. The browser's permission is asked for first,
 * while the click still counts as the agent's gesture.
 * @param {SubmitEvent} event
 */
async function submit(event) {
  event.preventDefault();
  const editing = form.dataset.editing;
  const p = fromForm();
  const faults = providerFaults(p);
  if (faults.length > 0) {
    say(faults.map((f) => f.message).join(" "));
    return;
  }
  const granted = await askAccess(p);
  const mine = await loadUserProviders(storage);
  if (!editing && mine.length >= LIMITS.providers) {
    say(`The panel hosts at most ${LIMITS.providers} of your providers; remove one first.`);
    return;
  }
  const saved = editing ? mine.map((q) => (q.id === p.id ? p : q)) : [...mine, p];
  await saveUserProviders(storage, saved);
  clearForm();
  say(`${editing ? "Saved" : "Added"} ${p.label}.${granted ? " Its page opens in the panel." : " The browser did not grant access to its site: click Allow access to let its page use the API."}`);
  await render();
}

form.addEventListener("submit", submit);
form.addEventListener("reset", () => {
  delete form.dataset.editing;
  submitButton().textContent = "Add";
});
render();
