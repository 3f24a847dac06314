package hosttest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/protocol"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// Conn speaks framed JSON-RPC to a host as the extension does: it writes
// requests, and one goroutine reads every frame the host writes.
type Conn struct {
	t      testing.TB
	w      io.Writer
	writer *protocol.Writer
	frames chan frame
	nextID int
	// Events are the notifications read so far while waiting for
	// responses, in order.
	Events []Message
	// describe says what else to print when a read fails (the host's
	// stderr).
	describe func() string
	// stop ends an in-process server (Serve) and waits for it.
	stop func()
}

type frame struct {
	body []byte
	err  error
}

// NewConn starts reading from r; requests go to w.
func NewConn(t testing.TB, w io.Writer, r io.Reader) *Conn {
	c := &Conn{t: t, w: w, writer: protocol.NewWriter(w), frames: make(chan frame, 64), describe: func() string { return "" }}
	go func() {
		fr := protocol.NewReader(r, protocol.MaxOutgoing)
		for {
			body, err := fr.Read()
			c.frames <- frame{body, err}
			if err != nil {
				close(c.frames)
				return
			}
		}
	}()
	return c
}

// Serve runs serve in the test's own process on a pair of pipes, as a
// browser runs cif-host, and returns a connection to it. Stop (or the
// test's end) closes its input, which must end serve without an error.
func Serve(t testing.TB, serve func(ctx context.Context, in io.Reader, out io.Writer) error) *Conn {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := serve(context.Background(), inR, outW)
		outW.Close()
		done <- err
	}()
	c := NewConn(t, inW, outR)
	var once sync.Once
	c.stop = func() {
		once.Do(func() {
			inW.Close()
			select {
			case err := <-done:
				require.NoError(t, err, "the server's run")
			case <-time.After(10 * time.Second):
				t.Error("the server did not stop within 10 s of the end of its input")
			}
		})
	}
	t.Cleanup(c.stop)
	return c
}

// Stop ends a server started by Serve, as a browser does by closing the
// pipe, and waits for it to return. The frames it wrote stay readable.
func (c *Conn) Stop() {
	c.t.Helper()
	require.NotNil(c.t, c.stop, "Stop is for servers started by Serve")
	c.stop()
}

// Message is one frame from the host, decoded loosely: a response has an
// id (null included), a notification a method.
type Message struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *errcode.Error  `json:"error"`
}

// SendRaw writes one frame with exactly this body.
func (c *Conn) SendRaw(body []byte) {
	c.t.Helper()
	require.NoError(c.t, c.writer.Write(body))
}

// SendBytes writes bytes with no framing at all.
func (c *Conn) SendBytes(b []byte) {
	c.t.Helper()
	_, err := c.w.Write(b)
	require.NoError(c.t, err)
}

// TrySend writes a request and returns its id, or the error writing it
// (the host is gone).
func (c *Conn) TrySend(method string, params any) (int, error) {
	c.nextID++
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": c.nextID, "method": method, "params": params})
	if err != nil {
		return 0, err
	}
	return c.nextID, c.writer.Write(body)
}

// Send writes a request and returns its id.
func (c *Conn) Send(method string, params any) int {
	c.t.Helper()
	id, err := c.TrySend(method, params)
	require.NoError(c.t, err)
	return id
}

// TryRead returns the next frame the host writes, or the error that ended
// the stream (io.EOF once the host is gone), or an error after d.
func (c *Conn) TryRead(d time.Duration) (Message, error) {
	select {
	case f, ok := <-c.frames:
		if !ok {
			return Message{}, io.EOF
		}
		if f.err != nil {
			return Message{}, f.err
		}
		var m Message
		if err := json.Unmarshal(f.body, &m); err != nil {
			return Message{}, fmt.Errorf("the host wrote a frame that is not JSON: %q: %w", f.body, err)
		}
		return m, nil
	case <-time.After(d):
		return Message{}, fmt.Errorf("the host wrote nothing for %v", d)
	}
}

