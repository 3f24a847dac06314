package sqlite

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if populated.store != nil {
		populated.store.Close()
		os.RemoveAll(populated.dir)
	}
	os.Exit(code)
}

// populated is the benchmarks' 100,000-contact organisation, made once
// per test process (the search benchmarks only read it); TestMain removes
// it.
var populated struct {
	once  sync.Once
	dir   string
	store records.Store
	err   error
}

// BenchmarkRecords runs the record benchmarks on the embedded
// organisation; host/records/postgres runs the same on PostgreSQL.
func BenchmarkRecords(b *testing.B) {
	b.Run("SQLite", func(b *testing.B) {
		storetest.Bench(b, storetest.Backend{
			Populated: func(b *testing.B) records.Store {
				populated.once.Do(func() {
					dir, err := os.MkdirTemp("", "cif-bench-")
					if err != nil {
						populated.err = err
						return
					}
					populated.dir = dir
					s, err := OpenNow(b.Context(), Options{Path: filepath.Join(populated.dir, "organization.db"), Catalog: metadata.BuiltinCatalog()})
					if err == nil {
						err = storetest.Populate(b.Context(), s)
					}
					populated.store, populated.err = s, err
				})
				if populated.err != nil {
					b.Fatal(populated.err)
				}
				return populated.store
			},
			Empty: func(b *testing.B) (records.Store, func() records.Store) {
				path := filepath.Join(b.TempDir(), "organization.db")
				open := func() records.Store {
					s, err := OpenNow(b.Context(), Options{Path: path, Catalog: metadata.BuiltinCatalog(), MaxConns: 2})
					if err != nil {
						b.Fatal(err)
					}
					b.Cleanup(func() { s.Close() })
					return s
				}
				return open(), open
			},
		})
	})
}
