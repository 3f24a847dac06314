package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/odata"
	"github.com/cifbridge/cif-bridge/host/records/sample"
)

// BenchContacts is the organisation's size for the search benchmarks.
const BenchContacts = 100_000

// BenchHosts is how many hosts create records at once in Create50Hosts.
const BenchHosts = 50

// Backend opens a store's organisations for the benchmarks.
type Backend struct {
	// Populated returns a store holding BenchContacts contacts made by
	// Populate; backends make it once per process and share it, as the
	// search benchmarks only read.
	Populated func(b *testing.B) records.Store
	// Empty opens a new, empty organisation, and returns a function that
	// opens it again, as another host does, with its own connections.
	Empty func(b *testing.B) (records.Store, func() records.Store)
}

// Populate imports BenchContacts generated contacts into s.
func Populate(ctx context.Context, s records.Store) error {
	items := sample.ManyContacts(BenchContacts)
	for start := 0; start < len(items); start += 10_000 {
		if _, err := s.Import(ctx, items[start:min(start+10_000, len(items))]); err != nil {
			return err
		}
	}
	return nil
}

// Bench runs the record benchmarks on a backend: each a sub-benchmark, so
// that bench/run shows one backend beside the other.
func Bench(b *testing.B, be Backend) {
	b.Run("SearchByPhone", func(b *testing.B) { searchByPhone(b, be.Populated(b)) })
	b.Run("FilterByPhone", func(b *testing.B) { filterByPhone(b, be.Populated(b)) })
	b.Run("SearchByName", func(b *testing.B) { searchByName(b, be.Populated(b)) })
	b.Run("Create", func(b *testing.B) {
		s, _ := be.Empty(b)
		creates(b, []records.Store{s})
	})
	b.Run("Create50Hosts", func(b *testing.B) {
		_, again := be.Empty(b)
		hosts := make([]records.Store, BenchHosts)
		for i := range hosts {
			hosts[i] = again()
		}
		creates(b, hosts)
	})
}

// searchByPhone is a screen pop: searchAndOpenRecords by the caller's
// number, written differently from the stored one, over 100,000
// contacts. Each search finds exactly its contact.
func searchByPhone(b *testing.B, s records.Store) {
	queries := make([]*odata.Query, 1000)
	for i := range queries {
		k := i * (BenchContacts / len(queries))
		q, err := odata.Parse(fmt.Sprintf("$select=fullname,telephone1&$search=%s", records.PhoneDigits(sample.ContactPhone(k))))
		if err != nil {
			b.Fatal(err)
		}
		queries[i] = q
	}
	ctx := b.Context()
	i := 0
	for b.Loop() {
		found, err := s.Query(ctx, "contact", queries[i%len(queries)])
		if err != nil || len(found) != 1 {
			b.Fatalf("search %d: %d found, %v", i, len(found), err)
		}
		i++
	}
}

// filterByPhone is the same screen pop written as
// $filter=telephone1 eq '…'.
func filterByPhone(b *testing.B, s records.Store) {
	ctx := b.Context()
	q, err := odata.Parse("$select=fullname&$filter=telephone1 eq '" + sample.ContactPhone(4242) + "'")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if found, err := s.Query(ctx, "contact", q); err != nil || len(found) != 1 {
			b.Fatalf("%d found, %v", len(found), err)
		}
	}
}

// searchByName is a relevance search for two words, which reads every
// contact's searchable attributes.
func searchByName(b *testing.B, s records.Store) {
	ctx := b.Context()
	q, err := odata.Parse("$select=fullname&$search=ann lee&$top=10")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Query(ctx, "contact", q); err != nil {
			b.Fatal(err)
		}
	}
}

// creates is createRecord, one contact with a lookup in its own
// transaction, by every host at once: b.N creates in all, and ns/op the
// wall time over them (one host: a create's time; many: the inverse of
// their throughput, which creates/s reports).
func creates(b *testing.B, hosts []records.Store) {
	ctx := b.Context()
	acc, err := hosts[0].Create(ctx, "account", records.Data{"name": "Contoso"})
	if err != nil {
		b.Fatal(err)
	}
	bind := "/accounts(" + acc + ")"
	var next atomic.Int64
	var failed atomic.Value
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for _, h := range hosts {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				_, err := h.Create(ctx, "contact", records.Data{"firstname": "Ann", "lastname": fmt.Sprint("Lee ", i),
					"telephone1": sample.ContactPhone(int(i)), "parentcustomerid_account@odata.bind": bind})
				if err != nil {
					failed.Store(err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err, ok := failed.Load().(error); ok {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "creates/s")
}
