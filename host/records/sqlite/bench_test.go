package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/odata"
	"github.com/cifbridge/cif-bridge/host/records/sample"
	"github.com/cifbridge/cif-bridge/host/records/sqlstore"
)

// benchContacts is the organisation's size for the search benchmarks.
const benchContacts = 100_000

// organisation opens a new file with n generated contacts.
func organisation(b *testing.B, n int) *sqlstore.Store {
	b.Helper()
	s, err := OpenNow(b.Context(), Options{Path: filepath.Join(b.TempDir(), "organization.db"), Catalog: metadata.BuiltinCatalog()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	items := sample.ManyContacts(n)
	for start := 0; start < n; start += 10_000 {
		if _, err := s.Import(b.Context(), items[start:min(start+10_000, n)]); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkSearchByPhone is a screen pop: searchAndOpenRecords by the
// caller's number, written differently from the stored one, over 100,000
// contacts. Each search finds exactly its contact.
func BenchmarkSearchByPhone(b *testing.B) {
	s := organisation(b, benchContacts)
	queries := make([]*odata.Query, 1000)
	for i := range queries {
		k := i * (benchContacts / len(queries))
		q, err := odata.Parse(fmt.Sprintf("$select=fullname,telephone1&$search=%s", records.PhoneDigits(sample.ContactPhone(k))))
		if err != nil {
			b.Fatal(err)
		}
		queries[i] = q
	}
	ctx := b.Context()
	i := 0
	b.ResetTimer()
	for b.Loop() {
		found, err := s.Query(ctx, "contact", queries[i%len(queries)])
		if err != nil || len(found) != 1 {
			b.Fatalf("search %d: %d found, %v", i, len(found), err)
		}
		i++
	}
}

// BenchmarkFilterByPhone is the same screen pop written as
// $filter=telephone1 eq '…'.
func BenchmarkFilterByPhone(b *testing.B) {
	s := organisation(b, benchContacts)
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

// BenchmarkSearchByName is a relevance search for two words, which reads
// every contact's searchable attributes.
func BenchmarkSearchByName(b *testing.B) {
	s := organisation(b, benchContacts)
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

// BenchmarkCreate is createRecord: one contact with a lookup, its own
// transaction.
func BenchmarkCreate(b *testing.B) {
	s := organisation(b, 0)
	ctx := b.Context()
	acc, err := s.Create(ctx, "account", records.Data{"name": "Contoso"})
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		_, err := s.Create(ctx, "contact", records.Data{"firstname": "Ann", "lastname": fmt.Sprint("Lee ", i),
			"telephone1": sample.ContactPhone(i), "parentcustomerid_account@odata.bind": "/accounts(" + acc + ")"})
		if err != nil {
			b.Fatal(err)
		}
		i++
	}
}
