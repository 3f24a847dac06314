// Loaded first by every test page. Chromium sometimes loads a first page
// before the extension's content scripts are registered: a page without
// Microsoft.CIFramework reloads itself, a few times at most. Pages read
// window.cifApi: "ready", "reloading", or "missing" once reloads ran out.
"use strict";

window.cifApi = (() => {
  if (window.Microsoft?.CIFramework) return "ready";
  const reloads = Number(sessionStorage.getItem("e2e-reloads") ?? 0);
  if (reloads >= 5) return "missing";
  sessionStorage.setItem("e2e-reloads", String(reloads + 1));
  location.reload();
  return "reloading";
})();
