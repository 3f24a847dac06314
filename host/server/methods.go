package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/cifbridge/cif-bridge/host/session"
	"github.com/cifbridge/cif-bridge/protocol"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// method is one callable: a CIF method a web page reaches through the
// extension, or one of the agent's own operations (agent true), which
// only the extension's pages may call.
type method struct {
	agent bool
	run   func(m *session.Manager, provider string, raw json.RawMessage) (any, error)
}

// methodTable maps JSON-RPC method names to their handlers; it is never
// written after initialisation. hello is handled apart, before any of
// these can run.
var methodTable = map[string]method{
	"canCreateSession":    {run: canCreateSession},
	"createSession":       {run: createSession},
	"getSession":          {run: getSession},
	"getFocusedSession":   {run: func(m *session.Manager, p string, _ json.RawMessage) (any, error) { return m.GetFocusedSession(p), nil }},
	"getAllSessions":      {run: func(m *session.Manager, p string, _ json.RawMessage) (any, error) { return m.GetAllSessions(p), nil }},
	"setSessionTitle":     {run: setSessionTitle},
	"requestFocusSession": {run: requestFocusSession},
	"notifyNewActivity":   {run: notifyNewActivity},
	"notifyKpiBreach":     {run: notifyKpiBreach},
	"updateContext":       {run: updateContext},
	"createTab":           {run: createTab},
	"getTabs":             {run: getTabs},
	"getFocusedTab":       {run: func(m *session.Manager, p string, _ json.RawMessage) (any, error) { return m.GetFocusedTab(p), nil }},
	"focusTab":            {run: tabCall("focusTab", (*session.Manager).FocusTab, nil)},
	"refreshTab":          {run: tabCall("refreshTab", (*session.Manager).RefreshTab, true)},
	"setTabTitle":         {run: setTabTitle},
	"closeTab":            {run: tabCall("closeTab", (*session.Manager).CloseTab, true)},

	"workspace.get":           {agent: true, run: workspaceGet},
	"workspace.tab":           {agent: true, run: workspaceTab},
	"workspace.switchSession": {agent: true, run: agentSessionCall("workspace.switchSession", (*session.Manager).SwitchSession)},
	"workspace.closeSession":  {agent: true, run: agentSessionCall("workspace.closeSession", (*session.Manager).CloseSession)},
	"workspace.closeTab":      {agent: true, run: agentTabCall("workspace.closeTab", (*session.Manager).CloseAgentTab)},
	"workspace.focusTab":      {agent: true, run: agentTabCall("workspace.focusTab", (*session.Manager).FocusAgentTab)},
}

func methodNames() func(func(string) bool) { return maps.Keys(methodTable) }

// common are the parameters every call may carry besides its own.
type common struct {
	Provider      string `json:"provider"`
	CorrelationID string `json:"correlationId"`
}

func (c *conn) dispatch(req *protocol.Request) (any, error) {
	if c.cfg.Refusal != nil {
		return nil, c.cfg.Refusal
	}
	if req.Method == "hello" {
		return c.hello(req.Params)
	}
	if c.ws == nil {
		return nil, errcode.Errorf(errcode.HandshakeRequired, "%s called before hello; the extension must send hello first on every connection", errcode.Clip(req.Method))
	}
	m, ok := methodTable[req.Method]
	if !ok {
		return nil, errcode.Errorf(errcode.MethodNotFound, "cif-host has no method %q; hello's capabilities list the methods it has", errcode.Clip(req.Method))
	}
	base, err := decodeCommon(req.Method, req.Params)
	if err != nil {
		return nil, err
	}
	switch {
	case m.agent && base.Provider != "":
		return nil, errcode.Errorf(errcode.AgentOnly, "%s is one of the agent's own operations; web pages cannot call it (only the agent switches and closes sessions)", errcode.Clip(req.Method))
	case !m.agent && !validOrigin(base.Provider):
		return nil, errcode.Errorf(errcode.InvalidParams, "%s: provider %q is not a web origin such as https://example.com; the extension must pass the calling page's origin", req.Method, errcode.Clip(base.Provider))
	}
	if base.CorrelationID != "" {
		c.log.Debug("call", "method", req.Method, "provider", base.Provider, "correlationId", base.CorrelationID)
	}
	return m.run(c.ws.manager, base.Provider, req.Params)
}

