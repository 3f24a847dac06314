// Click-to-act on links: a content script in the extension's isolated
// world, on the allowed sites (beside the relay) and, once the agent has
// turned it on and granted the permission, on every site
// (background/links.js). It reads nothing of the page: it only takes over
// the agent's own clicks on tel:, callto:, sms: or mailto: links (the
// schemes the agent chose) while a provider has click-to-act on, and
// hands the link to the background, which raises onclicktoact. A click
// the page's scripts make (element.click(), a synthetic event) is not the
// agent's and is left alone. When no provider page hears the click, the
// link does what it always does.
(() => {
  "use strict";

  // Registered twice for an allowed site that is also any site: once is enough.
  if (globalThis.cifBridgeLinks) return;
  globalThis.cifBridgeLinks = true;

  const api = globalThis.browser ?? globalThis.chrome;
  // The names shared/clicktoact.js gives them; a content script cannot import it.
  const CLICK_TO_ACT_KEY = "clickToAct";
  const OPTIONS_KEY = "clickToActOptions";

  let schemes = new Set();
  let armed = false;

  /** @param {Record<string, any>} items */
  function read(items) {
    const options = items[OPTIONS_KEY] ?? {};
    schemes = new Set(Array.isArray(options.schemes) ? options.schemes : ["tel"]);
    armed = Object.keys(items[CLICK_TO_ACT_KEY] ?? {}).length > 0;
  }

  function load() {
    api.storage.local.get([CLICK_TO_ACT_KEY, OPTIONS_KEY]).then(read, () => { armed = false; });
  }

  /**
   * The link a click lands on, through shadow roots.
   * @param {MouseEvent} event
   * @returns {HTMLAnchorElement | undefined}
   */
  function linkOf(event) {
    return /** @type {HTMLAnchorElement | undefined} */ (event.composedPath().find((node) => node instanceof HTMLAnchorElement && node.href));
  }

  /** @param {MouseEvent} event */
  function onClick(event) {
    if (!armed || !event.isTrusted || event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const link = linkOf(event);
    const href = link?.href ?? "";
    if (!schemes.has(href.slice(0, href.indexOf(":")).toLowerCase())) return;
    event.preventDefault();
    const fallBack = () => { location.href = href; };
    api.runtime.sendMessage({ kind: "clickToAct", href }).then((/** @type {{handled?: boolean} | undefined} */ reply) => {
      if (!reply?.handled) fallBack();
    }, fallBack);
  }

  load();
  api.storage.onChanged.addListener((/** @type {Record<string, unknown>} */ changes, /** @type {string} */ area) => {
    if (area === "local" && (CLICK_TO_ACT_KEY in changes || OPTIONS_KEY in changes)) load();
  });
  document.addEventListener("click", onClick, true);
})();
