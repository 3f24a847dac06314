package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/odata"
	"github.com/cifbridge/cif-bridge/host/records/sample"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

func TestOpenDoesNoIOUntilTheFirstCall(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "organization.db")
	s := Open(Options{Path: path, Catalog: metadata.BuiltinCatalog()})
	defer s.Close()
	_, err := os.Stat(filepath.Dir(path))
	assert.True(t, errors.Is(err, os.ErrNotExist), "Open created %s", filepath.Dir(path))
	assert.False(t, s.Opened())
	assert.NotNil(t, s.Catalog(), "the catalog needs no database")
	n, err := s.Count(t.Context(), "contact")
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.True(t, s.Opened())
	_, err = os.Stat(path)
	assert.NoError(t, err)
	require.NoError(t, s.Close())
	_, err = s.Count(t.Context(), "contact")
	coded(t, err, errcode.RecordsUnavailable, "the organisation's database is closed: cif-host is stopping; call again once it has restarted")
}

func coded(t *testing.T, err error, code errcode.Code, message string) {
	t.Helper()
	e, ok := errors.AsType[*errcode.Error](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, code, e.Code)
	assert.Equal(t, message, e.Message)
}

func TestAFailedOpenIsTriedAgain(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "data")
	require.NoError(t, os.WriteFile(blocker, nil, 0o600)) // a file where the folder should be
	s := Open(Options{Path: filepath.Join(blocker, "organization.db"), Catalog: metadata.BuiltinCatalog()})
	defer s.Close()
	_, err := s.Count(t.Context(), "contact")
	e, ok := errors.AsType[*errcode.Error](err)
	require.True(t, ok)
	assert.Equal(t, errcode.RecordsUnavailable, e.Code)
	assert.Contains(t, e.Message, "cannot create the folder of the organisation's database, "+blocker)
	assert.Contains(t, e.Message, "choose another place with records.database in settings.json")
	require.NoError(t, os.Remove(blocker))
	_, err = s.Count(t.Context(), "contact")
	assert.NoError(t, err, "the store heals once the cause is gone")
}

func TestNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "organization.db")
	require.NoError(t, os.WriteFile(path, []byte("this is not a database, it is a text file that is long enough to hold a header"), 0o600))
	_, err := OpenNow(t.Context(), Options{Path: path, Catalog: metadata.BuiltinCatalog()})
	e, ok := errors.AsType[*errcode.Error](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, errcode.RecordsUnavailable, e.Code)
	assert.Contains(t, e.Message, path)
}

