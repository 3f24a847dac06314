package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/templates"
)

func env(goos, home string, vars map[string]string) Env {
	return Env{GOOS: goos, Home: home, Getenv: func(k string) string { return vars[k] }}
}

func TestResolve(t *testing.T) {
	xdg := map[string]string{"XDG_CONFIG_HOME": "/x/config", "XDG_STATE_HOME": "/x/state", "XDG_DATA_HOME": "/x/data"}
	win := map[string]string{"APPDATA": `C:\Users\u\AppData\Roaming`, "LOCALAPPDATA": `C:\Users\u\AppData\Local`}
	tests := []struct {
		name string
		env  Env
		want Dirs
	}{
		{"linux", env("linux", "/home/u", nil),
			Dirs{Config: "/home/u/.config/cif-bridge", State: "/home/u/.local/state/cif-bridge", Data: "/home/u/.local/share/cif-bridge"}},
		{"linux with XDG", env("linux", "/home/u", xdg),
			Dirs{Config: "/x/config/cif-bridge", State: "/x/state/cif-bridge", Data: "/x/data/cif-bridge"}},
		{"linux with a relative XDG_DATA_HOME, which XDG says to ignore", env("linux", "/home/u", map[string]string{"XDG_DATA_HOME": "rel"}),
			Dirs{Config: "/home/u/.config/cif-bridge", State: "/home/u/.local/state/cif-bridge", Data: "/home/u/.local/share/cif-bridge"}},
		{"linux with XDG and no home", env("linux", "", xdg),
			Dirs{Config: "/x/config/cif-bridge", State: "/x/state/cif-bridge", Data: "/x/data/cif-bridge"}},
		{"no data folder does not stop the others", env("linux", "", map[string]string{"XDG_CONFIG_HOME": "/x/config", "XDG_STATE_HOME": "/x/state"}),
			Dirs{Config: "/x/config/cif-bridge", State: "/x/state/cif-bridge"}},
		{"freebsd", env("freebsd", "/home/u", nil),
			Dirs{Config: "/home/u/.config/cif-bridge", State: "/home/u/.local/state/cif-bridge", Data: "/home/u/.local/share/cif-bridge"}},
		{"macOS", env("darwin", "/Users/u", nil),
			Dirs{Config: "/Users/u/Library/Application Support/cif-bridge", State: "/Users/u/Library/Application Support/cif-bridge/state", Data: "/Users/u/Library/Application Support/cif-bridge"}},
		{"macOS with XDG", env("darwin", "/Users/u", xdg),
			Dirs{Config: "/x/config/cif-bridge", State: "/x/state/cif-bridge", Data: "/x/data/cif-bridge"}},
		{"macOS with only XDG_STATE_HOME", env("darwin", "/Users/u", map[string]string{"XDG_STATE_HOME": "/x/state"}),
			Dirs{Config: "/Users/u/Library/Application Support/cif-bridge", State: "/x/state/cif-bridge", Data: "/Users/u/Library/Application Support/cif-bridge"}},
		{"windows", env("windows", "", win),
			Dirs{Config: filepath.Join(win["APPDATA"], "cif-bridge"), State: filepath.Join(win["LOCALAPPDATA"], "cif-bridge"), Data: filepath.Join(win["LOCALAPPDATA"], "cif-bridge")}},
		{"windows with XDG only", env("windows", "", xdg),
			Dirs{Config: "/x/config/cif-bridge", State: "/x/state/cif-bridge", Data: "/x/data/cif-bridge"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resolve(tt.env)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestResolveRefuses(t *testing.T) {
	tests := []struct {
		name string
		env  Env
		err  string
	}{
		{"a relative XDG_CONFIG_HOME", env("linux", "/home/u", map[string]string{"XDG_CONFIG_HOME": "rel/config"}),
			`$XDG_CONFIG_HOME is "rel/config", which is not an absolute path; fix or unset it`},
		{"a relative XDG_STATE_HOME", env("darwin", "/Users/u", map[string]string{"XDG_STATE_HOME": "./state"}),
			`$XDG_STATE_HOME is "./state", which is not an absolute path; fix or unset it`},
		{"no home", env("linux", "", nil),
			"cannot tell where cif-host keeps its files: set $HOME (on Windows %APPDATA% and %LOCALAPPDATA%) or $XDG_CONFIG_HOME"},
		{"no home, only a config folder", env("linux", "", map[string]string{"XDG_CONFIG_HOME": "/x"}),
			"cannot tell where cif-host keeps its files: set $HOME (on Windows %APPDATA% and %LOCALAPPDATA%) or $XDG_STATE_HOME"},
		{"windows without LOCALAPPDATA", env("windows", `C:\Users\u`, map[string]string{"APPDATA": `C:\a`}),
			"cannot tell where cif-host keeps its files: set $HOME (on Windows %APPDATA% and %LOCALAPPDATA%) or $XDG_CONFIG_HOME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Resolve(tt.env)
			assert.EqualError(t, err, tt.err)
		})
	}
}

func TestFilesInTheFolders(t *testing.T) {
	d := Dirs{Config: "/c", State: "/s", Data: "/d"}
	assert.Equal(t, filepath.Join("/c", "templates.json"), d.TemplatesFile())
	assert.Equal(t, filepath.Join("/c", "settings.json"), d.SettingsFile())
	assert.Equal(t, filepath.Join("/s", "profiles"), d.ProfilesDir())
	assert.Equal(t, filepath.Join("/s", "cif-host.log"), d.LogFile())
	assert.Equal(t, filepath.Join("/c", "entities.json"), d.EntitiesFile())
	assert.Equal(t, filepath.Join("/d", "organization.db"), d.OrganizationFile())
	assert.Equal(t, "", Dirs{}.OrganizationFile())
	assert.Equal(t, filepath.Join("/d", "organization.db"), Settings{}.DatabaseFile(d))
	assert.Equal(t, "/elsewhere/org.db", Settings{Records: RecordsSettings{Database: "/elsewhere/org.db"}}.DatabaseFile(d))
	assert.Equal(t, filepath.Join("/c", "entities.json"), Settings{}.EntitiesFile(d))
	assert.Equal(t, "/e.json", Settings{Records: RecordsSettings{Entities: "/e.json"}}.EntitiesFile(d))
}

func TestLoadSettings(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "settings.json")

	s, problems := LoadSettings(path)
	assert.Empty(t, problems, "no file is no problem")
	assert.Equal(t, Settings{}, s)

	require.NoError(t, os.WriteFile(path, []byte(`{"maxSessions": 3, "organizationUrl": "https://contoso.crm.dynamics.com", "logLevel": "Debug"}`), 0o600))
	s, problems = LoadSettings(path)
	assert.Empty(t, problems)
	assert.Equal(t, Settings{MaxSessions: 3, OrganizationURL: "https://contoso.crm.dynamics.com", LogLevel: "Debug"}, s)

	require.NoError(t, os.WriteFile(path, []byte(`{"records": {"database": "/srv/org.db", "entities": "/etc/e.json", "sample": true}}`), 0o600))
	s, problems = LoadSettings(path)
	assert.Empty(t, problems)
	assert.Equal(t, Settings{Records: RecordsSettings{Database: "/srv/org.db", Entities: "/etc/e.json", Sample: true}}, s)
	assert.False(t, s.Records.IsPostgres())

	require.NoError(t, os.WriteFile(path, []byte(`{"records": {"database": "postgresql://agent@db.example.com/org?sslmode=require", "passwordEnv": "CIF_PW"}}`), 0o600))
	s, problems = LoadSettings(path)
	assert.Empty(t, problems)
	assert.True(t, s.Records.IsPostgres())
	pw, err := s.Records.Password(func(k string) string { return map[string]string{"CIF_PW": "s3cret"}[k] })
	require.NoError(t, err)
	assert.Equal(t, "s3cret", pw)
	_, err = s.Records.Password(func(string) string { return "" })
	assert.EqualError(t, err, "the environment variable CIF_PW, which settings.json's records.passwordEnv names, is not set; set it to the PostgreSQL user's password where cif-host starts (the browser's environment), or use records.passwordFile")
	pwFile := filepath.Join(t.TempDir(), "pgpassword")
	require.NoError(t, os.WriteFile(pwFile, []byte("from a file\nignored\n"), 0o600))
	pw, err = RecordsSettings{Database: "postgres://a@b/c", PasswordFile: pwFile}.Password(nil)
	require.NoError(t, err)
	assert.Equal(t, "from a file", pw)
	_, err = RecordsSettings{Database: "postgres://a@b/c", PasswordFile: pwFile + ".missing"}.Password(nil)
	assert.ErrorContains(t, err, "create it with the password on its first line, readable by you alone (chmod 600), or fix the path")

	for name, tt := range map[string]struct{ content, field, message string }{
		"not JSON":            {`{"maxSessions": `, "", "is not a valid settings file (not valid JSON at byte 16: unexpected EOF); it takes maxSessions, maxTabsPerSession, organizationUrl, logLevel, records ({database, passwordFile, passwordEnv, entities, sample}), presences, organization, user and channelProviders (see docs/templates.md)"},
		"unknown field":       {`{"maxSession": 3}`, "", `is not a valid settings file ("maxSession" is not a member this file takes; check its spelling and letter case); it takes maxSessions, maxTabsPerSession, organizationUrl, logLevel, records ({database, passwordFile, passwordEnv, entities, sample}), presences, organization, user and channelProviders (see docs/templates.md)`},
		"wrong type":          {`{"maxSessions": "3"}`, "", `is not a valid settings file ("maxSessions" must be a number, not a string); it takes maxSessions, maxTabsPerSession, organizationUrl, logLevel, records ({database, passwordFile, passwordEnv, entities, sample}), presences, organization, user and channelProviders (see docs/templates.md)`},
		"too many":            {`{"maxSessions": 101}`, "maxSessions", "is 101; use a number from 1 to 100, or leave it out for CIF's 10"},
		"negative":            {`{"maxSessions": -1}`, "maxSessions", "is -1; use a number from 1 to 100, or leave it out for CIF's 10"},
		"bad org":             {`{"organizationUrl": "contoso.crm.dynamics.com"}`, "organizationUrl", `is "contoso.crm.dynamics.com"; use the organisation's https address, such as https://contoso.crm.dynamics.com`},
		"relative database":   {`{"records": {"database": "org.db"}}`, "records.database", `is "org.db", which is not an absolute path; give one, such as /home/you/cif-bridge/organization.db, or leave it out for the default`},
		"database address":    {`{"records": {"database": "mysql://db/org"}}`, "records.database", `is "mysql://db/org", an address cif-host does not know; give the organisation's file as an absolute path, such as /home/you/cif-bridge/organization.db, or a PostgreSQL connection string, such as postgres://agent@db.example.com:5432/organisation`},
		"password in the URL": {`{"records": {"database": "postgres://agent:hunter2@db/org"}}`, "records.database", `holds a password; settings.json is no place for a password: remove it from the address and put it in a file that records.passwordFile names (readable by you alone), or in the environment variable PGPASSWORD (or one that records.passwordEnv names)`},
		"password parameter":  {`{"records": {"database": "postgresql://agent@db/org?sslmode=require&password=hunter2"}}`, "records.database", `holds a password (?password=…); settings.json is no place for a password: remove it from the address and put it in a file that records.passwordFile names (readable by you alone), or in the environment variable PGPASSWORD (or one that records.passwordEnv names)`},
		"password for a file": {`{"records": {"passwordFile": "/etc/pw"}}`, "records.passwordFile", `is for a PostgreSQL organisation, and records.database is a file; remove it, or set records.database to a connection string such as postgres://agent@db.example.com:5432/organisation`},
		"two passwords":       {`{"records": {"database": "postgres://agent@db/org", "passwordFile": "/etc/pw", "passwordEnv": "PW"}}`, "records.passwordEnv", `is set beside records.passwordFile; keep one of them`},
		"relative password":   {`{"records": {"database": "postgres://agent@db/org", "passwordFile": "pw"}}`, "records.passwordFile", `is "pw", which is not an absolute path; give one, such as /home/you/.config/cif-bridge/pgpassword`},
		"bad variable":        {`{"records": {"database": "postgres://agent@db/org", "passwordEnv": "MY-PW"}}`, "records.passwordEnv", `is "MY-PW", which is not an environment variable's name; give one, such as CIF_PGPASSWORD`},
		"relative entities":   {`{"records": {"entities": "e.json"}}`, "records.entities", `is "e.json", which is not an absolute path; give one, such as /home/you/.config/cif-bridge/entities.json, or leave it out for the default`},
		"unknown records key": {`{"records": {"sampel": true}}`, "", `is not a valid settings file ("records.sampel" is not a member this file takes; check its spelling and letter case); it takes maxSessions, maxTabsPerSession, organizationUrl, logLevel, records ({database, passwordFile, passwordEnv, entities, sample}), presences, organization, user and channelProviders (see docs/templates.md)`},
		"twice":               {`{"maxSessions": 3, "maxSessions": 4}`, "", `is not a valid settings file ("maxSessions" appears twice; keep one); it takes maxSessions, maxTabsPerSession, organizationUrl, logLevel, records ({database, passwordFile, passwordEnv, entities, sample}), presences, organization, user and channelProviders (see docs/templates.md)`},
		"tabs":                {`{"maxTabsPerSession": 101}`, "maxTabsPerSession", "is 101; use a number from 1 to 100, or leave it out for 20"},
		"bad level":           {`{"logLevel": "verbose"}`, "logLevel", `is "verbose"; use one of debug, info, warn, error, or leave it out for info`},
	} {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o600))
			s, problems := LoadSettings(path)
			assert.Equal(t, Settings{}, s, "a broken file gives the defaults")
			require.Len(t, problems, 1)
			assert.Equal(t, path, problems[0].File)
			assert.Equal(t, tt.field, problems[0].Field)
			assert.Equal(t, tt.message, problems[0].Message)
		})
	}

	_, problems = LoadSettings(dir)
	require.Len(t, problems, 1)
	assert.Contains(t, problems[0].Message, "cannot be read (")
}

