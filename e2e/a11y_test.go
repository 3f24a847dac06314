package e2e

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// manifestKeys writes a shortcut as the manifest does: Chromium says
// "Down Arrow" and "Del" for "Down" and "Delete".
func manifestKeys(shortcut string) string {
	shortcut = strings.TrimSuffix(shortcut, " Arrow")
	if strings.HasSuffix(shortcut, "+Del") {
		shortcut += "ete"
	}
	return shortcut
}

// TestThePanelForKeyboardAndScreenReaders: the panel marks the focused
// session with aria-current and in words, every button's accessible name
// says which session or tab it acts on, the options' buttons which site,
// and the browser has the agent's four keyboard shortcuts, localised.
// (A shortcut cannot be pressed from automation: their handler is
// tested in extension/test/commands.test.js.)
func TestThePanelForKeyboardAndScreenReaders(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			r, srv := startWithPages(t, b)
			p := openProvider(t, r, srv.URL)
			var first, second string
			p.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_chat_session", templateParameters: {customer: "Contoso"}})`, &first)
			p.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_chat_session", templateParameters: {customer: "Fabrikam"}})`, &second)

			panel := &tab{t: t, d: r.driver(t), id: b.extensionTab(t, r, "views/panel/panel.html")}
			until(t, panel.d, panel.id, `document.querySelectorAll('#sessions > li[aria-current="true"]').length === 1 && document.querySelectorAll("#sessions > li").length === 2`)
			var current []string
			require.NoError(t, json.Unmarshal(panel.eval(`[...document.querySelectorAll('#sessions > li[aria-current="true"]')].map((li) => li.dataset.session)`), &current))
			assert.Equal(t, []string{second}, current, "the focused session is the current item")
			assert.Equal(t, "current", panel.text(`document.querySelector('[data-session=`+js(second)+`] .current').textContent`), "and says so in words")

			var names []string
			require.NoError(t, json.Unmarshal(panel.eval(`[...document.querySelectorAll("#sessions button")].map((b) => b.getAttribute("aria-label"))`), &names))
			assert.Subset(t, names, []string{"Switch to session Contoso", "Close session Contoso", "Close session Fabrikam"})
			assert.NotContains(t, names, "Switch to session Fabrikam", "the focused session has no Switch button")
			for _, n := range names {
				assert.Regexp(t, `session (Contoso|Fabrikam)$`, n, "every button of the sessions names its session")
			}
			assert.Equal(t, "true", panel.text(`document.querySelector('[data-session=`+js(second)+`] .tabs li').getAttribute("aria-current")`),
				"the session's focused tab is its current one")

			options := &tab{t: t, d: r.driver(t), id: b.extensionTab(t, r, "views/options/options.html")}
			until(t, options.d, options.id, `document.querySelectorAll("#origins button").length === 2`)
			assert.JSONEq(t, `["Remove site http://localhost", "Remove site http://127.0.0.1"]`,
				string(options.eval(`[...document.querySelectorAll("#origins button")].map((b) => b.getAttribute("aria-label"))`)))

			report := copyDiagnostics(t, options)
			assert.Regexp(t, `\ncif-host: \d+\.\d+\.\d+, protocol \d+, connected\n`, report, "the support report has hello's answer")
			assert.Contains(t, report, "\nLog file: "+filepath.Join(r.w.state, "cif-bridge", "cif-host.log")+"\n")
			assert.Regexp(t, `\nKeyboard shortcuts: .*next-session Alt\+Shift\+Down`, report)
			assert.NotContains(t, report, "Fabrikam", "no page data")

			var commands []struct{ Name, Shortcut, Description string }
			require.NoError(t, json.Unmarshal(options.eval(`(globalThis.browser ?? chrome).commands.getAll()`), &commands))
			got := map[string][2]string{}
			for _, c := range commands {
				if c.Name != "_execute_action" { // Chromium lists the toolbar button's, without a key
					got[c.Name] = [2]string{manifestKeys(c.Shortcut), c.Description}
				}
			}
			assert.Equal(t, map[string][2]string{
				"next-session":        {"Alt+Shift+Down", "Switch to the next session"},
				"previous-session":    {"Alt+Shift+Up", "Switch to the previous session"},
				"accept-notification": {"Alt+Shift+Y", "Accept the oldest waiting notification"},
				"reject-notification": {"Alt+Shift+Delete", "Reject the oldest waiting notification"},
			}, got, "the browser took every suggested shortcut (an empty one clashed with the browser's own)")
		})
	}
}
