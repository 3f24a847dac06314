// A fake page for running content/page.js and content/relay.js under Node:
// a window whose postMessage delivers to its own listeners, the real
// MessageChannel, and a runtime that hands calls and event ports to a real
// Bridge (background/bridge.js) with a fake cif-host behind it.
import { readFileSync } from "node:fs";
import vm from "node:vm";
import { Bridge } from "../background/bridge.js";
import { Lanes } from "../background/lanes.js";
import { DEFAULT_ALLOWED_ORIGINS } from "../shared/origins.js";
import { EXT_ID, EXT_URL, FakeHost, pageSender, portPair } from "./fakes.js";

const read = (path) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");
/** The content scripts in the order the manifest lists them, by world. */
const MAIN_WORLD = ["content/page-contract.js", "content/page.js"];
const ISOLATED_WORLD = ["content/relay-contract.js", "content/relay.js"];

/**
 * The background's router for the test extension, calling host through
 * its lanes as the background does, with the default allowlist and
 * records choices unless told otherwise.
 * @param {FakeHost} host
 * @param {readonly string[]} [allowed]
 * @param {Record<string, string>} [recordAccess] the user's records choices by allowlist entry
 */
export function testBridge(host, allowed = DEFAULT_ALLOWED_ORIGINS, recordAccess = {}) {
  return new Bridge({
    lanes: new Lanes(host), host, extensionId: EXT_ID, extensionUrl: EXT_URL,
    allowedOrigins: async () => allowed, recordAccess: async () => recordAccess,
  });
}

/**
 * @param {object} opts
 * @param {string} [opts.url] the page's address
 * @param {string} [opts.origin] its document's origin; "null" for a sandboxed frame
 * @param {(method: string, params: any) => any} [opts.answer] answers cif-host calls; throw a BridgeError to fail
 * @param {boolean} [opts.relay] whether the relay runs (false: the extension is absent)
 * @param {Bridge} [opts.bridge] share a background between pages
 */
export function pageWorld({ url = "http://127.0.0.1:8080/page", origin = new URL(url).origin, answer, relay = true, bridge } = {}) {
  const host = new FakeHost(answer);
  bridge ??= testBridge(host);
  const sender = { ...pageSender(url), origin };
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
  const document = Object.assign(new EventTarget(), { readyState: "complete" });
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
    window: win, location: { origin: new URL(url).origin }, document, console, CustomEvent, MessageChannel: Channel, TextEncoder,
    setTimeout: (...a) => setTimeout(...a), clearTimeout: (...a) => clearTimeout(...a),
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
    /** Posts a message on the window as another script (or frame) would. */
    spoof: (data, extra = {}) => win.dispatchEvent(messageEvent(win, origin, data, [], extra)),
    close: () => channels.forEach((c) => { c.port1.close(); c.port2.close(); }),
  };
}

function messageEvent(win, origin, data, ports, extra = {}) {
  return Object.assign(new Event("message"), { data, source: win, origin, ports, ...extra });
}
