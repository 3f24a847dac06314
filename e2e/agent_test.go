package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/internal/hosttest"
)

// agentTemplates are notification templates quick enough to time out
// within a test.
const agentTemplates = `{"notificationTemplates": [
  {"uniqueName": "e2e_quick", "title": "Quick {customerName}", "timeout": 2},
  {"uniqueName": "e2e_auto", "title": "Assigned to you", "icon": "entity", "timeout": 1, "autoAccept": true}
]}`

// TestTheAgentTalksBack: notifications answered in the panel, rejected,
// timed out, auto-accepted and cancelled; presence set by a page and by
// the agent, heard by a second provider; a tel: link the agent clicks
// reaching the provider with click-to-act on, and no other.
func TestTheAgentTalksBack(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			srv, _ := servePages(t)
			w := newWorld(t)
			require.NoError(t, os.WriteFile(filepath.Join(w.config, "cif-bridge", "templates.json"), []byte(agentTemplates), 0o600))
			_, stderr, code := hosttest.Command(t, []string{"XDG_CONFIG_HOME=" + w.config, "XDG_STATE_HOME=" + w.state, "XDG_DATA_HOME=" + w.data},
				"records", "import", "testdata/organisation.json")
			require.Zero(t, code, "cif-host records import: %s", stderr)
			r := start(t, w, b.launch(t, w, b.extensionURL(t, "views/panel/panel.html"), b.extensionURL(t, "views/options/options.html")))
			panel := &tab{t: t, d: r.driver(t), id: b.extensionTab(t, r, "views/panel/panel.html")}
			a := openProvider(t, r, srv.URL)
			other := openProvider(t, r, otherOrigin(srv.URL))
			for _, p := range []*tab{a, other} {
				p.eval(`Promise.all(["onPresenceChange", "onclicktoact"].map((name) => Microsoft.CIFramework.addHandler(name, (payload) => window.events.push({name, payload: JSON.parse(payload)}))))`)
			}

			t.Run("notifications", func(t *testing.T) { notifications(t, panel, a) })
			t.Run("presence", func(t *testing.T) { presence(t, panel, a, other) })
			t.Run("click-to-act", func(t *testing.T) { clickToAct(t, r, srv.URL, a, other) })
			t.Run("click-to-act on a record page", func(t *testing.T) { recordClickToAct(t, b, r, a) })
			t.Run("options", func(t *testing.T) {
				options := &tab{t: t, d: r.driver(t), id: b.extensionTab(t, r, "views/options/options.html")}
				until(t, options.d, options.id, `document.querySelectorAll("#c2a-schemes input").length === 4`)
				assert.JSONEq(t, `["tel"]`, string(options.eval(`[...document.querySelectorAll("#c2a-schemes input:checked")].map((i) => i.id.replace("c2a-", ""))`)),
					"tel: only, at first")
				assert.JSONEq(t, js([]string{"", srv.URL}), string(options.eval(`[...document.getElementById("c2a-default").options].map((o) => o.value)`)),
					"the provider with click-to-act on may be made the default")
			})
		})
	}
}

// notify starts a notifyEvent in the page, kept as window.pending.
func notify(p *tab, input string) {
	p.eval(`(window.pending = settle(Microsoft.CIFramework.notifyEvent(` + input + `)), true)`)
}

// answered awaits the pending notifyEvent and returns its answer.
func answered(t *testing.T, p *tab) map[string]string {
	t.Helper()
	var s settled
	require.NoError(t, json.Unmarshal(p.eval(`window.pending`), &s))
	require.Truef(t, s.OK, "notifyEvent failed: %+v", s.Error)
	var text string
	require.NoError(t, json.Unmarshal(s.Value, &text))
	var out map[string]string
	require.NoError(t, json.Unmarshal([]byte(text), &out), "notifyEvent resolves with a JSON string")
	return out
}

