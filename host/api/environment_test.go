package api

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/session"
	"github.com/cifbridge/cif-bridge/host/templates"
)

// environmentKeys are the keys of Dynamics' getEnvironment, as captured
// from a real organisation: clients read them without checking.
var environmentKeys = []string{"appUrl", "appid", "cifVersion", "clientUrl", "crmVersion", "customParams", "etn", "id", "isDirty",
	"orgId", "orgLcid", "orgUniqueName", "pagetype", "userId", "userLcid", "username"}

func TestGetEnvironmentOfARecordTab(t *testing.T) {
	cfg := testConfig(t)
	cfg.Settings = config.Settings{
		OrganizationURL: "https://contoso.crm4.dynamics.com/",
		Organization:    config.Organization{ID: "{BA7FD0B1-3511-EE11-A66B-000D3A48F47A}", UniqueName: "unqcontoso", AppID: "802B8BCD-710D-EE11-8F6D-002248803266", Version: "9.2.23055.00200"},
		User:            config.User{ID: "a8177e6e-4d0d-ee11-8f6d-002248803266", Name: "Ann Agent", LCID: 1031},
	}
	c := serve(t, cfg)
	c.hello("p1")
	c.ok("createSession", with(page, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session"}}))
	c.ok("createTab", with(page, map[string]any{"input": map[string]any{"templateName": "msdyn_entityrecord_tab", "isFocused": true,
		"templateParameters": map[string]any{"entityName": "contact", "entityId": "674F8695-1416-EE11-8F6D-000D3A4808BC"}}}))

	var env map[string]any
	require.NoError(t, json.Unmarshal([]byte(c.ok("getEnvironment", with(page, map[string]any{"correlationId": "c1"}))), &env))
	assert.Equal(t, map[string]any{
		"appUrl":        "https://contoso.crm4.dynamics.com/main.aspx?appid=802b8bcd-710d-ee11-8f6d-002248803266",
		"appid":         "802b8bcd-710d-ee11-8f6d-002248803266",
		"cifVersion":    "test",
		"clientUrl":     "https://contoso.crm4.dynamics.com",
		"crmVersion":    "9.2.23055.00200",
		"customParams":  nil,
		"etn":           "contact",
		"id":            "674f8695-1416-ee11-8f6d-000d3a4808bc",
		"isDirty":       false,
		"orgId":         "ba7fd0b1-3511-ee11-a66b-000d3a48f47a",
		"orgLcid":       1033.0,
		"orgUniqueName": "unqcontoso",
		"pagetype":      "entityrecord",
		"userId":        "{A8177E6E-4D0D-EE11-8F6D-002248803266}",
		"userLcid":      1031.0,
		"username":      "Ann Agent",
	}, env)

	var other map[string]any
	require.NoError(t, json.Unmarshal([]byte(c.ok("getEnvironment", with("https://other.example", nil))), &other))
	assert.Equal(t, "", other["pagetype"], "another provider learns nothing of the agent's page")
	assert.Equal(t, "", other["etn"])
	assert.Equal(t, "", other["id"])
	assert.Nil(t, other["isDirty"])
	assert.Equal(t, "Ann Agent", other["username"])

	c.fails("getEnvironment", with(page, map[string]any{"correlationID": "c"}), -32602, "getEnvironment: there is no parameter correlationID; check its spelling and letter case (see docs/api.md)")
}

func TestEveryEnvironmentKeyIsAlwaysThere(t *testing.T) {
	for name, tt := range map[string]struct {
		page session.FocusedPage
		ok   bool
		want map[string]any // the keys that differ from the empty environment's
	}{
		"no page":   {ok: false, want: map[string]any{}},
		"list":      {page: session.FocusedPage{PageType: templates.EntityList, Params: map[string]any{"entityName": "incident"}}, ok: true, want: map[string]any{"pagetype": "entitylist", "etn": "incident"}},
		"dashboard": {page: session.FocusedPage{PageType: templates.Dashboard, Params: map[string]any{"dashboardId": "D1"}}, ok: true, want: map[string]any{"pagetype": "dashboard", "id": "D1"}},
		"search":    {page: session.FocusedPage{PageType: templates.Search, Params: map[string]any{"searchText": "x", "entityName": "contact"}}, ok: true, want: map[string]any{"pagetype": "search", "etn": "contact"}},
		"website":   {page: session.FocusedPage{PageType: templates.ThirdPartyWebsite, Params: map[string]any{"url": "https://x.example/"}}, ok: true, want: map[string]any{"pagetype": "thirdpartywebsite"}},
		"new record": {page: session.FocusedPage{PageType: templates.EntityRecord, Params: map[string]any{"entityName": "contact"}}, ok: true,
			want: map[string]any{"pagetype": "entityrecord", "etn": "contact", "isDirty": false}},
	} {
		t.Run(name, func(t *testing.T) {
			var got map[string]any
			require.NoError(t, json.Unmarshal(mustJSON(t, environment(config.Settings{}, "1.2.3", tt.page, tt.ok)), &got))
			want := map[string]any{"appUrl": "", "appid": "", "cifVersion": "1.2.3", "clientUrl": "", "crmVersion": "", "customParams": nil,
				"etn": "", "id": "", "isDirty": nil, "orgId": "", "orgLcid": 1033.0, "orgUniqueName": "", "pagetype": "", "userId": "", "userLcid": 1033.0, "username": ""}
			for k, v := range tt.want {
				want[k] = v
			}
			assert.Equal(t, want, got)
			keys := make([]string, 0, len(got))
			for k := range got {
				keys = append(keys, k)
			}
			assert.ElementsMatch(t, environmentKeys, keys)
		})
	}
}

func TestHelloGivesTheAdministratorsChannelProviders(t *testing.T) {
	cfg := testConfig(t)
	yes := true
	cfg.Settings.ChannelProviders = []config.ChannelProvider{{Name: "soft", Label: "Softphone", LandingURL: "https://soft.example/", CustomParams: "q=1", Order: 3, Enabled: &yes}}
	c := serve(t, cfg)
	assert.Equal(t, []any{map[string]any{"name": "soft", "label": "Softphone", "landingUrl": "https://soft.example/", "customParams": "q=1", "order": 3.0, "enabled": true}}, c.hello("p1")["channelProviders"])

	c = serve(t, testConfig(t))
	assert.Equal(t, []any{}, c.hello("p2")["channelProviders"], "none is an empty list")
}

func TestKpiBreachFollowsDynamics(t *testing.T) {
	c := serve(t, testConfig(t))
	c.hello("p1")
	var id string
	require.NoError(t, json.Unmarshal([]byte(c.ok("createSession", with(page, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session"}}))), &id))
	c.ok("createSession", with(page, map[string]any{"input": map[string]any{"templateName": "msdyn_sms_session"}})) // id is no longer focused
	breach := func() bool {
		var ws struct {
			Sessions []struct {
				ID        string `json:"id"`
				Attention struct {
					KPIBreach bool `json:"kpiBreach"`
				} `json:"attention"`
			} `json:"sessions"`
		}
		require.NoError(t, json.Unmarshal([]byte(c.ok("workspace.get", agent(nil))), &ws))
		return ws.Sessions[0].Attention.KPIBreach
	}
	c.ok("notifyKpiBreach", with(page, map[string]any{"sessionId": id, "shouldReset": true, "details": nil}))
	assert.True(t, breach(), "true raises the breach, as Microsoft's sample does")
	c.ok("notifyKpiBreach", with(page, map[string]any{"sessionId": id, "shouldReset": false}))
	assert.False(t, breach(), "false clears it, as the documentation's text says")
	c.ok("notifyKpiBreach", with(page, map[string]any{"sessionId": id}))
	assert.True(t, breach(), "left out, the breach is raised")
	c.ok("notifyNewActivity", with(page, map[string]any{"sessionId": id, "count": 3, "shouldReset": true, "correlationId": "c"}))
	c.ok("createSession", with(page, map[string]any{"input": map[string]any{"templateName": "msdyn_sms_session"}, "providerSessionId": "mine-1"}))
}
