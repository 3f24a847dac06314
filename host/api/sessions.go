package api

import (
	"math"
	"slices"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/cifbridge/cif-bridge/host/session"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// The session methods: CIF's, for the calling provider's sessions.

// correlated is the argument every CIF call may carry: CIF's optional
// telemetry id, which has no effect beyond the log.
type correlated struct {
	CorrelationID string `json:"correlationId"`
}

func canCreateSession(c call) (any, error) {
	if _, err := decode[correlated](c.method, c.args); err != nil {
		return nil, err
	}
	return c.sessions.CanCreateSession(), nil
}

// sessionInput is createSession's input, an object CIF leaves open.
type sessionInput struct {
	TemplateName       string         `json:"templateName"`
	TemplateTag        string         `json:"templateTag"`
	TemplateParameters object         `json:"templateParameters"`
	Context            jsontext.Value `json:"context"`
	CustomerName       string         `json:"customerName"`
}

func createSession(c call) (any, error) {
	p, err := decode[struct {
		Input openObject `json:"input"`
		// ProviderSessionID is the newest library's third argument, the
		// provider's own id for the session; CIF Bridge does not use it.
		ProviderSessionID string `json:"providerSessionId"`
		correlated        `json:",inline"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	var in sessionInput
	if ok, err := p.Input.into(c.method, "input", &in); err != nil {
		return nil, err
	} else if !ok {
		return nil, errcode.Errorf(errcode.InvalidParams, "Some of required parameters are null: createSession needs an input object such as {templateName: \"msdyn_chat_session\"}")
	}
	return c.sessions.CreateSession(c.provider, session.CreateInput{
		TemplateName:       in.TemplateName,
		TemplateTag:        in.TemplateTag,
		TemplateParameters: in.TemplateParameters,
		Context:            present(in.Context),
		CustomerName:       in.CustomerName,
		CorrelationID:      p.CorrelationID,
	})
}

type sessionArgs struct {
	SessionID  string `json:"sessionId"`
	correlated `json:",inline"`
}

func getSession(c call) (any, error) {
	p, err := decode[sessionArgs](c.method, c.args)
	if err != nil {
		return nil, err
	}
	return c.sessions.GetSession(c.provider, p.SessionID)
}

func getFocusedSession(c call) (any, error) {
	if _, err := decode[correlated](c.method, c.args); err != nil {
		return nil, err
	}
	return c.sessions.GetFocusedSession(c.provider), nil
}

func getAllSessions(c call) (any, error) {
	if _, err := decode[correlated](c.method, c.args); err != nil {
		return nil, err
	}
	return c.sessions.GetAllSessions(c.provider), nil
}

func setSessionTitle(c call) (any, error) {
	p, err := decode[struct {
		Input      object `json:"input"`
		correlated `json:",inline"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	return c.sessions.SetSessionTitle(c.provider, p.Input)
}

func requestFocusSession(c call) (any, error) {
	p, err := decode[struct {
		sessionArgs `json:",inline"`
		// MessagesCount is the second argument of CIF's own code, which
		// shows a count; the documented form has none.
		MessagesCount *float64 `json:"messagesCount"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	return nil, c.sessions.RequestFocusSession(c.provider, p.SessionID)
}

func notifyNewActivity(c call) (any, error) {
	p, err := decode[struct {
		sessionArgs `json:",inline"`
		Count       *float64 `json:"count"`
		// ShouldReset makes Dynamics forget the count it passes to a later
		// KPI breach; CIF Bridge shows count either way.
		ShouldReset bool `json:"shouldReset"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	if p.Count == nil || *p.Count != math.Trunc(*p.Count) || *p.Count > math.MaxInt32 {
		return nil, errcode.Errorf(errcode.InvalidParams, "notifyNewActivity: count must be a whole number of new activities, such as 1")
	}
	return nil, c.sessions.NotifyNewActivity(c.provider, p.SessionID, int(*p.Count))
}

// notifyKpiBreach raises a session's KPI breach, or clears it when
// shouldReset is false: despite its name, Dynamics passes the flag to its
// platform as "breached" (see session.Manager.NotifyKpiBreach). Left out,
// the breach is raised.
func notifyKpiBreach(c call) (any, error) {
	p, err := decode[struct {
		sessionArgs `json:",inline"`
		ShouldReset *bool          `json:"shouldReset"`
		Details     jsontext.Value `json:"details"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	breach := p.ShouldReset == nil || *p.ShouldReset
	return nil, c.sessions.NotifyKpiBreach(c.provider, p.SessionID, breach, present(p.Details))
}

func updateContext(c call) (any, error) {
	p, err := decode[struct {
		Input      jsontext.Value `json:"input"`
		SessionID  string         `json:"sessionId"`
		IsDelete   bool           `json:"isDelete"`
		correlated `json:",inline"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	if present(p.Input) == nil {
		return nil, errcode.Errorf(errcode.InvalidParams, "The input parameter is null. Provide a value to the parameter: an object of values to merge, or with isDelete the keys to remove")
	}
	if p.IsDelete {
		keys, err := deleteKeys(p.Input)
		if err != nil {
			return nil, err
		}
		return c.sessions.UpdateContext(c.provider, p.SessionID, nil, keys, true)
	}
	var values object
	if json.Unmarshal(p.Input, &values) != nil || values == nil {
		return nil, errcode.Errorf(errcode.InvalidParams, "updateContext: parameter input must be an object of values to merge, not %s; to remove keys pass an array of them with isDelete true", kindOf(p.Input))
	}
	return c.sessions.UpdateContext(c.provider, p.SessionID, values, nil, false)
}

// deleteKeys reads updateContext's input with isDelete: an array of keys,
// or an object whose keys are removed.
func deleteKeys(input jsontext.Value) ([]string, error) {
	var keys []string
	if json.Unmarshal(input, &keys) == nil {
		return keys, nil
	}
	var values map[string]jsontext.Value
	if json.Unmarshal(input, &values) == nil {
		out := make([]string, 0, len(values))
		for k := range values {
			out = append(out, k)
		}
		slices.Sort(out)
		return out, nil
	}
	return nil, errcode.Errorf(errcode.InvalidParams, "updateContext: with isDelete, parameter input must be an array of the keys to remove, not %s", kindOf(input))
}
