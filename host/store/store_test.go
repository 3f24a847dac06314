package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
