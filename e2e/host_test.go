package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/cifbridge/cif-bridge/internal/hosttest"
)

func TestMain(m *testing.M) {
	code := hosttest.Main(m)
	removeStorePackages()
	os.Exit(code)
}

// requireBrowsers reports whether a missing browser must fail the run.
func requireBrowsers() bool { return os.Getenv("CIF_E2E") == "require" }

// findBrowser returns the first of the programs that exists, or skips the
// test (fails it under CIF_E2E=require).
func findBrowser(t testing.TB, name string, candidates ...string) string {
	t.Helper()
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("%s is not installed (looked for %v): its end-to-end tests did NOT run; install it (apt-get install chromium firefox-esr)", name, candidates)
	if requireBrowsers() {
		t.Fatal(msg + " — CIF_E2E=require")
	}
	t.Skip("SKIPPED: " + msg)
	return ""
}
