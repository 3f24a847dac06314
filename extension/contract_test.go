package extension_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/internal/contract"
)

// TestGeneratedContractIsCurrent fails when a file generated from the Go
// definitions (the error codes, the methods, the events, the protocol
// version) was not generated again after they changed.
func TestGeneratedContractIsCurrent(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "protocol.md"))
	require.NoError(t, err)
	files, err := contract.Files(doc)
	require.NoError(t, err)
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join("..", f.Path))
		require.NoError(t, err)
		assert.Equal(t, string(f.Content), string(got), "%s is stale: run `go generate ./extension`", f.Path)
	}
}