func notifications(t *testing.T, panel *tab, a *tab) {
	hostile := `<img src=x onerror="window.pwned = 1">`
	notify(a, `{templateName: "msdyn_chat_incoming_unauthenticated", templateParameters: {customerName: `+js(hostile)+`, visitorLanguage: "en-GB"}}`)
	until(t, panel.d, panel.id, `document.querySelectorAll("#incoming > li").length === 1`)
	assert.JSONEq(t, `"Incoming chat request"`, string(panel.eval(`document.querySelector("#incoming .title").textContent`)))
	assert.JSONEq(t, js([][]string{{"Customer name", hostile}, {"Language", "en-GB"}}),
		string(panel.eval(`[...document.querySelectorAll("#incoming dt")].map((dt) => [dt.textContent, dt.nextElementSibling.textContent])`)))
	assert.JSONEq(t, `[1, false]`, string(panel.eval(`[document.querySelectorAll("#incoming img").length, "pwned" in window]`)),
		"the template's text is text: no element of its own, no script")
	assert.Regexp(t, `^"[12]:\d\d left"$`, string(panel.eval(`document.querySelector("#incoming .countdown").textContent`)))
	panel.eval(`document.querySelector("#incoming [data-action=accept]").click()`)
	assert.Equal(t, map[string]string{"actionName": "Accept", "responseReason": "Accept"}, answered(t, a))
	until(t, panel.d, panel.id, `document.getElementById("notifications").hidden`)

	notify(a, `{templateName: "msdyn_voicecall_incoming_unauthenticated", templateParameters: {phoneNumber: "+1 555 0100"}}`)
	until(t, panel.d, panel.id, `document.querySelector("#incoming [data-action=reject]") !== null`)
	assert.JSONEq(t, `"voice"`, string(panel.eval(`document.querySelector("#incoming li").dataset.template.includes("voicecall") && "voice"`)))
	panel.eval(`document.querySelector("#incoming [data-action=reject]").click()`)
	assert.Equal(t, map[string]string{"actionName": "Reject", "responseReason": "DeclinedByAgent"}, answered(t, a))

	notify(a, `{templateName: "e2e_quick", templateParameters: {customerName: "Bo"}}`)
	assert.Equal(t, map[string]string{"actionName": "Timeout", "responseReason": "DisplayTimeout"}, answered(t, a), "nobody answered in 2 s")

	notify(a, `{templateName: "e2e_auto"}`)
	until(t, panel.d, panel.id, `document.querySelector("#incoming [data-template=e2e_auto]") !== null`)
	assert.JSONEq(t, `[["Open"], 0]`, string(panel.eval(`[[...document.querySelectorAll("#incoming button")].map((b) => b.textContent), document.querySelectorAll("#incoming .reject").length]`)))
	assert.Equal(t, map[string]string{"actionName": "Accept", "responseReason": "AutoAccept"}, answered(t, a))

	notify(a, `{templateName: "msdyn_chat_incoming_unauthenticated", cancellationToken: "conv-7"}`)
	// Shown, and alone: the auto-accepted one before it may still be leaving.
	until(t, panel.d, panel.id, `document.querySelectorAll("#incoming > li").length === 1 && document.querySelector("#incoming > li").dataset.template === "msdyn_chat_incoming_unauthenticated"`)
	var token string
	a.result(`Microsoft.CIFramework.cancelEvent("conv-7")`, &token)
	assert.Equal(t, "conv-7", token)
	assert.Equal(t, map[string]string{"actionName": "Cancel", "responseReason": "Cancelled"}, answered(t, a))
	until(t, panel.d, panel.id, `document.querySelectorAll("#incoming > li").length === 0`)
	assert.Equal(t, 1027, a.failure(`Microsoft.CIFramework.cancelEvent("conv-7")`).ErrorCode)

	e := a.failure(`Microsoft.CIFramework.notifyEvent({templateName: "contoso_nope"})`)
	assert.Regexp(t, `^NotificationTemplateNotFoundError: no notification template is named contoso_nope\. Known notification templates: e2e_auto, e2e_quick, msdyn_`, e.Message)
}

// heard waits until a provider page has heard n events of a name, and
// returns their payloads.
func heard(p *tab, name string, n int) []map[string]any {
	p.t.Helper()
	until(p.t, p.d, p.id, `window.events.filter((e) => e.name === `+js(name)+`).length >= `+strconv.Itoa(n))
	var out []map[string]any
	for _, e := range p.events() {
		if e.Name == name {
			out = append(out, e.Payload)
		}
	}
	return out
}

