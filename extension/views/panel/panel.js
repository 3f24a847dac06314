// The agent's view of the workspace, shown as the toolbar popup, in
// Chromium's side panel and in Firefox's sidebar. It lists the sessions
// with their provider, indicators and tabs, and lets the agent switch to
// one, focus one of its tabs, or close it; the providers' pages then hear
// onSessionSwitched or onSessionClosed. Above them: the agent's presence
// (presence.js) and the notifications waiting for an answer
// (notifications.js).
import { readWorkspace } from "../../shared/workspace.js";
import { callBackground, sessionRows, summary, watchWorkspace } from "../shared/client.js";
import { showNotifications, wireDesktopOffer } from "./notifications.js";
import { showPresence } from "./presence.js";

const api = globalThis.browser ?? globalThis.chrome;

/**
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {...(Node | string)} children
 * @returns {HTMLElement}
 */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children); // text, never HTML: titles come from web pages
  return node;
}

/**
 * @param {string} label
 * @param {string} action
 * @param {object} params
 */
function button(label, action, params) {
  const b = el("button", { type: "button", "data-action": action }, label);
  b.addEventListener("click", () => act(action, params));
  return b;
}

/** @param {import("../shared/client.js").SessionRow} row */
function sessionItem(row) {
  const item = el("li", { class: row.focused ? "session focused" : "session", "data-session": row.id });
  const actions = row.focused ? [] : [button("Switch", "workspace.switchSession", { sessionId: row.id })];
  actions.push(button("Close", "workspace.closeSession", { sessionId: row.id }));
  item.append(
    el("div", { class: "line" }, el("span", { class: "title" }, row.title), ...actions),
    el("div", { class: "line" }, el("span", { class: "provider" }, row.provider),
      ...row.badges.map((b) => el("span", { class: "badge" }, b))),
    el("ul", { class: "tabs" }, ...row.tabs.map((t) => {
      const focus = button(`${t.anchor ? "⚓ " : ""}${t.title}`, "workspace.focusTab", { tabId: t.id });
      focus.className = "tab";
      return el("li", { class: t.focused ? "focused" : "", "data-tab": t.id }, focus);
    })),
  );
  return item;
}

/**
 * Does one of the agent's operations, then shows the workspace as it is
 * now, with what went wrong if anything did.
 * @param {string} method
 * @param {object} params
 */
async function act(method, params) {
  const failure = await callBackground(api, method, params).then(() => "", messageOf);
  await render(failure);
}

/** @param {unknown} err */
function messageOf(err) {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Shows the workspace. When it cannot be read, the panel says why and
 * keeps the sessions it showed last, so the agent can still close one.
 * @param {string} [failure] what went wrong with the agent's last action
 */
async function render(failure = "") {
  const status = document.getElementById("status");
  try {
    const workspace = await readWorkspace((method, args) => callBackground(api, method, args));
    const rows = sessionRows(workspace);
    document.getElementById("summary").textContent = summary(workspace);
    document.getElementById("sessions").replaceChildren(...rows.map(sessionItem));
    document.getElementById("empty").hidden = rows.length > 0;
    status.textContent = failure;
    document.body.dataset.ready = "true";
  } catch (err) {
    document.getElementById("empty").hidden = true;
    status.textContent = [failure, `The sessions cannot be shown: ${messageOf(err)}`].filter(Boolean).join(" ");
    document.body.dataset.ready = "error";
  }
}

/** @param {string} failure */
const say = (failure) => {
  document.getElementById("status").textContent = failure;
};

watchWorkspace(api, () => render());
render();
showPresence(api, say);
showNotifications(api, say);
wireDesktopOffer(api);