// decodeCommon reads the parameters every call carries as decode does,
// without encoding/json in the usual case: plain strings under exactly
// these names, each once. raw must be valid JSON, as a request's params
// are once DecodeRequest has read them.
func decodeCommon(method string, raw json.RawMessage) (common, error) {
	var c common
	var provider, correlation int
	plain := protocol.ObjectFields(raw, func(key, value []byte) bool {
		switch {
		case string(key) == "provider":
			s, ok := protocol.PlainString(value)
			c.Provider, provider = string(s), provider+1
			return ok && provider == 1
		case string(key) == "correlationId":
			s, ok := protocol.PlainString(value)
			c.CorrelationID, correlation = string(s), correlation+1
			return ok && correlation == 1
		}
		// encoding/json would take a key in another case for one of them.
		return !bytes.EqualFold(key, []byte("provider")) && !bytes.EqualFold(key, []byte("correlationId"))
	})
	if plain {
		return c, nil
	}
	return decode[common](method, raw)
}

// validOrigin reports whether s is an http(s) origin: scheme, host and
// optional port, nothing more.
func validOrigin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.Path == "" && u.RawQuery == "" && u.Fragment == "" && u.User == nil && !u.ForceQuery
}

// decode reads a method's parameters. Missing ones stay zero; a value of
// the wrong type is an InvalidParams error naming the parameter.
func decode[T any](method string, raw json.RawMessage) (T, error) {
	var v T
	if len(bytes.TrimSpace(raw)) == 0 {
		return v, nil
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
			return v, errcode.Errorf(errcode.InvalidParams, "%s: parameter %s must be %s, not %s", method, te.Field, jsonKind(te.Type), jsonValue(te.Value))
		}
		return v, errcode.Errorf(errcode.InvalidParams, "%s: %v", method, err)
	}
	return v, nil
}

// jsonKind names a Go type the way a JavaScript developer would.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Float64, reflect.Int, reflect.Int64:
		return "a number"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return "an array of strings"
		}
		return "an array"
	}
	return "an object"
}

// jsonValue names the kind of JSON value encoding/json found.
func jsonValue(v string) string {
	switch v {
	case "string", "number":
		return "a " + v
	case "bool":
		return "a boolean"
	case "array", "object":
		return "an " + v
	}
	return v
}

// object is a JSON object parameter. It also accepts a JSON string that
// encodes an object, which some integrations send.
type object map[string]any

func (o *object) UnmarshalJSON(b []byte) error {
	if raw(b) == nil {
		*o = nil
		return nil
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		if json.Unmarshal([]byte(s), (*map[string]any)(o)) != nil {
			return typeError("a string that does not hold a JSON object", *o)
		}
		return nil
	}
	if json.Unmarshal(b, (*map[string]any)(o)) != nil {
		return typeError(kindOf(b), *o)
	}
	return nil
}

// stringList is a list of strings that also accepts a single string (CIF
// documents getTabs' tag as one string; its host keeps several).
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	if raw(b) == nil {
		*l = nil
		return nil
	}
	var one string
	if json.Unmarshal(b, &one) == nil {
		*l = []string{one}
		return nil
	}
	if json.Unmarshal(b, (*[]string)(l)) != nil {
		return typeError(kindOf(b), *l)
	}
	return nil
}

// typeError reports a parameter of the wrong kind so that decode can name
// the parameter: encoding/json fills in the field.
func typeError[T any](found string, _ T) error {
	return &json.UnmarshalTypeError{Value: found, Type: reflect.TypeFor[T]()}
}

// kindOf names the kind of a JSON value.
func kindOf(b []byte) string {
	switch t := bytes.TrimSpace(b); {
	case len(t) == 0:
		return "nothing"
	case t[0] == '"':
		return "string"
	case t[0] == '[':
		return "array"
	case t[0] == '{':
		return "object"
	case t[0] == 't' || t[0] == 'f':
		return "bool"
	case t[0] == 'n':
		return "null"
	}
	return "number"
}

// raw returns a JSON value, or nil for a missing or null one.
func raw(v json.RawMessage) json.RawMessage {
	if t := bytes.TrimSpace(v); len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return nil
	}
	return v
}

func canCreateSession(m *session.Manager, _ string, _ json.RawMessage) (any, error) {
	return m.CanCreateSession(), nil
}

