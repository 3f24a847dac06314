// A fake page for running content/page.js and content/relay.js under Node:
// a window whose postMessage delivers to its own listeners, the real
// MessageChannel, and a runtime that hands calls and event ports to a real
// Bridge (background/bridge.js) with a fake cif-host behind it.
import { readFileSync } from "node:fs";
import vm from "node:vm";
import { Bridge } from "../background/bridge.js";
import { getEnvironment } from "../background/environment.js";
import { Lanes } from "../background/lanes.js";
import { MessageBars } from "../background/messagebars.js";
import { Panel } from "../background/panel.js";
import { Providers } from "../background/providers.js";
import { BackgroundMethod, PageMethod } from "../shared/methods.js";
import { Wire } from "../shared/contract.js";
import { DEFAULT_ALLOWED_ORIGINS } from "../shared/origins.js";
import { EXT_ID, EXT_URL, FakeHost, FakeStorage, pageSender, portPair } from "./fakes.js";

const read = (path) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");
/** The content scripts in the order the manifest lists them, by world. */
const MAIN_WORLD = ["content/page-contract.js", "content/page.js"];
const ISOLATED_WORLD = ["content/relay-contract.js", "content/relay.js"];

/** The panel page's address in the test extension. */
export const PANEL_URL = `${EXT_URL}views/panel/panel.html`;

/**
 * The test extension's background, wired as background/main.js wires it:
 * the router calling host through its lanes, the providers, the panel and
 * its message bars. The allowlist is the default one and the records
 * choices none unless told otherwise; providers are the administrator's,
 * as hello gives them.
 * @param {FakeHost} host
 * @param {{allowed?: readonly string[], recordAccess?: Record<string, string>, providers?: object[]}} [opts]
 */
export function testBackground(host, { allowed = DEFAULT_ALLOWED_ORIGINS, recordAccess = {}, providers = [] } = {}) {
  const known = new Providers({ storage: new FakeStorage() });
  known.setManaged(providers);
  const lanes = new Lanes(host);
  /** @type {Bridge} */
  let bridge;
  const bars = new MessageBars({
    onChange: () => panel.barsChanged(),
    emit: (name, data, origin) => bridge.sendToProvider(origin, name, JSON.stringify(data)),
    sourceOf: async (origin, url) => (await known.of(origin, url))?.label ?? origin,
  });
  const panel = new Panel({ panelUrl: PANEL_URL, providers: known, bars, broadcast: (name, data) => bridge.broadcast(name, JSON.stringify(data)) });
  bridge = new Bridge({
    lanes,
    host,
    extensionId: EXT_ID,
    extensionUrl: EXT_URL,
    allowedOrigins: async () => [...allowed, ...await known.origins()],
    recordAccess: async () => recordAccess,
    panelFrame: (sender, origin) => panel.admits(sender, origin),
  });
  for (const [method, handler] of [...panel.pageMethods(), ...bars.pageMethods()]) bridge.answerPage(method, handler);
  bridge.answerPage(PageMethod.GetEnvironment, getEnvironment({ call: (provider, method, args) => lanes.call(provider, method, args), providerOf: (origin, url) => known.of(origin, url) }));
  bridge.answerView(BackgroundMethod.Providers, () => known.all());
  return { bridge, panel, bars, providers: known };
}

/**
 * The test extension's router alone, with its background's methods.
 * @param {FakeHost} host
 * @param {readonly string[]} [allowed]
 * @param {Record<string, string>} [recordAccess] the user's records choices by allowlist entry
 */
export function testBridge(host, allowed = DEFAULT_ALLOWED_ORIGINS, recordAccess = {}) {
  return testBackground(host, { allowed, recordAccess }).bridge;
}

/**
 * @param {object} opts
 * @param {string} [opts.url] the page's address
 * @param {string} [opts.origin] its document's origin; "null" for a sandboxed frame
 * @param {(method: string, params: any) => any} [opts.answer] answers cif-host calls; throw a BridgeError to fail
 * @param {boolean} [opts.relay] whether the relay runs (false: the extension is absent)
 * @param {Bridge} [opts.bridge] share a background between pages
 * @param {object} [opts.sender] what the browser says about the page besides its address (frameId, tab)
 */
