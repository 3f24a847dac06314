// A fake page for running content/page.js and content/relay.js under Node:
// a window whose postMessage delivers to its own listeners, the real
// MessageChannel, and a runtime that hands calls and event ports to a real
// Bridge (background/bridge.js) with a fake cif-host behind it.
import { readFileSync } from "node:fs";
import vm from "node:vm";
import { Bridge } from "../background/bridge.js";
import { FakeEvent } from "./fakes.js";

const read = (path) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");
/** The content scripts in the order the manifest lists them, by world. */
const MAIN_WORLD = ["content/page-contract.js", "content/page.js"];
const ISOLATED_WORLD = ["content/relay-contract.js", "content/relay.js"];

export const EXT_ID = "aacpoilajhhjiddkhdigidknphfhbeif";

/**
 * Two connected runtime.Port ends, as runtime.connect gives them.
 * @param {string} name
 * @param {object} sender what the background's end says about the other side
 */
function portPair(name, sender) {
  const a = { name, onMessage: new FakeEvent(), onDisconnect: new FakeEvent() };
  const b = { name, sender, onMessage: new FakeEvent(), onDisconnect: new FakeEvent() };
  const link = (from, to) => {
    from.postMessage = (m) => queueMicrotask(() => to.onMessage.fire(structuredClone(m)));
    from.disconnect = () => queueMicrotask(() => to.onDisconnect.fire(to));
  };
  link(a, b);
  link(b, a);
  return [a, b];
}

/**
 * @param {object} opts
 * @param {string} [opts.origin] the page's origin
 * @param {(method: string, params: any) => any} [opts.host] answers cif-host calls; throw {code, message} to fail
 * @param {boolean} [opts.relay] whether the relay runs (false: the extension is absent)
 * @param {Bridge} [opts.bridge] share a background between pages
 */
export function pageWorld({ origin = "http://127.0.0.1:8080", host, relay = true, bridge } = {}) {
  const calls = [];
  bridge ??= new Bridge({
    host: {
      call: async (method, params) => {
        calls.push({ method, params });
        return host ? host(method, params) : null;
      },
      status: () => ({}),
    },
    extensionId: EXT_ID,
    extensionUrl: `chrome-extension://${EXT_ID}/`,
    allowedOrigins: async () => ["http://127.0.0.1", "http://localhost"],
  });
  const sender = { id: EXT_ID, url: `${origin}/page`, origin, frameId: 0, tab: { id: 1, url: `${origin}/page` } };
  const channels = [];
  class Channel extends MessageChannel {
    constructor() {
      super();
      channels.push(this);
    }
  }
  const win = new EventTarget();
  win.postMessage = (data, targetOrigin, transfer = []) => {
    if (targetOrigin !== origin) throw new Error(`postMessage to ${targetOrigin} from ${origin}`);
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
    window: win, location: { origin }, document, console, CustomEvent, MessageChannel: Channel,
    setTimeout: (...a) => setTimeout(...a), clearTimeout: (...a) => clearTimeout(...a),
    browser: relay ? { runtime } : undefined,
  });
  const load = (files) => files.forEach((file) => vm.runInContext(read(file), context, { filename: file }));
  load(MAIN_WORLD);
  if (relay) load(ISOLATED_WORLD);
  return {
    win,
    bridge,
    calls,
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

/** Resolves once cond() is true, checking after each turn of the event loop. */
export async function until(cond, turns = 200) {
  for (let i = 0; i < turns; i++) {
    if (cond()) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  throw new Error(`condition not met: ${cond}`);
}
