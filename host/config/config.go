// Package config says where cif-host keeps its files and reads what the
// administrator configured besides templates (settings.json).
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cifbridge/cif-bridge/internal/strictjson"

	"github.com/cifbridge/cif-bridge/host/templates"
)

// App is the folder name cif-host uses inside the per-user folders.
const App = "cif-bridge"

// Dirs are cif-host's per-user folders.
type Dirs struct {
	// Config holds templates.json and settings.json.
	Config string
	// State holds each browser profile's sessions and the log file.
	State string
	// Data holds the organisation's records (organization.db). It is ""
	// when no folder can be told; the records store then says what to set.
	Data string
}

// Env is what Dirs are computed from: an environment lookup, the home
// folder and the operating system (runtime.GOOS).
type Env struct {
	Getenv func(string) string
	Home   string
	GOOS   string
}

// Resolve returns the folders. $XDG_CONFIG_HOME, $XDG_STATE_HOME and
// $XDG_DATA_HOME win on every system, so tests and unusual setups can
// point them anywhere; otherwise each system's usual per-user places are
// used. The data folder never fails the others: sessions work without
// records, so a relative $XDG_DATA_HOME is ignored, as the XDG
// specification says.
func Resolve(env Env) (Dirs, error) {
	var d Dirs
	switch env.GOOS {
	case "windows":
		appData, local := env.Getenv("APPDATA"), env.Getenv("LOCALAPPDATA")
		d = Dirs{Config: filepath.Join(appData, App), State: filepath.Join(local, App)}
		if appData == "" || local == "" {
			d = Dirs{}
		}
	case "darwin":
		support := filepath.Join(env.Home, "Library", "Application Support", App)
		d = Dirs{Config: support, State: filepath.Join(support, "state")}
	default:
		d = Dirs{Config: filepath.Join(env.Home, ".config", App), State: filepath.Join(env.Home, ".local", "state", App)}
	}
	d.Data = dataDir(env)
	for _, o := range []struct {
		name string
		dir  *string
	}{{"XDG_CONFIG_HOME", &d.Config}, {"XDG_STATE_HOME", &d.State}} {
		v := env.Getenv(o.name)
		switch {
		case v != "" && !filepath.IsAbs(v):
			return Dirs{}, fmt.Errorf("$%s is %q, which is not an absolute path; fix or unset it", o.name, v)
		case v != "":
			*o.dir = filepath.Join(v, App)
		case *o.dir == "" || env.Home == "" && env.GOOS != "windows":
			return Dirs{}, fmt.Errorf("cannot tell where cif-host keeps its files: set $HOME (on Windows %%APPDATA%% and %%LOCALAPPDATA%%) or $%s", o.name)
		}
	}
	return d, nil
}

// dataDir is the per-user data folder: $XDG_DATA_HOME/cif-bridge, else
// ~/.local/share/cif-bridge (where install.sh puts cif-host too), macOS's
// Application Support folder, or %LOCALAPPDATA%\cif-bridge on Windows.
func dataDir(env Env) string {
	if v := env.Getenv("XDG_DATA_HOME"); v != "" && filepath.IsAbs(v) {
		return filepath.Join(v, App)
	}
	switch env.GOOS {
	case "windows":
		if local := env.Getenv("LOCALAPPDATA"); local != "" {
			return filepath.Join(local, App)
		}
		return ""
	case "darwin":
		if env.Home != "" {
			return filepath.Join(env.Home, "Library", "Application Support", App)
		}
		return ""
	}
	if env.Home == "" {
		return ""
	}
	return filepath.Join(env.Home, ".local", "share", App)
}

// TemplatesFile is where the administrator's templates live.
func (d Dirs) TemplatesFile() string { return filepath.Join(d.Config, "templates.json") }

// SettingsFile is where the administrator's settings live.
func (d Dirs) SettingsFile() string { return filepath.Join(d.Config, "settings.json") }

// ProfilesDir holds one state file per browser profile.
func (d Dirs) ProfilesDir() string { return filepath.Join(d.State, "profiles") }

// LogFile is cif-host's log.
func (d Dirs) LogFile() string { return filepath.Join(d.State, "cif-host.log") }

// EntitiesFile is where the administrator's own entities and attributes
// live, unless settings.json's records.entities says otherwise.
func (d Dirs) EntitiesFile() string { return filepath.Join(d.Config, "entities.json") }

// OrganizationFile is the embedded organisation's database, unless
// settings.json's records.database says otherwise; "" when there is no
// data folder.
func (d Dirs) OrganizationFile() string {
	if d.Data == "" {
		return ""
	}
	return filepath.Join(d.Data, "organization.db")
}

// Settings are the administrator's choices besides templates.
type Settings struct {
	// MaxSessions is the limit of open sessions (CIF's is 10).
	MaxSessions int `json:"maxSessions,omitempty"`
	// MaxTabsPerSession is the limit of a session's open application
	// tabs (20 when 0).
	MaxTabsPerSession int `json:"maxTabsPerSession,omitempty"`
	// OrganizationURL is the Dynamics organisation whose pages tabs of
	// Dynamics page types open, such as https://contoso.crm.dynamics.com.
	OrganizationURL string `json:"organizationUrl,omitempty"`
	// LogLevel is the log's level: debug, info (the default), warn or
	// error. $CIF_BRIDGE_LOG_LEVEL, when set, wins.
	LogLevel string `json:"logLevel,omitempty"`
	// Records configures the organisation's records.
	Records RecordsSettings `json:"records,omitzero"`
	// Presences are the administrator's presences: one with the id of one
	// of Dynamics' replaces it, the others are added (PresenceList).
	Presences []Presence `json:"presences,omitempty"`
	// Organization and User are what getEnvironment reports.
	Organization Organization `json:"organization,omitzero"`
	User         User         `json:"user,omitzero"`
	// ChannelProviders are the administrator's channel providers, whose
	// pages the extension's panel hosts.
	ChannelProviders []ChannelProvider `json:"channelProviders,omitempty"`
}