// Read returns the next frame the host writes, failing the test if none
// comes within 10 s.
func (c *Conn) Read() Message {
	c.t.Helper()
	m, err := c.TryRead(10 * time.Second)
	require.NoError(c.t, err, "reading a frame from the host%s", c.describe())
	return m
}

// ResponseTo reads frames until the next response, which must have this
// id (JSON text, "null" included), keeping notifications in Events.
func (c *Conn) ResponseTo(id string) Message {
	c.t.Helper()
	for {
		m := c.Read()
		if m.ID == nil {
			require.NotEmpty(c.t, m.Method, "a frame that is neither a response nor an event")
			c.Events = append(c.Events, m)
			continue
		}
		require.Equal(c.t, compactJSON(c.t, id), compactJSON(c.t, string(m.ID)), "responses must come once each, in order")
		require.True(c.t, (m.Error == nil) != (m.Result == nil), "exactly one of result and error")
		return m
	}
}

// Response reads frames until the response to request id.
func (c *Conn) Response(id int) Message {
	c.t.Helper()
	return c.ResponseTo(fmt.Sprint(id))
}

// Event reads frames until a notification named method whose params
// match (nil matches any) comes, and returns it; responses and other
// events read meanwhile are kept in Events. It fails the test if none
// comes within d.
func (c *Conn) Event(method string, match func(params json.RawMessage) bool, d time.Duration) Message {
	c.t.Helper()
	deadline := time.Now().Add(d)
	for {
		m, err := c.TryRead(time.Until(deadline))
		require.NoError(c.t, err, "waiting %v for the event %s%s", d, method, c.describe())
		if m.Method == method && (match == nil || match(m.Params)) {
			return m
		}
		c.Events = append(c.Events, m)
	}
}

// Call sends a request and returns its response.
func (c *Conn) Call(method string, params any) Message {
	c.t.Helper()
	return c.Response(c.Send(method, params))
}

// Result calls a method that must succeed, decodes its result into into
// (unless nil) and returns it as JSON text.
func (c *Conn) Result(method string, params any, into any) string {
	c.t.Helper()
	m := c.Call(method, params)
	require.Nil(c.t, m.Error, "%s failed", method)
	if into != nil {
		require.NoError(c.t, json.Unmarshal(m.Result, into))
	}
	return string(m.Result)
}

// Fails calls a method that must fail with code, and returns the message.
func (c *Conn) Fails(method string, params any, code errcode.Code) string {
	c.t.Helper()
	m := c.Call(method, params)
	require.NotNil(c.t, m.Error, "%s succeeded: %s", method, m.Result)
	require.Equal(c.t, code.String(), m.Error.Code.String(), m.Error.Message)
	return m.Error.Message
}

// Hello opens a profile's workspace and returns hello's result.
func (c *Conn) Hello(profile string) map[string]any {
	c.t.Helper()
	var res map[string]any
	c.Result("hello", HelloParams(profile), &res)
	return res
}

// HelloParams are the params of the extension's hello.
func HelloParams(profile string) map[string]any {
	return map[string]any{"protocolVersion": protocol.ProtocolVersion, "extensionVersion": "test", "profileId": profile}
}

// As builds a page's call params: who calls, as the extension read it
// from the browser, and what the page passed.
func As(provider string, args map[string]any) map[string]any {
	if args == nil {
		args = map[string]any{}
	}
	return map[string]any{"provider": provider, "args": args}
}

// View builds the params of a call from the extension's own views.
func View(args map[string]any) map[string]any { return As("", args) }

// compactJSON writes JSON text the way encoding/json echoes it, so that
// values compare as text: an id such as 1e999 is valid JSON but no
// float64.
func compactJSON(t testing.TB, s string) string {
	b, err := json.Marshal(json.RawMessage(s))
	require.NoError(t, err, "%s", s)
	return string(b)
}

// Buffer is a bytes.Buffer safe for a writer and a reader on different
// goroutines: a host's log, a process's stderr.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
