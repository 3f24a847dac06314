package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/server"
	"github.com/cifbridge/cif-bridge/host/store"
	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/internal/hosttest"
	"github.com/cifbridge/cif-bridge/protocol"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

const page = "http://localhost:3000"

func testConfig(t *testing.T) Config {
	root := t.TempDir()
	return Config{
		HostVersion: "test",
		Dirs:        config.Dirs{Config: filepath.Join(root, "config"), State: filepath.Join(root, "state")},
		Catalog:     templates.Defaults(),
		LockWait:    50 * time.Millisecond,
		Now:         func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) },
	}
}

// client is a connection to an in-process server answering with this
// package's handler, and the handler's log.
type client struct {
	*hosttest.Conn
	t   *testing.T
	log *hosttest.Buffer
}

func serve(t *testing.T, cfg Config) *client {
	t.Helper()
	log := &hosttest.Buffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	conn := hosttest.Serve(t, func(ctx context.Context, in io.Reader, out io.Writer) error {
		return server.Serve(ctx, in, out, New(cfg), cfg.Logger)
	})
	return &client{Conn: conn, t: t, log: log}
}

// ok calls a method that must succeed and returns its result as JSON.
func (c *client) ok(method string, params any) string {
	c.t.Helper()
	return c.Result(method, params, nil)
}

// fails calls a method that must fail with code and message.
func (c *client) fails(method string, params any, code errcode.Code, message string) {
	c.t.Helper()
	assert.Equal(c.t, message, c.Fails(method, params, code))
}

