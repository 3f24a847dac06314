package api

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

func TestHelloListsThePresences(t *testing.T) {
	cfg := testConfig(t)
	cfg.Settings.Presences = []config.Presence{{PresenceID: "lunch", PresenceText: "At lunch", PresenceColor: "#fcd116", BasePresenceStatus: "AWAY"}}
	c := serve(t, cfg)
	res := c.hello("p1")
	list, _ := res["presences"].([]any)
	assert.Len(t, list, 6)
	assert.Equal(t, map[string]any{"presenceId": "available", "presenceText": "Available", "presenceColor": "#92c353", "basePresenceStatus": "AVAILABLE"}, list[0])
	assert.Equal(t, "At lunch", list[5].(map[string]any)["presenceText"])
}

func TestSetAgentPresenceReadsCIFsJSONString(t *testing.T) {
	c := serve(t, testConfig(t))
	c.hello("p1")
	busy := `{"presenceId":"{0b6f}","presenceText":"On a call","presenceColor":"#ff0000","basePresenceStatus":"BUSY"}`
	assert.JSONEq(t, busy, c.ok("setAgentPresence", with(page, map[string]any{"presenceInfo": busy})))
	assert.JSONEq(t, busy, c.ok("setAgentPresence", with(page, map[string]any{"presenceInfo": map[string]any{
		"presenceId": "{0b6f}", "presenceText": "On a call", "presenceColor": "#ff0000", "basePresenceStatus": "BUSY",
	}})), "an object is read too")

	for name, tt := range map[string]struct {
		info    any
		message string
	}{
		"null":       {nil, `The presenceInfo parameter is null. Provide a value to the parameter: JSON.stringify({presenceId: "busy", presenceText: "Busy", presenceColor: "#c4314b", basePresenceStatus: "BUSY"})`},
		"blank":      {" ", `The presenceInfo parameter is null. Provide a value to the parameter: JSON.stringify({presenceId: "busy", presenceText: "Busy", presenceColor: "#c4314b", basePresenceStatus: "BUSY"})`},
		"not JSON":   {"Busy", `setAgentPresence: parameter presenceInfo must be a JSON string of an object, not Busy`},
		"array":      {"[]", `setAgentPresence: parameter presenceInfo must be a JSON string of an object, not []`},
		"number":     {3, `setAgentPresence: parameter presenceInfo must be a JSON string of an object, not a number`},
		"unknown":    {`{"presenceId":"a","presenceText":"A","presenceColor":"#fff","basePresenceStatus":"BUSY","mood":"x"}`, `setAgentPresence: there is no parameter presenceInfo.mood; check its spelling and letter case (see docs/api.md)`},
		"base":       {`{"presenceId":"a","presenceText":"A","presenceColor":"#fff","basePresenceStatus":"busy"}`, `setAgentPresence: presenceInfo.basePresenceStatus is "busy"; use one of AVAILABLE, BUSY, BUSY_DO_NOT_DISTURB, AWAY, OFFLINE`},
		"long text":  {`{"presenceId":"a","presenceText":"` + strings.Repeat("x", 101) + `","presenceColor":"#fff","basePresenceStatus":"BUSY"}`, `setAgentPresence: presenceInfo.presenceText is longer than 100 characters; shorten it`},
		"script":     {`{"presenceId":"a","presenceText":"A","presenceColor":"red;background:url(x)","basePresenceStatus":"BUSY"}`, `setAgentPresence: presenceInfo.presenceColor is "red;background:url(x)"; use a colour such as #c4314b`},
		"wrong type": {`{"presenceId":1}`, `setAgentPresence: parameter presenceInfo.presenceId must be a string, not a number`},
	} {
		assert.Equal(t, tt.message, c.Fails("setAgentPresence", with(page, map[string]any{"presenceInfo": tt.info}), errcode.InvalidParams), name)
	}
}

func TestInitializeAgentPresenceList(t *testing.T) {
	c := serve(t, testConfig(t))
	c.hello("p1")
	list := `[{"presenceId":"a","presenceText":"Ready","presenceColor":"#0f0","basePresenceStatus":"AVAILABLE"},{"presenceId":"b","presenceText":"Wrap-up","presenceColor":"#c4314b","basePresenceStatus":"BUSY"}]`
	assert.JSONEq(t, list, c.ok("initializeAgentPresenceList", with(page, map[string]any{"presenceList": list})))
	assert.JSONEq(t, `[]`, c.ok("initializeAgentPresenceList", with(page, map[string]any{"presenceList": "[]"})))
	c.fails("initializeAgentPresenceList", with(page, nil), errcode.InvalidParams,
		`The presenceList parameter is null. Provide a value to the parameter: a JSON string of an array of presences, each such as JSON.stringify({presenceId: "busy", presenceText: "Busy", presenceColor: "#c4314b", basePresenceStatus: "BUSY"})`)
	c.fails("initializeAgentPresenceList", with(page, map[string]any{"presenceList": `[{"presenceId":"a","presenceText":"Ready","presenceColor":"#0f0","basePresenceStatus":"AVAILABLE"},{"presenceId":"b","presenceText":"Ready","presenceColor":"#0f0","basePresenceStatus":"AVAILABLE"}]`}),
		errcode.InvalidParams, `initializeAgentPresenceList: presenceList[1].presenceText is "Ready", which an earlier presence has; setPresence finds a presence by its text, so give each its own`)
	c.fails("initializeAgentPresenceList", with(page, map[string]any{"presenceList": `{"presenceId":"a"}`}),
		errcode.InvalidParams, `initializeAgentPresenceList: parameter presenceList must be a JSON string of an array, not {"presenceId":"a"}`)
	many := "[" + strings.Repeat(`{"presenceId":"a","presenceText":"A","presenceColor":"#fff","basePresenceStatus":"BUSY"},`, 50) + `{"presenceId":"a","presenceText":"A","presenceColor":"#fff","basePresenceStatus":"BUSY"}]`
	c.fails("initializeAgentPresenceList", with(page, map[string]any{"presenceList": many}),
		errcode.InvalidParams, `initializeAgentPresenceList: presenceList has 51 presences; keep at most 50`)
}
