package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/session"
	"github.com/cifbridge/cif-bridge/internal/hosttest"
	"github.com/cifbridge/cif-bridge/protocol"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// The bad inputs and lifecycle events of docs/robustness.md, each played
// against the real binary.

// exitBound bounds the wait for a host to exit once it has a reason to:
// it exits on its own, well within it (about 10 ms here), and a busy
// machine must not fail the test.
const exitBound = 10 * time.Second

func header(n uint32) []byte { return binary.NativeEndian.AppendUint32(nil, n) }

// nested returns a JSON value n arrays deep.
func nested(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// request is a JSON-RPC request with a raw params text.
func request(id, method, params string) []byte {
	return fmt.Appendf(nil, `{"jsonrpc":"2.0","id":%s,"method":%q,"params":%s}`, id, method, params)
}

func TestBadInputGetsATypedErrorAndTheHostGoesOn(t *testing.T) {
	onlyProvider := fmt.Sprintf(`{"provider":%q,"args":{}}`, provider)
	tests := []struct {
		name string
		send func(p *hosttest.Proc)
		id   string // the reply's id: the request's when it could be read
		code errcode.Code
		msg  string // when the message is this test's to pin
	}{
		{
			name: "zero-length frame",
			send: func(p *hosttest.Proc) { p.SendRaw(nil) },
			id:   "null", code: errcode.ParseError,
			// the message is protocol.DecodeRequest's (protocol/jsonrpc_test.go)
		},
		{
			// The body holds a valid request: it must be skipped, not read.
			name: "length above the cap",
			send: func(p *hosttest.Proc) {
				p.SendBytes(header(2 << 20))
				p.SendBytes(request("1", "getAllSessions", onlyProvider))
				p.SendBytes(bytes.Repeat([]byte(" "), 2<<20-len(request("1", "getAllSessions", onlyProvider))))
			},
			id: "null", code: errcode.MessageTooLarge,
			msg: "request of 2097152 bytes exceeds the host's limit of 1048576 bytes; send less data per call",
		},
		{
			name: "invalid UTF-8",
			send: func(p *hosttest.Proc) { p.SendRaw(request("1", "getAllSessions", "{\"provider\":\"http://\xff\"}")) },
			id:   "null", code: errcode.ParseError,
			msg: "request is not valid UTF-8; send JSON text encoded as UTF-8",
		},
		{
			name: "invalid JSON",
			send: func(p *hosttest.Proc) { p.SendRaw([]byte(`{"jsonrpc":"2.0","id":1,method:"getAllSessions"}`)) },
			id:   "null", code: errcode.ParseError,
			// the message is protocol.DecodeRequest's (protocol/jsonrpc_test.go)
		},
		{
			name: "JSON that is not an object",
			send: func(p *hosttest.Proc) { p.SendRaw([]byte(`"getAllSessions"`)) },
			id:   "null", code: errcode.InvalidRequest,
			// the message is protocol.DecodeRequest's (protocol/jsonrpc_test.go)
		},
		{
			name: "JSON null",
			send: func(p *hosttest.Proc) { p.SendRaw([]byte(`null`)) },
			id:   "null", code: errcode.InvalidRequest,
			// the message is protocol.DecodeRequest's (protocol/jsonrpc_test.go)
		},
		{
			name: "batch array",
			send: func(p *hosttest.Proc) {
				p.SendRaw(fmt.Appendf(nil, "[%s]", request("1", "getAllSessions", onlyProvider)))
			},
			id: "null", code: errcode.InvalidRequest,
			msg: "batch requests are not supported; send one JSON-RPC request per frame",
		},
		{
			name: "id neither string nor number",
			send: func(p *hosttest.Proc) { p.SendRaw(request(`{"n":1}`, "getAllSessions", onlyProvider)) },
			id:   "null", code: errcode.InvalidRequest,
			msg: "request id must be a string or a number",
		},
		{
			name: "missing method",
			send: func(p *hosttest.Proc) { p.SendRaw([]byte(`{"jsonrpc":"2.0","id":"m1","params":{}}`)) },
			id:   `"m1"`, code: errcode.InvalidRequest,
			msg: "request has no method; name the CIF method to call",
		},
		{
			name: "unknown method",
			send: func(p *hosttest.Proc) { p.SendRaw(request("7", "openSession", onlyProvider)) },
			id:   "7", code: errcode.MethodNotFound,
			msg: `cif-host has no method "openSession"; hello's capabilities list the methods it has`,
		},
		{
			name: "params not an object",
			send: func(p *hosttest.Proc) { p.SendRaw(request("8", "getSession", `["session-1"]`)) },
			id:   "8", code: errcode.InvalidParams,
			msg: "params of getSession must be an object of named parameters",
		},
		{
			name: "parameter of the wrong type",
			send: func(p *hosttest.Proc) {
				p.SendRaw(request("9", "getSession", fmt.Sprintf(`{"provider":%q,"args":{"sessionId":42}}`, provider)))
			},
			id: "9", code: errcode.InvalidParams,
			msg: "getSession: parameter sessionId must be a string, not a number",
		},
		{
			name: "nested parameter of the wrong type",
			send: func(p *hosttest.Proc) {
				p.SendRaw(request("10", "createSession", fmt.Sprintf(`{"provider":%q,"args":{"input":{"templateName":["msdyn_chat_session"]}}}`, provider)))
			},
			id: "10", code: errcode.InvalidParams,
			msg: "createSession: parameter input.templateName must be a string, not an array",
		},
		{
			name: "provider of the wrong type",
			send: func(p *hosttest.Proc) { p.SendRaw(request("11", "getAllSessions", `{"provider":true}`)) },
			id:   "11", code: errcode.InvalidParams,
			msg: "getAllSessions: parameter provider must be a string, not a boolean",
		},
		{
			// Deeper than encoding/json reads at all: the id is lost too.
			name: "very deep nesting",
			send: func(p *hosttest.Proc) {
				p.SendRaw(request("12", "updateContext", fmt.Sprintf(`{"provider":%q,"args":{"input":{"k":%s}}}`, provider, nested(400_000))))
			},
			id: "null", code: errcode.InvalidParams,
			msg: "request nests objects and arrays more than 64 levels deep, which cif-host does not accept; send flatter parameters",
		},
		{
			// Readable, but the saved state would not be (see
			// TestDeepNestingNeverReachesTheStateFile).
			name: "nesting just within the JSON decoder's reach",
			send: func(p *hosttest.Proc) {
				p.SendRaw(request("13", "createSession", fmt.Sprintf(`{"provider":%q,"args":{"input":{"templateName":"msdyn_chat_session","context":%s}}}`, provider, nested(9_995))))
			},
			id: "13", code: errcode.InvalidParams,
			msg: "request nests objects and arrays more than 64 levels deep, which cif-host does not accept; send flatter parameters",
		},
		{
			name: "huge string in a name",
			send: func(p *hosttest.Proc) {
				p.SendRaw(request("14", "createSession", fmt.Sprintf(`{"provider":%q,"args":{"input":{"templateName":%q}}}`, provider, strings.Repeat("n", 900<<10))))
			},
			id: "14", code: errcode.TemplateNotFound,
			msg: "Did not find template by name (" + strings.Repeat("n", 80) + "… (921600 characters)). Known session templates: msdyn_case_session, msdyn_chat_session, msdyn_custommessaging_session, msdyn_entityrecord_session, msdyn_sms_session, msdyn_voicecall_session, msdyn_website_session; add yours to templates.json (see docs/templates.md)",
		},
		{
			// Each slug inserts its value again: without a bound this
			// 61 KiB request would ask for 1.2 MiB, and a 1 MiB one for
			// gigabytes.
			name: "huge string by repeated slugs",
			send: func(p *hosttest.Proc) {
				p.SendRaw(request("15", "createSession", fmt.Sprintf(`{"provider":%q,"args":{"input":{"templateName":"msdyn_website_session","templateParameters":{"url":"https://example.com/%s","x":%q}}}}`,
					provider, strings.Repeat("{x}", 20), strings.Repeat("x", 60<<10))))
			},
			id: "15", code: errcode.InvalidParams,
			msg: `parameter "url" of tab template "msdyn_website_tab" resolves to more than 1048576 bytes; pass shorter values in templateParameters (each {slug} inserts its value again)`,
		},
		{
			// The reply to this id cannot fit in a frame, not even as an
			// error: it goes out with id null rather than not at all.
			name: "huge string as the id",
			send: func(p *hosttest.Proc) {
				body := request(`""`, "openSession", "{}")
				id := strconv.Quote(strings.Repeat("i", protocol.DefaultMaxIncoming-len(body)))
				p.SendRaw(request(id, "openSession", "{}"))
			},
			id: "null", code: errcode.MessageTooLarge,
			msg: "reply of 1048662 bytes exceeds the browser's limit of 1048576 bytes; ask for less data per call",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := hosttest.Start(t, hosttest.NewDirs(t))
			p.Hello("profile-1")
			tt.send(p)
			m := p.Read()
			require.NotNil(t, m.Error, "a bad input must get an error, got %s", m.Result)
			assert.JSONEq(t, tt.id, string(m.ID))
			assert.Equal(t, tt.code, m.Error.Code)
			if tt.msg != "" && tt.msg != m.Error.Message { // not assert.Equal: its diff of a huge message fails to print
				t.Errorf("message:\n got %.300q\nwant %.300q", m.Error.Message, tt.msg)
			}
			assertAnswers(t, p)
		})
	}
}

