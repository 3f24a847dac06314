// Package e2e holds CIF Bridge's end-to-end tests: real headless Chromium
// and Firefox ESR with the real extension loaded and the real cif-host
// registered in a temporary profile, driving pages served by the test.
// Where a browser is missing, its tests skip loudly; with CIF_E2E=require
// they fail instead.
package e2e