// Two stores on one file are two hosts: each has its own *sql.DB, and
// they write at once.
func TestTwoHostsShareOneOrganisation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "organization.db")
	ctx := t.Context()
	// Both start at the same moment on a new file: the schema is made once.
	stores := make([]records.Store, 4)
	var wg sync.WaitGroup
	errs := make([]error, len(stores))
	for i := range stores {
		wg.Go(func() {
			s, err := OpenNow(ctx, Options{Path: path, Catalog: metadata.BuiltinCatalog()})
			stores[i], errs[i] = s, err
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "host %d", i)
		defer stores[i].Close()
	}
	const each = 25
	for i, s := range stores {
		wg.Go(func() {
			for j := range each {
				_, err := s.Create(ctx, "contact", records.Data{"lastname": fmt.Sprintf("H%d-%d", i, j), "telephone1": fmt.Sprintf("+1 206 555 %04d", i*100+j)})
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	for i, s := range stores {
		n, err := s.Count(ctx, "contact")
		require.NoError(t, err)
		assert.Equal(t, len(stores)*each, n, "host %d sees every host's records", i)
	}
	// One host's change is the other's next read.
	q, _ := odata.Parse("$filter=telephone1 eq '2065550207'")
	found, err := stores[0].Query(ctx, "contact", q)
	require.NoError(t, err)
	require.Len(t, found, 1)
	_, err = stores[1].Update(ctx, "contact", found[0].ID, records.Data{"firstname": "Seen"}, found[0].ETag())
	require.NoError(t, err)
	rec, err := stores[0].Retrieve(ctx, "contact", found[0].ID, nil)
	require.NoError(t, err)
	assert.Equal(t, "Seen H2-7", rec.Values["fullname"])
	_, err = stores[0].Update(ctx, "contact", found[0].ID, records.Data{"firstname": "Lost"}, found[0].ETag())
	e, _ := errors.AsType[*errcode.Error](err)
	require.NotNil(t, e)
	assert.Equal(t, errcode.RecordConflict, e.Code, "the other host's stale ETag is refused")
	var migrations int
	s, err := OpenNow(ctx, Options{Path: path, Catalog: metadata.BuiltinCatalog()})
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.RawDB().QueryRowContext(ctx, "SELECT COUNT(*) FROM cifbridge_migrations").Scan(&migrations))
	assert.Equal(t, 2, migrations, "each migration is applied once")
}

// childEnv tells the test binary, started again, to act as a second host.
const childEnv = "CIF_RECORDS_TEST_CHILD"

func TestTwoProcessesShareOneOrganisation(t *testing.T) {
	if path := os.Getenv(childEnv); path != "" {
		t.Skip("the parent runs this")
	}
	path := filepath.Join(t.TempDir(), "organization.db")
	ctx := t.Context()
	s, err := OpenNow(ctx, Options{Path: path, Catalog: metadata.BuiltinCatalog()})
	require.NoError(t, err)
	defer s.Close()
	const each = 40
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestChildHost$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+path, "CIF_RECORDS_TEST_COUNT="+strconv.Itoa(each))
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = cmd.Stdout
	require.NoError(t, cmd.Start())
	// The child says when it has opened the organisation; then both write.
	buf := make([]byte, 4096)
	var seen string
	for !strings.Contains(seen, "child ready") {
		n, err := out.Read(buf)
		require.NoError(t, err, "child said: %s", seen)
		seen += string(buf[:n])
	}
	for i := range each {
		_, err := s.Create(ctx, "contact", records.Data{"lastname": fmt.Sprintf("parent-%d", i)})
		require.NoError(t, err)
	}
	rest := make([]byte, 0)
	for {
		n, err := out.Read(buf)
		rest = append(rest, buf[:n]...)
		if err != nil {
			break
		}
	}
	require.NoError(t, cmd.Wait(), "child said: %s%s", seen, rest)
	n, err := s.Count(ctx, "contact")
	require.NoError(t, err)
	assert.Equal(t, 2*each, n)
}

// TestChildHost is the second process of TestTwoProcessesShareOneOrganisation.
func TestChildHost(t *testing.T) {
	path := os.Getenv(childEnv)
	if path == "" {
		t.Skip("started by TestTwoProcessesShareOneOrganisation only")
	}
	each, _ := strconv.Atoi(os.Getenv("CIF_RECORDS_TEST_COUNT"))
	s, err := OpenNow(context.Background(), Options{Path: path, Catalog: metadata.BuiltinCatalog()})
	require.NoError(t, err)
	defer s.Close()
	fmt.Println("child ready")
	for i := range each {
		_, err := s.Create(context.Background(), "contact", records.Data{"lastname": fmt.Sprintf("child-%d", i)})
		require.NoError(t, err)
	}
}

func TestAChangedAttributeTypeIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "organization.db")
	ctx := t.Context()
	v1, problems := metadata.Parse("entities.json", []byte(`{"attributes": {"contact": [{"logicalName": "new_level", "type": "Integer"}]}}`))
	require.Empty(t, problems)
	s, err := OpenNow(ctx, Options{Path: path, Catalog: v1})
	require.NoError(t, err)
	_, err = s.Create(ctx, "contact", records.Data{"lastname": "Lee", "new_level": 3})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	// A new attribute is added to the existing table, with the data kept.
	v2, problems := metadata.Parse("entities.json", []byte(`{"attributes": {"contact": [{"logicalName": "new_level", "type": "Integer"}, {"logicalName": "new_note", "type": "String"}]}}`))
	require.Empty(t, problems)
	s, err = OpenNow(ctx, Options{Path: path, Catalog: v2})
	require.NoError(t, err)
	found, err := s.Query(ctx, "contact", &odata.Query{})
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, int64(3), found[0].Values["new_level"])
	require.NoError(t, s.Close())
	v3, problems := metadata.Parse("entities.json", []byte(`{"attributes": {"contact": [{"logicalName": "new_level", "type": "String"}]}}`))
	require.Empty(t, problems)
	_, err = OpenNow(ctx, Options{Path: path, Catalog: v3})
	e, ok := errors.AsType[*errcode.Error](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, errcode.RecordsUnavailable, e.Code)
	assert.Contains(t, e.Message, "the entities make contact.new_level a citext column, but the organisation's database holds integer values there; give the attribute a new logical name in entities.json, or export the records, remove the database and import them")
}

func TestTheSampleOrganisation(t *testing.T) {
	ctx := t.Context()
	s := open(t, storeConfig())
	defer s.Close()
	stats, err := sample.Load(ctx, s)
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"account": sample.Accounts, "contact": sample.Contacts, "incident": sample.Cases,
		"phonecall": sample.PhoneCalls, "task": sample.Tasks}, stats.Created)
	_, err = sample.Load(ctx, s)
	coded(t, err, errcode.InvalidParams, "the organisation already has 30 account records; the sample goes into an empty organisation only: export yours first (cif-host records export), or point records.database in settings.json at a new file")
	// A sample contact is found by their number in another format.
	first := sample.Organization()[sample.Accounts]
	phone := first.Data["telephone1"].(string)
	q, _ := odata.Parse("$search=" + records.PhoneDigits(phone))
	found, err := s.Query(ctx, "contact", q)
	require.NoError(t, err)
	var ids []string
	for _, f := range found {
		ids = append(ids, f.ID)
	}
	assert.Contains(t, ids, first.Data["contactid"])
	assert.Equal(t, sample.Organization(), sample.Organization(), "the sample is the same every time")
}
