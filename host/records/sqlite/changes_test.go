package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
)

// Two hosts on one file: one's changes reach the other's subscribers
// through the change log.
func TestChangesReachTheOtherHosts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "organization.db")
	ctx := t.Context()
	a := Open(Options{Path: path, Catalog: metadata.BuiltinCatalog(), Poll: 10 * time.Millisecond})
	b := Open(Options{Path: path, Catalog: metadata.BuiltinCatalog(), Poll: 10 * time.Millisecond})
	defer a.Close()
	defer b.Close()
	var mu sync.Mutex
	var heard []records.Changed
	more := make(chan struct{}, 1)
	defer b.Subscribe(func(cs []records.Changed) {
		mu.Lock()
		heard = append(heard, cs...)
		mu.Unlock()
		select {
		case more <- struct{}{}:
		default:
		}
	})()
	_, err := b.Count(ctx, "contact") // b opens, and listens
	require.NoError(t, err)
	wait := func(n int) []records.Changed {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			mu.Lock()
			got := append([]records.Changed(nil), heard...)
			mu.Unlock()
			if len(got) >= n {
				return got
			}
			select {
			case <-more:
			case <-deadline:
				t.Fatalf("heard %d changes of %d within 10 s: %+v", len(got), n, got)
			}
		}
	}

	acc, err := a.Create(ctx, "account", records.Data{"name": "Contoso"})
	require.NoError(t, err)
	c, err := a.Create(ctx, "contact", records.Data{"lastname": "Lee", "parentcustomerid_account@odata.bind": "/accounts(" + acc + ")"})
	require.NoError(t, err)
	require.NoError(t, a.Delete(ctx, "account", acc))
	got := wait(4)
	require.Len(t, got, 4)
	assert.Equal(t, "account", got[0].Entity)
	assert.Equal(t, acc, got[0].ID)
	assert.Equal(t, records.Changed{Entity: "contact", ID: c, Version: got[1].Version + 1}, got[2], "the delete cleared the contact's lookup: a change of the contact")
	assert.Equal(t, records.Changed{Entity: "account", ID: acc, Deleted: true}, got[3])

	// An import of many records is one change per entity.
	var items []records.Item
	for i := range records.MaxChangesEach + 1 {
		items = append(items, records.Item{Entity: "contact", Data: records.Data{"lastname": fmt.Sprint("L", i)}})
	}
	_, err = a.Import(context.Background(), items)
	require.NoError(t, err)
	got = wait(5)
	assert.Equal(t, records.Changed{Entity: "contact"}, got[4])
}
