// A provider page for the end-to-end tests, driven from Go: it records the
// CIF events it hears, and settle() turns a CIF promise into a plain
// {ok, value} or {ok, error} that the driver can read.
"use strict";

(() => {
  if (window.cifApi !== "ready") return; // see apicheck.js
  window.events = [];
  const record = (name) => (payload) => window.events.push({ name, payload: typeof payload === "string" ? JSON.parse(payload) : Object.fromEntries(payload) });
  window.ready = new Promise((resolve) => {
    window.addEventListener("CIFInitDone", async () => {
      await Microsoft.CIFramework.addHandler("onSessionSwitched", record("onSessionSwitched"));
      await Microsoft.CIFramework.addHandler("onSessionClosed", record("onSessionClosed"));
      await Microsoft.CIFramework.addHandler("contoso.ping", record("contoso.ping"));
      // A round trip through the extension, after which this page is subscribed.
      await Microsoft.CIFramework.raiseEvent("contoso.subscribed", {});
      resolve(true);
    }, { once: true });
  });
  window.settle = (promise) => promise.then(
    (value) => ({ ok: true, value: value instanceof Map ? Object.fromEntries(value) : value === undefined ? "undefined" : value }),
    (error) => ({ ok: false, error }),
  );
})();
