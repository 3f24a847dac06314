package api

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

func TestNotifyEventResolvesATemplate(t *testing.T) {
	c := serve(t, testConfig(t))
	c.hello("p1")
	var got map[string]any
	c.Result("notifyEvent", with(page, map[string]any{"input": map[string]any{
		"templateName":       "msdyn_voicecall_incoming_authenticated",
		"templateParameters": map[string]any{"customerName": "Ann <b>Contoso</b>", "phoneNumber": "+1 555 0100"},
		"eventType":          "voice", // CIF reads it; it changes nothing here
		"cancellationToken":  "call-42",
	}, "correlationId": "c-1"}), &got)
	assert.Equal(t, map[string]any{
		"templateName": "msdyn_voicecall_incoming_authenticated",
		"title":        "Incoming call from Ann <b>Contoso</b>",
		"icon":         "voice",
		"fields": []any{
			map[string]any{"label": "Caller", "value": "Ann <b>Contoso</b>"},
			map[string]any{"label": "Phone number", "value": "+1 555 0100"},
		},
		"showTimeout": true, "timeout": 120.0, "acceptButtonText": "Accept", "rejectButtonText": "Reject", "autoAccept": false,
		"cancellationToken": "call-42",
	}, got)

	c.Result("notifyEvent", with(page, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_incoming_unauthenticated"}, "cancellationToken": "third"}), &got)
	assert.Equal(t, "third", got["cancellationToken"], "the documented third argument")
	assert.Equal(t, []any{}, got["fields"])
}

func TestNotifyEventFailures(t *testing.T) {
	c := serve(t, testConfig(t))
	c.hello("p1")
	known := strings.Join(templates.Defaults().NotificationNames(), ", ")
	for name, tt := range map[string]struct {
		args    map[string]any
		code    errcode.Code
		message string
	}{
		"no input":      {nil, errcode.InvalidParams, `The Input parameter is blank. Provide a value: notifyEvent needs an input object such as {templateName: "msdyn_chat_incoming_unauthenticated", templateParameters: {customerName: "Ann"}}`},
		"no name":       {map[string]any{"input": map[string]any{}}, errcode.TemplateNotFound, "NotificationTemplateNotFoundError: input.templateName is blank; pass the unique name of a notification template, such as msdyn_chat_incoming_unauthenticated"},
		"resolver only": {map[string]any{"input": map[string]any{"templateNameResolver": "contoso_resolver"}}, errcode.TemplateNotFound, "NotificationTemplateResolverNotFoundError: CIF Bridge runs no template name resolvers; pass input.templateName, the unique name of a notification template"},
		"unknown":       {map[string]any{"input": map[string]any{"templateName": "contoso_nope"}}, errcode.TemplateNotFound, "NotificationTemplateNotFoundError: no notification template is named contoso_nope. Known notification templates: " + known + "; add yours to templates.json (see docs/templates.md)"},
		"session name":  {map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session"}}, errcode.TemplateNotFound, "NotificationTemplateNotFoundError: no notification template is named msdyn_chat_session. Known notification templates: " + known + "; add yours to templates.json (see docs/templates.md)"},
		"long token":    {map[string]any{"input": map[string]any{"templateName": "msdyn_chat_incoming_unauthenticated", "cancellationToken": strings.Repeat("t", 257)}}, errcode.InvalidParams, "notifyEvent: the cancellationToken is 257 bytes, over the limit of 256; pass a short unique string, such as a conversation id"},
		"token type":    {map[string]any{"input": map[string]any{"templateName": "msdyn_chat_incoming_unauthenticated", "cancellationToken": 7}}, errcode.InvalidParams, "notifyEvent: parameter input.cancellationToken must be a string, not a number"},
		"params type":   {map[string]any{"input": map[string]any{"templateName": "msdyn_chat_incoming_unauthenticated", "templateParameters": []any{}}}, errcode.InvalidParams, "notifyEvent: parameter input.templateParameters must be an object, not an array"},
		"input type":    {map[string]any{"input": "nope"}, errcode.InvalidParams, "notifyEvent: parameter input must be an object, not a string"},
		"letter case":   {map[string]any{"input": map[string]any{"TemplateName": "x"}}, errcode.TemplateNotFound, "NotificationTemplateNotFoundError: input.templateName is blank; pass the unique name of a notification template, such as msdyn_chat_incoming_unauthenticated"},
	} {
		assert.Equal(t, tt.message, c.Fails("notifyEvent", with(page, tt.args), tt.code), name)
	}
	c.fails("notifyEvent", agent(map[string]any{"input": map[string]any{"templateName": "msdyn_chat_incoming_unauthenticated"}}), errcode.InvalidParams,
		`notifyEvent: provider "" is not a web origin such as https://example.com; the extension must pass the calling page's origin`)
}

func TestNotifyEventUsesTheAdministratorsTemplates(t *testing.T) {
	cfg := testConfig(t)
	path := filepath.Join(t.TempDir(), "templates.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"notificationTemplates": [
	  {"uniqueName": "contoso_quick", "title": "Quick {x}", "timeout": 2, "showTimeout": false, "autoAccept": true}
	]}`), 0o600))
	catalog, problems := templates.Load(path)
	require.Empty(t, problems)
	cfg.Catalog = catalog
	c := serve(t, cfg)
	c.hello("p1")
	var got map[string]any
	c.Result("notifyEvent", with(page, map[string]any{"input": map[string]any{"templateName": "contoso_quick", "templateParameters": `{"x": 1}`}}), &got)
	assert.Equal(t, "Quick 1", got["title"])
	assert.Equal(t, 2.0, got["timeout"])
	assert.Equal(t, false, got["showTimeout"])
	assert.Equal(t, true, got["autoAccept"])
	assert.Equal(t, "Open", got["acceptButtonText"])
	assert.NotContains(t, got, "rejectButtonText")
	assert.NotContains(t, got, "cancellationToken")
}
