package templates

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTheDefaultNotificationTemplatesModelDynamics(t *testing.T) {
	c := Defaults()
	for _, name := range []string{
		"msdyn_chat_incoming_unauthenticated", // Microsoft's samples and docs use it
		"msdyn_chat_incoming_authenticated", "msdyn_voicecall_incoming_unauthenticated", "msdyn_sms_incoming_unauthenticated",
		"msdyn_notificationtemplate_incoming_unauth", "msdyn_notificationtemplate_consult", "msdyn_notificationtemplate_transfer",
	} {
		_, ok := c.Notification(name)
		assert.True(t, ok, name)
	}

	chat, _ := c.Notification("msdyn_chat_incoming_unauthenticated")
	got := chat.Resolve(map[string]any{"customerName": "Ann", "visitorLanguage": "en-GB"})
	assert.Equal(t, ResolvedNotification{
		TemplateName: "msdyn_chat_incoming_unauthenticated", Title: "Incoming chat request", Icon: "chat",
		Fields:      []ResolvedField{{"Customer name", "Ann"}, {"Language", "en-GB"}},
		ShowTimeout: true, Timeout: 120, AcceptButtonText: "Accept", RejectButtonText: "Reject",
	}, got, "Dynamics' defaults: 120 s, Accept and Reject; a line with no value is left out")

	assign, _ := c.Notification("msdyn_entityrecord_assign")
	auto := assign.Resolve(nil)
	assert.True(t, auto.AutoAccept)
	assert.Equal(t, "Open", auto.AcceptButtonText, "an auto-accept notification's button reads Open, as in Dynamics")
	assert.Empty(t, auto.RejectButtonText, "and it has no reject button")
	assert.Equal(t, 60, auto.Timeout)
	assert.Equal(t, []ResolvedField{}, auto.Fields)
}

func TestNotificationSlugsComeFromTemplateParametersAndStayText(t *testing.T) {
	n := &Notification{UniqueName: "n", Title: "Call from {customer} ({$odata.contact.fullname.?$filter=x})", Fields: []NotificationField{
		{Label: "Phone", Value: "{phone}"},
		{Label: "Count", Value: "{count} calls"},
		{Label: "Script", Value: "{html}"},
	}, AcceptButtonText: "Answer", RejectButtonText: "Send to voicemail", Timeout: new(30), ShowTimeout: new(false)}
	got := n.Resolve(map[string]any{"customer": "{phone}", "phone": "+1 555 0100", "count": 3.0, "html": "<img src=x onerror=alert(1)>"})
	assert.Equal(t, "Call from {phone} ()", got.Title, "an inserted value is not resolved again; a Dataverse query is empty")
	assert.Equal(t, []ResolvedField{{"Phone", "+1 555 0100"}, {"Count", "3 calls"}, {"Script", "<img src=x onerror=alert(1)>"}}, got.Fields,
		"values are text: the extension shows them as text, never as HTML")
	assert.Equal(t, "Answer", got.AcceptButtonText)
	assert.Equal(t, "Send to voicemail", got.RejectButtonText)
	assert.Equal(t, 30, got.Timeout)
	assert.False(t, got.ShowTimeout)
}

func TestAResolvedNotificationIsBounded(t *testing.T) {
	n := &Notification{UniqueName: "n", Title: "{a}", Fields: []NotificationField{{Label: "A", Value: "{a}{a}"}}}
	got := n.Resolve(map[string]any{"a": strings.Repeat("é", 10000)})
	assert.Equal(t, strings.Repeat("é", 199)+"…", got.Title)
	assert.Equal(t, strings.Repeat("é", 499)+"…", got.Fields[0].Value)
}

