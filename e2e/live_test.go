package e2e

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/records/postgres/pgtest"
	"github.com/cifbridge/cif-bridge/internal/hosttest"
)

// TestAnotherAgentsChangeShowsOnTheOpenRecordPage: a second agent (a
// cif-host of its own, over pipes, on the same organisation: another
// browser profile of the user) changes the record the browser's record
// page shows; the page shows the change without a reload
// (cifbridge.recordChanged). An agent who is editing is warned instead,
// and their save is refused, not saved over the other's change. One
// browser, Chromium: the page's part is the same JavaScript in both.
func TestAnotherAgentsChangeShowsOnTheOpenRecordPage(t *testing.T) {
	b := browsers[0]
	r, srv := startWithRecords(t, b)
	// The other agent: the same organisation (the world's data folder),
	// folders of its own for everything else.
	t.Setenv("XDG_DATA_HOME", r.w.data)
	other := hosttest.NewDirs(t)
	liveChanges(t, b, r, srv, other)
}

// The same with the team's organisation on PostgreSQL (a cluster of the
// test's own), both agents' settings.json naming it.
func TestAnotherAgentsChangeShowsOnTheOpenRecordPageOnPostgreSQL(t *testing.T) {
	cluster, err := pgtest.New(pgtest.Options{})
	if errors.Is(err, pgtest.ErrNotInstalled) {
		pgtest.Require(t) // skips loudly, or fails under CIF_E2E=require
	}
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, cluster.Remove()) })
	name, err := cluster.NewDatabase(t.Context())
	require.NoError(t, err)
	pw := filepath.Join(t.TempDir(), "pgpassword")
	require.NoError(t, os.WriteFile(pw, []byte(pgtest.Password+"\n"), 0o600))
	settings, err := json.Marshal(map[string]any{"records": map[string]any{"database": cluster.URL("agent", name), "passwordFile": pw}})
	require.NoError(t, err)
	b := browsers[0]
	r, srv := startWithSettings(t, b, settings)
	other := hosttest.NewDirs(t)
	require.NoError(t, os.MkdirAll(filepath.Dir(other.App(t, "settings.json")), 0o700))
	require.NoError(t, os.WriteFile(other.App(t, "settings.json"), settings, 0o600))
	liveChanges(t, b, r, srv, other)
}

// liveChanges opens Ann's record page in the browser and has another
// agent, a cif-host over pipes with folders other, change it.
func liveChanges(t *testing.T, b browserKind, r *running, srv *httptest.Server, otherDirs hosttest.Dirs) {
	t.Helper()
	d := r.driver(t)
	p := openProvider(t, r, srv.URL)
	var opened map[string][]map[string]string
	p.record(`Microsoft.CIFramework.openForm({entityName: "contact", entityId: `+js(annID)+`})`, &opened)
	ann := recordPage(t, d, b.extensionURL(t, "views/tab/tab.html?page=record&entity=contact&id="+annID), "record")
	other := hosttest.Start(t, otherDirs)
	other.Hello("agent-b")
	update := func(jobtitle string) {
		t.Helper()
		m := other.Call("updateRecord", hosttest.As(srv.URL, map[string]any{"entityName": "contact", "id": annID, "data": `{"jobtitle":` + js(jobtitle) + `}`}))
		require.Nil(t, m.Error, "the other agent's update")
	}

	update("Chief buyer")
	until(t, d, ann.id, `document.querySelector('[name="jobtitle"]')?.value === "Chief buyer" && document.getElementById("record-status")?.dataset.state === "updated"`)
	assert.Equal(t, "Updated: this record was changed elsewhere, and shows the change.", ann.text(`document.getElementById("record-status").textContent`))

	// The agent starts an edit; the other agent changes the record again.
	ann.eval(`(() => { const f = document.querySelector('[name="jobtitle"]'); f.value = "Clerk"; f.dispatchEvent(new Event("input", {bubbles: true})); })()`)
	update("Head of buying")
	until(t, d, ann.id, `document.getElementById("record-status")?.dataset.state === "changed"`)
	assert.Equal(t, "Clerk", ann.text(`document.querySelector('[name="jobtitle"]').value`), "the agent's edit is kept")
	ann.eval(`document.getElementById("record-save").click()`)
	until(t, d, ann.id, `document.getElementById("record-status")?.dataset.state === "conflict"`)
	var rec map[string]any
	p.record(`Microsoft.CIFramework.retrieveRecord("contact", `+js(annID)+`, "?$select=jobtitle")`, &rec)
	assert.Equal(t, "Head of buying", rec["jobtitle"], "the other agent's change was not lost")

	// Reloaded, the page shows it; the other agent deletes the record.
	ann.eval(`document.getElementById("record-reload").click()`)
	until(t, d, ann.id, `document.querySelector('[name="jobtitle"]')?.value === "Head of buying"`)
	// (Her case first: a case cannot be without its customer.)
	var found string
	other.Result("searchAndOpenRecords", hosttest.As(srv.URL, map[string]any{"entityName": "incident", "query": "$select=title&$filter=_customerid_value eq " + annID, "searchOnly": true}), &found)
	var cases map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(found), &cases))
	for _, c := range cases {
		other.Result("deleteRecord", hosttest.As(srv.URL, map[string]any{"entityName": "incident", "id": c["incidentid"]}), nil)
	}
	other.Result("deleteRecord", hosttest.As(srv.URL, map[string]any{"entityName": "contact", "id": annID}), nil)
	until(t, d, ann.id, `document.getElementById("record-status")?.dataset.state === "deleted" && document.getElementById("record-save").disabled`)
}
