package e2e

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// otherOrigin is the test server under its other loopback name: a second
// provider, allowed by default like the first.
func otherOrigin(base string) string { return strings.Replace(base, "127.0.0.1", "localhost", 1) }

// TestEventsReachTheirOwnerAndTheAgentsActionsReachProviders has two
// providers open sessions, then the agent switches and closes them from the
// panel; each provider's pages hear about their own sessions only.
func TestEventsReachTheirOwnerAndTheAgentsActionsReachProviders(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			r, srv := startWithPages(t, b)
			panel := &tab{t: t, d: r.driver(t), id: b.extensionTab(t, r, "views/panel/panel.html")}
			a := openProvider(t, r, srv.URL)
			a2 := openProvider(t, r, srv.URL)
			other := openProvider(t, r, otherOrigin(srv.URL))

			var s1, s2 string
			a.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_chat_session", templateParameters: {customer: "Ann"}, context: {who: "a"}})`, &s1)
			assert.Equal(t, []event{switched(s1, true, "a")}, a.waitEvents(1))
			other.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_voicecall_session", templateParameters: {customer: "Bo"}, context: {who: "b"}})`, &s2)
			assert.Equal(t, []event{switched(s1, true, "a"), switched(s1, false, "a")}, a.waitEvents(2))
			assert.Equal(t, []event{switched(s2, true, "b")}, other.waitEvents(1))
			assert.Equal(t, a.events(), a2.waitEvents(2), "every page of the provider hears its events")

			until(t, panel.d, panel.id, `document.getElementById("summary").textContent === "2 of 10 sessions"`)
			panel.eval(`document.querySelector('[data-session="` + s1 + `"] [data-action="workspace.switchSession"]').click()`)
			assert.Equal(t, switched(s1, true, "a"), a.waitEvents(3)[2])
			assert.Equal(t, switched(s2, false, "b"), other.waitEvents(2)[1])

			panel.eval(`document.querySelector('[data-session="` + s2 + `"] [data-action="workspace.closeSession"]').click()`)
			assert.Equal(t, event{Name: "onSessionClosed", Payload: map[string]any{"sessionId": s2, "context": map[string]any{"who": "b"}}}, other.waitEvents(3)[2])
			until(t, panel.d, panel.id, `document.getElementById("summary").textContent === "1 of 10 sessions"`)

			a2.result(`Microsoft.CIFramework.raiseEvent("contoso.ping", {value: 1})`, nil)
			assert.Equal(t, event{Name: "contoso.ping", Payload: map[string]any{"value": 1.0}}, a.waitEvents(4)[3])

			var all []string
			other.result(`Microsoft.CIFramework.getAllSessions()`, &all)
			assert.Empty(t, all)
			assert.Len(t, a.events(), 4, "nothing about the other provider's session reached this one")
			assert.Len(t, other.events(), 3, "nor the other way round, nor its custom event")
		})
	}
}

func switched(id string, focused bool, who string) event {
	return event{Name: "onSessionSwitched", Payload: map[string]any{"sessionId": id, "focused": focused, "context": map[string]any{"who": who}}}
}
