package e2e

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPanelScreenshot renders the panel for the README: Chromium's side
// panel as the agent sees it, hosting the demo console (`cif-host demo`)
// beside a second provider, with one of its message bars, a chat request
// waiting for the agent and the two sessions the agent accepted. It runs only when CIF_SCREENSHOT names the PNG file
// to write:
//
//	CIF_SCREENSHOT=$PWD/docs/images/panel.png go test ./e2e -run TestPanelScreenshot
func TestPanelScreenshot(t *testing.T) {
	out := os.Getenv("CIF_SCREENSHOT")
	if out == "" {
		t.Skip("set CIF_SCREENSHOT to the PNG file to write")
	}
	demo := serveDemo(t)
	srv, _ := servePages(t)
	w := newWorld(t)
	writeSettings(t, w, map[string]any{"channelProviders": []any{
		provider("demo", "Demo console", demo, 0, ""),
		provider("chat", "Contoso chat", otherOrigin(srv.URL)+"/provider.html", 1, ""),
	}})
	r := start(t, w, chromium.launch(t, w, chromium.extensionURL(t, "views/panel/panel.html")))
	d := r.driver(t).(*cdp)
	panel := &tab{t: t, d: d, id: chromium.extensionTab(t, r, "views/panel/panel.html")}
	require.NoError(t, d.resize(panel.id, 400, 900))
	console := &tab{t: t, d: d, id: findTab(t, d, demo)}
	until(t, d, console.id, `document.getElementById("status").dataset.state === "ready"`)
	// The console asks the agent first: the panel shows each request, and the agent accepts two.
	for i, customer := range []string{"Ann Contoso", "Fabrikam Ltd", "Kirsten Moller"} {
		console.eval(`(document.getElementById("customer").value = ` + js(customer) + `, document.getElementById("incoming-chat").click())`)
		until(t, d, panel.id, `document.querySelectorAll("#incoming [data-action=accept]").length === 1`)
		if i < 2 {
			panel.eval(`document.querySelector("#incoming [data-action=accept]").click()`)
			until(t, d, console.id, `document.querySelectorAll("#sessions > li[data-session]").length === `+js(i+1))
		}
	}
	console.eval(`Microsoft.CIFramework.showGlobalNotification({type: 2, level: 4, message: "Queue: 3 customers waiting", showCloseButton: true})`)
	require.NoError(t, d.activate(panel.id))
	until(t, d, panel.id, `document.getElementById("summary").textContent === "2 of 10 sessions" && document.querySelectorAll("#bars .bar").length === 1`)
	console.eval(`(document.activeElement?.blur(), document.scrollingElement.scrollTo(0, 0))`) // the console scrolled to its new session
	png, err := d.screenshot(panel.id, 400, 900)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(out, png, 0o644))
}
