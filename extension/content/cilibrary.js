// CIF Bridge's answer to Dynamics' msdyn_ciLibrary.js. The extension
// serves this file wherever an allowed site's page loads
// …/webresources/Widget/msdyn_ciLibrary.js, so that code written for
// Dynamics starts as it does there: the script loads (its load event
// fires), and Microsoft.CIFramework, which the extension already put in
// the page, announces CIFInitDone once more after that load, for code that
// listens only from then on.
(() => {
  "use strict";
  if (!window.Microsoft?.CIFramework?.cifBridge) {
    console.warn("CIF Bridge answered msdyn_ciLibrary.js, but this page has no Microsoft.CIFramework: reload the page, or check that the extension is enabled for this site");
    return;
  }
  window.dispatchEvent(new Event("cifbridge:library"));
})();
