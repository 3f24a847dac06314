package api

import (
	"bytes"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// setAgentPresence and initializeAgentPresenceList read and check what a
// page passes; the extension keeps the agent's presence. CIF passes both
// as JSON strings (its host parses them); an object or array is read too.

const presenceExample = `JSON.stringify({presenceId: "busy", presenceText: "Busy", presenceColor: "#c4314b", basePresenceStatus: "BUSY"})`

func setAgentPresence(c call) (any, error) {
	p, err := decode[struct {
		PresenceInfo jsontext.Value `json:"presenceInfo"`
		correlated   `json:",inline"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	raw, err := jsonArgument(c.method, "presenceInfo", p.PresenceInfo, '{')
	if err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, errcode.Errorf(errcode.InvalidParams, "The presenceInfo parameter is null. Provide a value to the parameter: %s", presenceExample)
	}
	var presence config.Presence
	if err := json.Unmarshal(raw, &presence, strict); err != nil {
		return nil, paramsError(c.method, "presenceInfo", err)
	}
	if f := presence.Check(); f.Field != "" {
		return nil, errcode.Errorf(errcode.InvalidParams, "setAgentPresence: presenceInfo.%s %s", f.Field, f.Message)
	}
	return presence, nil
}

func initializeAgentPresenceList(c call) (any, error) {
	p, err := decode[struct {
		PresenceList jsontext.Value `json:"presenceList"`
		correlated   `json:",inline"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	raw, err := jsonArgument(c.method, "presenceList", p.PresenceList, '[')
	if err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, errcode.Errorf(errcode.InvalidParams, "The presenceList parameter is null. Provide a value to the parameter: a JSON string of an array of presences, each such as %s", presenceExample)
	}
	var list []config.Presence
	if err := json.Unmarshal(raw, &list, strict); err != nil {
		return nil, paramsError(c.method, "presenceList", err)
	}
	if f := config.CheckPresences("presenceList", list); f.Field != "" {
		return nil, errcode.Errorf(errcode.InvalidParams, "initializeAgentPresenceList: %s %s", f.Field, f.Message)
	}
	if list == nil {
		list = []config.Presence{}
	}
	return list, nil
}

// jsonArgument returns the JSON an argument holds: the text of a string
// (CIF's form), or the value itself when it is of the kind wanted ('{' or
// '['); nil for a missing, null or blank one.
func jsonArgument(method, name string, v jsontext.Value, want jsontext.Kind) ([]byte, error) {
	v = present(v)
	if v == nil {
		return nil, nil
	}
	switch v.Kind() {
	case want:
		return v, nil
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, paramsError(method, name, err)
		}
		text := bytes.TrimSpace([]byte(s))
		if len(text) == 0 {
			return nil, nil
		}
		if !jsontext.Value(text).IsValid() || jsontext.Value(text).Kind() != want {
			return nil, errcode.Errorf(errcode.InvalidParams, "%s: parameter %s must be a JSON string of %s, not %s", method, name, kindName(want), errcode.Clip(s))
		}
		return text, nil
	}
	return nil, errcode.Errorf(errcode.InvalidParams, "%s: parameter %s must be a JSON string of %s, not %s", method, name, kindName(want), kindOf(v))
}

func kindName(k jsontext.Kind) string {
	if k == '[' {
		return "an array"
	}
	return "an object"
}
