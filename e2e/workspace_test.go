package e2e

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSessionsBecomeBrowserTabs: a provider's sessions open as real tabs
// in groups; the agent activating another session's tab switches sessions,
// and closing an anchor tab closes its session, which the provider hears.
func TestSessionsBecomeBrowserTabs(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			r, srv := startWithPages(t, b)
			d := r.driver(t)
			options := &tab{t: t, d: d, id: b.extensionTab(t, r, "views/options/options.html")}
			p := openProvider(t, r, srv.URL)

			site := func(n string) string { return srv.URL + "/blank.html?session=" + n }
			var s1, s2 string
			p.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_website_session", templateParameters: {customer: "Contoso", url: `+js(site("1"))+`}, context: {n: 1}})`, &s1)
			tab1 := findTab(t, d, site("1"))
			p.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_website_session", templateParameters: {customer: "Fabrikam", url: `+js(site("2"))+`}, context: {n: 2}})`, &s2)
			findTab(t, d, site("2"))
			until(t, d, options.id, `chrome.tabs.query({active: true}).then((ts) => ts.some((t) => t.url === `+js(site("2"))+`))`)

			var groups []string
			until(t, d, options.id, `chrome.tabGroups.query({}).then((gs) => gs.length === 2)`)
			require.NoError(t, json.Unmarshal(options.eval(`chrome.tabGroups.query({}).then((gs) => gs.map((g) => g.title).sort())`), &groups))
			assert.Equal(t, []string{"Contoso", "Fabrikam"}, groups, "each session is a tab group titled with its title")

			require.NoError(t, d.activate(tab1))
			evs := p.waitEvents(4)
			assert.Equal(t, []event{
				{Name: "onSessionSwitched", Payload: map[string]any{"sessionId": s1, "focused": true, "context": map[string]any{"n": 1.0}}},
				{Name: "onSessionSwitched", Payload: map[string]any{"sessionId": s1, "focused": false, "context": map[string]any{"n": 1.0}}},
				{Name: "onSessionSwitched", Payload: map[string]any{"sessionId": s2, "focused": true, "context": map[string]any{"n": 2.0}}},
			}, evs[:3])
			assert.Contains(t, evs[3:], event{Name: "onSessionSwitched", Payload: map[string]any{"sessionId": s2, "focused": false, "context": map[string]any{"n": 2.0}}})
			assert.Contains(t, p.waitEvents(5)[3:], event{Name: "onSessionSwitched", Payload: map[string]any{"sessionId": s1, "focused": true, "context": map[string]any{"n": 1.0}}},
				"activating the first session's tab switched back to it")

			require.NoError(t, d.close(tab1))
			assert.Contains(t, p.waitEvents(7)[5:], event{Name: "onSessionClosed", Payload: map[string]any{"sessionId": s1, "context": map[string]any{"n": 1.0}}},
				"closing the anchor tab closed the session")
			var all []string
			p.result(`Microsoft.CIFramework.getAllSessions()`, &all)
			assert.Equal(t, []string{s2}, all)

			// A tab with no address shows the extension's page about it.
			var chat, conversation string
			p.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_chat_session", templateParameters: {customer: "Ann"}})`, &chat)
			p.result(`Microsoft.CIFramework.getFocusedTab()`, &conversation)
			page := findTab(t, d, b.extensionURL(t, "views/tab/tab.html?tab="+conversation))
			until(t, d, page, `document.body.dataset.ready === "true"`)
			assert.JSONEq(t, `"Conversation"`, string((&tab{t: t, d: d, id: page}).eval(`document.getElementById("title").textContent`)))
			shown := &tab{t: t, d: d, id: page}
			assert.JSONEq(t, `"Template msdyn_conversation_tab, page type control, the session's anchor tab."`, string(shown.eval(`document.getElementById("about").textContent`)))
			assert.JSONEq(t, `[["controlName","msdyn_ActiveConversation"],["data","Ann"]]`,
				string(shown.eval(`[...document.querySelectorAll("#params tbody tr")].map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent])`)),
				"the page shows the tab's resolved parameters")
		})
	}
}

// TestTheWorkspaceSurvivesABrowserRestart: after the browser restarts, the
// session's tab is back (adopted if the browser restored it, reopened if
// not) and still belongs to the session.
func TestTheWorkspaceSurvivesABrowserRestart(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			srv, _ := servePages(t)
			w := newWorld(t)
			first := start(t, w, b.launch(t, w, b.extensionURL(t, "views/panel/panel.html")))
			p := openProvider(t, first, srv.URL)
			url := srv.URL + "/blank.html?kept"
			var id string
			p.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_website_session", templateParameters: {customer: "Kept", url: `+js(url)+`}})`, &id)
			findTab(t, first.driver(t), url)
			first.stop(t)

			second := start(t, w, b.launch(t, w, b.extensionURL(t, "views/panel/panel.html")))
			d := second.driver(t)
			panel := b.extensionTab(t, second, "views/panel/panel.html")
			until(t, d, panel, `document.getElementById("summary").textContent === "1 of 10 sessions"`)
			kept := findTab(t, d, url)
			require.NoError(t, d.close(kept))
			until(t, d, panel, `document.getElementById("summary").textContent === "0 of 10 sessions"`)
		})
	}
}
