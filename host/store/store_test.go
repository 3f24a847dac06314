package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidProfile(t *testing.T) {
	for _, ok := range []string{"a", "0c6f-AB_9", string(make64('x'))} {
		assert.True(t, ValidProfile(ok), ok)
	}
	for _, bad := range []string{"", "../x", "..", "a/b", `a\b`, "a.json", "a b", "é", string(make64('x')) + "x", "x\x00"} {
		assert.False(t, ValidProfile(bad), "%q", bad)
	}
}

func make64(c byte) []byte {
	b := make([]byte, 64)
	for i := range b {
		b[i] = c
	}
	return b
}

func TestOpenRefusesAPathTrick(t *testing.T) {
	_, err := Open(t.TempDir(), "../x")
	assert.EqualError(t, err, `profile id "../x" is not 1 to 64 letters, digits, '-' or '_'`)
}

func TestOpenCreatesTheFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "profiles")
	f, err := Open(dir, "p1")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "p1.json"), f.Path())
	st, err := os.Stat(dir)
	require.NoError(t, err)
	assert.True(t, st.IsDir())
}

func TestLoadOfAMissingFileIsNothing(t *testing.T) {
	f, err := Open(t.TempDir(), "p1")
	require.NoError(t, err)
	data, err := f.Load()
	require.NoError(t, err)
	assert.Nil(t, data)
}

func TestSaveReplacesAtomicallyAndLeavesNoTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	f, err := Open(dir, "p1")
	require.NoError(t, err)
	require.NoError(t, f.Lock(0))
	defer f.Close()

	require.NoError(t, f.Save([]byte(`{"v":1}`)))
	require.NoError(t, f.Save([]byte(`{"v":2}`)))
	data, err := f.Load()
	require.NoError(t, err)
	assert.Equal(t, `{"v":2}`, string(data))

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"p1.json", "p1.json.lock"}, names)
}

func TestSaveReportsAFolderItCannotWrite(t *testing.T) {
	dir := t.TempDir()
	f, err := Open(dir, "p1")
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(dir))
	err = f.Save([]byte("x"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "create temporary state file:")
}

func TestQuarantineMovesTheFileAside(t *testing.T) {
	dir := t.TempDir()
	f, err := Open(dir, "p1")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(f.Path(), []byte("garbage"), 0o600))

	at := time.Date(2025, 3, 4, 5, 6, 7, 8, time.UTC)
	aside, err := f.Quarantine(at)
	require.NoError(t, err)
	assert.Equal(t, f.Path()+".broken-20250304T050607.000000008Z", aside)
	kept, err := os.ReadFile(aside)
	require.NoError(t, err)
	assert.Equal(t, "garbage", string(kept), "kept for inspection")
	data, err := f.Load()
	require.NoError(t, err)
	assert.Nil(t, data, "the profile starts empty")

	_, err = f.Quarantine(at)
	assert.ErrorContains(t, err, "move unreadable state aside:")
}

func TestLockIsExclusiveUntilClosed(t *testing.T) {
	dir := t.TempDir()
	first, err := Open(dir, "p1")
	require.NoError(t, err)
	require.NoError(t, first.Lock(0))

	second, err := Open(dir, "p1")
	require.NoError(t, err)
	assert.ErrorIs(t, second.Lock(50*time.Millisecond), ErrBusy, "held by another holder for the whole wait")

	other, err := Open(dir, "p2")
	require.NoError(t, err)
	require.NoError(t, other.Lock(0), "another profile is another lock")
	require.NoError(t, other.Close())

	require.NoError(t, first.Close())
	require.NoError(t, first.Close(), "closing twice is harmless")
	require.NoError(t, second.Lock(0), "free once the holder lets go")
	require.NoError(t, second.Close())
}

func TestLockWaitsForAHolderThatLetsGo(t *testing.T) {
	dir := t.TempDir()
	first, err := Open(dir, "p1")
	require.NoError(t, err)
	require.NoError(t, first.Lock(0))

	second, err := Open(dir, "p1")
	require.NoError(t, err)
	locked := make(chan error)
	go func() { locked <- second.Lock(time.Minute) }()
	require.NoError(t, first.Close())
	require.NoError(t, <-locked, "the waiter gets the lock once it is free")
	require.NoError(t, second.Close())
}

func TestLockRemovesWhatAKilledSaveLeftBehind(t *testing.T) {
	dir := t.TempDir()
	f, err := Open(dir, "p1")
	require.NoError(t, err)
	leftover := filepath.Join(dir, ".p1.json.tmp-123")
	other := filepath.Join(dir, ".p2.json.tmp-456") // another profile's: not ours to touch
	for _, name := range []string{leftover, other} {
		require.NoError(t, os.WriteFile(name, []byte(`{"format":1,`), 0o600))
	}
	require.NoError(t, f.Save([]byte(`{"format":1}`)))

	require.NoError(t, f.Lock(time.Second))
	defer f.Close()
	assert.NoFileExists(t, leftover)
	assert.FileExists(t, other)
	data, err := f.Load()
	require.NoError(t, err)
	assert.Equal(t, `{"format":1}`, string(data))
}
