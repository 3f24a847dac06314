// The background: one connection to cif-host for the whole browser
// profile, and the router that checks and forwards every page's calls.
import { Bridge } from "./lib/bridge.js";
import { NativeHost, PROTOCOL_VERSION } from "./lib/native.js";
import { DEFAULT_ALLOWED_ORIGINS } from "./lib/origins.js";
import { profileId } from "./lib/profile.js";

const api = globalThis.browser ?? globalThis.chrome;

const ALLOWED_KEY = "allowedOrigins";

/** @type {Promise<readonly string[]> | null} */
let allowedCache = null;

/** @returns {Promise<readonly string[]>} the user's allowlist, cached until it changes */
function allowedOrigins() {
  allowedCache ??= api.storage.local.get(ALLOWED_KEY).then((items) => {
    const stored = items[ALLOWED_KEY];
    return Array.isArray(stored) ? stored : DEFAULT_ALLOWED_ORIGINS;
  });
  return allowedCache;
}

api.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && ALLOWED_KEY in changes) allowedCache = null;
});

const host = new NativeHost({
  connectNative: (name) => api.runtime.connectNative(name),
  lastError: () => api.runtime.lastError?.message,
  helloParams: async () => ({
    protocolVersion: PROTOCOL_VERSION,
    extensionVersion: api.runtime.getManifest().version,
    profileId: await profileId(api.storage.local),
  }),
  onEvent: () => {},
});

const bridge = new Bridge({
  host,
  extensionId: api.runtime.id,
  extensionUrl: api.runtime.getURL(""),
  allowedOrigins,
});

api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  bridge.handle(message, sender).then(sendResponse);
  return true; // the reply is sent asynchronously
});
