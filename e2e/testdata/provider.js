// A provider page for the end-to-end tests, driven from Go: it records the
// CIF events it hears (the panel's apart, in panelEvents), and settle()
// turns a CIF promise into a plain {ok, value} or {ok, error} that the
// driver can read. With ?open=URL it opens a website session on URL by
// itself once ready, for a panel the driver cannot reach (Firefox's sidebar).
"use strict";

(() => {
  if (window.cifApi !== "ready") return; // see apicheck.js
  window.events = [];
  window.panelEvents = [];
  const record = (name, into = window.events) => (payload) => into.push({ name, payload: typeof payload === "string" ? JSON.parse(payload) : Object.fromEntries(payload) });
  window.ready = new Promise((resolve) => {
    window.addEventListener("CIFInitDone", async () => {
      await Microsoft.CIFramework.addHandler("onSessionSwitched", record("onSessionSwitched"));
      await Microsoft.CIFramework.addHandler("onSessionClosed", record("onSessionClosed"));
      await Microsoft.CIFramework.addHandler("contoso.ping", record("contoso.ping"));
      await Microsoft.CIFramework.addHandler("onmodechanged", record("onmodechanged", window.panelEvents));
      await Microsoft.CIFramework.addHandler("onsizechanged", record("onsizechanged", window.panelEvents));
      // A round trip through the extension, after which this page is subscribed.
      await Microsoft.CIFramework.raiseEvent("contoso.subscribed", {});
      resolve(true);
    }, { once: true });
  });
  window.settle = (promise) => promise.then(
    (value) => ({ ok: true, value: value instanceof Map ? Object.fromEntries(value) : value === undefined ? "undefined" : value }),
    (error) => ({ ok: false, error }),
  );
  const open = new URLSearchParams(location.search).get("open");
  if (open) {
    window.ready.then(() => Microsoft.CIFramework.createSession({ templateName: "msdyn_website_session", templateParameters: { customer: "From the panel", url: open } }));
  }
})();
