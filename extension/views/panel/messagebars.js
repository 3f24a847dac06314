// CIF's global notifications in the panel: message bars above everything,
// each naming its provider, with its action and close button, and the
// providers' progress indicators.
import { PanelMessage } from "../../shared/panel.js";
import { el } from "../shared/dom.js";
import { barActionName, closeBarName } from "../shared/names.js";

/**
 * @typedef {import("../../background/messagebars.js").Bar} Bar
 * @typedef {{postMessage: (message: object) => void}} Port
 */

/**
 * Shows the message bars as the background has them.
 * @param {any} api browser or chrome
 * @param {Bar[]} bars
 * @param {() => Port | null} port the current port to the background
 */
export function renderBars(api, bars, port) {
  document.getElementById("bars")?.replaceChildren(...bars.map((bar) => barItem(api, bar, port)));
}

/**
 * @param {any} api
 * @param {Bar} bar
 * @param {() => Port | null} port
 */
function barItem(api, bar, port) {
  const item = el("div", { class: `bar ${bar.level} ${bar.kind}`, role: bar.level === "error" ? "alert" : "status", "data-bar": bar.id },
    el("span", { class: "source" }, bar.source), el("span", { class: "message" }, bar.message));
  if (bar.actionLabel) {
    const action = el("button", { type: "button", class: "action", "aria-label": barActionName(bar.actionLabel, bar.message) }, bar.actionLabel);
    action.addEventListener("click", () => {
      if (bar.actionLink) api.tabs.create({ url: bar.actionLink }); // an http(s) address: the background checked it
      else port()?.postMessage({ kind: PanelMessage.Action, id: bar.id });
    });
    item.append(action);
  }
  if (bar.showCloseButton) {
    const close = el("button", { type: "button", class: "close", "aria-label": closeBarName(bar.message, bar.source) }, "×");
    close.addEventListener("click", () => port()?.postMessage({ kind: PanelMessage.Dismiss, id: bar.id }));
    item.append(close);
  }
  return item;
}
