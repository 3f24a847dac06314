package store

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func lockedFile(t *testing.T) *File {
	f, err := Open(t.TempDir(), "p1")
	require.NoError(t, err)
	require.NoError(t, f.Lock(0))
	t.Cleanup(func() { f.Close() })
	return f
}

func records(t *testing.T, f *File) ([]string, bool) {
	t.Helper()
	got, damaged, err := f.Journal()
	require.NoError(t, err)
	out := []string{}
	for _, r := range got {
		out = append(out, string(r))
	}
	return out, damaged
}

func TestTheJournalKeepsRecordsInOrderAcrossOpens(t *testing.T) {
	f := lockedFile(t)
	got, damaged := records(t, f)
	assert.Empty(t, got)
	assert.False(t, damaged)
	require.NoError(t, f.Append([][]byte{[]byte(`{"v":1}`), []byte(`{"v":2}`)}))
	require.NoError(t, f.Append([][]byte{[]byte(`{"v":3}`)}))
	require.NoError(t, f.Close())

	again, err := Open(t.TempDir(), "p1")
	require.NoError(t, err)
	again.path = f.path
	got, damaged = records(t, again)
	assert.Equal(t, []string{`{"v":1}`, `{"v":2}`, `{"v":3}`}, got)
	assert.False(t, damaged)
	assert.Equal(t, int64(3*(9+7+1)), again.JournalSize())
}

func TestATornOrDamagedRecordEndsTheJournalAndTheNextAppendCutsItOff(t *testing.T) {
	for name, tail := range map[string]string{
		"torn":      "1234abcd {\"v\":",
		"bad check": "00000000 {\"v\":9}\n",
		"no check":  "{\"v\":9}\n",
	} {
		t.Run(name, func(t *testing.T) {
			f := lockedFile(t)
			require.NoError(t, f.Append([][]byte{[]byte(`{"v":1}`)}))
			// Where a crash leaves it: right after the last record, in
			// the journal's zeroed space.
			j, err := os.OpenFile(journalPath(f.path), os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = j.WriteAt([]byte(tail), f.JournalSize())
			require.NoError(t, err)
			require.NoError(t, j.Close())

			got, damaged := records(t, f)
			assert.Equal(t, []string{`{"v":1}`}, got)
			assert.True(t, damaged)
			require.NoError(t, f.Append([][]byte{[]byte(`{"v":2}`)}))
			got, damaged = records(t, f)
			assert.Equal(t, []string{`{"v":1}`, `{"v":2}`}, got)
			assert.False(t, damaged, "the damaged tail is gone")
		})
	}
}

func TestTheJournalGrowsInZeroedChunksAheadOfItsRecords(t *testing.T) {
	f := lockedFile(t)
	record := bytes.Repeat([]byte("r"), 1000)
	var want []string
	for len(want)*len(record) < 2*journalChunk+journalChunk/2 {
		require.NoError(t, f.Append([][]byte{record}))
		want = append(want, string(record))
		st, err := os.Stat(journalPath(f.path))
		require.NoError(t, err)
		require.Zero(t, st.Size()%journalChunk, "the journal grows a chunk at a time")
		require.GreaterOrEqual(t, st.Size(), f.JournalSize())
	}
	data, err := os.ReadFile(journalPath(f.path))
	require.NoError(t, err)
	assert.Empty(t, bytes.Trim(data[f.JournalSize():], "\x00"), "zeros after the records")
	require.NoError(t, f.Close())

	again := lockedFile(t)
	again.path = f.path
	got, damaged := records(t, again)
	assert.Equal(t, want, got)
	assert.False(t, damaged, "zeros after the records are the journal's clean end")
}

func TestAJournalWrittenBeforeItWasReadIsCutOffByTheFirstAppend(t *testing.T) {
	f := lockedFile(t)
	require.NoError(t, os.WriteFile(journalPath(f.path), []byte("00000000 left over\n"), 0o600))
	require.NoError(t, f.Append([][]byte{[]byte(`{"v":1}`)}))
	got, damaged := records(t, f)
	assert.Equal(t, []string{`{"v":1}`}, got)
	assert.False(t, damaged)
}

func TestCompactReplacesTheSnapshotAndEmptiesTheJournal(t *testing.T) {
	f := lockedFile(t)
	require.NoError(t, f.Append([][]byte{[]byte(`{"v":1}`)}))
	require.NoError(t, f.Compact([]byte(`snapshot`)))
	data, err := f.Load()
	require.NoError(t, err)
	assert.Equal(t, "snapshot", string(data))
	got, _ := records(t, f)
	assert.Empty(t, got)
	assert.Zero(t, f.JournalSize())
	require.NoError(t, f.Append([][]byte{[]byte(`{"v":2}`)}))
	got, damaged := records(t, f)
	assert.Equal(t, []string{`{"v":2}`}, got)
	assert.False(t, damaged)
}

func TestARecordWithANewlineIsRefused(t *testing.T) {
	f := lockedFile(t)
	assert.EqualError(t, f.Append([][]byte{[]byte("a\nb")}), "append to journal: a record holds a newline")
}

func TestQuarantineMovesTheJournalToo(t *testing.T) {
	f := lockedFile(t)
	require.NoError(t, f.Save([]byte("x")))
	require.NoError(t, f.Append([][]byte{[]byte(`{"v":1}`)}))
	aside, err := f.Quarantine(time.Date(2025, 3, 4, 5, 6, 7, 8, time.UTC))
	require.NoError(t, err)
	_, err = os.Stat(journalPath(aside))
	require.NoError(t, err)
	got, _ := records(t, f)
	assert.Empty(t, got)
}
