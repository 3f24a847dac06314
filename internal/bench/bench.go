// Package bench measures cif-host beside its floor in the same run: it
// builds the bare echo host, drives a host process over pipes as a browser
// would (one call at a time, or pipelined), reads a process's peak memory,
// and reports a measurement with its baseline and their ratio.
package bench

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cifbridge/cif-bridge/protocol"
)

// Build compiles a package of this module into a temporary folder and
// returns the binary's path. The build cache makes a repeat cheap.
func Build(tb testing.TB, pkg string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), filepath.Base(pkg))
	out, err := exec.Command("go", "build", "-o", path, pkg).CombinedOutput()
	if err != nil {
		tb.Fatalf("build %s: %v\n%s", pkg, err, out)
	}
	return path
}

// EchoHost builds the bare echo host (internal/echohost).
func EchoHost(tb testing.TB) string {
	return Build(tb, "github.com/cifbridge/cif-bridge/internal/echohost")
}

// Conn speaks frames to a host as a browser does.
type Conn struct {
	tb testing.TB
	w  *protocol.Writer
	r  *protocol.Reader
}

// NewConn returns a connection that writes requests to w and reads the
// host's frames from r.
func NewConn(tb testing.TB, w io.Writer, r io.Reader) *Conn {
	return &Conn{tb: tb, w: protocol.NewWriter(w), r: protocol.NewReader(r, protocol.MaxOutgoing)}
}

// Call sends one frame and returns the next frame the host writes.
func (c *Conn) Call(body []byte) []byte {
	if err := c.w.Write(body); err != nil {
		c.tb.Fatalf("write to host: %v", err)
	}
	return c.Read()
}

// Read returns the next frame the host writes.
func (c *Conn) Read() []byte {
	reply, err := c.r.Read()
	if err != nil {
		c.tb.Fatalf("read from host: %v", err)
	}
	return reply
}

// Pipeline sends body n times without waiting, as a browser's concurrent
// calls do, while it reads the n replies.
func (c *Conn) Pipeline(body []byte, n int) {
	errs := make(chan error, 1)
	go func() {
		for range n {
			if err := c.w.Write(body); err != nil {
				errs <- err
				return
			}
		}
		errs <- nil
	}()
	for range n {
		if _, err := c.r.Read(); err != nil {
			c.tb.Fatalf("read from host: %v", err)
		}
	}
	if err := <-errs; err != nil {
		c.tb.Fatalf("write to host: %v", err)
	}
}

// Proc is a host process driven over its stdin and stdout.
type Proc struct {
	*Conn
	cmd   *exec.Cmd
	stdin io.WriteCloser
	done  chan struct{}
}

// Start runs a host binary with args and extra environment.
func Start(tb testing.TB, path string, env []string, args ...string) *Proc {
	tb.Helper()
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = io.Discard
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", path, err)
	}
	p := &Proc{Conn: NewConn(tb, stdin, stdout), cmd: cmd, stdin: stdin, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	tb.Cleanup(p.Stop)
	return p
}

// Pid is the process's id.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Stop closes the host's input, as a browser does, and waits for it to
// exit (killing it after a few seconds).
func (p *Proc) Stop() {
	_ = p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// PeakRSS returns a process's peak resident memory (VmHWM) in bytes. It
// is read from /proc, which only Linux has.
func PeakRSS(pid int) (int64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read peak memory: %w", err)
	}
	for line := range bytes.Lines(status) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(string(rest)), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("read peak memory: %q: %w", line, err)
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("read peak memory: no VmHWM line in /proc/PID/status")
}

// rounds is how many alternating slices Versus splits a run into, so that
// a drift in the machine's speed touches the baseline and the subject
// alike.
const rounds = 4

// Times are what Versus measured, per operation.
type Times struct{ Subject, Floor time.Duration }

// Versus runs base and subject n times each, in alternating slices of the
// benchmark's b.N operations, and reports the subject's time as ns/op,
// the baseline's as floor-ns/op, and their ratio as x-floor. Only the
// subject runs under the benchmark's timer, so -cpuprofile shows it. It
// returns both times per operation, for metrics of the caller's own.
func Versus(b *testing.B, base, subject func(n int)) Times {
	b.Helper()
	var floor, took time.Duration
	b.ResetTimer()
	for i := range rounds {
		n := b.N / rounds
		if i == rounds-1 {
			n = b.N - n*(rounds-1)
		}
		if n == 0 {
			continue
		}
		b.StopTimer()
		start := time.Now()
		base(n)
		floor += time.Since(start)
		b.StartTimer()
		start = time.Now()
		subject(n)
		took += time.Since(start)
	}
	b.StopTimer()
	b.ReportMetric(float64(floor.Nanoseconds())/float64(b.N), "floor-ns/op")
	b.ReportMetric(float64(took)/float64(floor), "x-floor")
	return Times{Subject: took / time.Duration(max(b.N, 1)), Floor: floor / time.Duration(max(b.N, 1))}
}
