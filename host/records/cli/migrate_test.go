package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/records/postgres/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// runWith runs a command with settings.
func runWith(t *testing.T, dirs config.Dirs, settings config.Settings, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errs strings.Builder
	code = Run(t.Context(), args, Env{Dirs: dirs, Settings: settings, Stdout: &out, Stderr: &errs})
	return code, out.String(), errs.String()
}

func TestMigrateToPostgreSQLAndBackChangesNothingTheSecondTime(t *testing.T) {
	url := pgtest.Database(t)
	pw := filepath.Join(t.TempDir(), "pgpassword")
	require.NoError(t, os.WriteFile(pw, []byte(pgtest.Password+"\n"), 0o600))
	a := newDirs(t)
	code, _, errs := run(t, a, "sample")
	require.Equal(t, 0, code, errs)
	original := filepath.Join(t.TempDir(), "original.json")
	code, _, errs = run(t, a, "export", original)
	require.Equal(t, 0, code, errs)

	code, out, errs := run(t, a, "migrate", "--to", url, "--password-file", pw)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "copied 710 records from "+a.OrganizationFile()+" into "+url)
	assert.Contains(t, out, "account 30 created, 0 updated; contact 300 created, 0 updated; incident 200 created, 0 updated")
	assert.Contains(t, out, "to use the copy, set records.database in "+a.SettingsFile()+" to "+url)
	assert.Contains(t, errs, "records: 0 of 710, 0%\n", "plain lines when not a terminal")
	assert.Contains(t, errs, "records: 710 of 710, 100% (task)\n")
	assert.Contains(t, errs, "lookups: 30 of 30, 100%\n", "only the lookups of a cycle (accounts' primary contacts) wait for the last pass")
	assert.NotContains(t, errs, "\r")

	code, out, errs = run(t, a, "migrate", "--to", url, "--password-file", pw)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "account 0 created, 0 updated, 30 unchanged; contact 0 created, 0 updated, 300 unchanged; incident 0 created, 0 updated, 200 unchanged; phonecall 0 created, 0 updated, 120 unchanged; task 0 created, 0 updated, 60 unchanged", "the second run changes nothing")
	assert.NotContains(t, out, "lookups to records copied later: 1", "no lookup changes either")

	// The team's organisation, as settings.json names it, exports what
	// the file held; and copies back into a new file.
	team := config.Settings{Records: config.RecordsSettings{Database: url, PasswordFile: pw}}
	b := newDirs(t)
	fromTeam := filepath.Join(t.TempDir(), "team.json")
	code, _, errs = runWith(t, b, team, "export", fromTeam)
	require.Equal(t, 0, code, errs)
	assertSameFile(t, original, fromTeam)
	back := filepath.Join(t.TempDir(), "back.db")
	code, out, errs = runWith(t, b, team, "migrate", "--to", back)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "copied 710 records from "+url+" into "+back)
	code, _, errs = runWith(t, b, config.Settings{Records: config.RecordsSettings{Database: back}}, "export", fromTeam)
	require.Equal(t, 0, code, errs)
	assertSameFile(t, original, fromTeam)
}

// assertSameFile compares two JSON exports as sets of records: records
// created in the same second come out in the database's own order (the
// file's rows, PostgreSQL's ids).
func assertSameFile(t *testing.T, want, got string) {
	t.Helper()
	assert.Equal(t, exported(t, want), exported(t, got))
}

func exported(t *testing.T, path string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc map[string][]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &doc))
	out := map[string][]string{}
	for entity, recs := range doc {
		for _, r := range recs {
			out[entity] = append(out[entity], string(r))
		}
		slices.Sort(out[entity])
	}
	return out
}

func TestMigrateRefuses(t *testing.T) {
	d := newDirs(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"migrate"}, "give --to: a PostgreSQL connection string"},
		{[]string{"migrate", "--to", "postgres://agent:hunter2@db/org"}, "--to holds a password; settings.json is no place for a password"},
		{[]string{"migrate", "--to", "/tmp/x.db", "--password-file", "/tmp/pw"}, "--password-file is for a PostgreSQL target; a file needs none"},
		{[]string{"migrate", "--to", d.OrganizationFile()}, "--to is the organisation itself"},
	} {
		code, _, errs := run(t, d, tt.args...)
		assert.Equal(t, 2, code, "%v", tt.args)
		assert.Contains(t, errs, tt.want, "%v", tt.args)
	}
}

func TestTheProgressBarOnATerminal(t *testing.T) {
	var w strings.Builder
	p := &progress{w: &w, terminal: true, last: -1}
	p.Records(0, 200, "")
	p.Records(100, 200, "contact")
	p.Records(200, 200, "task")
	p.Lookups(0, 0)
	p.end()
	assert.Equal(t, "\r[------------------------------]   0% 0/200 records             "+
		"\r[###############---------------]  50% 100/200 records contact     "+
		"\r[##############################] 100% 200/200 records task        \n", w.String())
	assert.False(t, newProgress(&w).terminal, "a buffer is no terminal")
}
