package extension_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/release"
)

// devTool finds one of the extension's npm dev dependencies (package.json),
// which `npm ci` in extension/ installs. Without it the test skips loudly,
// and fails under CIF_E2E=require, as CI runs.
func devTool(t *testing.T, name string) string {
	t.Helper()
	msg := ""
	if _, err := exec.LookPath("node"); err != nil {
		msg = "Node.js is not installed: install Node.js 20 or later, then run `npm ci` in extension/"
	} else if _, err := os.Stat(filepath.Join("node_modules", ".bin", name)); err != nil {
		msg = "extension/node_modules/.bin/" + name + " is missing: run `npm ci` in extension/"
	}
	if msg == "" {
		abs, err := filepath.Abs(filepath.Join("node_modules", ".bin", name))
		require.NoError(t, err)
		return abs
	}
	msg = name + " did NOT run. " + msg
	if os.Getenv("CIF_E2E") == "require" {
		t.Fatal(msg + " — CIF_E2E=require")
	}
	t.Skip("SKIPPED: " + msg)
	return ""
}

// lintMessage is one finding of addons-linter's JSON output.
type lintMessage struct {
	Code        string `json:"code"`
	Message     string `json:"message"`
	Description any    `json:"description"`
	File        string `json:"file"`
	Line        int    `json:"line"`
}

func (m lintMessage) String() string {
	return fmt.Sprintf("%s %s:%d: %s (%v)", m.Code, m.File, m.Line, m.Message, m.Description)
}

// TestAddonsLinter runs Mozilla's addons-linter, which addons.mozilla.org
// runs on every upload, on the xpi a release holds: it must find no error
// and no warning. Notices are logged.
func TestAddonsLinter(t *testing.T) {
	linter := devTool(t, "addons-linter")
	xpi := filepath.Join(t.TempDir(), "cif-bridge-firefox.xpi")
	_, err := release.PackExtension(xpi, release.FirefoxStore, time.Now())
	require.NoError(t, err)
	out, err := exec.Command(linter, "--output", "json", "--boring", xpi).Output()
	var report struct {
		Errors, Warnings, Notices []lintMessage
	}
	require.NoError(t, json.Unmarshal(out, &report), "addons-linter's output is not its JSON report (exit: %v):\n%s", err, out)
	for _, n := range report.Notices {
		t.Logf("notice: %s", n)
	}
	var found []string
	for _, m := range append(report.Errors, report.Warnings...) {
		found = append(found, m.String())
	}
	if len(found) > 0 {
		t.Fatalf("addons-linter found %d errors and %d warnings in the xpi; AMO would show them on upload:\n%s",
			len(report.Errors), len(report.Warnings), strings.Join(found, "\n"))
	}
}

// TestTypes checks the JSDoc types of the extension's code with
// TypeScript (tsc --checkJs, strict; see jsconfig.json). TypeScript is a
// dev dependency: nothing of it is shipped.
func TestTypes(t *testing.T) {
	tsc := devTool(t, "tsc")
	out, err := exec.Command(tsc, "-p", "jsconfig.json").CombinedOutput()
	if err != nil {
		t.Fatalf("tsc --checkJs found type errors (%v); fix the code or its JSDoc:\n%s", err, out)
	}
}
