// The agent's presence, in the panel's header: a list to pick from, in the
// presence's colour. Every provider hears the change (onPresenceChange).
import { BackgroundMethod, ViewEvent } from "../../shared/methods.js";
import { callBackground, watchEvent } from "../shared/client.js";

/**
 * Shows the agent's presence and lets the agent change it.
 * @param {any} api browser or chrome
 * @param {(failure: string) => void} say shows what went wrong
 */
export function showPresence(api, say) {
  const select = /** @type {HTMLSelectElement} */ (document.getElementById("presence"));
  const dot = /** @type {HTMLElement} */ (document.getElementById("presence-dot"));

  async function render() {
    try {
      const { current, list } = await callBackground(api, BackgroundMethod.Presence);
      const options = list.map((/** @type {any} */ p) => Object.assign(document.createElement("option"), { value: p.presenceId, textContent: p.presenceText }));
      if (!list.some((/** @type {any} */ p) => p.presenceId === current.presenceId)) {
        options.unshift(Object.assign(document.createElement("option"), { value: current.presenceId, textContent: current.presenceText, disabled: true }));
      }
      select.replaceChildren(...options);
      select.value = current.presenceId;
      select.dataset.presence = current.presenceText;
      dot.style.backgroundColor = current.presenceColor;
    } catch (err) {
      say(`The presence cannot be shown: ${err instanceof Error ? err.message : err}`);
    }
  }

  select.addEventListener("change", () => {
    callBackground(api, BackgroundMethod.SetPresence, { presenceId: select.value }).catch((err) => say(err.message)).finally(render);
  });
  watchEvent(api, ViewEvent.PresenceChanged, render);
  return render();
}