func TestLoadSettingsIdentityAndProviders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	require.NoError(t, os.WriteFile(path, []byte(`{
		"maxSessions": 4,
		"organization": {"id": "BA7FD0B1-3511-EE11-A66B-000D3A48F47A", "uniqueName": "unq_contoso", "lcid": 1031, "appId": "{802b8bcd-710d-ee11-8f6d-002248803266}", "version": "9.2.23055.00200"},
		"user": {"id": "a8177e6e-4d0d-ee11-8f6d-002248803266", "name": "Ann Agent", "lcid": 1033},
		"channelProviders": [
			{"name": "softphone", "label": "Contoso softphone", "landingUrl": "https://softphone.contoso.com/agent?x=1", "trustedDomain": "https://*.contoso.com", "customParams": "{\"queue\":7}", "order": 2},
			{"name": "chat", "label": "Chat", "landingUrl": "http://localhost:3000/", "order": 0, "enabled": false}
		]
	}`), 0o600))
	s, problems := LoadSettings(path)
	assert.Empty(t, problems)
	yes, no := true, false
	assert.Equal(t, Settings{
		MaxSessions:  4,
		Organization: Organization{ID: "BA7FD0B1-3511-EE11-A66B-000D3A48F47A", UniqueName: "unq_contoso", LCID: 1031, AppID: "{802b8bcd-710d-ee11-8f6d-002248803266}", Version: "9.2.23055.00200"},
		User:         User{ID: "a8177e6e-4d0d-ee11-8f6d-002248803266", Name: "Ann Agent", LCID: 1033},
		ChannelProviders: []ChannelProvider{
			{Name: "softphone", Label: "Contoso softphone", LandingURL: "https://softphone.contoso.com/agent?x=1", TrustedDomain: "https://*.contoso.com", CustomParams: `{"queue":7}`, Order: 2, Enabled: &yes},
			{Name: "chat", Label: "Chat", LandingURL: "http://localhost:3000/", Enabled: &no},
		},
	}, s, "a provider is enabled unless it says otherwise")
	assert.Equal(t, "ba7fd0b1-3511-ee11-a66b-000d3a48f47a", BareGUID(s.Organization.ID))
	assert.Equal(t, "{A8177E6E-4D0D-EE11-8F6D-002248803266}", BracedGUID(s.User.ID))
	assert.Equal(t, "", BracedGUID(""))
}

