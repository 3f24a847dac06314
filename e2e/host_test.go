package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// hostBinary is the cif-host built for this test run.
var hostBinary string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "cif-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	hostBinary = filepath.Join(dir, "cif-host")
	build := exec.Command("go", "build", "-o", hostBinary, "../host")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build cif-host:", err)
		return 1
	}
	return m.Run()
}

// requireBrowsers reports whether a missing browser must fail the run.
func requireBrowsers() bool { return os.Getenv("CIF_E2E") == "require" }

// findBrowser returns the first of the programs that exists, or skips the
// test (fails it under CIF_E2E=require).
func findBrowser(t *testing.T, name string, candidates ...string) string {
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
