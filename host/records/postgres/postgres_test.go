package postgres

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/postgres/pgtest"
	"github.com/cifbridge/cif-bridge/host/records/storetest"
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
