package e2e

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestAProviderCannotTouchAnothersSessions has a second provider try every
// way to read, title, focus or close the first one's session and tabs,
// including the agent's own operations through a hand-made relay message.
func TestAProviderCannotTouchAnothersSessions(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			r, srv := startWithPages(t, b)
			owner := openProvider(t, r, srv.URL)
			intruder := openProvider(t, r, otherOrigin(srv.URL))

			var s1, anchor string
			owner.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_chat_session", context: {secret: "s3cr3t"}})`, &s1)
			owner.result(`Microsoft.CIFramework.getFocusedTab()`, &anchor)

			notFound := "Session with ID:" + s1 + " does not exist. It was closed or belongs to another provider; getAllSessions lists this provider's open sessions"
			for call, want := range map[string]cifError{
				`Microsoft.CIFramework.getSession(` + js(s1) + `)`:                                  {Message: notFound, MsdynName: "getSession", ErrorCode: 1004},
				`Microsoft.CIFramework.setSessionTitle({sessionId: ` + js(s1) + `, customer: "x"})`: {Message: notFound, MsdynName: "setSessionTitle", ErrorCode: 1004},
				`Microsoft.CIFramework.requestFocusSession(` + js(s1) + `)`:                         {Message: notFound, MsdynName: "requestFocusSession", ErrorCode: 1004},
				`Microsoft.CIFramework.updateContext({a: 1}, ` + js(s1) + `)`:                       {Message: notFound, MsdynName: "updateContext", ErrorCode: 1004},
				`Microsoft.CIFramework.createTab({templateName: "msdyn_website_tab"})`: {
					Message: "Focused session is neither the default session nor it belongs to the provider; createTab works only while one of your sessions is focused (wait for onSessionSwitched with focused true)", MsdynName: "createTab", ErrorCode: 1006,
				},
			} {
				assert.Equal(t, want, intruder.failure(call), call)
			}
			// Tab methods act on the focused session, which is the owner's.
			for _, method := range []string{"focusTab", "refreshTab", "closeTab"} {
				assert.Equal(t, cifError{
					Message:   "Focused session is neither the default session nor it belongs to the provider; " + method + " works only while one of your sessions is focused (wait for onSessionSwitched with focused true)",
					MsdynName: method, ErrorCode: 1006,
				}, intruder.failure(`Microsoft.CIFramework.`+method+`(`+js(anchor)+`)`), method)
			}
			var focused any
			intruder.result(`Microsoft.CIFramework.getFocusedSession()`, &focused)
			assert.Nil(t, focused, "another provider's focused session reads as none")
			var all []string
			intruder.result(`Microsoft.CIFramework.getAllSessions()`, &all)
			assert.Empty(t, all)

			// The page API has no agent operations, but a page can talk to the
			// relay by hand.
			forged := intruder.eval(`new Promise((resolve) => {
				const { port1, port2 } = new MessageChannel();
				port1.onmessage = (e) => { if (e.data.kind === "reply") resolve(e.data); };
				window.postMessage({ ns: "cif-bridge", v: 2, kind: "connect" }, location.origin, [port2]);
				port1.postMessage({ kind: "call", id: 1, method: "workspace.closeSession", params: { sessionId: ` + js(s1) + ` } });
			})`)
			assert.JSONEq(t, `{"kind":"reply","id":1,"ok":false,"error":{"code":1013,"message":"workspace.closeSession is one of the agent's own operations; web pages cannot call it"}}`, string(forged))
			owner.result(`Microsoft.CIFramework.getSession(`+js(s1)+`)`, nil)
			assert.Len(t, intruder.events(), 0, "the intruder heard nothing of the owner's session")
		})
	}
}