func TestNotificationTemplatesLoadOverrideAndReportProblems(t *testing.T) {
	path := writeFile(t, `{
	  "notificationTemplates": [
	    {"uniqueName": "msdyn_chat_incoming_unauthenticated", "title": "Chat: {customerName}", "timeout": 45},
	    {"uniqueName": "contoso_call", "title": "Call", "icon": "voice", "fields": [{"label": "Caller", "value": "{phone}"}]},
	    {"uniqueName": "n_title"},
	    {"uniqueName": "n_long", "title": "`+strings.Repeat("x", 101)+`"},
	    {"uniqueName": "n_icon", "title": "x", "icon": "phone"},
	    {"uniqueName": "n_zero", "title": "x", "timeout": 0},
	    {"uniqueName": "n_slow", "title": "x", "timeout": 501},
	    {"uniqueName": "n_auto", "title": "x", "autoAccept": true, "showRejectButton": true},
	    {"uniqueName": "n_label", "title": "x", "fields": [{"label": "", "value": "{a}"}]},
	    {"uniqueName": "n_many", "title": "x", "fields": [`+strings.Repeat(`{"label": "a", "value": "b"},`, 10)+`{"label": "a", "value": "b"}]},
	    {"uniqueName": "n_typo", "title": "x", "timout": 3},
	    {"uniqueName": "n_button", "title": "x", "acceptButtonText": "`+strings.Repeat("y", 101)+`"},
	    {"uniqueName": "contoso_call", "title": "again"}
	  ]
	}`)
	c, problems := Load(path)
	var got []string
	for _, p := range problems {
		got = append(got, p.String()[len(path):])
	}
	assert.Equal(t, []string{
		`: template "n_title": field "title": is missing; a notification needs a title the agent reads first, such as "Incoming chat from {customerName}"`,
		`: template "n_long": field "title": is longer than 100 characters (Dynamics' limit); shorten it`,
		`: template "n_icon": field "icon": is "phone"; use one of chat, voice, sms, message, entity, or leave it out for chat`,
		`: template "n_zero": field "timeout": is 0; use a whole number of seconds from 1 to 500, or leave it out for 120`,
		`: template "n_slow": field "timeout": is 501; use a whole number of seconds from 1 to 500, or leave it out for 120`,
		`: template "n_auto": field "showRejectButton": is true, but an auto-accept notification is accepted whatever the agent does and has no reject button; remove showRejectButton or autoAccept`,
		`: template "n_label": field "fields[0].label": is missing; give the line a label such as "Customer"`,
		`: template "n_many": field "fields": has 11 lines; show at most 10, the ones the agent needs to decide`,
		`: template "notificationTemplates[10]": is not a valid template ("timout" is not a member this file takes; check its spelling and letter case); see docs/templates.md for the fields`,
		`: template "n_button": field "acceptButtonText": is longer than 100 characters; shorten it`,
		`: template "contoso_call": field "uniqueName": is defined twice in this file; the later definition is ignored: rename or remove one`,
	}, got)

	chat, ok := c.Notification("msdyn_chat_incoming_unauthenticated")
	require.True(t, ok)
	assert.Equal(t, "Chat: {customerName}", chat.Title, "the file replaces the default of the same name")
	assert.Equal(t, "msdyn_chat_incoming_unauthenticated", chat.Name)
	assert.Equal(t, 45, chat.Resolve(nil).Timeout)
	call, ok := c.Notification("contoso_call")
	require.True(t, ok)
	assert.Equal(t, "Call", call.Title, "the first definition stays")
	_, ok = c.Notification("msdyn_chat_incoming_authenticated")
	assert.True(t, ok, "defaults the file does not name stay")
	for _, bad := range []string{"n_title", "n_long", "n_icon", "n_zero", "n_slow", "n_auto", "n_label", "n_many", "n_button"} {
		_, ok := c.Notification(bad)
		assert.False(t, ok, "%s has a fault and is left out", bad)
	}
}

func TestANotificationTemplateMayShareASessionTemplatesName(t *testing.T) {
	c, problems := Load(writeFile(t, `{"sessionTemplates": [{"uniqueName": "contoso"}], "notificationTemplates": [{"uniqueName": "contoso", "title": "x"}]}`))
	assert.Empty(t, problems)
	_, ok := c.Notification("contoso")
	assert.True(t, ok)
}