func presence(t *testing.T, panel *tab, a, other *tab) {
	var ok bool
	a.result(`Microsoft.CIFramework.setPresence("Busy")`, &ok)
	assert.True(t, ok)
	busy := map[string]any{"presenceInfo": map[string]any{"basePresenceStatus": "BUSY", "presenceColor": "#c4314b", "presenceId": "busy", "presenceText": "Busy"}}
	assert.Equal(t, []map[string]any{busy}, heard(other, "onPresenceChange", 1), "the second provider hears the page's change")
	assert.Equal(t, []map[string]any{busy}, heard(a, "onPresenceChange", 1))
	var text string
	other.result(`Microsoft.CIFramework.getPresence()`, &text)
	assert.Equal(t, "Busy", text)
	a.result(`Microsoft.CIFramework.setPresence("busy")`, &ok)
	assert.False(t, ok, "the text must match exactly")

	until(t, panel.d, panel.id, `document.getElementById("presence").dataset.presence === "Busy"`)
	panel.eval(`(() => { const s = document.getElementById("presence"); s.value = "away"; s.dispatchEvent(new Event("change")); })()`)
	assert.Equal(t, "Away", heard(other, "onPresenceChange", 2)[1]["presenceInfo"].(map[string]any)["presenceText"], "and the agent's, from the panel")
	assert.Equal(t, "Away", heard(a, "onPresenceChange", 2)[1]["presenceInfo"].(map[string]any)["presenceText"])
	other.result(`Microsoft.CIFramework.getPresence()`, &text)
	assert.Equal(t, "Away", text)
}

// clickOn clicks an element of a page as the user would.
func clickOn(t *testing.T, p *tab, selector string) {
	t.Helper()
	var at struct{ X, Y float64 }
	require.NoError(t, json.Unmarshal(p.eval(`(() => { const r = document.querySelector(`+js(selector)+`).getBoundingClientRect(); return {x: r.left + 20, y: r.top + r.height / 2}; })()`), &at))
	require.NoError(t, p.d.activate(p.id))
	require.NoError(t, p.d.click(p.id, at.X, at.Y))
}

func clickToAct(t *testing.T, r *running, base string, a, other *tab) {
	a.result(`Microsoft.CIFramework.setClickToAct(true)`, nil)
	var on bool
	a.result(`Microsoft.CIFramework.getClickToAct()`, &on)
	assert.True(t, on)
	other.result(`Microsoft.CIFramework.getClickToAct()`, &on)
	assert.False(t, on)

	d := r.driver(t)
	id, err := d.open(base + "/links.html")
	require.NoError(t, err)
	links := &tab{t: t, d: d, id: id}
	// The new tab's first document (about:blank) is complete too: wait for this page's own.
	until(t, d, id, `document.readyState === "complete" && document.getElementById("other") !== null`)
	links.eval(`(document.getElementById("other").click(), true)`) // the page's own script: not the agent's click
	clickOn(t, links, "#call")
	got := heard(a, "onclicktoact", 1)
	assert.Equal(t, []map[string]any{{"value": "+1 206 555 0143", "name": "tel", "format": "Phone", "entityLogicalName": "", "entityId": "", "recordTitle": ""}}, got,
		"the agent's click on a tel: link, and not the page's own click()")
	assert.JSONEq(t, `"`+base+`/links.html"`, string(links.eval(`location.href`)), "the link did not navigate")

	// A round trip through the other provider's page, after which an event for it would have arrived.
	other.result(`Microsoft.CIFramework.raiseEvent("contoso.ping", {})`, nil)
	for _, e := range other.events() {
		assert.NotEqual(t, "onclicktoact", e.Name, "a provider without click-to-act hears nothing")
	}
}

// recordClickToAct: the agent clicks Call beside a contact's phone number
// on its record page, and the provider with click-to-act on hears it,
// with the field's and the record's members.
func recordClickToAct(t *testing.T, b browserKind, r *running, a *tab) {
	a.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_voicecall_session", templateParameters: {customer: "+1 206 555 0143"}})`, nil)
	a.result(`Microsoft.CIFramework.searchAndOpenRecords("contact", "?$select=fullname&$search=(206) 555-0143", false)`, nil)
	var contactTab string
	a.result(`Microsoft.CIFramework.getFocusedTab()`, &contactTab)
	contact := recordPage(t, r.driver(t), b.extensionURL(t, "views/tab/tab.html?tab="+contactTab), "record")
	before := len(heard(a, "onclicktoact", 1))
	contact.eval(`(document.querySelector('[data-attribute="telephone1"] [data-cif-click-to-act]').click(), true)`)
	got := heard(a, "onclicktoact", before+1)
	assert.Equal(t, map[string]any{
		"value": "+1 (206) 555-0143", "name": "telephone1", "format": "Phone",
		"entityLogicalName": "contact", "entityId": annID, "recordTitle": "Ann Lee",
	}, got[before])
}
