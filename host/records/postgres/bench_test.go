package postgres

import (
	"sync"
	"testing"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/postgres/pgtest"
	"github.com/cifbridge/cif-bridge/host/records/storetest"
)

// bench is the benchmarks' durable cluster (fsync on, as a real server
// runs) and its 100,000-contact organisation, made once per test process
// (the search benchmarks only read it); TestMain removes them.
var bench struct {
	once, populate sync.Once
	cluster        *pgtest.Cluster
	populated      records.Store
	err            error
}

func benchCluster(b *testing.B) *pgtest.Cluster {
	bench.once.Do(func() {
		bench.cluster, bench.err = pgtest.New(pgtest.Options{Durable: true, MaxConnections: 2*storetest.BenchHosts + 20})
	})
	if bench.err != nil {
		pgtest.Require(b) // skips loudly, or fails under CIF_E2E=require
		b.Fatal(bench.err)
	}
	return bench.cluster
}

func benchPopulated(b *testing.B) records.Store {
	c := benchCluster(b)
	bench.populate.Do(func() {
		var s *Store
		s, bench.err = OpenNow(b.Context(), Options{URL: benchDatabase(b, c), Password: pgtest.Password, Catalog: metadata.BuiltinCatalog()})
		if bench.err != nil {
			return
		}
		bench.populated = s
		if bench.err = storetest.Populate(b.Context(), s); bench.err != nil {
			return
		}
		// As autovacuum would soon: the planner's statistics.
		_, bench.err = s.Pool().Exec(b.Context(), "ANALYZE")
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.populated
}

func benchDatabase(b *testing.B, c *pgtest.Cluster) string {
	name, err := c.NewDatabase(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	return c.URL("agent", name)
}

// removeBench stops and removes the benchmarks' cluster.
func removeBench() {
	if bench.populated != nil {
		bench.populated.Close()
	}
	if bench.cluster != nil {
		bench.cluster.Remove()
	}
}

// BenchmarkRecords runs the record benchmarks on PostgreSQL, as
// host/records/sqlite runs them on the embedded organisation.
func BenchmarkRecords(b *testing.B) {
	b.Run("PostgreSQL", func(b *testing.B) {
		storetest.Bench(b, storetest.Backend{
			Populated: benchPopulated,
			Empty: func(b *testing.B) (records.Store, func() records.Store) {
				url := benchDatabase(b, benchCluster(b))
				open := func() records.Store {
					s, err := OpenNow(b.Context(), Options{URL: url, Password: pgtest.Password, Catalog: metadata.BuiltinCatalog(), MaxConns: 2})
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
