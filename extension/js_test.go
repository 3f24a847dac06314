package extension

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// node finds Node.js, which runs the extension's JavaScript tests. Without
// it they skip loudly, and fail under CIF_E2E=require.
func node(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("node")
	if err == nil {
		return p
	}
	msg := "Node.js is not installed: the extension's JavaScript tests did NOT run; install Node.js 20 or later"
	if os.Getenv("CIF_E2E") == "require" {
		t.Fatal(msg + " — CIF_E2E=require")
	}
	t.Skip("SKIPPED: " + msg)
	return ""
}

// TestJavaScript runs the extension's unit tests with Node's built-in
// test runner (no npm install).
func TestJavaScript(t *testing.T) {
	cmd := exec.Command(node(t), "--test", "--test-reporter=spec", "test/")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestManifest checks what Go code reads from the manifest.
func TestManifest(t *testing.T) {
	m, err := ReadManifest()
	require.NoError(t, err)
	assert.Regexp(t, `^\d+\.\d+\.\d+$`, m.Version)
	assert.Equal(t, "cif-bridge@cifbridge.org", m.BrowserSpecificSetting.Gecko.ID)
	assert.NotEmpty(t, m.Key)
	assert.Equal(t, "CIF Bridge", m.Name, "the name in the default locale's words")
	assert.Contains(t, m.Description, "Microsoft.CIFramework")
	assert.LessOrEqual(t, len(m.Description), 132, "the Chrome Web Store's limit")
}
