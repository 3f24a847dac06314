// Building a record page's DOM. Record text is hostile input: it only
// ever becomes text (textContent, attribute values), never markup, so
// h refuses properties that parse HTML.

/** Properties that would parse their value as HTML. */
const MARKUP = new Set(["innerHTML", "outerHTML", "srcdoc"]);

/**
 * Makes an element with properties (textContent, className, type, …; a
 * dataset object; attributes named aria-* or data-*) and children
 * (elements, or strings, which become text; null and false are skipped).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [props]
 * @param {...(Node | string | null | false | undefined)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (MARKUP.has(key)) throw new Error(`h: ${key} would parse markup; pass text or child elements`);
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("aria-") || key.startsWith("data-")) node.setAttribute(key, String(value));
    else /** @type {any} */ (node)[key] = value;
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/**
 * A web address from a record, if it is one a link may open: http or
 * https only, so a record's text can never become a javascript: link.
 * @param {unknown} value
 * @returns {string | null}
 */
export function webAddress(value) {
  if (typeof value !== "string") return null;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * An error's message for the agent, from a BridgeError or anything else.
 * @param {unknown} err
 * @returns {string}
 */
export function message(err) {
  return err instanceof Error ? err.message : String(err);
}
