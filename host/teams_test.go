package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/api"
	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/postgres/pgtest"
	"github.com/cifbridge/cif-bridge/internal/hosttest"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// agent starts a cif-host whose settings.json names the organisation, and
// says hello as a browser profile.
func agent(t *testing.T, profile string, recordsSettings map[string]any) *hosttest.Proc {
	t.Helper()
	dirs := hosttest.NewDirs(t)
	settings, err := json.Marshal(map[string]any{"records": recordsSettings})
	require.NoError(t, err)
	path := dirs.App(t, "settings.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	require.NoError(t, os.WriteFile(path, settings, 0o600))
	p := hosttest.Start(t, dirs)
	res := p.Hello(profile)
	require.Empty(t, res["problems"])
	return p
}

// recordCall calls one of CIF's record methods as a page does and
// decodes the JSON string it resolves with.
func recordCall(t *testing.T, p *hosttest.Proc, method string, args map[string]any, into any) {
	t.Helper()
	var s string
	p.Result(method, hosttest.As(provider, args), &s)
	if into != nil {
		require.NoError(t, json.Unmarshal([]byte(s), into))
	}
}

// changeOf waits for the recordChanged event of a record at a version
// other than not.
func changeOf(t *testing.T, p *hosttest.Proc, id, not string) records.Changed {
	t.Helper()
	var ch records.Changed
	p.Event(api.RecordChanged, func(params json.RawMessage) bool {
		ch = records.Changed{}
		return json.Unmarshal(params, &ch) == nil && ch.ID == id && records.ETag(ch.Version) != not
	}, 15*time.Second)
	return ch
}

// twoAgents checks what two agents on one organisation see of each
// other: a change by one reaches the other's views as
// cifbridge.recordChanged, and a save based on an old version is refused.
func twoAgents(t *testing.T, a, b *hosttest.Proc) (id, etag string) {
	t.Helper()
	var created struct{ ID string }
	recordCall(t, a, "createRecord", map[string]any{"entityName": "contact", "data": `{"firstname":"Ann","lastname":"Lee","telephone1":"+1 206 555 0143"}`}, &created)
	id = created.ID
	var rec map[string]any
	recordCall(t, b, "retrieveRecord", map[string]any{"entityName": "contact", "id": id, "query": "?$select=fullname,jobtitle"}, &rec) // b's record page
	read := rec["@odata.etag"].(string)

	recordCall(t, a, "updateRecord", map[string]any{"entityName": "contact", "id": id, "data": `{"jobtitle":"Buyer"}`, "ifMatch": read}, nil)
	ch := changeOf(t, b, id, read)
	assert.Equal(t, "contact", ch.Entity)
	recordCall(t, b, "retrieveRecord", map[string]any{"entityName": "contact", "id": id, "query": "?$select=jobtitle"}, &rec)
	assert.Equal(t, "Buyer", rec["jobtitle"], "b's page, told of the change, reads it")
	assert.Equal(t, records.ETag(ch.Version), rec["@odata.etag"])

	msg := b.Fails("updateRecord", hosttest.As(provider, map[string]any{"entityName": "contact", "id": id, "data": `{"jobtitle":"CEO"}`, "ifMatch": read}), errcode.RecordConflict)
	assert.Contains(t, msg, "changed since the version the update was based on")
	assert.Contains(t, msg, "retrieve it again and reapply your change")
	return id, records.ETag(ch.Version)
}

func TestTwoAgentsOnOneEmbeddedOrganisation(t *testing.T) {
	file := filepath.Join(t.TempDir(), "organization.db")
	a := agent(t, "agent-a", map[string]any{"database": file})
	b := agent(t, "agent-b", map[string]any{"database": file})
	twoAgents(t, a, b)
}

func TestTwoAgentsOnATeamsPostgreSQLAndTheServerRestarting(t *testing.T) {
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
	team := map[string]any{"database": cluster.URL("agent", name), "passwordFile": pw}
	a := agent(t, "agent-a", team)
	b := agent(t, "agent-b", team)
	id, etag := twoAgents(t, a, b)

	// The server goes away: record calls say what is wrong and what to
	// do; sessions, on local disk, keep working.
	require.NoError(t, cluster.Stop())
	msg := a.Fails("retrieveRecord", hosttest.As(provider, map[string]any{"entityName": "contact", "id": id}), errcode.RecordsUnavailable)
	assert.Contains(t, msg, "the organisation's database (PostgreSQL "+cluster.URL("agent", name)+")")
	assert.Contains(t, msg, "cif-host reconnects by itself")
	var sid string
	a.Result("createSession", hosttest.As(provider, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session"}}), &sid)
	assert.NotEmpty(t, sid, "sessions keep working without the organisation")

	// It comes back: both hosts reconnect by themselves.
	require.NoError(t, cluster.Start())
	var rec map[string]any
	recordCall(t, a, "retrieveRecord", map[string]any{"entityName": "contact", "id": id, "query": "?$select=jobtitle"}, &rec)
	assert.Equal(t, "Buyer", rec["jobtitle"])
	b.Event(api.RecordChanged, func(params json.RawMessage) bool { return string(params) == "{}" }, 20*time.Second)
	recordCall(t, a, "updateRecord", map[string]any{"entityName": "contact", "id": id, "data": `{"jobtitle":"Head of buying"}`, "ifMatch": etag}, nil)
	changeOf(t, b, id, etag)
}
