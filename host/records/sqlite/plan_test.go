package sqlite

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/odata"
	"github.com/cifbridge/cif-bridge/host/records/sample"
)

// A screen pop must be an index lookup whatever the organisation's size:
// the plan of each search SQLite runs says so.
func TestScreenPopsUseTheDigitsIndex(t *testing.T) {
	var mu sync.Mutex
	var last string
	var lastArgs []any
	s, err := OpenNow(t.Context(), Options{Path: filepath.Join(t.TempDir(), "organization.db"), Catalog: metadata.BuiltinCatalog(),
		Trace: func(q string, args []any) { mu.Lock(); last, lastArgs = q, args; mu.Unlock() }})
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Import(t.Context(), sample.ManyContacts(3000))
	require.NoError(t, err)
	phone := records.PhoneDigits(sample.ContactPhone(1234))
	for _, q := range []string{
		"$select=fullname,telephone1&$search=" + phone,
		"$search=" + phone + "&$orderby=lastname",
		"$select=fullname&$filter=telephone1 eq '" + phone + "'",
		"$filter=telephone1 eq '" + phone + "' or mobilephone eq '" + phone + "'",
	} {
		pq, err := odata.Parse(q)
		require.NoError(t, err)
		found, err := s.Query(t.Context(), "contact", pq)
		require.NoError(t, err)
		require.Len(t, found, 1, q)
		rows, err := s.RawDB().QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+last, lastArgs...)
		require.NoError(t, err)
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &notused, &detail))
			plan = append(plan, detail)
		}
		rows.Close()
		joined := strings.Join(plan, " | ")
		assert.Contains(t, joined, "__rdigits", "%s: %s", q, joined)
		assert.NotContains(t, joined, "SCAN r", "%s reads the whole table: %s", q, joined)
	}
}
