package e2e

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/internal/hosttest"
)

// The records of testdata/organisation.json.
const (
	annID = "0f8fad5b-0000-4000-8000-000000000001" // Ann Lee, +1 (206) 555-0143, of Contoso, with a case
	boID  = "0f8fad5b-0000-4000-8000-000000000002" // Bo Ng, whose description is hostile markup
)

// startWithRecords gives the world an organisation (imported with
// `cif-host records import`, into the world's data folder), starts a
// browser on the extension's panel and options, and serves the test
// pages.
func startWithRecords(t *testing.T, b browserKind) (*running, *httptest.Server) {
	t.Helper()
	return startWithSettings(t, b, nil)
}

// startWithSettings is startWithRecords with a settings.json (nil for
// none): a team's organisation, say.
func startWithSettings(t *testing.T, b browserKind, settings []byte) (*running, *httptest.Server) {
	t.Helper()
	srv, _ := servePages(t)
	w := newWorld(t)
	if settings != nil {
		require.NoError(t, os.WriteFile(filepath.Join(w.config, "cif-bridge", "settings.json"), settings, 0o600))
	}
	_, stderr, code := hosttest.Command(t, []string{"XDG_CONFIG_HOME=" + w.config, "XDG_STATE_HOME=" + w.state, "XDG_DATA_HOME=" + w.data},
		"records", "import", "testdata/organisation.json")
	require.Zero(t, code, "cif-host records import: %s", stderr)
	return start(t, w, b.launch(t, w, b.extensionURL(t, "views/panel/panel.html"), b.extensionURL(t, "views/options/options.html"))), srv
}

// recordPage waits, with a bound, for the extension's record page at url
// to show view (record, form, search).
func recordPage(t *testing.T, d driver, url, view string) *tab {
	t.Helper()
	p := &tab{t: t, d: d, id: findTab(t, d, url)}
	until(t, d, p.id, `document.body.dataset.ready === "true" && document.getElementById("page").dataset.view === `+js(view))
	return p
}

// text reads a page's expression as a string.
func (p *tab) text(expr string) string {
	p.t.Helper()
	var s string
	require.NoError(p.t, json.Unmarshal(p.eval(expr), &s), "%s", expr)
	return s
}

// record evaluates a record method that resolves with CIF's JSON string,
// and decodes that string.
func (p *tab) record(expr string, into any) {
	p.t.Helper()
	var s string
	p.result(expr, &s)
	require.NoError(p.t, json.Unmarshal([]byte(s), into), "%s resolves with a JSON string", expr)
}

// saveField sets one field of a record page and saves, as the agent does.
func (p *tab) saveField(name, value string) {
	p.t.Helper()
	p.eval(`(() => { document.querySelector('[name=` + js(name) + `]').value = ` + js(value) + `; document.getElementById("record-save").click(); })()`)
}

