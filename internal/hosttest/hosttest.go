// Package hosttest is the one test kit for cif-host: it builds the real
// binary once per test process and starts it with its folders in a
// temporary directory (Proc), speaks framed JSON-RPC to it or to a server
// in the test's own process as a browser would (Conn), and builds the
// params the extension sends (As, View).
package hosttest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/session"
	"github.com/cifbridge/cif-bridge/host/store"
	"github.com/stretchr/testify/require"
)

// Main builds cif-host (with the race detector when the tests have it),
// runs the tests and removes the build; call it from TestMain. Binary then
// returns the build's path.
func Main(m *testing.M) int {
	dir, err := os.MkdirTemp("", "cif-host-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "cif-host")
	args := []string{"build", "-o", path}
	if race {
		args = append(args, "-race")
		// Otherwise a race build sleeps a second before it exits. Set here,
		// before any test runs, it reaches every host the tests start,
		// through a browser too.
		os.Setenv("GORACE", strings.TrimSpace("atexit_sleep_ms=0 "+os.Getenv("GORACE")))
	}
	build := exec.Command("go", append(args, "github.com/cifbridge/cif-bridge/host")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build cif-host:", err)
		return 1
	}
	binaryPath = path
	return m.Run()
}

// binaryPath is the build Main made; it is set once, before any test runs.
var binaryPath string

// Binary is the cif-host built by Main.
func Binary(t testing.TB) string {
	t.Helper()
	p := binaryPath
	if p == "" {
		t.Fatal("hosttest.Binary: call hosttest.Main from TestMain first")
	}
	return p
}

// Dirs are a test host's folders: $XDG_CONFIG_HOME and $XDG_STATE_HOME.
type Dirs struct{ Config, State string }

// NewDirs makes a fresh pair of folders.
func NewDirs(t testing.TB) Dirs {
	root := t.TempDir()
	return Dirs{Config: filepath.Join(root, "config"), State: filepath.Join(root, "state")}
}

// Env is the environment that points cif-host at these folders.
func (d Dirs) Env() []string {
	return []string{"XDG_CONFIG_HOME=" + d.Config, "XDG_STATE_HOME=" + d.State}
}

// Host returns the folders as cif-host resolves them from Env.
func (d Dirs) Host(t testing.TB) config.Dirs {
	t.Helper()
	env := map[string]string{}
	for _, kv := range d.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	dirs, err := config.Resolve(config.Env{Getenv: func(k string) string { return env[k] }, Home: "/nonexistent", GOOS: runtime.GOOS})
	require.NoError(t, err)
	return dirs
}

// App returns a file inside the host's config folder, such as
// templates.json.
func (d Dirs) App(t testing.TB, name string) string {
	return filepath.Join(d.Host(t).Config, name)
}

// StateFile is where a profile's sessions are saved.
func (d Dirs) StateFile(t testing.TB, profile string) string {
	return filepath.Join(d.Host(t).ProfilesDir(), profile+".json")
}

// Command runs cif-host to completion with args (a subcommand such as
// install or doctor) and env added to this process's environment, and
// returns what it printed and its exit code. It fails the test if
// cif-host runs for more than a minute.
func Command(t testing.TB, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, Binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("run cif-host %v: %v; stderr:\n%s", args, err, errOut.String())
	}
	require.NoError(t, ctx.Err(), "cif-host %v ran for more than a minute", args)
	return out.String(), errOut.String(), cmd.ProcessState.ExitCode()
}

// LoadState reads a profile's saved sessions as the next host would, with
// no host running: its snapshot and journal.
func (d Dirs) LoadState(t testing.TB, profile string) (*session.State, uint64) {
	t.Helper()
	f, err := store.Open(d.Host(t).ProfilesDir(), profile)
	require.NoError(t, err)
	data, err := f.Load()
	require.NoError(t, err)
	records, _, err := f.Journal()
	require.NoError(t, err)
	state, version, err := session.Decode(data, records)
	require.NoError(t, err)
	return state, version
}
