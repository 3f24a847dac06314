package templates

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The complete example in docs/templates.md must load without a problem.
func TestTheDocumentedExampleIsValid(t *testing.T) {
	doc, err := os.ReadFile("../../docs/templates.md")
	require.NoError(t, err)
	_, rest, found := strings.Cut(string(doc), "## A complete example")
	require.True(t, found, "docs/templates.md has lost its complete example")
	_, rest, _ = strings.Cut(rest, "```json\n")
	example, _, found := strings.Cut(rest, "```")
	require.True(t, found)

	c, problems := Load(writeFile(t, example))
	assert.Empty(t, problems)
	_, ok := c.Session("contoso_call")
	assert.True(t, ok)
	n, ok := c.Notification("contoso_incoming_call")
	assert.True(t, ok)
	assert.Equal(t, "Call from Contoso", n.Resolve(map[string]any{"customer": "Contoso"}).Title)
}
