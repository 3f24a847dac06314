package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/config"
)

// run runs a command against the organisation in dirs.
func run(t *testing.T, dirs config.Dirs, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errs bytes.Buffer
	code = Run(t.Context(), args, Env{Dirs: dirs, Stdout: &out, Stderr: &errs})
	return code, out.String(), errs.String()
}

func newDirs(t *testing.T) config.Dirs {
	root := t.TempDir()
	return config.Dirs{Config: filepath.Join(root, "config"), State: filepath.Join(root, "state"), Data: filepath.Join(root, "data")}
}

func TestSampleExportImportRoundTrip(t *testing.T) {
	a, b := newDirs(t), newDirs(t)
	code, out, errs := run(t, a, "sample")
	require.Equal(t, 0, code, errs)
	assert.Equal(t, "loaded the sample organisation into "+a.OrganizationFile()+": account 30 created, 0 updated; contact 300 created, 0 updated; incident 200 created, 0 updated; phonecall 120 created, 0 updated; task 60 created, 0 updated\n", out)

	all := filepath.Join(t.TempDir(), "organisation.json")
	code, _, errs = run(t, a, "export", all)
	require.Equal(t, 0, code, errs)
	assert.Equal(t, "exported 30 account, 300 contact, 200 incident, 120 phonecall, 60 task\n", errs)
	code, out, errs = run(t, b, "import", all)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "imported 710 records from "+all)

	// The second organisation exports exactly what the first did.
	again := filepath.Join(t.TempDir(), "again.json")
	code, _, errs = run(t, b, "export", all, "--format", "json")
	require.Equal(t, 0, code, errs)
	code, _, errs = run(t, b, "export", again)
	require.Equal(t, 0, code, errs)
	first, _ := os.ReadFile(all)
	second, _ := os.ReadFile(again)
	assert.Equal(t, string(first), string(second))

	// CSV of one entity finds the same records, unchanged; into an organisation
	// without their primary contacts, it imports nothing.
	csvFile := filepath.Join(t.TempDir(), "accounts.csv")
	code, _, errs = run(t, a, "export", "--entity", "account", csvFile)
	require.Equal(t, 0, code, errs)
	code, out, errs = run(t, b, "import", csvFile)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "account 0 created, 0 updated, 30 unchanged", "the same records again change nothing")
	c := newDirs(t)
	code, _, errs = run(t, c, "import", csvFile)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "nothing was imported: record 1 (account): Entity 'contact' With Id = ")
	code, out, _ = run(t, c, "info")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "  account                         0  (Accounts, 22 attributes)\n")
}

func TestImportCSV(t *testing.T) {
	d := newDirs(t)
	file := filepath.Join(t.TempDir(), "contacts.csv")
	require.NoError(t, os.WriteFile(file, []byte("\ufefffirstname,lastname,telephone1,donotphone,preferredcontactmethodcode,creditlimit\n"+
		"Ann,Lee,+1 206 555 0143,Do Not Allow,Email,100.5\n\"Bob, Jr\",O'Brien,,no,3,\n"), 0o600))
	code, out, errs := run(t, d, "import", file)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "contact 2 created")
	code, out, _ = run(t, d, "query", "contact", "$select=fullname,donotphone&$search=2065550143")
	require.Equal(t, 0, code)
	assert.Contains(t, out, `"fullname": "Ann Lee"`)
	assert.Contains(t, out, `"donotphone": true`)
	code, out, _ = run(t, d, "query", "contact", "$filter=lastname eq 'O''Brien'&$select=fullname")
	require.Equal(t, 0, code)
	assert.Contains(t, out, `"fullname": "Bob, Jr O'Brien"`)
}

func TestRefusals(t *testing.T) {
	d := newDirs(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	for _, tt := range []struct {
		args    []string
		code    int
		message string
	}{
		{[]string{"bogus"}, 2, `cif-host records: unknown command "bogus"`},
		{[]string{"import"}, 2, "cif-host records import: give one FILE to import, such as contacts.csv or organisation.json"},
		{[]string{"import", write("people.csv", "lastname\nLee\n")}, 2, "cif-host records import: cannot tell the entity of " + filepath.Join(dir, "people.csv") + " from its name; give --entity, such as --entity contact"},
		{[]string{"import", write("contact.csv", "lastnam\nLee\n")}, 1, "cif-host records import: " + filepath.Join(dir, "contact.csv") + `: column 1, "lastnam", is not an attribute of contact; did you mean lastname?`},
		{[]string{"import", write("c2.csv", "parentcustomerid\nx\n"), "--entity", "contact"}, 1, "cif-host records import: " + filepath.Join(dir, "c2.csv") + `: column 1, "parentcustomerid", is a lookup; name its column parentcustomerid_account@odata.bind or parentcustomerid_contact@odata.bind and write "/<set>(<id>)" in it`},
		{[]string{"import", write("c3.csv", "lastname,creditlimit\nLee,lots\n"), "--entity", "contact"}, 1, "cif-host records import: " + filepath.Join(dir, "c3.csv") + `: row 2, column creditlimit: "lots" is not a number`},
		{[]string{"import", write("bad.json", `{"contact": [{"lastname": "Lee"}, {"lastname": 5}]}`)}, 1, "cif-host records import: " + filepath.Join(dir, "bad.json") + ": nothing was imported: record 2 (contact): lastname is a String (Text, at most 50 characters): give text, not the number 5"},
		{[]string{"import", write("lead.json", `{"lead": []}`)}, 1, "cif-host records import: " + filepath.Join(dir, "lead.json") + `: "lead": the organisation has no entity "lead"; the organisation's entities are account, contact, incident, phonecall, task`},
		{[]string{"export", "--format", "xml"}, 2, `cif-host records export: --format "xml": use json or csv`},
		{[]string{"export", "--format", "csv"}, 2, "cif-host records export: CSV holds one entity; give one --entity, such as --entity contact"},
		{[]string{"query", "contact", "$count=true"}, 1, "cif-host records query: the query cannot be used: $count: is not supported: counting is not supported; read the records' number from the result's length"},
		{[]string{"sample", "extra"}, 2, "cif-host records sample: sample takes no arguments"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, errs := run(t, d, tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, errs, tt.message+"\n")
		})
	}
	code, out, _ := run(t, d, "info")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "  contact                         0", "no refused import wrote anything")
}

func TestEntitiesProblemsAreWarnings(t *testing.T) {
	d := newDirs(t)
	require.NoError(t, os.MkdirAll(d.Config, 0o700))
	require.NoError(t, os.WriteFile(d.EntitiesFile(), []byte(`{"entities": [{"logicalName": "project"}]}`), 0o600))
	code, _, errs := run(t, d, "info")
	assert.Equal(t, 0, code)
	assert.Equal(t, "warning: "+d.EntitiesFile()+`: entity "project": field "logicalName": has no publisher prefix; custom names start with one, as in Dataverse: new_project`+"\n", errs)
}
