package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cifbridge/cif-bridge/manifest"
)

// copyDiagnostics clicks the options page's Copy diagnostics, as the agent
// would, and returns the report it shows.
func copyDiagnostics(t *testing.T, options *tab) string {
	t.Helper()
	// Until the page shows cif-host's status, the button may still move.
	until(t, options.d, options.id, `document.body.dataset.ready === "true"`)
	options.eval(`(document.getElementById("copy-diagnostics").scrollIntoView({block: "center"}), true)`)
	clickOn(t, options, "#copy-diagnostics")
	until(t, options.d, options.id, `document.getElementById("diagnostics-status").textContent !== ""`)
	return options.text(`document.getElementById("diagnostics").textContent`)
}

// TestAHostNotFoundIsNamedTheSameEverywhere starts a browser with no
// cif-host registered: a page's call, the panel and the options' support
// report all give the browser's reason and the fix, in the same words.
func TestAHostNotFoundIsNamedTheSameEverywhere(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			srv, _ := servePages(t)
			w := newWorld(t)
			l := b.launch(t, w, b.extensionURL(t, "views/panel/panel.html"), b.extensionURL(t, "views/options/options.html"))
			// The launch registered cif-host, as every test's does; this one's browser finds none.
			for _, p := range []string{
				filepath.Join(w.dir, "chromium-profile", "NativeMessagingHosts", manifest.HostName+".json"),
				filepath.Join(w.dir, "home", ".mozilla", "native-messaging-hosts", manifest.HostName+".json"),
			} {
				if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
			}
			r := start(t, w, l)
			reason := "Specified native messaging host not found."
			if b.name == "firefox" {
				reason = "No such native application " + manifest.HostName
			}
			want := "cif-host is not reachable: " + reason + "; cif-host is not registered for this browser or this extension; run ./install.sh, then `cif-host doctor`"

			p := openProvider(t, r, srv.URL)
			got := p.failure(`Microsoft.CIFramework.getAllSessions()`)
			assert.Equal(t, want, got.Message, "the page hears the browser's reason and the fix")
			assert.Equal(t, 1008, got.ErrorCode)

			panel := &tab{t: t, d: r.driver(t), id: b.extensionTab(t, r, "views/panel/panel.html")}
			until(t, panel.d, panel.id, `document.body.dataset.ready === "error"`)
			status := panel.text(`document.getElementById("status").textContent`)
			assert.True(t, strings.HasSuffix(status, ": "+want), "the panel says what the page heard: %q", status)

			options := &tab{t: t, d: r.driver(t), id: b.extensionTab(t, r, "views/options/options.html")}
			report := copyDiagnostics(t, options)
			assert.Contains(t, report, "\ncif-host: not connected\n")
			assert.Contains(t, report, "\nLast connection error: "+want+"\n")
			assert.Contains(t, report, "\nExtension: CIF Bridge 0.1.0 (id ")
		})
	}
}
