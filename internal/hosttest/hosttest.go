// Package hosttest runs the real cif-host binary over pipes for tests: it
// builds the binary once per test process, starts it with its folders in
// a temporary directory, and speaks framed JSON-RPC to it as a browser
// would.
package hosttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/protocol"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
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

// App returns a file inside the host's config folder, such as
// templates.json.
func (d Dirs) App(name string) string { return filepath.Join(d.Config, "cif-bridge", name) }

// StateFile is where a profile's sessions are saved.
func (d Dirs) StateFile(profile string) string {
	return filepath.Join(d.State, "cif-bridge", "profiles", profile+".json")
}

// Proc is a running cif-host.
type Proc struct {
	t      testing.TB
	Cmd    *exec.Cmd
	Dirs   Dirs
	stdin  io.WriteCloser
	stdout io.Closer
	writer *protocol.Writer
	reader *protocol.Reader
	stderr *lockedBuffer
	nextID int
	done   chan struct{}
	// Events are the notifications read so far, in order.
	Events []protocol.Notification
}

// Start runs cif-host with args (a browser's argv by default) and dirs.
func Start(t testing.TB, dirs Dirs, args ...string) *Proc {
	t.Helper()
	return StartWith(t, dirs, Options{Args: args})
}

// Options change how StartWith runs cif-host.
type Options struct {
	// Args are the host's arguments; a browser's argv when empty.
	Args []string
	// Stderr, when set, is the host's stderr instead of a buffer that
	// Stderr reads (a pipe whose reader is gone, say).
	Stderr *os.File
}

// StartWith runs cif-host as Start does, with options.
func StartWith(t testing.TB, dirs Dirs, opts Options) *Proc {
	t.Helper()
	args := opts.Args
	if len(args) == 0 {
		args = []string{"chrome-extension://aacpoilajhhjiddkhdigidknphfhbeif/"}
	}
	cmd := exec.Command(Binary(t), args...)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+dirs.Config, "XDG_STATE_HOME="+dirs.State, "CIF_BRIDGE_LOG_LEVEL=debug")
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	p := &Proc{t: t, Cmd: cmd, Dirs: dirs, stdin: stdin, stdout: stdout, writer: protocol.NewWriter(stdin),
		reader: protocol.NewReader(stdout, protocol.MaxOutgoing), stderr: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	if opts.Stderr != nil {
		cmd.Stderr = opts.Stderr
	}
	require.NoError(t, cmd.Start())
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		if !p.Exited() {
			_ = p.Cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("cif-host stderr:\n%s", p.Stderr())
		}
	})
	return p
}

// Stderr is what the host wrote to stderr so far (its log lines).
func (p *Proc) Stderr() string { return p.stderr.String() }

// SendRaw writes one frame with exactly this body.
func (p *Proc) SendRaw(body []byte) {
	p.t.Helper()
	require.NoError(p.t, p.writer.Write(body))
}

// SendBytes writes bytes with no framing at all.
func (p *Proc) SendBytes(b []byte) {
	p.t.Helper()
	_, err := p.stdin.Write(b)
	require.NoError(p.t, err)
}

// Send writes a request and returns its id.
func (p *Proc) Send(method string, params any) int {
	p.t.Helper()
	id, err := p.TrySend(method, params)
	require.NoError(p.t, err)
	return id
}

// Message is one frame from the host, decoded loosely.
type Message struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *errcode.Error  `json:"error"`
}

// Read returns the next frame the host writes, failing the test if none
// comes within a few seconds.
func (p *Proc) Read() Message {
	p.t.Helper()
	m, err := p.TryRead(10 * time.Second)
	require.NoError(p.t, err, "reading a frame from cif-host; stderr:\n%s", p.Stderr())
	return m
}

// TryRead returns the next frame the host writes, or the error that ended
// the stream (io.EOF once the host is gone), or an error after d.
func (p *Proc) TryRead(d time.Duration) (Message, error) {
	type frame struct {
		body []byte
		err  error
	}
	got := make(chan frame, 1)
	go func() {
		body, err := p.reader.Read()
		got <- frame{body, err}
	}()
	select {
	case f := <-got:
		if f.err != nil {
			return Message{}, f.err
		}
		var m Message
		if err := json.Unmarshal(f.body, &m); err != nil {
			return Message{}, fmt.Errorf("cif-host wrote a frame that is not JSON: %q: %w", f.body, err)
		}
		return m, nil
	case <-time.After(d):
		return Message{}, fmt.Errorf("cif-host wrote nothing for %v", d)
	}
}

// Response reads frames until the response to id, keeping notifications
// in Events.
func (p *Proc) Response(id int) Message {
	p.t.Helper()
	for {
		m := p.Read()
		if len(m.ID) == 0 {
			var n protocol.Notification
			n.Method = m.Method
			n.Params = m.Params
			p.Events = append(p.Events, n)
			continue
		}
		require.JSONEq(p.t, fmt.Sprint(id), string(m.ID), "a response arrived out of order")
		return m
	}
}

// Call sends a request and returns its response.
func (p *Proc) Call(method string, params any) Message {
	p.t.Helper()
	return p.Response(p.Send(method, params))
}

// Result calls a method that must succeed and decodes its result.
func (p *Proc) Result(method string, params any, into any) {
	p.t.Helper()
	m := p.Call(method, params)
	require.Nil(p.t, m.Error, "%s failed", method)
	if into != nil {
		require.NoError(p.t, json.Unmarshal(m.Result, into))
	}
}

// Hello opens a profile's workspace and returns hello's result.
func (p *Proc) Hello(profile string) map[string]any {
	p.t.Helper()
	var res map[string]any
	p.Result("hello", map[string]any{"protocolVersion": protocol.ProtocolVersion, "extensionVersion": "test", "profileId": profile}, &res)
	return res
}

// CloseStdin ends the host's input, as a browser does when it lets go.
func (p *Proc) CloseStdin() { _ = p.stdin.Close() }

// CloseStdout stops reading the host's output, as a browser that went
// away does: the host's next write fails with a broken pipe.
func (p *Proc) CloseStdout() { _ = p.stdout.Close() }

// TrySend writes a request and returns its id, or the error writing it
// (the host is gone).
func (p *Proc) TrySend(method string, params any) (int, error) {
	p.nextID++
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": p.nextID, "method": method, "params": params})
	if err != nil {
		return 0, err
	}
	return p.nextID, p.writer.Write(body)
}

// Wait waits at most d for the host to exit and returns its exit code.
func (p *Proc) Wait(d time.Duration) int {
	p.t.Helper()
	select {
	case <-p.done:
		return p.Cmd.ProcessState.ExitCode()
	case <-time.After(d):
		p.t.Fatalf("cif-host did not exit within %v; stderr:\n%s", d, p.Stderr())
		return -1
	}
}

// Exited reports whether the host has exited.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// lockedBuffer is a bytes.Buffer safe for the process's writer and the
// test's reader.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
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