// TestAScreenPop is an incoming call as real integrations handle it: the
// caller's number finds the contact, whose page opens in the session's
// tab, where the agent edits it; an unknown number logs the call and
// opens a new-record form, which the agent completes.
func TestAScreenPop(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			r, srv := startWithRecords(t, b)
			d := r.driver(t)
			p := openProvider(t, r, srv.URL)
			var session string
			p.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_voicecall_session", templateParameters: {customer: "+1 206 555 0143"}})`, &session)

			var found map[string]map[string]any
			p.record(`Microsoft.CIFramework.searchAndOpenRecords("contact", "?$select=fullname,telephone1&$search=(206) 555-0143", false)`, &found)
			require.Len(t, found, 1, "the number finds the contact, whatever its format")
			assert.Equal(t, "Ann Lee", found["0"]["fullname"])
			var contactTab string
			p.result(`Microsoft.CIFramework.getFocusedTab()`, &contactTab)
			contact := recordPage(t, d, b.extensionURL(t, "views/tab/tab.html?tab="+contactTab), "record")
			assert.Equal(t, "Ann Lee", contact.text(`document.getElementById("record-title").textContent`))
			assert.Equal(t, "Call from +1 206 555 0143 · "+srv.URL, contact.text(`document.getElementById("session").textContent`), "it is the session's tab")
			assert.Equal(t, "Contoso", contact.text(`document.querySelector('[data-attribute="parentcustomerid"] a').textContent`), "a lookup is a link to its record")
			assert.Equal(t, "Printer jams", contact.text(`document.querySelector('#related [data-entity="incident"] a').textContent`), "the contact's case")
			var act map[string]string
			require.NoError(t, json.Unmarshal(contact.eval(`Object.fromEntries([...document.querySelector('[data-attribute="telephone1"] [data-cif-click-to-act]').attributes].filter((a) => a.name.startsWith("data-cif-click-to-act-")).map((a) => [a.name, a.value]))`), &act))
			assert.Equal(t, map[string]string{
				"data-cif-click-to-act-value": "+1 (206) 555-0143", "data-cif-click-to-act-name": "telephone1", "data-cif-click-to-act-format": "Phone",
				"data-cif-click-to-act-entity-logical-name": "contact", "data-cif-click-to-act-entity-id": annID, "data-cif-click-to-act-record-title": "Ann Lee",
			}, act, "the phone field is marked for click-to-act")

			contact.saveField("jobtitle", "Head of Purchasing")
			until(t, d, contact.id, `document.getElementById("record-status")?.dataset.state === "saved"`)
			var rec map[string]any
			p.record(`Microsoft.CIFramework.retrieveRecord("contact", `+js(annID)+`, "?$select=jobtitle")`, &rec)
			assert.Equal(t, "Head of Purchasing", rec["jobtitle"], "the page sees the agent's edit")

			// An unknown number: log the call, open a new contact's form.
			found = nil
			p.record(`Microsoft.CIFramework.searchAndOpenRecords("contact", "?$select=fullname&$search=+1 555 555 0111", false)`, &found)
			assert.Empty(t, found)
			var call struct{ EntityType, ID string }
			p.record(`Microsoft.CIFramework.createRecord("phonecall", JSON.stringify({subject: "Call from +1 555 555 0111", phonenumber: "+1 555 555 0111", directioncode: false}))`, &call)
			assert.Equal(t, "phonecall", call.EntityType)
			var opened map[string][]any
			p.record(`Microsoft.CIFramework.openForm(JSON.stringify({entityName: "contact"}), JSON.stringify({telephone1: "+1 555 555 0111", lastname: "Caller"}))`, &opened)
			assert.Equal(t, map[string][]any{"savedEntityReference": {}}, opened)
			var formTab string
			p.result(`Microsoft.CIFramework.getFocusedTab()`, &formTab)
			form := recordPage(t, d, b.extensionURL(t, "views/tab/tab.html?tab="+formTab), "form")
			assert.Equal(t, "+1 555 555 0111", form.text(`document.querySelector('[name="telephone1"]').value`), "the form starts from the form parameters")
			form.saveField("firstname", "Cy")
			until(t, d, form.id, `document.getElementById("page").dataset.view === "record" && document.getElementById("record-title").textContent === "Cy Caller"`)
			found = nil
			p.record(`Microsoft.CIFramework.searchAndOpenRecords("contact", "$select=fullname&$search=555-555-0111", true)`, &found)
			require.Len(t, found, 1, "the agent created the contact")
			assert.Equal(t, "Cy Caller", found["0"]["fullname"])
		})
	}
}