func createSession(m *session.Manager, provider string, r json.RawMessage) (any, error) {
	p, err := decode[struct {
		Input *struct {
			TemplateName       string          `json:"templateName"`
			TemplateTag        string          `json:"templateTag"`
			TemplateParameters object          `json:"templateParameters"`
			Context            json.RawMessage `json:"context"`
			CustomerName       string          `json:"customerName"`
		} `json:"input"`
		CorrelationID string `json:"correlationId"`
	}]("createSession", r)
	if err != nil {
		return nil, err
	}
	if p.Input == nil {
		return nil, errcode.Errorf(errcode.InvalidParams, "Some of required parameters are null: createSession needs an input object such as {templateName: \"msdyn_chat_session\"}")
	}
	return m.CreateSession(provider, session.CreateInput{
		TemplateName:       p.Input.TemplateName,
		TemplateTag:        p.Input.TemplateTag,
		TemplateParameters: p.Input.TemplateParameters,
		Context:            raw(p.Input.Context),
		CustomerName:       p.Input.CustomerName,
		CorrelationID:      p.CorrelationID,
	})
}

type sessionParam struct {
	SessionID string `json:"sessionId"`
}

func getSession(m *session.Manager, provider string, r json.RawMessage) (any, error) {
	p, err := decode[sessionParam]("getSession", r)
	if err != nil {
		return nil, err
	}
	return m.GetSession(provider, p.SessionID)
}

func setSessionTitle(m *session.Manager, provider string, r json.RawMessage) (any, error) {
	p, err := decode[struct {
		Input object `json:"input"`
	}]("setSessionTitle", r)
	if err != nil {
		return nil, err
	}
	return m.SetSessionTitle(provider, p.Input)
}

func requestFocusSession(m *session.Manager, provider string, r json.RawMessage) (any, error) {
	p, err := decode[sessionParam]("requestFocusSession", r)
	if err != nil {
		return nil, err
	}
	return nil, m.RequestFocusSession(provider, p.SessionID)
}

func notifyNewActivity(m *session.Manager, provider string, r json.RawMessage) (any, error) {
	p, err := decode[struct {
		SessionID string   `json:"sessionId"`
		Count     *float64 `json:"count"`
	}]("notifyNewActivity", r)
	if err != nil {
		return nil, err
	}
	if p.Count == nil || *p.Count != math.Trunc(*p.Count) || *p.Count > math.MaxInt32 {
		return nil, errcode.Errorf(errcode.InvalidParams, "notifyNewActivity: count must be a whole number of new activities, such as 1")
	}
	return nil, m.NotifyNewActivity(provider, p.SessionID, int(*p.Count))
}

func notifyKpiBreach(m *session.Manager, provider string, r json.RawMessage) (any, error) {
	p, err := decode[struct {
		SessionID   string          `json:"sessionId"`
		ShouldReset bool            `json:"shouldReset"`
		Details     json.RawMessage `json:"details"`
	}]("notifyKpiBreach", r)
	if err != nil {
		return nil, err
	}
	return nil, m.NotifyKpiBreach(provider, p.SessionID, p.ShouldReset, raw(p.Details))
}

func updateContext(m *session.Manager, provider string, r json.RawMessage) (any, error) {
	p, err := decode[struct {
		Input     json.RawMessage `json:"input"`
		SessionID string          `json:"sessionId"`
		IsDelete  bool            `json:"isDelete"`
	}]("updateContext", r)
	if err != nil {
		return nil, err
	}
	if raw(p.Input) == nil {
		return nil, errcode.Errorf(errcode.InvalidParams, "The input parameter is null. Provide a value to the parameter: an object of values to merge, or with isDelete the keys to remove")
	}
	if p.IsDelete {
		keys, err := deleteKeys(p.Input)
		if err != nil {
			return nil, err
		}
		return m.UpdateContext(provider, p.SessionID, nil, keys, true)
	}
	var values object
	if values.UnmarshalJSON(p.Input) != nil {
		return nil, errcode.Errorf(errcode.InvalidParams, "updateContext: parameter input must be an object of values to merge, not %s; to remove keys pass an array of them with isDelete true", jsonValue(kindOf(p.Input)))
	}
	return m.UpdateContext(provider, p.SessionID, values, nil, false)
}

