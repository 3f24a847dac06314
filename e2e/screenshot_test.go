package e2e

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPanelScreenshot renders the panel with a few sessions for the
// README. It runs only when CIF_SCREENSHOT names the PNG file to write:
//
//	CIF_SCREENSHOT=$PWD/docs/images/panel.png go test ./e2e -run TestPanelScreenshot
func TestPanelScreenshot(t *testing.T) {
	out := os.Getenv("CIF_SCREENSHOT")
	if out == "" {
		t.Skip("set CIF_SCREENSHOT to the PNG file to write")
	}
	r, srv := startWithPages(t, chromium)
	chat := openProvider(t, r, srv.URL)
	phone := openProvider(t, r, otherOrigin(srv.URL))
	var first, second, third string
	chat.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_chat_session", templateParameters: {customer: "Contoso Ltd"}})`, &first)
	phone.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_voicecall_session", templateParameters: {customer: "+1 425 555 0100"}})`, &second)
	chat.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_website_session", templateParameters: {customer: "Fabrikam", url: `+js(srv.URL+"/blank.html")+`}})`, &third)
	chat.result(`Microsoft.CIFramework.notifyNewActivity(`+js(first)+`, 3)`, nil)
	phone.result(`Microsoft.CIFramework.requestFocusSession(`+js(second)+`)`, nil)
	phone.result(`Microsoft.CIFramework.notifyKpiBreach(`+js(second)+`, true, "on hold for 4 minutes")`, nil)

	d := r.driver(t).(*cdp)
	panel := chromium.extensionTab(t, r, "views/panel/panel.html")
	until(t, d, panel, `document.getElementById("summary").textContent === "3 of 10 sessions"`)
	png, err := d.screenshot(panel, 380, 300)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(out, png, 0o644))
}