export function pageWorld({ url = "http://127.0.0.1:8080/page", origin = new URL(url).origin, answer, relay = true, bridge, sender: extra = {} } = {}) {
  const host = new FakeHost(answer);
  bridge ??= testBridge(host);
  const sender = { ...pageSender(url), origin, ...extra };
  const channels = [];
  class Channel extends MessageChannel {
    constructor() {
      super();
      channels.push(this);
    }
  }
  const win = Object.assign(new EventTarget(), { origin });
  win.top = win; // a top-level page
  win.postMessage = (data, targetOrigin, transfer = []) => {
    if (targetOrigin !== origin) return; // not for this document: dropped without a word, as browsers do
    const cloned = structuredClone(data);
    setTimeout(() => win.dispatchEvent(messageEvent(win, origin, cloned, transfer)), 0);
  };
  const document = new FakeDocument();
  const initDone = [];
  win.addEventListener("CIFInitDone", (e) => initDone.push(e.detail));
  const runtime = {
    id: EXT_ID,
    lastError: undefined,
    sendMessage: (message) => bridge.handle(structuredClone(message), sender),
    connect: ({ name }) => {
      const [relayEnd, backgroundEnd] = portPair(name, sender);
      bridge.connect(backgroundEnd);
      return relayEnd;
    },
  };
  const context = vm.createContext({
    window: win, location: { origin: new URL(url).origin }, document, console, Event, CustomEvent, MessageChannel: Channel, TextEncoder,
    HTMLScriptElement: scriptElement(document),
    setTimeout: (...a) => setTimeout(...a), clearTimeout: (...a) => clearTimeout(...a),
    performance: { now: () => Date.now() }, // the test's Date, which mock.timers may move
    browser: relay ? { runtime } : undefined,
  });
  const load = (files) => files.forEach((file) => vm.runInContext(read(file), context, { filename: file }));
  load(MAIN_WORLD);
  if (relay) load(ISOLATED_WORLD);
  return {
    win,
    bridge,
    calls: host.calls,
    initDone,
    /** The page's Microsoft.CIFramework. */
    get cif() {
      return win.Microsoft.CIFramework;
    },
    /** Runs code in the page's world, as a page script would. */
    run: (code) => vm.runInContext(code, context),
    /**
     * Makes a call as any script of the page can, bypassing
     * Microsoft.CIFramework: on a channel of its own handed to the relay.
     * Resolves with the relay's reply message, as plain data.
     * @param {string} method
     * @param {object} params
     */
    rawCall: (method, params) => vm.runInContext(`new Promise((resolve) => {
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = (e) => { if (e.data.kind === "reply") resolve(e.data); };
      window.postMessage({ ns: "cif-bridge", v: ${Wire.VERSION}, kind: "connect" }, location.origin, [port2]);
      port1.postMessage({ kind: "call", id: 1, method: ${JSON.stringify(method)}, params: ${JSON.stringify(params)} });
    })`, context).then((reply) => JSON.parse(JSON.stringify(reply))), // into this realm's objects
    /** Posts a message on the window as another script (or frame) would. */
    spoof: (data, extra = {}) => win.dispatchEvent(messageEvent(win, origin, data, [], extra)),
    close: () => channels.forEach((c) => { c.port1.close(); c.port2.close(); }),
  };
}

/**
 * A loaded document whose capture listeners see its elements' events
 * before the elements do, as in a browser, and may stop them there.
 */
class FakeDocument extends EventTarget {
  readyState = "complete";
  /** @type {Map<string, Function[]>} */
  #capturing = new Map();

  /** @param {string} type @param {Function} fn @param {boolean | {capture?: boolean}} [options] */
  addEventListener(type, fn, options) {
    if (options === true || (typeof options === "object" && options.capture)) {
      this.#capturing.set(type, [...(this.#capturing.get(type) ?? []), fn]);
    } else super.addEventListener(type, /** @type {any} */ (fn), options);
  }

  /** @param {string} type @returns {Function[]} */
  capturing(type) {
    return this.#capturing.get(type) ?? [];
  }
}

/**
 * The page's HTMLScriptElement: an element whose events travel through
 * the document's capture listeners first.
 * @param {FakeDocument} document
 */
function scriptElement(document) {
  return class HTMLScriptElement extends EventTarget {
    src = "";

    /** @param {Event} event */
    dispatchEvent(event) {
      let stopped = false;
      const travelling = { type: event.type, target: this, stopImmediatePropagation: () => { stopped = true; } };
      for (const fn of document.capturing(event.type)) {
        fn(travelling);
        if (stopped) return false;
      }
      return super.dispatchEvent(event);
    }
  };
}

function messageEvent(win, origin, data, ports, extra = {}) {
  return Object.assign(new Event("message"), { data, source: win, origin, ports, ...extra });
}
