// The workspace in the panel: the sessions with their provider,
// indicators and tabs; the agent switches to one, focuses one of its tabs,
// or closes it, and the providers' pages hear onSessionSwitched or
// onSessionClosed.
import { readWorkspace } from "../../shared/workspace.js";
import { callBackground, sessionRows, summary, watchWorkspace } from "../shared/client.js";
import { byId, el } from "../shared/dom.js";
import { closeSessionName, focusTabName, switchSessionName } from "../shared/names.js";

/**
 * Shows the workspace in the panel's workspace region, and again at each
 * change.
 * @param {any} api browser or chrome
 * @param {(origin: string) => string} nameOf what the panel calls a provider: its label when configured
 * @returns {() => void} shows the workspace again (when the providers' names changed)
 */
export function showWorkspace(api, nameOf) {
  /**
   * Does one of the agent's operations, then shows the workspace as it
   * is now, with what went wrong if anything did.
   * @param {string} method
   * @param {object} params
   */
  async function act(method, params) {
    const failure = await callBackground(api, method, params).then(() => "", messageOf);
    await render(failure);
  }

  /**
   * @param {string} label what the button shows
   * @param {string} name what it says to assistive technology: what it acts on
   * @param {string} action
   * @param {object} params
   */
  function button(label, name, action, params) {
    const b = el("button", { type: "button", "data-action": action, "aria-label": name }, label);
    b.addEventListener("click", () => act(action, params));
    return b;
  }

  /** @param {import("../shared/client.js").SessionRow} row */
  function sessionItem(row) {
    // The focused session and tab are marked in words and for assistive
    // technology (aria-current), not by colour alone.
    const item = el("li", { class: row.focused ? "session focused" : "session", "data-session": row.id, ...current(row.focused) });
    const actions = row.focused ? [] : [button("Switch", switchSessionName(row.title), "workspace.switchSession", { sessionId: row.id })];
    actions.push(button("Close", closeSessionName(row.title), "workspace.closeSession", { sessionId: row.id }));
    item.append(
      el("div", { class: "line" }, el("span", { class: "title" }, row.title), ...(row.focused ? [el("span", { class: "current" }, "current")] : []), ...actions),
      el("div", { class: "line" }, el("span", { class: "provider", title: row.provider }, nameOf(row.provider)),
        ...row.badges.map((b) => el("span", { class: "badge" }, b))),
      el("ul", { class: "tabs", "aria-label": `Tabs of session ${row.title}` }, ...row.tabs.map((t) => {
        const focus = button(`${t.anchor ? "⚓ " : ""}${t.title}`, focusTabName(t.title, row.title, t.anchor), "workspace.focusTab", { tabId: t.id });
        focus.className = "tab";
        return el("li", { class: t.focused ? "focused" : "", "data-tab": t.id, ...current(t.focused) }, focus);
      })),
    );
    return item;
  }

  /**
   * Shows the workspace. When it cannot be read, says why and keeps the
   * sessions shown last, so the agent can still close one.
   * @param {string} [failure] what went wrong with the agent's last action
   */
  async function render(failure = "") {
    const status = byId("status");
    try {
      const workspace = await readWorkspace((method, args) => callBackground(api, method, args));
      const rows = sessionRows(workspace);
      byId("summary").textContent = summary(workspace);
      byId("sessions").replaceChildren(...rows.map(sessionItem));
      byId("empty").hidden = rows.length > 0;
      status.textContent = failure;
      document.body.dataset.ready = "true";
    } catch (err) {
      byId("empty").hidden = true;
      status.textContent = [failure, `The sessions cannot be shown: ${messageOf(err)}`].filter(Boolean).join(" ");
      document.body.dataset.ready = "error";
    }
  }

  watchWorkspace(api, () => render());
  render();
  return () => render();
}

/**
 * The attribute that marks the current item of a list.
 * @param {boolean} focused
 * @returns {Record<string, string>}
 */
function current(focused) {
  return focused ? { "aria-current": "true" } : {};
}

/** @param {unknown} err */
function messageOf(err) {
  return err instanceof Error ? err.message : String(err);
}
