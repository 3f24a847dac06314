package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestThePresenceListIsDynamicsFiveWithTheAdministratorsOwn(t *testing.T) {
	assert.Equal(t, DefaultPresences, Settings{}.PresenceList())
	var texts []string
	for _, p := range DefaultPresences {
		texts = append(texts, p.PresenceText+"/"+p.BasePresenceStatus)
		assert.Empty(t, p.Check().Field, p.PresenceID)
	}
	assert.Equal(t, []string{"Available/AVAILABLE", "Busy/BUSY", "Busy - DND/BUSY_DO_NOT_DISTURB", "Away/AWAY", "Offline/OFFLINE"}, texts)

	path := filepath.Join(t.TempDir(), "settings.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"presences": [
	  {"presenceId": "away", "presenceText": "Be right back", "presenceColor": "#fc0", "basePresenceStatus": "AWAY"},
	  {"presenceId": "{8C2F6B58-0000-4A3B-9F1E-111111111111}", "presenceText": "In a meeting", "presenceColor": "#C4314B", "basePresenceStatus": "BUSY"}
	]}`), 0o600))
	s, problems := LoadSettings(path)
	require.Empty(t, problems)
	list := s.PresenceList()
	require.Len(t, list, 6)
	assert.Equal(t, Presence{"away", "Be right back", "#fc0", "AWAY"}, list[3], "an entry with a default's id replaces it, in its place")
	assert.Equal(t, "In a meeting", list[5].PresenceText, "others come after Dynamics' five")
}

func TestPresenceFaultsInSettings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	entry := func(id, text, color, base string) string {
		return `{"presenceId": "` + id + `", "presenceText": "` + text + `", "presenceColor": "` + color + `", "basePresenceStatus": "` + base + `"}`
	}
	for name, tt := range map[string]struct{ content, field, message string }{
		"no id":        {`[` + entry("", "x", "#fff", "BUSY") + `]`, "presences[0].presenceId", `is missing; give each presence an id such as "in_a_meeting"`},
		"bad id":       {`[` + entry("a b", "x", "#fff", "BUSY") + `]`, "presences[0].presenceId", `is "a b"; use at most 100 letters, digits, '-', '_', '.' or braces (a GUID works)`},
		"no text":      {`[` + entry("a", " ", "#fff", "BUSY") + `]`, "presences[0].presenceText", `is missing; give the text the agent and setPresence use, such as "In a meeting"`},
		"long text":    {`[` + entry("a", strings.Repeat("x", 101), "#fff", "BUSY") + `]`, "presences[0].presenceText", `is longer than 100 characters; shorten it`},
		"colour":       {`[` + entry("a", "x", "red", "BUSY") + `]`, "presences[0].presenceColor", `is "red"; use a colour such as #c4314b`},
		"base":         {`[` + entry("a", "x", "#fff", "LUNCH") + `]`, "presences[0].basePresenceStatus", `is "LUNCH"; use one of AVAILABLE, BUSY, BUSY_DO_NOT_DISTURB, AWAY, OFFLINE`},
		"id twice":     {`[` + entry("a", "x", "#fff", "BUSY") + `,` + entry("a", "y", "#fff", "BUSY") + `]`, "presences[1].presenceId", `is "a", which an earlier presence has; give each its own`},
		"text twice":   {`[` + entry("a", "x", "#fff", "BUSY") + `,` + entry("b", "x", "#fff", "BUSY") + `]`, "presences[1].presenceText", `is "x", which an earlier presence has; setPresence finds a presence by its text, so give each its own`},
		"default text": {`[` + entry("mine", "Busy", "#fff", "BUSY") + `]`, "presences[0].presenceText", `is "Busy", the text of Dynamics' presence "busy"; give the entry the id "busy" to replace that presence, or another text`},
		"too many":     {`[` + strings.Repeat(entry("a", "x", "#fff", "BUSY")+",", 50) + entry("a", "x", "#fff", "BUSY") + `]`, "presences", `has 51 presences; keep at most 50`},
	} {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, os.WriteFile(path, []byte(`{"presences": `+tt.content+`}`), 0o600))
			s, problems := LoadSettings(path)
			assert.Equal(t, Settings{}, s, "a broken file gives the defaults")
			require.Len(t, problems, 1)
			assert.Equal(t, tt.field, problems[0].Field)
			assert.Equal(t, tt.message, problems[0].Message)
		})
	}
}
