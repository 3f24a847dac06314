// The notifications waiting for the agent, at the top of the panel: each
// with its icon, title, lines, a countdown and its buttons. Every text
// comes from a template and a provider's page, and is shown as text.
import { BackgroundMethod, ViewEvent } from "../../shared/methods.js";
import { NOTIFICATIONS_PERMISSION } from "../../shared/permissions.js";
import { callBackground, watchEvent } from "../shared/client.js";
import { answerName } from "../shared/names.js";

/** @typedef {import("../../background/notifications.js").Waiting} Waiting */

/**
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {...(Node | string)} children
 * @returns {HTMLElement}
 */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children); // text, never HTML
  return node;
}

/**
 * "1:05 left", or "" when the template hides the countdown.
 * @param {Waiting} n
 * @param {number} now
 */
function countdown(n, now) {
  if (!n.showTimeout) return "";
  const seconds = Math.max(0, Math.ceil((n.deadline - now) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")} left`;
}

/**
 * Shows the waiting notifications and lets the agent answer them.
 * @param {any} api browser or chrome
 * @param {(failure: string) => void} say shows what went wrong
 */
export function showNotifications(api, say) {
  const list = /** @type {HTMLElement} */ (document.getElementById("incoming"));
  const section = /** @type {HTMLElement} */ (document.getElementById("notifications"));
  /** @type {Waiting[]} */
  let waiting = [];

  /** @param {string} id @param {boolean} accept */
  const answer = (id, accept) => callBackground(api, BackgroundMethod.AnswerNotification, { id, accept }).then(render, (err) => say(err.message));

  /** @param {Waiting} n */
  function item(n) {
    const buttons = [el("button", { type: "button", class: "accept", "data-action": "accept", "aria-label": answerName(n.acceptButtonText, n.title, n.provider) }, n.acceptButtonText)];
    if (n.rejectButtonText !== undefined) {
      buttons.push(el("button", { type: "button", class: "reject", "data-action": "reject", "aria-label": answerName(n.rejectButtonText, n.title, n.provider) }, n.rejectButtonText));
    }
    buttons[0].addEventListener("click", () => answer(n.id, true));
    buttons[1]?.addEventListener("click", () => answer(n.id, false));
    return el("li", { class: "notification", "data-notification": n.id, "data-template": n.templateName },
      el("img", { class: "icon", src: `../../icons/${n.icon}.png`, alt: "" }),
      el("div", { class: "body" },
        el("div", { class: "line" }, el("strong", { class: "title" }, n.title), el("span", { class: "countdown", role: "timer" }, countdown(n, Date.now()))),
        el("dl", {}, ...n.fields.flatMap((f) => [el("dt", {}, f.label), el("dd", {}, f.value)])),
        el("div", { class: "line" }, el("span", { class: "provider" }, n.provider), ...buttons)));
  }

  async function render() {
    try {
      waiting = await callBackground(api, BackgroundMethod.Notifications);
    } catch (err) {
      say(`The notifications cannot be shown: ${err instanceof Error ? err.message : err}`);
      return;
    }
    list.replaceChildren(...waiting.map(item));
    section.hidden = waiting.length === 0;
    await offerDesktop(api, waiting.length > 0);
  }

  function tick() {
    for (const n of waiting) {
      const node = list.querySelector(`[data-notification="${n.id}"] .countdown`);
      if (node) node.textContent = countdown(n, Date.now());
    }
  }

  watchEvent(api, ViewEvent.NotificationsChanged, render);
  setInterval(tick, 1000);
  return render();
}

/**
 * While notifications wait and the browser may not show them itself,
 * offers to let it: the permission is asked for on the agent's click.
 * @param {any} api
 * @param {boolean} waiting
 */
async function offerDesktop(api, waiting) {
  const offer = /** @type {HTMLElement} */ (document.getElementById("desktop-offer"));
  offer.hidden = !waiting || (await api.permissions.contains(NOTIFICATIONS_PERMISSION));
}

/** @param {any} api */
export function wireDesktopOffer(api) {
  document.getElementById("desktop-on")?.addEventListener("click", async () => {
    const granted = await api.permissions.request(NOTIFICATIONS_PERMISSION);
    /** @type {HTMLElement} */ (document.getElementById("desktop-offer")).hidden = granted;
  });
}