// TestRecordPagesOutsideSessionsAndWhoMayUseRecords: on the home session a
// record opens in a tab of its own; hostile record text stays text; an
// agent's edit based on a stale record is refused, not saved over a
// provider's change; and a site the user denies records is refused.
func TestRecordPagesOutsideSessionsAndWhoMayUseRecords(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			r, srv := startWithRecords(t, b)
			d := r.driver(t)
			options := &tab{t: t, d: d, id: b.extensionTab(t, r, "views/options/options.html")}
			p := openProvider(t, r, srv.URL)

			var opened map[string][]map[string]string
			p.record(`Microsoft.CIFramework.openForm({entityName: "contact", entityId: `+js(boID)+`})`, &opened)
			assert.Equal(t, []map[string]string{{"entityType": "contact", "id": boID, "name": "Bo Ng"}}, opened["savedEntityReference"])
			bo := recordPage(t, d, b.extensionURL(t, "views/tab/tab.html?page=record&entity=contact&id="+boID), "record")
			assert.Equal(t, "Bo Ng", bo.text(`document.title`), "the record's markup did not run")
			assert.JSONEq(t, `0`, string(bo.eval(`document.querySelectorAll("#page img, #page script").length`)))
			assert.Contains(t, bo.text(`document.querySelector('[name="description"]').value`), `<script>document.title='pwned'</script>`, "it is shown as text")

			bo.saveField("jobtitle", "Buyer")
			until(t, d, bo.id, `document.getElementById("record-status")?.dataset.state === "saved"`)
			var rec map[string]any
			p.record(`Microsoft.CIFramework.retrieveRecord("contact", `+js(boID)+`, "?$select=jobtitle")`, &rec)
			assert.Equal(t, "Buyer", rec["jobtitle"])

			// The agent starts an edit while the provider changes the record:
			// the page warns (cifbridge.recordChanged), and the save is refused.
			bo.eval(`(() => { const f = document.querySelector('[name="jobtitle"]'); f.value = "Clerk"; f.dispatchEvent(new Event("input", {bubbles: true})); })()`)
			p.record(`Microsoft.CIFramework.updateRecord("contact", `+js(boID)+`, JSON.stringify({jobtitle: "Owner"}))`, &rec)
			until(t, d, bo.id, `document.getElementById("record-status")?.dataset.state === "changed"`)
			bo.eval(`document.getElementById("record-save").click()`)
			until(t, d, bo.id, `document.getElementById("record-status")?.dataset.state === "conflict"`)
			p.record(`Microsoft.CIFramework.retrieveRecord("contact", `+js(boID)+`, "?$select=jobtitle")`, &rec)
			assert.Equal(t, "Owner", rec["jobtitle"], "the provider's change was not lost")

			// The user takes records away from the test pages' site, then gives it reading back.
			choose := func(access, said string) {
				until(t, d, options.id, `document.querySelector('select[data-records="http://127.0.0.1"]') !== null`)
				options.eval(`(() => { const s = document.querySelector('select[data-records="http://127.0.0.1"]'); s.value = ` + js(access) + `; s.dispatchEvent(new Event("change")); })()`)
				until(t, d, options.id, `document.getElementById("status").textContent.startsWith(`+js(said)+`)`)
			}
			choose("none", "http://127.0.0.1 may no longer use records.")
			until(t, d, p.id, `settle(Microsoft.CIFramework.retrieveRecord("contact", `+js(annID)+`)).then((s) => !s.ok && s.error.errorCode === 1025)`)
			assert.Equal(t, cifError{
				Message:   "retrieveRecord: " + srv.URL + ` may not use the organisation's records; to let it, in the extension's options, under Allowed sites, set Records for http://127.0.0.1 to "read records only"`,
				MsdynName: "retrieveRecord",
				ErrorCode: 1025,
			}, p.failure(`Microsoft.CIFramework.retrieveRecord("contact", `+js(annID)+`)`))
			p.result(`Microsoft.CIFramework.getAllSessions()`, nil)

			choose("read", "http://127.0.0.1 may now only read records.")
			until(t, d, p.id, `settle(Microsoft.CIFramework.retrieveRecord("contact", `+js(annID)+`)).then((s) => s.ok)`)
			assert.Equal(t, 1025, p.failure(`Microsoft.CIFramework.createRecord("contact", JSON.stringify({lastname: "Nope"}))`).ErrorCode)
			assert.Equal(t, 1025, p.failure(`Microsoft.CIFramework.searchAndOpenRecords("contact", "$search=Ann", false)`).ErrorCode, "opening a page is more than reading")
			p.result(`Microsoft.CIFramework.searchAndOpenRecords("contact", "$search=Ann", true)`, nil)
		})
	}
}