func TestSettingsFaultsCostOnlyTheirSection(t *testing.T) {
	good := `{"name": "ok", "label": "OK", "landingUrl": "https://ok.example/"}`
	for name, tt := range map[string]struct {
		content string
		field   string
		message string
	}{
		"org id":           {`"organization": {"id": "42", "lcid": 1031}`, "organization.id", `is "42"; use the organisation's id, a GUID such as 5f2b2d1e-7a8c-4e8e-9c61-0c1f0b1d9e2a (Settings > Customizations > Developer resources)`},
		"half braced":      {`"organization": {"appId": "{802b8bcd-710d-ee11-8f6d-002248803266"}`, "organization.appId", `is "{802b8bcd-710d-ee11-8f6d-002248803266"; use the app's id, a GUID such as the appid in a Dynamics address`},
		"unique name":      {`"organization": {"uniqueName": "con toso"}`, "organization.uniqueName", `is "con toso"; use the organisation's unique name: letters, digits and underscores, at most 200`},
		"version":          {`"organization": {"version": "v9"}`, "organization.version", `is "v9"; use a version such as 9.2.23055.00200`},
		"lcid":             {`"user": {"lcid": -4}`, "user.lcid", "is -4; use a Windows language id such as 1033 (English) or 1031 (German), or leave it out for 1033"},
		"user id":          {`"user": {"id": "me"}`, "user.id", `is "me"; use the user's id, a GUID such as 5f2b2d1e-7a8c-4e8e-9c61-0c1f0b1d9e2a`},
		"no name":          {`"channelProviders": [{"label": "x", "landingUrl": "https://x.example/"}, ` + good + `]`, "channelProviders[0].name", "is missing; name each provider, such as contoso_softphone"},
		"bad name":         {`"channelProviders": [{"name": "a b", "label": "x", "landingUrl": "https://x.example/"}, ` + good + `]`, "channelProviders[0].name", `is "a b"; use letters, digits, '_', '-' and '.', at most 100`},
		"no label":         {`"channelProviders": [{"name": "a", "label": " ", "landingUrl": "https://x.example/"}, ` + good + `]`, "channelProviders[0].label", "is missing; give the name the panel shows, such as Contoso softphone"},
		"no landing":       {`"channelProviders": [{"name": "a", "label": "A"}, ` + good + `]`, "channelProviders[0].landingUrl", "is missing; give the address of the provider's page, such as https://softphone.contoso.com/"},
		"relative landing": {`"channelProviders": [{"name": "a", "label": "A", "landingUrl": "/agent"}, ` + good + `]`, "channelProviders[0].landingUrl", `is "/agent"; give an absolute http or https address, such as https://softphone.contoso.com/`},
		"password":         {`"channelProviders": [{"name": "a", "label": "A", "landingUrl": "https://u:p@x.example/"}, ` + good + `]`, "channelProviders[0].landingUrl", `is "https://u:p@x.example/", which holds a user name or password; leave them out (the page signs in by itself)`},
		"fragment":         {`"channelProviders": [{"name": "a", "label": "A", "landingUrl": "https://x.example/#a"}, ` + good + `]`, "channelProviders[0].landingUrl", `is "https://x.example/#a"; leave out the part after #`},
		"trusted domain":   {`"channelProviders": [{"name": "a", "label": "A", "landingUrl": "https://x.example/", "trustedDomain": "contoso.com"}, ` + good + `]`, "channelProviders[0].trustedDomain", `is "contoso.com"; give one origin such as https://login.contoso.com, or https://*.contoso.com for its subdomains`},
		"order":            {`"channelProviders": [{"name": "a", "label": "A", "landingUrl": "https://x.example/", "order": 1001}, ` + good + `]`, "channelProviders[0].order", "is 1001; use a number from 0 (first) to 1000"},
		"twice":            {`"channelProviders": [` + good + `, ` + good + `]`, "channelProviders[1].name", "is given to an earlier provider too; this one is left out: give each provider its own name"},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "settings.json")
			require.NoError(t, os.WriteFile(path, []byte(`{"maxSessions": 3, `+tt.content+`}`), 0o600))
			s, problems := LoadSettings(path)
			require.Len(t, problems, 1)
			assert.Equal(t, templates.Problem{File: path, Field: tt.field, Message: tt.message}, problems[0])
			assert.Equal(t, 3, s.MaxSessions, "the rest of the file stays")
			assert.Equal(t, Organization{}, s.Organization)
			assert.Equal(t, User{}, s.User)
			if strings.HasPrefix(tt.field, "channelProviders") {
				require.Len(t, s.ChannelProviders, 1, "only the faulty provider is left out")
				assert.Equal(t, "ok", s.ChannelProviders[0].Name)
			}
		})
	}

	t.Run("too long custom parameters", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "settings.json")
		long := strings.Repeat("é", MaxCustomParams+1)
		require.NoError(t, os.WriteFile(path, []byte(`{"channelProviders": [{"name": "a", "label": "A", "landingUrl": "https://x.example/", "customParams": "`+long+`"}]}`), 0o600))
		s, problems := LoadSettings(path)
		require.Len(t, problems, 1)
		assert.Equal(t, "is 2001 characters long; Dynamics keeps at most 2000: shorten it", problems[0].Message)
		assert.Empty(t, s.ChannelProviders)
	})

	t.Run("too many providers", func(t *testing.T) {
		var list []string
		for i := range MaxProviders + 1 {
			list = append(list, fmt.Sprintf(`{"name": "p%d", "label": "P", "landingUrl": "https://p%d.example/"}`, i, i))
		}
		path := filepath.Join(t.TempDir(), "settings.json")
		require.NoError(t, os.WriteFile(path, []byte(`{"channelProviders": [`+strings.Join(list, ",")+`]}`), 0o600))
		s, problems := LoadSettings(path)
		require.Len(t, problems, 1)
		assert.Equal(t, templates.Problem{File: path, Field: "channelProviders[20]", Message: "is left out: the panel hosts at most 20 channel providers; remove or disable the ones you do not use"}, problems[0])
		assert.Len(t, s.ChannelProviders, MaxProviders)
	})
}
