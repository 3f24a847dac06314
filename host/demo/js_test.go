package demo

import (
	"os"
	"os/exec"
	"testing"
)

// TestJavaScript runs the demo's script tests with Node's built-in test
// runner (no npm install). Without Node they skip loudly, and fail under
// CIF_E2E=require, as the extension's do.
func TestJavaScript(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		msg := "Node.js is not installed: the demo's JavaScript tests did NOT run; install Node.js 20 or later"
		if os.Getenv("CIF_E2E") == "require" {
			t.Fatal(msg + " — CIF_E2E=require")
		}
		t.Skip("SKIPPED: " + msg)
	}
	out, err := exec.Command(node, "--test", "--test-reporter=spec", "format.test.js", "screenpop.test.js").CombinedOutput()
	if err != nil {
		t.Fatalf("node --test failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