// RecordsSettings configure the organisation's records.
type RecordsSettings struct {
	// Database is the embedded organisation's file (an absolute path);
	// empty for Dirs.OrganizationFile.
	Database string `json:"database,omitempty"`
	// Entities is the administrator's entities file (an absolute path);
	// empty for Dirs.EntitiesFile.
	Entities string `json:"entities,omitempty"`
	// Sample loads the sample organisation the first time the records
	// are used, if the organisation is empty then.
	Sample bool `json:"sample,omitempty"`
}

// DatabaseFile is where the organisation's database is.
func (s Settings) DatabaseFile(d Dirs) string {
	if s.Records.Database != "" {
		return s.Records.Database
	}
	return d.OrganizationFile()
}

// EntitiesFile is where the administrator's entities file is.
func (s Settings) EntitiesFile(d Dirs) string {
	if s.Records.Entities != "" {
		return s.Records.Entities
	}
	return d.EntitiesFile()
}

// LogLevels are the values LogLevel takes.
var LogLevels = []string{"debug", "info", "warn", "error"}

// MaxSessionsCeiling bounds MaxSessions: the agent's workspace is a list a
// person reads.
const MaxSessionsCeiling = 100

// MaxTabsCeiling bounds MaxTabsPerSession: each is a real browser tab.
const MaxTabsCeiling = 100

// LoadSettings reads settings.json. A missing file gives the defaults; a
// broken one gives the defaults and a problem that says how to fix it. A
// fault in the organization, the user or a channel provider costs only
// that section or provider.
func LoadSettings(path string) (Settings, []templates.Problem) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Settings{}, nil
	}
	problem := func(field, format string, args ...any) []templates.Problem {
		return []templates.Problem{{File: path, Field: field, Message: fmt.Sprintf(format, args...)}}
	}
	if err != nil {
		return Settings{}, problem("", "cannot be read (%v); fix its permissions or remove it", err)
	}
	var s Settings
	if err := strictjson.Unmarshal(data, &s); err != nil {
		return Settings{}, problem("", "is not a valid settings file (%v); it takes maxSessions, maxTabsPerSession, organizationUrl, logLevel, records ({database, entities, sample}), presences, organization, user and channelProviders (see docs/templates.md)", err)
	}
	if s.MaxSessions < 0 || s.MaxSessions > MaxSessionsCeiling {
		return Settings{}, problem("maxSessions", "is %d; use a number from 1 to %d, or leave it out for CIF's 10", s.MaxSessions, MaxSessionsCeiling)
	}
	if s.MaxTabsPerSession < 0 || s.MaxTabsPerSession > MaxTabsCeiling {
		return Settings{}, problem("maxTabsPerSession", "is %d; use a number from 1 to %d, or leave it out for 20", s.MaxTabsPerSession, MaxTabsCeiling)
	}
	if s.LogLevel != "" && !slices.ContainsFunc(LogLevels, func(l string) bool { return strings.EqualFold(l, s.LogLevel) }) {
		return Settings{}, problem("logLevel", "is %q; use one of %s, or leave it out for info", s.LogLevel, strings.Join(LogLevels, ", "))
	}
	if !templates.ValidOrgURL(s.OrganizationURL) {
		return Settings{}, problem("organizationUrl", "is %q; use the organisation's https address, such as https://contoso.crm.dynamics.com", s.OrganizationURL)
	}
	if f := checkSettingsPresences(s.Presences); f.Field != "" {
		return Settings{}, problem(f.Field, "%s", f.Message)
	}
	for _, f := range []struct{ field, value, example string }{
		{"records.database", s.Records.Database, "/home/you/cif-bridge/organization.db"},
		{"records.entities", s.Records.Entities, "/home/you/.config/cif-bridge/entities.json"},
	} {
		switch {
		case f.value == "":
		case strings.Contains(f.value, "://"):
			return Settings{}, problem(f.field, "is %q, an address; this cif-host keeps the organisation in a file: give the file's absolute path, such as %s", f.value, f.example)
		case !filepath.IsAbs(f.value):
			return Settings{}, problem(f.field, "is %q, which is not an absolute path; give one, such as %s, or leave it out for the default", f.value, f.example)
		}
	}
	return s, checkIdentity(path, &s)
}

// checkSettingsPresences finds the first fault of the administrator's
// presences, and a text that one of Dynamics' presences the entry does
// not replace already has.
func checkSettingsPresences(list []Presence) PresenceFault {
	if f := CheckPresences("presences", list); f.Field != "" {
		return f
	}
	for i, p := range list {
		for _, d := range DefaultPresences {
			if d.PresenceText == p.PresenceText && d.PresenceID != p.PresenceID {
				return PresenceFault{fmt.Sprintf("presences[%d].presenceText", i), fmt.Sprintf("is %q, the text of Dynamics' presence %q; give the entry the id %q to replace that presence, or another text", p.PresenceText, d.PresenceID, d.PresenceID)}
			}
		}
	}
	return PresenceFault{}
}
