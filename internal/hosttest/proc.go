package hosttest

import (
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Proc is a running cif-host, and a connection to it.
type Proc struct {
	*Conn
	t      testing.TB
	Cmd    *exec.Cmd
	Dirs   Dirs
	stdin  io.WriteCloser
	stdout io.Closer
	stderr *Buffer
	done   chan struct{}
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
	cmd.Env = append(append(os.Environ(), dirs.Env()...), "CIF_BRIDGE_LOG_LEVEL=debug")
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	p := &Proc{t: t, Cmd: cmd, Dirs: dirs, stdin: stdin, stdout: stdout, stderr: &Buffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	if opts.Stderr != nil {
		cmd.Stderr = opts.Stderr
	}
	require.NoError(t, cmd.Start())
	p.Conn = NewConn(t, stdin, stdout)
	p.Conn.describe = func() string { return "; cif-host's stderr:\n" + p.Stderr() }
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

// WaitStderr waits, with a bound, until the host has written text to
// stderr: what it wrote reaches the test apart from its replies, and may
// come after them.
func (p *Proc) WaitStderr(text string) {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.Stderr(), text) {
		if time.Now().After(deadline) {
			p.t.Fatalf("cif-host did not write %q to stderr within 10 s; it wrote:\n%s", text, p.Stderr())
		}
		time.Sleep(10 * time.Millisecond) // polling a buffer, bounded above
	}
}

// CloseStdin ends the host's input, as a browser does when it lets go.
func (p *Proc) CloseStdin() { _ = p.stdin.Close() }

// CloseStdout stops reading the host's output, as a browser that went
// away does: the host's next write fails with a broken pipe.
func (p *Proc) CloseStdout() { _ = p.stdout.Close() }

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
