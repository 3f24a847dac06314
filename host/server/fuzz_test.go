package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/server"
	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/protocol"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// separator splits one fuzz input into the bodies of several frames, so
// that a call can act on what an earlier one made.
const separator = "\x1e"

// FuzzDispatch sends arbitrary frame bodies to a server after hello. It
// must never panic, must answer every request exactly once, in order, with
// the request's id (or null when there is none to read), and must end
// cleanly when its input does.
func FuzzDispatch(f *testing.F) {
	const p = `"provider":"http://localhost:8080"`
	seeds := [][]string{
		{`{"jsonrpc":"2.0","id":1,"method":"createSession","params":{` + p + `,"input":{"templateName":"msdyn_chat_session","templateParameters":{"customer":"Contoso"},"context":{"a":[1,{"b":null}]}}}}`,
			`{"jsonrpc":"2.0","id":2,"method":"createTab","params":{` + p + `,"input":{"templateName":"msdyn_website_tab","templateParameters":{"url":"https://example.com/{customer}"}}}}`,
			`{"jsonrpc":"2.0","id":3,"method":"getTabs","params":{` + p + `,"tags":"x"}}`},
		{`{"jsonrpc":"2.0","id":"a","method":"workspace.closeSession","params":{"sessionId":"session-1"}}`},
		{`{"jsonrpc":"2.0","id":1,"method":"workspace.get"}`, `{"jsonrpc":"2.0","id":2,"method":"workspace.switchSession","params":{"sessionId":""}}`},
		{`{"jsonrpc":"2.0","id":1,"method":"updateContext","params":{` + p + `,"input":["k"],"isDelete":true}}`},
		{`{"jsonrpc":"2.0","id":1,"method":"notifyNewActivity","params":{` + p + `,"sessionId":"s","count":-1e300}}`},
		{`{"jsonrpc":"2.0","id":1,"method":"setSessionTitle","params":{` + p + `,"input":"{\"sessionId\":\"s\"}"}}`},
		{`{"jsonrpc":"2.0","id":1,"method":"hello","params":{"protocolVersion":1,"profileId":"other"}}`},
		{`{"jsonrpc":"2.0","method":"createSession","params":{}}`, `[]`, ``, `null`, `{"id":1}`},
		{`{"jsonrpc":"2.0","id":1,"method":"getSession","params":{"provider":["x"]}}`},
		{`{"jsonrpc":"2.0","id":1e999,"method":"getAllSessions","params":{` + p + `}}`},
	}
	for _, s := range seeds {
		f.Add([]byte(join(s)))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		bodies := bytes.Split(input, []byte(separator))
		if len(bodies) > 8 {
			bodies = bodies[:8]
		}
		h := startServer(t)
		h.send([]byte(`{"jsonrpc":"2.0","id":"hello","method":"hello","params":{"protocolVersion":1,"profileId":"fuzz"}}`))
		require.Nil(t, h.response(`"hello"`).Error, "hello")

		var want []string // the ids of the responses due, in order
		for _, body := range bodies {
			h.send(body)
			req, id, perr := protocol.DecodeRequest(body)
			switch {
			case perr != nil && len(id) == 0:
				want = append(want, "null")
			case perr != nil:
				want = append(want, string(id))
			case !req.IsNotification():
				want = append(want, string(id))
			}
		}
		h.send([]byte(`{"jsonrpc":"2.0","id":"last","method":"getAllSessions","params":{` + p + `}}`))
		for _, id := range want {
			h.response(id)
		}
		h.response(`"last"`)
		h.close()
	})
}

func join(bodies []string) string {
	var b bytes.Buffer
	for i, s := range bodies {
		if i > 0 {
			b.WriteString(separator)
		}
		b.WriteString(s)
	}
	return b.String()
}

// harness runs Serve in process over pipes.
type harness struct {
	t      *testing.T
	in     *io.PipeWriter
	w      *protocol.Writer
	frames chan []byte
	done   chan error
}

func startServer(t *testing.T) *harness {
	dir := t.TempDir()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	h := &harness{t: t, in: inW, w: protocol.NewWriter(inW), frames: make(chan []byte, 64), done: make(chan error, 1)}
	cfg := server.Config{
		HostVersion: "test",
		Dirs:        config.Dirs{Config: filepath.Join(dir, "config"), State: filepath.Join(dir, "state")},
		Catalog:     templates.Defaults(),
		LockWait:    100 * time.Millisecond,
	}
	go func() {
		h.done <- server.Serve(context.Background(), inR, outW, cfg)
		outW.Close()
	}()
	go func() {
		defer close(h.frames)
		r := protocol.NewReader(outR, protocol.MaxOutgoing)
		for {
			body, err := r.Read()
			if err != nil {
				return
			}
			h.frames <- body
		}
	}()
	t.Cleanup(func() { inW.Close(); outR.Close() })
	return h
}

func (h *harness) send(body []byte) {
	h.t.Helper()
	require.NoError(h.t, h.w.Write(body))
}

// message is a frame from the server: a response has an id (null
// included), a notification a method.
type message struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  *errcode.Error  `json:"error"`
}

// response reads frames up to the next response, which must have this id.
func (h *harness) response(id string) message {
	h.t.Helper()
	for {
		select {
		case body, ok := <-h.frames:
			require.True(h.t, ok, "the server stopped writing before answering %s", id)
			var m message
			require.NoError(h.t, json.Unmarshal(body, &m), "frame %q", body)
			if m.ID == nil {
				require.NotEmpty(h.t, m.Method, "a frame that is neither response nor event: %s", body)
				continue
			}
			require.Equal(h.t, normal(h.t, id), normal(h.t, string(m.ID)), "responses must come once each, in order; got %s", body)
			assert.True(h.t, (m.Error == nil) != (m.Result == nil), "exactly one of result and error: %s", body)
			return m
		case <-time.After(10 * time.Second):
			h.t.Fatalf("no response %s within 10 s", id)
		}
	}
}

// normal writes an id the way encoding/json echoes it (compact, with
// HTML-sensitive characters escaped), so that ids compare as text: an id
// such as 1e999 is valid JSON but no float64.
func normal(t *testing.T, id string) string {
	b, err := json.Marshal(json.RawMessage(id))
	require.NoError(t, err, "id %s", id)
	return string(b)
}

// close ends the input: the server must stop cleanly and send nothing but
// events after the last response.
func (h *harness) close() {
	h.t.Helper()
	require.NoError(h.t, h.in.Close())
	for body := range h.frames {
		var m message
		require.NoError(h.t, json.Unmarshal(body, &m))
		require.Nil(h.t, m.ID, "a response nobody asked for: %s", body)
	}
	select {
	case err := <-h.done:
		require.NoError(h.t, err)
	case <-time.After(10 * time.Second):
		h.t.Fatal("the server did not stop within 10 s of the end of its input")
	}
}
