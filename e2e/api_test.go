package e2e

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startWithPages starts a browser on the extension's panel and options (so that tests
// can work it) and serves the test pages.
func startWithPages(t *testing.T, b browserKind) (*running, *httptest.Server) {
	t.Helper()
	srv, _ := servePages(t)
	w := newWorld(t)
	return start(t, w, b.launch(t, w, b.extensionURL(t, "views/panel/panel.html"), b.extensionURL(t, "views/options/options.html"))), srv
}

// TestEverySessionAndTabMethod calls each session and tab method from a
// page through the real extension and host.
func TestEverySessionAndTabMethod(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			r, srv := startWithPages(t, b)
			p := openProvider(t, r, srv.URL)
			website := srv.URL + "/blank.html"

			var id string
			p.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_chat_session", templateParameters: {customer: "Contoso", customerRecordId: "c-42"}, context: {ticket: 7}}, "corr-1")`, &id)
			assert.Regexp(t, sessionID, id)

			var info map[string]any
			p.result(`Microsoft.CIFramework.getSession(`+js(id)+`)`, &info)
			assert.Equal(t, id, info["sessionId"])
			assert.Equal(t, true, info["focused"])
			assert.Equal(t, map[string]any{"ticket": 7.0}, info["context"])
			assert.Equal(t, "Contoso", info["title"])
			var fromMap any
			require.NoError(t, jsonUnmarshal(p.eval(`Microsoft.CIFramework.getSession(`+js(id)+`).then((m) => m.get("context"))`), &fromMap))
			assert.Equal(t, map[string]any{"ticket": 7.0}, fromMap, "Microsoft's samples read getSession(id).get(\"context\")")

			var focused string
			p.result(`Microsoft.CIFramework.getFocusedSession()`, &focused)
			assert.Equal(t, id, focused)
			var all []string
			p.result(`Microsoft.CIFramework.getAllSessions()`, &all)
			assert.Equal(t, []string{id}, all)

			var title string
			p.result(`Microsoft.CIFramework.setSessionTitle({sessionId: `+js(id)+`, customer: "Fabrikam"})`, &title)
			assert.Equal(t, "Fabrikam", title)

			for _, call := range []string{
				`Microsoft.CIFramework.requestFocusSession(` + js(id) + `)`,
				`Microsoft.CIFramework.notifyNewActivity(` + js(id) + `, 2)`,
				`Microsoft.CIFramework.notifyKpiBreach(` + js(id) + `, true, "waited 5 min")`,
			} {
				var v string
				p.result(call, &v)
				assert.Equal(t, "undefined", v, call)
			}
			var params map[string]any
			p.result(`Microsoft.CIFramework.updateContext({priority: "high"}, `+js(id)+`)`, &params)
			assert.Equal(t, "high", params["priority"])
			assert.Equal(t, "Contoso", params["customer"])

			var tabs []string
			p.result(`Microsoft.CIFramework.getTabs()`, &tabs)
			require.Len(t, tabs, 2, "the chat template opens an anchor tab and a customer profile tab")
			var anchor string
			p.result(`Microsoft.CIFramework.getFocusedTab()`, &anchor)
			assert.Equal(t, tabs[0], anchor, "the anchor tab is focused")

			var web string
			p.result(`Microsoft.CIFramework.createTab({templateName: "msdyn_website_tab", templateParameters: {url: `+js(website)+`, title: "Docs"}, isFocused: true})`, &web)
			assert.True(t, strings.HasPrefix(web, "tab-"))
			p.result(`Microsoft.CIFramework.getFocusedTab()`, &focused)
			assert.Equal(t, web, focused)
			p.result(`Microsoft.CIFramework.getTabs("msdyn_website_tab")`, &tabs)
			assert.Equal(t, []string{web}, tabs)

			var ok bool
			p.result(`Microsoft.CIFramework.refreshTab(`+js(web)+`)`, &ok)
			assert.True(t, ok)
			p.result(`Microsoft.CIFramework.setTabTitle(`+js(web)+`, {title: "Contoso docs"})`, &title)
			assert.Equal(t, "Contoso docs", title)
			var v string
			p.result(`Microsoft.CIFramework.focusTab(`+js(anchor)+`)`, &v)
			assert.Equal(t, "undefined", v)
			p.result(`Microsoft.CIFramework.closeTab(`+js(web)+`)`, &ok)
			assert.True(t, ok)

			refused := p.failure(`Microsoft.CIFramework.closeTab(` + js(anchor) + `)`)
			assert.Equal(t, 1016, refused.ErrorCode)
			assert.Equal(t, "closeTab", refused.MsdynName)
			missing := p.failure(`Microsoft.CIFramework.getSession("session-nope")`)
			assert.Equal(t, cifError{
				Message:   "Session with ID:session-nope does not exist. It was closed or belongs to another provider; getAllSessions lists this provider's open sessions",
				MsdynName: "getSession",
				ErrorCode: 1004,
			}, missing)
			unsupported := p.failure(`Microsoft.CIFramework.insertNotes("contact", "contacts", "1")`)
			assert.Equal(t, 1012, unsupported.ErrorCode)
		})
	}
}
