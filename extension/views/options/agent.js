// The options of the agent's side of CIF: click-to-act (which links, in
// every site or none, and which provider when several have it on) and
// desktop notifications. The browser's permissions are asked for on the
// agent's click, and given back when the agent turns a choice off.
import { CLICK_TO_ACT_KEY, LINK_ORIGINS, loadOptions, OPTIONS_KEY, SCHEMES } from "../../shared/clicktoact.js";
import { NOTIFICATIONS_PERMISSION } from "../../shared/permissions.js";

const api = globalThis.browser ?? globalThis.chrome;
const storage = api.storage.local;
const byId = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/** @param {string} text */
function say(text) {
  byId("c2a-status").textContent = text;
}

/** @param {Partial<import("../../shared/clicktoact.js").ClickToActOptions>} change */
async function save(change) {
  await storage.set({ [OPTIONS_KEY]: { ...(await loadOptions(storage)), ...change } });
}

async function render() {
  const options = await loadOptions(storage);
  const granted = await api.permissions.contains({ origins: [...LINK_ORIGINS] });
  byId("c2a-links").checked = options.links && granted;
  byId("c2a-schemes").replaceChildren(...SCHEMES.map((scheme) => {
    const box = Object.assign(document.createElement("input"), { type: "checkbox", checked: options.schemes.includes(scheme), id: `c2a-${scheme}` });
    box.addEventListener("change", () => save({ schemes: SCHEMES.filter((s) => s === scheme ? box.checked : options.schemes.includes(s)) }).then(render));
    const label = Object.assign(document.createElement("label"), { className: "check" });
    label.append(box, ` ${scheme}:`);
    return label;
  }));
  const enabled = Object.keys((await storage.get(CLICK_TO_ACT_KEY))[CLICK_TO_ACT_KEY] ?? {}).sort();
  const choices = ["", ...new Set([...enabled, options.defaultProvider].filter(Boolean))];
  byId("c2a-default").replaceChildren(...choices.map((origin) => Object.assign(document.createElement("option"), {
    value: origin,
    textContent: origin === "" ? "the focused session's provider, else the last to turn it on" : enabled.includes(origin) ? origin : `${origin} (click-to-act off)`,
  })));
  byId("c2a-default").value = options.defaultProvider;
  byId("desktop-notifications").checked = await api.permissions.contains(NOTIFICATIONS_PERMISSION);
}

/** Turns click-to-act on links on or off, asking for the permission while the click counts as the agent's. */
async function toggleLinks() {
  const on = byId("c2a-links").checked;
  if (on && !(await api.permissions.request({ origins: [...LINK_ORIGINS] }))) {
    say("The browser did not grant access to all sites, so links stay as they are. Try again and allow it.");
    byId("c2a-links").checked = false;
    return;
  }
  if (!on) await api.permissions.remove({ origins: [...LINK_ORIGINS] });
  await save({ links: on });
  say(on ? "Links are taken over in pages opened from now on; reload open pages." : "Links are left alone again.");
}

async function toggleDesktop() {
  const box = byId("desktop-notifications");
  box.checked = box.checked ? await api.permissions.request(NOTIFICATIONS_PERMISSION) : !(await api.permissions.remove(NOTIFICATIONS_PERMISSION));
}

byId("c2a-links").addEventListener("change", toggleLinks);
byId("c2a-default").addEventListener("change", () => save({ defaultProvider: byId("c2a-default").value }));
byId("desktop-notifications").addEventListener("change", toggleDesktop);
api.storage.onChanged.addListener((/** @type {Record<string, unknown>} */ changes, /** @type {string} */ area) => {
  if (area === "local" && (CLICK_TO_ACT_KEY in changes || OPTIONS_KEY in changes)) render();
});
render();
