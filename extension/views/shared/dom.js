/**
 * Makes an element. Children are nodes or text, never HTML: what the views
 * show comes from web pages (titles, messages).
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {...(Node | string)} children
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/**
 * The page's element with that id. Each view's HTML has the elements its
 * script uses, so a missing one is a bug of the view, named here.
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`${location.pathname} has no element #${id}; the page and its script disagree`);
  return node;
}