// deleteKeys reads updateContext's input with isDelete: an array of keys,
// or an object whose keys are removed.
func deleteKeys(input json.RawMessage) ([]string, error) {
	var keys []string
	if json.Unmarshal(input, &keys) == nil {
		return keys, nil
	}
	var values map[string]any
	if json.Unmarshal(input, &values) == nil {
		return slices.Sorted(maps.Keys(values)), nil
	}
	return nil, errcode.Errorf(errcode.InvalidParams, "updateContext: with isDelete, parameter input must be an array of the keys to remove, not %s", jsonValue(kindOf(input)))
}

func createTab(m *session.Manager, provider string, r json.RawMessage) (any, error) {
	p, err := decode[struct {
		Input *struct {
			TemplateName       string `json:"templateName"`
			TemplateParameters object `json:"templateParameters"`
			IsFocused          bool   `json:"isFocused"`
		} `json:"input"`
	}]("createTab", r)
	if err != nil {
		return nil, err
	}
	if p.Input == nil {
		return nil, errcode.Errorf(errcode.InvalidParams, "Some of the required parameters are Null: createTab needs an input object such as {templateName: \"msdyn_website_tab\"}")
	}
	return m.CreateTab(provider, session.TabInput{
		TemplateName:       p.Input.TemplateName,
		TemplateParameters: p.Input.TemplateParameters,
		IsFocused:          p.Input.IsFocused,
	})
}

func getTabs(m *session.Manager, provider string, r json.RawMessage) (any, error) {
	p, err := decode[struct {
		TemplateName string     `json:"templateName"`
		Tags         stringList `json:"tags"`
	}]("getTabs", r)
	if err != nil {
		return nil, err
	}
	return m.GetTabs(provider, p.TemplateName, p.Tags)
}

type tabParam struct {
	TabID string `json:"tabId"`
}

// tabCall adapts a manager method on one of the provider's tabs; it
// resolves with result (CIF's true, or nothing).
func tabCall(name string, f func(*session.Manager, string, string) error, result any) func(*session.Manager, string, json.RawMessage) (any, error) {
	return func(m *session.Manager, provider string, r json.RawMessage) (any, error) {
		p, err := decode[tabParam](name, r)
		if err != nil {
			return nil, err
		}
		if err := f(m, provider, p.TabID); err != nil {
			return nil, err
		}
		return result, nil
	}
}

func setTabTitle(m *session.Manager, provider string, r json.RawMessage) (any, error) {
	p, err := decode[struct {
		TabID string `json:"tabId"`
		Input object `json:"input"`
	}]("setTabTitle", r)
	if err != nil {
		return nil, err
	}
	return m.SetTabTitle(provider, p.TabID, p.Input)
}

// WorkspaceView is what the agent's views show.
type WorkspaceView struct {
	*session.State
	MaxSessions int    `json:"maxSessions"`
	Version     uint64 `json:"version"`
}

func workspaceGet(m *session.Manager, _ string, _ json.RawMessage) (any, error) {
	state, version := m.View()
	return WorkspaceView{State: state, MaxSessions: m.MaxSessions(), Version: version}, nil
}

// TabView is one tab as the page showing it needs it, parameters included.
type TabView struct {
	*session.Tab
	SessionID string `json:"sessionId"`
}

func workspaceTab(m *session.Manager, _ string, r json.RawMessage) (any, error) {
	p, err := decode[tabParam]("workspace.tab", r)
	if err != nil {
		return nil, err
	}
	tab, sessionID, err := m.TabDetail(p.TabID)
	if err != nil {
		return nil, err
	}
	return TabView{Tab: tab, SessionID: sessionID}, nil
}

func agentSessionCall(name string, f func(*session.Manager, string) error) func(*session.Manager, string, json.RawMessage) (any, error) {
	return func(m *session.Manager, _ string, r json.RawMessage) (any, error) {
		p, err := decode[sessionParam](name, r)
		if err != nil {
			return nil, err
		}
		if p.SessionID == "" && !strings.HasSuffix(name, "switchSession") {
			return nil, errcode.Errorf(errcode.InvalidParams, "%s: sessionId is required", name)
		}
		return nil, f(m, p.SessionID)
	}
}

func agentTabCall(name string, f func(*session.Manager, string) error) func(*session.Manager, string, json.RawMessage) (any, error) {
	return func(m *session.Manager, _ string, r json.RawMessage) (any, error) {
		p, err := decode[tabParam](name, r)
		if err != nil {
			return nil, err
		}
		if p.TabID == "" {
			return nil, errcode.Errorf(errcode.InvalidParams, "%s: tabId is required", name)
		}
		return nil, f(m, p.TabID)
	}
}