// assertAnswers checks that the host answers a valid request correctly.
func assertAnswers(t *testing.T, p *hosttest.Proc) {
	t.Helper()
	var can bool
	p.Result("canCreateSession", hosttest.As(provider, nil), &can)
	assert.True(t, can, "the host must still answer, and nothing may have changed")
}

func TestARequestWithoutIDGetsNoAnswerAndTheHostGoesOn(t *testing.T) {
	p := hosttest.Start(t, hosttest.NewDirs(t))
	p.Hello("profile-1")
	p.SendRaw([]byte(`{"jsonrpc":"2.0","method":"getAllSessions","params":{}}`))
	assertAnswers(t, p) // Result fails if anything but this reply comes first
	assert.Contains(t, logFile(t, p.Dirs), "ignored a request without id")
}

// TestDeepNestingNeverReachesTheStateFile is why nesting is limited: a
// context the decoder can just read is deeper still once the state file
// wraps it, and an unreadable state file costs the agent every session.
func TestDeepNestingNeverReachesTheStateFile(t *testing.T) {
	dirs := hosttest.NewDirs(t)
	p := hosttest.Start(t, dirs)
	p.Hello("profile-1")
	var id string
	p.Result("createSession", hosttest.As(provider, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session"}}), &id)
	updateContext := func(depth int) hosttest.Message {
		p.SendRaw(request("100", "updateContext", fmt.Sprintf(`{"provider":%q,"args":{"sessionId":%q,"input":{"deep":%s}}}`, provider, id, nested(depth))))
		return p.Response(100)
	}
	// The request wraps the value in four levels: request, params, args, input.
	require.Nil(t, updateContext(protocol.MaxNesting-4).Error, "nesting up to the limit is accepted")
	m := updateContext(9_996) // 10000 levels in all: the JSON decoders' limit
	require.NotNil(t, m.Error)
	assert.Equal(t, errcode.InvalidParams, m.Error.Code)
	p.CloseStdin()
	require.Equal(t, 0, p.Wait(exitBound))

	assertSessions(t, dirs, id)
}

// What a provider puts in a session is bounded, so that no session can
// make a save, or the agent's view, large: a refused request changes
// nothing, and a title too long to show is cut.
func TestWhatAProviderPutsInASessionIsBounded(t *testing.T) {
	p := hosttest.Start(t, hosttest.NewDirs(t))
	p.Hello("profile-1")
	context := map[string]string{"transcript": strings.Repeat("x", session.MaxSessionBytes)}
	m := p.Call("createSession", hosttest.As(provider, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session", "context": context}}))
	require.NotNil(t, m.Error)
	assert.Equal(t, errcode.InvalidParams, m.Error.Code)
	assert.Regexp(t, `^the session would hold \d+ bytes of data, over its limit of 262144 `, m.Error.Message)
	assertAnswers(t, p)

	customer := strings.Repeat("é", 20<<10)
	var id string
	p.Result("createSession", hosttest.As(provider, map[string]any{"input": map[string]any{
		"templateName": "msdyn_chat_session", "templateParameters": map[string]any{"customer": customer},
	}}), &id)
	var info map[string]any
	p.Result("getSession", hosttest.As(provider, map[string]any{"sessionId": id}), &info)
	assert.Equal(t, strings.Repeat("é", session.MaxTitleRunes-1)+"…", info["title"])
}

const endedInsideAFrame = `level=ERROR msg="input ended inside a frame; closing" pid=\d+ profile=profile-1 error="unexpected EOF"`

// The inputs after which the stream cannot be followed: the host exits with
// status 1 and a log line saying why.
func TestUnrecoverableInputEndsTheRunWithAReason(t *testing.T) {
	tests := []struct {
		name string
		send func(p *hosttest.Proc)
		log  string
	}{
		{"truncated header", func(p *hosttest.Proc) { p.SendBytes([]byte{7, 0}); p.CloseStdin() }, endedInsideAFrame},
		{"truncated body", func(p *hosttest.Proc) {
			p.SendBytes(header(100))
			p.SendBytes([]byte(`{"jsonrpc":"2.0"`))
			p.CloseStdin()
		}, endedInsideAFrame},
		{"truncated oversized body", func(p *hosttest.Proc) {
			p.SendBytes(header(2 << 20))
			p.SendBytes(make([]byte, 1<<20))
			p.CloseStdin()
		}, endedInsideAFrame},
		{"length no browser sends", func(p *hosttest.Proc) { p.SendBytes(header(0xFFFFFFFF)) }, `level=ERROR msg="input is not native messaging; closing" pid=\d+ profile=profile-1 error="frame header is not a native-messaging length \(is something else writing to the host's stdin\?\)"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dirs := hosttest.NewDirs(t)
			p := hosttest.Start(t, dirs)
			p.Hello("profile-1")
			var id string
			p.Result("createSession", hosttest.As(provider, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session"}}), &id)
			tt.send(p)
			assert.Equal(t, 1, p.Wait(exitBound))
			assert.Regexp(t, "(?m)^time=\\S+ "+tt.log+"$", p.Stderr())
			assertSessions(t, dirs, id)
		})
	}
}

// assertSessions restarts the host on dirs and checks the provider's
// sessions.
func assertSessions(t *testing.T, dirs hosttest.Dirs, want ...string) {
	t.Helper()
	p := hosttest.Start(t, dirs)
	p.Hello("profile-1")
	var got []string
	p.Result("getAllSessions", hosttest.As(provider, nil), &got)
	if want == nil {
		want = []string{}
	}
	assert.Equal(t, want, got)
	p.CloseStdin()
	assert.Equal(t, 0, p.Wait(exitBound))
	assert.NotContains(t, p.Stderr(), "state file unreadable")
}

// logFile is the host's log file so far. Unlike stderr, which the test
// reads through a pipe some time later, it holds every line the host
// wrote before its last reply.
func logFile(t *testing.T, dirs hosttest.Dirs) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dirs.State, "cif-bridge", "cif-host.log"))
	require.NoError(t, err)
	return string(b)
}

func TestSIGTERMEndsTheRunPromptlyWithTheStateSaved(t *testing.T) {
	dirs := hosttest.NewDirs(t)
	p := hosttest.Start(t, dirs)
	p.Hello("profile-1")
	var id string
	p.Result("createSession", hosttest.As(provider, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session"}}), &id)
	require.NoError(t, p.Cmd.Process.Signal(syscall.SIGTERM))
	assert.Equal(t, 0, p.Wait(exitBound))
	assert.Regexp(t, `(?m)^time=\S+ level=INFO msg=stopping pid=\d+ profile=profile-1 reason="terminated signal received"$`, p.Stderr())
	assertSessions(t, dirs, id)
}

func TestABrokenPipeIsACleanExit(t *testing.T) {
	dirs := hosttest.NewDirs(t)
	p := hosttest.Start(t, dirs)
	p.Hello("profile-1")
	p.CloseStdout()
	// Each of these switches sessions: a reply and three events to write
	// into a pipe nobody reads.
	for range 20 {
		if _, err := p.TrySend("createSession", hosttest.As(provider, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session"}})); err != nil {
			break // the host has gone already
		}
	}
	assert.Equal(t, 0, p.Wait(exitBound))
	assert.Contains(t, p.Stderr(), "browser stopped reading; closing")
	assert.NotContains(t, p.Stderr(), "panic")
	assert.NotContains(t, p.Stderr(), "goroutine ")
}

func TestAClosedStderrDoesNotStopTheHost(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	require.NoError(t, r.Close()) // every write to stderr now fails with EPIPE
	dirs := hosttest.NewDirs(t)
	p := hosttest.StartWith(t, dirs, hosttest.Options{Stderr: w})
	require.NoError(t, w.Close()) // the host has its own copy
	p.Hello("profile-1")
	var id string
	p.Result("createSession", hosttest.As(provider, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session"}}), &id)
	p.CloseStdin()
	assert.Equal(t, 0, p.Wait(exitBound))

	assert.Contains(t, logFile(t, dirs), "browser closed the connection", "the log file still gets every line")
	assertSessions(t, dirs, id)
}

// A browser that hangs stops reading but keeps the pipe open: the host's
// writes block. SIGTERM must still end the run, with the state saved.
func TestSIGTERMEndsTheRunEvenWhenTheBrowserStoppedReading(t *testing.T) {
	dirs := hosttest.NewDirs(t)
	p := hosttest.Start(t, dirs)
	p.Hello("profile-1")
	var id string
	p.Result("createSession", hosttest.As(provider, map[string]any{"input": map[string]any{
		"templateName": "msdyn_chat_session", "context": map[string]string{"notes": strings.Repeat("n", 100<<10)},
	}}), &id)
	// Each reply is over 100 KiB, more than a pipe holds: the host blocks
	// writing the first and its queue fills behind it.
	for range 300 {
		p.Send("workspace.get", hosttest.View(nil))
	}
	require.NoError(t, p.Cmd.Process.Signal(syscall.SIGTERM))
	assert.Equal(t, 0, p.Wait(exitBound))
	assertSessions(t, dirs, id)
}

// A browser connects and lets go over and over (a service worker restarts,
// a tab reloads). Every host must go, whichever way the browser lets go,
// and leave the profile to the next: a host left running would keep the
// lock and make the next hello wait.
func TestAHundredConnectionsLeaveNoHostBehind(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the host a hundred times")
	}
	dirs := hosttest.NewDirs(t)
	endings := []struct {
		name string
		end  func(p *hosttest.Proc)
	}{
		{"stdin closed", (*hosttest.Proc).CloseStdin},
		{"both pipes closed", func(p *hosttest.Proc) { p.CloseStdout(); p.CloseStdin() }},
		{"SIGTERM", func(p *hosttest.Proc) { require.NoError(t, p.Cmd.Process.Signal(syscall.SIGTERM)) }},
	}
	var ids []string
	for i := range 100 {
		ending := endings[i%len(endings)]
		p := hosttest.Start(t, dirs)
		p.Hello("profile-1")
		if i%10 == 0 {
			var id string
			p.Result("createSession", hosttest.As(provider, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session"}}), &id)
			ids = append(ids, id)
		}
		ending.end(p)
		require.Equal(t, 0, p.Wait(exitBound), "connection %d, ended by %s", i, ending.name)
	}
	assertSessions(t, dirs, ids...)
}
