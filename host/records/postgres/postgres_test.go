package postgres

import (
	"errors"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/postgres/pgtest"
	"github.com/cifbridge/cif-bridge/host/records/storetest"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

func TestMain(m *testing.M) {
	code := pgtest.Main(m)
	removeBench()
	os.Exit(code)
}

// open opens a new, empty organisation: a database of its own in the
// test cluster.
func open(t *testing.T, c storetest.Config) records.Store {
	t.Helper()
	s, err := OpenNow(t.Context(), Options{URL: pgtest.Database(t), Password: pgtest.Password, Catalog: c.Catalog, Now: c.Now, NewID: c.NewID})
	require.NoError(t, err)
	return s
}

func TestStoreSuite(t *testing.T) { storetest.Run(t, open) }

// Hosts starting at the same moment on a new database: the advisory lock
// makes them migrate one after the other, each migration applied once.
func TestHostsStartingAtOnceMigrateOnce(t *testing.T) {
	url := pgtest.Database(t)
	stores := make([]*Store, 4)
	errs := make([]error, len(stores))
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() {
			stores[i], errs[i] = OpenNow(t.Context(), Options{URL: url, Password: pgtest.Password, Catalog: metadata.BuiltinCatalog()})
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "host %d", i)
		defer stores[i].Close()
	}
	var versions []int
	rows, err := stores[0].RawDB().QueryContext(t.Context(), "SELECT version FROM cifbridge_migrations ORDER BY version")
	require.NoError(t, err)
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&v))
		versions = append(versions, v)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []int{1, 2}, versions)
	// Every host writes; versions never repeat.
	seen := map[int64]bool{}
	var mu sync.Mutex
	for _, s := range stores {
		wg.Go(func() {
			for range 10 {
				id, err := s.Create(t.Context(), "contact", records.Data{"lastname": "Lee"})
				if !assert.NoError(t, err) {
					return
				}
				rec, err := s.Retrieve(t.Context(), "contact", id, nil)
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				assert.False(t, seen[rec.Version], "version %d given twice", rec.Version)
				seen[rec.Version] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Len(t, seen, 40)
}

func TestAPasswordRefusedSaysWhatToDo(t *testing.T) {
	_, err := OpenNow(t.Context(), Options{URL: pgtest.Database(t), Password: "not it", Catalog: metadata.BuiltinCatalog()})
	e, ok := errors.AsType[*errcode.Error](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, errcode.RecordsUnavailable, e.Code)
	assert.Contains(t, e.Message, "the server refused the login: check the user in records.database and the password in records.passwordFile")
	assert.NotContains(t, e.Message, "not it")
}