func (c *client) hello(profile string) map[string]any {
	c.t.Helper()
	return c.Hello(profile)
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// with builds a page's call params.
func with(provider string, args map[string]any) map[string]any { return hosttest.As(provider, args) }

// agent builds a view's call params.
func agent(args map[string]any) map[string]any { return hosttest.View(args) }

func TestCallsNeedHelloFirst(t *testing.T) {
	c := serve(t, testConfig(t))
	c.fails("getAllSessions", with(page, nil), errcode.HandshakeRequired, "getAllSessions called before hello; the extension must send hello first on every connection")
	c.hello("p1")
	c.ok("getAllSessions", with(page, nil))
}

func TestHello(t *testing.T) {
	cfg := testConfig(t)
	cfg.Problems = []templates.Problem{{File: "/c/templates.json", Template: "x", Field: "title", Message: "is too long"}}
	cfg.Settings.MaxSessions = 3
	c := serve(t, cfg)
	res := c.hello("p1")
	assert.Equal(t, "test", res["hostVersion"])
	assert.Equal(t, map[string]any{"maxSessions": 3.0, "maxTabsPerSession": 20.0, "maxSessionBytes": 262144.0, "maxRequestBytes": 1048576.0, "maxResponseBytes": 1048576.0}, res["limits"])
	assert.Equal(t, []any{map[string]any{"file": "/c/templates.json", "template": "x", "field": "title", "message": "is too long"}}, res["problems"])
	assert.Equal(t, filepath.Join(cfg.Dirs.State, "profiles", "p1.json"), res["stateFile"])
	assert.Contains(t, res["capabilities"], "closeTab")
	assert.Contains(t, res["capabilities"], "workspace.closeSession")

	c.hello("p1") // again, same profile: fine
	c.fails("hello", map[string]any{"protocolVersion": protocol.ProtocolVersion, "profileId": "p2"}, errcode.InvalidRequest,
		"hello: this connection already serves profile p1; open a new connection for another profile")
	c.fails("hello", map[string]any{"protocolVersion": protocol.ProtocolVersion, "profileId": "../p"}, errcode.InvalidParams,
		`hello: profileId "../p" must be 1 to 64 letters, digits, '-' or '_' (the extension makes a random one)`)
	c.fails("hello", map[string]any{"protocolVersion": "1"}, errcode.InvalidParams, "hello: parameter protocolVersion must be a number, not a string")
}

func TestHelloRefusesAProfileAnotherHostServes(t *testing.T) {
	cfg := testConfig(t)
	f, err := store.Open(cfg.Dirs.ProfilesDir(), "p1")
	require.NoError(t, err)
	require.NoError(t, f.Lock(0))
	defer f.Close()

	c := serve(t, cfg)
	m := c.Call("hello", map[string]any{"protocolVersion": protocol.ProtocolVersion, "profileId": "p1"})
	require.NotNil(t, m.Error)
	assert.Equal(t, errcode.ProfileBusy, m.Error.Code)
	assert.Equal(t, "another cif-host process is serving this browser profile (state "+f.Path()+"); close the other browser window using this profile, or wait for the old host to exit, then retry", m.Error.Message)
}

func TestDispatchChecksTheCaller(t *testing.T) {
	c := serve(t, testConfig(t))
	c.hello("p1")
	c.fails("nope", with(page, nil), errcode.MethodNotFound, `cif-host has no method "nope"; hello's capabilities list the methods it has`)
	for _, agentOp := range []string{"workspace.get", "workspace.switchSession", "workspace.closeSession", "workspace.closeTab", "workspace.focusTab"} {
		c.fails(agentOp, with(page, map[string]any{"sessionId": "s", "tabId": "t"}), errcode.AgentOnly,
			agentOp+" is one of the agent's own operations; web pages cannot call it (only the agent switches and closes sessions)")
	}
	for _, bad := range []any{"", nil, "null", "chrome-extension://abc", "moz-extension://abc", "file:///tmp/x.html", "https://a.example/path",
		"https://a.example?q", "https://a.example#f", "https://u@a.example", "https://", "a.example", 5} {
		m := c.Call("getAllSessions", map[string]any{"provider": bad, "args": map[string]any{}})
		require.NotNil(t, m.Error, "%v", bad)
		assert.Equal(t, errcode.InvalidParams, m.Error.Code, "%v", bad)
	}
	c.fails("getAllSessions", with("chrome-extension://abc", nil), errcode.InvalidParams,
		`getAllSessions: provider "chrome-extension://abc" is not a web origin such as https://example.com; the extension must pass the calling page's origin`)
	c.fails("getAllSessions", with("", nil), errcode.InvalidParams,
		`getAllSessions: provider "" is not a web origin such as https://example.com; the extension must pass the calling page's origin`)
	for _, good := range []string{"http://localhost", "http://127.0.0.1:8080", "https://a.example:8443", "https://[::1]:3000"} {
		c.ok("getAllSessions", with(good, nil))
	}
	c.ok("workspace.get", agent(nil))
}

func TestParameterTypeErrorsNameTheParameter(t *testing.T) {
	c := serve(t, testConfig(t))
	c.hello("p1")
	for _, tt := range []struct {
		method  string
		params  map[string]any
		message string
	}{
		{"getSession", map[string]any{"sessionId": 5}, "getSession: parameter sessionId must be a string, not a number"},
		{"getSession", map[string]any{"correlationId": true}, "getSession: parameter correlationId must be a string, not a boolean"},
		{"createSession", map[string]any{"input": "msdyn_chat_session"}, "createSession: parameter input must be an object, not a string"},
		{"createSession", map[string]any{"input": map[string]any{"templateName": 1}}, "createSession: parameter input.templateName must be a string, not a number"},
		{"createSession", map[string]any{"input": map[string]any{"templateName": "x", "templateParameters": 5}}, "createSession: parameter input.templateParameters must be an object, not a number"},
		{"createSession", map[string]any{"input": map[string]any{"templateName": "x", "templateParameters": "{"}}, "createSession: parameter input.templateParameters must be an object, not a string that does not hold a JSON object"},
		{"createSession", map[string]any{"input": map[string]any{"templateName": "x", "templateParameters": []any{}}}, "createSession: parameter input.templateParameters must be an object, not an array"},
		{"setSessionTitle", map[string]any{"input": 3}, "setSessionTitle: parameter input must be an object, not a number"},
		{"getTabs", map[string]any{"tags": 5}, "getTabs: parameter tags must be an array of strings, not a number"},
		{"getTabs", map[string]any{"tags": []any{1}}, "getTabs: parameter tags must be an array of strings, not an array"},
		{"notifyKpiBreach", map[string]any{"sessionId": "s", "shouldReset": "yes"}, "notifyKpiBreach: parameter shouldReset must be a boolean, not a string"},
		{"notifyNewActivity", map[string]any{"sessionId": "s"}, "notifyNewActivity: count must be a whole number of new activities, such as 1"},
		{"notifyNewActivity", map[string]any{"sessionId": "s", "count": 1.5}, "notifyNewActivity: count must be a whole number of new activities, such as 1"},
		{"notifyNewActivity", map[string]any{"sessionId": "s", "count": "2"}, "notifyNewActivity: parameter count must be a number, not a string"},
		{"updateContext", map[string]any{}, "The input parameter is null. Provide a value to the parameter: an object of values to merge, or with isDelete the keys to remove"},
		{"updateContext", map[string]any{"input": []any{"a"}}, "updateContext: parameter input must be an object of values to merge, not an array; to remove keys pass an array of them with isDelete true"},
		{"updateContext", map[string]any{"input": 5, "isDelete": true}, "updateContext: with isDelete, parameter input must be an array of the keys to remove, not a number"},
		{"createTab", map[string]any{}, `Some of the required parameters are Null: createTab needs an input object such as {templateName: "msdyn_website_tab"}`},
		{"createSession", map[string]any{}, `Some of required parameters are null: createSession needs an input object such as {templateName: "msdyn_chat_session"}`},
		{"setTabTitle", map[string]any{"tabId": 1}, "setTabTitle: parameter tabId must be a string, not a number"},
		{"focusTab", map[string]any{"tabId": []any{}}, "focusTab: parameter tabId must be a string, not an array"},
		{"workspace.closeSession", map[string]any{}, "workspace.closeSession: sessionId is required"},
		{"workspace.closeTab", map[string]any{}, "workspace.closeTab: tabId is required"},
	} {
		t.Run(tt.method+" "+tt.message, func(t *testing.T) {
			params := with(page, tt.params)
			if strings.HasPrefix(tt.method, "workspace.") {
				params = agent(tt.params)
			}
			c.fails(tt.method, params, errcode.InvalidParams, tt.message)
		})
	}
}

func TestObjectParametersAlsoTakeAJSONString(t *testing.T) {
	c := serve(t, testConfig(t))
	c.hello("p1")
	var id string
	input := map[string]any{"templateName": "msdyn_voicecall_session", "templateParameters": `{"customer":"Contoso"}`}
	require.NoError(t, json.Unmarshal([]byte(c.ok("createSession", with(page, map[string]any{"input": input}))), &id))
	assert.JSONEq(t, `"Call from Contoso"`, c.ok("setSessionTitle", with(page, map[string]any{"input": `{"sessionId":"` + id + `"}`})))
	assert.JSONEq(t, `["`+id+`"]`, c.ok("getAllSessions", with(page, nil)))
	assert.JSONEq(t, `["`+mustTab(t, c)+`"]`, c.ok("getTabs", with(page, map[string]any{"tags": nil})))
}

func mustTab(t *testing.T, c *client) string {
	var id string
	require.NoError(t, json.Unmarshal([]byte(c.ok("getFocusedTab", with(page, nil))), &id))
	return id
}

func TestRepliesComeBeforeTheirEvents(t *testing.T) {
	c := serve(t, testConfig(t))
	c.hello("p1")
	c.Send("createSession", with(page, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session", "context": map[string]any{"k": 1}}}))
	reply := c.Read()
	require.Nil(t, reply.Error)
	var id string
	require.NoError(t, json.Unmarshal(reply.Result, &id))
	switched := c.Read()
	assert.Equal(t, "onSessionSwitched", switched.Method)
	assert.JSONEq(t, `{"provider":"`+page+`","data":{"sessionId":"`+id+`","focused":true,"context":{"k":1}}}`, string(switched.Params))
	changed := c.Read()
	assert.Equal(t, WorkspaceChanged, changed.Method)
	var change struct {
		Version uint64
		Change  struct {
			Put    []json.RawMessage
			Delete []string
			Focus  *string
		}
	}
	require.NoError(t, json.Unmarshal(changed.Params, &change))
	assert.Equal(t, uint64(1), change.Version, "one call, one change")
	c.Send("workspace.get", agent(nil))
	var ws WorkspaceView
	require.NoError(t, json.Unmarshal(c.Read().Result, &ws))
	require.Len(t, change.Change.Put, 1)
	assert.JSONEq(t, string(ws.Sessions[0]), string(change.Change.Put[0]), "the new session as workspace.get shows it, without its context")
	assert.Equal(t, &id, change.Change.Focus)
	assert.Empty(t, change.Change.Delete)

	c.Send("getAllSessions", with(page, nil))
	assert.NotEmpty(t, c.Read().ID, "a call that changes nothing is followed by nothing")
	c.Send("workspace.closeSession", agent(map[string]any{"sessionId": id}))
	assert.JSONEq(t, "null", string(c.Read().Result))
	closed := c.Read()
	assert.Equal(t, "onSessionClosed", closed.Method)
	assert.JSONEq(t, `{"provider":"`+page+`","data":{"sessionId":"`+id+`","context":{"k":1}}}`, string(closed.Params))
	changed = c.Read()
	assert.Equal(t, WorkspaceChanged, changed.Method)
	assert.JSONEq(t, `{"version":2,"change":{"delete":["`+id+`"],"focus":""}}`, string(changed.Params))
}

func TestStateIsSavedBeforeTheReplyAndRestored(t *testing.T) {
	cfg := testConfig(t)
	c := serve(t, cfg)
	c.hello("p1")
	var id string
	require.NoError(t, json.Unmarshal([]byte(c.ok("createSession", with(page, map[string]any{"input": map[string]any{"templateName": "msdyn_sms_session"}}))), &id))

	data, err := os.ReadFile(filepath.Join(cfg.Dirs.ProfilesDir(), "p1.json"))
	require.NoError(t, err, "saved by the time the reply arrived")
	assert.Contains(t, string(data), id)
	c.ok("notifyKpiBreach", with(page, map[string]any{"sessionId": id}))
	journal, err := os.ReadFile(filepath.Join(cfg.Dirs.ProfilesDir(), "p1.json.journal"))
	require.NoError(t, err, "a later change is in the journal")
	assert.Contains(t, string(journal), `"version":2`)
	c.Stop()

	c = serve(t, cfg)
	c.hello("p1")
	assert.JSONEq(t, `["`+id+`"]`, c.ok("getAllSessions", with(page, nil)))
	assert.Empty(t, c.Events, "restoring a workspace is no change to announce")
	var ws WorkspaceView
	require.NoError(t, json.Unmarshal([]byte(c.ok("workspace.get", agent(nil))), &ws))
	assert.Equal(t, uint64(2), ws.Version, "versions go on from where the last host left them")
}

func TestAnUnreadableStateIsMovedAsideAndLogged(t *testing.T) {
	cfg := testConfig(t)
	path := filepath.Join(cfg.Dirs.ProfilesDir(), "p1.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	require.NoError(t, os.WriteFile(path, []byte("{not json"), 0o600))

	c := serve(t, cfg)
	c.hello("p1")
	assert.JSONEq(t, `[]`, c.ok("getAllSessions", with(page, nil)))
	kept, err := os.ReadFile(path + ".broken-20250102T030405.000000000Z")
	require.NoError(t, err)
	assert.Equal(t, "{not json", string(kept))
	assert.Contains(t, c.log.String(), `msg="state file unreadable; moved it aside and started with no sessions"`)
}

func TestAFailedSaveUndoesTheChangeAndTheNextCallSaves(t *testing.T) {
	cfg := testConfig(t)
	c := serve(t, cfg)
	c.hello("p1")
	dir := cfg.Dirs.ProfilesDir()
	require.NoError(t, os.RemoveAll(dir)) // the state folder vanishes under the host

	create := with(page, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session"}})
	m := c.Call("createSession", create)
	require.NotNil(t, m.Error)
	assert.Equal(t, errcode.StateUnavailable, m.Error.Code)
	assert.True(t, strings.HasPrefix(m.Error.Message, "the change could not be saved (save session state: create temporary state file: "), m.Error.Message)
	assert.True(t, strings.HasSuffix(m.Error.Message, "so it was undone; check the disk space and permissions of "+cfg.Dirs.State+", then try again"), m.Error.Message)
	assert.Contains(t, c.log.String(), `msg="a change was not stored; its reply says so"`)
	assert.JSONEq(t, `[]`, c.ok("getAllSessions", with(page, nil)), "the refused change changed nothing")
	for _, e := range c.Events {
		assert.NotEqual(t, "onSessionSwitched", e.Method, "and told no one")
	}

	require.NoError(t, os.MkdirAll(dir, 0o700))
	var id string
	require.NoError(t, json.Unmarshal([]byte(c.ok("createSession", create)), &id))
	data, err := os.ReadFile(filepath.Join(dir, "p1.json"))
	require.NoError(t, err, "the next change saved")
	assert.Contains(t, string(data), id)
}

// Every method is documented: in protocol.md's tables, and the page
// methods with a section of their own in api.md.
func TestEveryMethodIsDocumented(t *testing.T) {
	protocolDoc, err := os.ReadFile("../../docs/protocol.md")
	require.NoError(t, err)
	apiDoc, err := os.ReadFile("../../docs/api.md")
	require.NoError(t, err)
	for _, m := range methods {
		name := m.name
		assert.Contains(t, string(protocolDoc), "| `"+name+"` |", "docs/protocol.md")
		if m.caller == Page {
			assert.Contains(t, string(apiDoc), "### "+name+"(", "docs/api.md")
		}
	}
}
