package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/storetest"
)

// open opens a fresh organisation file in the test's folder.
func open(t *testing.T, c storetest.Config) records.Store {
	t.Helper()
	s, err := OpenNow(t.Context(), Options{Path: filepath.Join(t.TempDir(), "organization.db"), Catalog: c.Catalog, Now: c.Now, NewID: c.NewID})
	require.NoError(t, err)
	return s
}

func TestStoreSuite(t *testing.T) { storetest.Run(t, open) }

func storeConfig() storetest.Config { return storetest.Config{Catalog: metadata.BuiltinCatalog()} }
