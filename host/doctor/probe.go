package doctor

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
	"time"

	"github.com/cifbridge/cif-bridge/protocol"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// helloResult is what doctor reads of hello's answer.
type helloResult struct {
	HostVersion     string `json:"hostVersion"`
	ProtocolVersion int    `json:"protocolVersion"`
	// lingered is set when the host did not exit once its input closed.
	lingered bool
}

// refusedError is hello answered with an error.
type refusedError struct{ err *errcode.Error }

func (e *refusedError) Error() string {
	return fmt.Sprintf("it answered hello with error %d: %s", e.err.Code, e.err.Message)
}

// hello starts the host as a browser does (its folder as working
// directory, the browser's arguments, stdin and stdout as pipes), says
// hello for doctor's own profile, closes its input and waits for it to
// exit; each of the two waits is bounded by timeout. A host that overruns
// either is killed with its whole process group.
func hello(host string, args, env []string, timeout time.Duration) (helloResult, error) {
	ctx, kill := context.WithCancel(context.Background())
	defer kill()
	cmd := exec.CommandContext(ctx, host, args...)
	cmd.Dir = filepath.Dir(host)
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = time.Second
	ownGroup(cmd)
	stderr := &tail{max: 2048}
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return helloResult{}, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return helloResult{}, err
	}
	if err := cmd.Start(); err != nil {
		return helloResult{}, fmt.Errorf("cannot start it: %w", err)
	}
	waited := make(chan error, 1)
	read := make(chan frame, 1)
	go func() {
		body, err := protocol.NewReader(stdout, protocol.MaxOutgoing).Read()
		read <- frame{body, err}
		_, _ = io.Copy(io.Discard, stdout) // keep draining until it exits
		waited <- cmd.Wait()
	}()

	req, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "hello", "params": map[string]any{
		"protocolVersion": protocol.ProtocolVersion, "extensionVersion": "doctor", "profileId": Profile,
	}})
	_ = protocol.NewWriter(stdin).Write(req) // a failed write shows as no answer below

	var f frame
	select {
	case f = <-read:
	case <-time.After(timeout):
		f.err = fmt.Errorf("no answer within %v", timeout)
		kill()
	}
	stdin.Close()
	var werr error
	lingered := false
	select {
	case werr = <-waited:
	case <-time.After(timeout):
		lingered = true
		kill()
		werr = <-waited // killed: Wait returns promptly (WaitDelay bounds the pipes)
	}
	if f.err != nil {
		return helloResult{}, describe(f.err, werr, stderr.String())
	}
	var resp struct {
		Result json.RawMessage `json:"result"`
		Error  *errcode.Error  `json:"error"`
	}
	if err := json.Unmarshal(f.body, &resp); err != nil {
		return helloResult{}, fmt.Errorf("it answered with something that is not JSON-RPC (%v): %.80q", err, f.body)
	}
	if resp.Error != nil {
		return helloResult{}, &refusedError{resp.Error}
	}
	var res helloResult
	if err := json.Unmarshal(resp.Result, &res); err != nil || res.HostVersion == "" {
		return helloResult{}, fmt.Errorf("it answered hello without a host version: %.80q", resp.Result)
	}
	res.lingered = lingered
	return res, nil
}

type frame struct {
	body []byte
	err  error
}

// describe says why no answer came, with the host's last words.
func describe(readErr, waitErr error, stderr string) error {
	msg := readErr.Error()
	if errors.Is(readErr, io.EOF) || errors.Is(readErr, io.ErrUnexpectedEOF) {
		msg = "it exited without answering"
		var exit *exec.ExitError
		if errors.As(waitErr, &exit) {
			msg += " (" + exit.String() + ")"
		}
	}
	if last := lastLine(stderr); last != "" {
		msg += "; it said: " + last
	}
	return errors.New(msg)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if extra := t.buf.Len() - t.max; extra > 0 {
		t.buf.Next(extra)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
