// Package config says where cif-host keeps its files and reads what the
// administrator configured besides templates (settings.json).
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
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
	// Database is the embedded organisation's file (an absolute path),
	// or a team's PostgreSQL database (postgres://user@host:5432/db,
	// without a password); empty for Dirs.OrganizationFile.
	Database string `json:"database,omitempty"`
	// PasswordFile is a file holding the PostgreSQL user's password (an
	// absolute path; its first line is read).
	PasswordFile string `json:"passwordFile,omitempty"`
	// PasswordEnv names the environment variable holding the PostgreSQL
	// user's password; without it and PasswordFile, PGPASSWORD (or
	// ~/.pgpass) is read, as libpq does.
	PasswordEnv string `json:"passwordEnv,omitempty"`
	// Entities is the administrator's entities file (an absolute path);
	// empty for Dirs.EntitiesFile.
	Entities string `json:"entities,omitempty"`
	// Sample loads the sample organisation the first time the records
	// are used, if the organisation is empty then.
	Sample bool `json:"sample,omitempty"`
}

// DatabaseFile is where the organisation's database is: its file, or
// the PostgreSQL connection string (see IsPostgres).
func (s Settings) DatabaseFile(d Dirs) string {
	if s.Records.Database != "" {
		return s.Records.Database
	}
	return d.OrganizationFile()
}

// IsPostgres reports whether the organisation is a team's PostgreSQL
// database rather than the embedded file.
func (r RecordsSettings) IsPostgres() bool { return IsPostgresURL(r.Database) }

// IsPostgresURL reports whether a records.database value is a PostgreSQL
// connection string.
func IsPostgresURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// Password reads the PostgreSQL user's password from records.passwordFile
// or the variable records.passwordEnv names; "" when neither is set (the
// driver then reads PGPASSWORD or ~/.pgpass itself).
func (r RecordsSettings) Password(getenv func(string) string) (string, error) {
	switch {
	case r.PasswordFile != "":
		b, err := os.ReadFile(r.PasswordFile)
		if err != nil {
			return "", fmt.Errorf("the password file %s (settings.json's records.passwordFile) cannot be read (%v); create it with the password on its first line, readable by you alone (chmod 600), or fix the path", r.PasswordFile, err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			return "", fmt.Errorf("the password file %s (settings.json's records.passwordFile) is empty; put the password on its first line", r.PasswordFile)
		}
		return line, nil
	case r.PasswordEnv != "":
		v := getenv(r.PasswordEnv)
		if v == "" {
			return "", fmt.Errorf("the environment variable %s, which settings.json's records.passwordEnv names, is not set; set it to the PostgreSQL user's password where cif-host starts (the browser's environment), or use records.passwordFile", r.PasswordEnv)
		}
		return v, nil
	}
	return "", nil
}

// envName is what an environment variable's name may be.
func envName(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// CheckDatabase checks records.database and the password settings; it
// returns the faulty field and what is wrong with it, or "" when all is
// well.
func CheckDatabase(r RecordsSettings) (field, message string) {
	const example = "/home/you/cif-bridge/organization.db"
	const pgExample = "postgres://agent@db.example.com:5432/organisation"
	noPassword := "settings.json is no place for a password: remove it from the address and put it in a file that records.passwordFile names (readable by you alone), or in the environment variable PGPASSWORD (or one that records.passwordEnv names)"
	switch db := r.Database; {
	case db == "":
	case IsPostgresURL(db):
		u, err := url.Parse(db)
		if err != nil {
			return "records.database", fmt.Sprintf("is not a connection string cif-host can read (%v); write it as %s", err, pgExample)
		}
		if _, has := u.User.Password(); has {
			return "records.database", "holds a password; " + noPassword
		}
		for k := range u.Query() {
			if strings.EqualFold(k, "password") {
				return "records.database", "holds a password (?password=…); " + noPassword
			}
		}
	case strings.Contains(db, "://"):
		return "records.database", fmt.Sprintf("is %q, an address cif-host does not know; give the organisation's file as an absolute path, such as %s, or a PostgreSQL connection string, such as %s", db, example, pgExample)
	case !filepath.IsAbs(db):
		return "records.database", fmt.Sprintf("is %q, which is not an absolute path; give one, such as %s, or leave it out for the default", db, example)
	}
	if r.PasswordFile == "" && r.PasswordEnv == "" {
		return "", ""
	}
	field = "records.passwordFile"
	if r.PasswordFile == "" {
		field = "records.passwordEnv"
	}
	switch {
	case !r.IsPostgres():
		return field, "is for a PostgreSQL organisation, and records.database is a file; remove it, or set records.database to a connection string such as " + pgExample
	case r.PasswordFile != "" && r.PasswordEnv != "":
		return "records.passwordEnv", "is set beside records.passwordFile; keep one of them"
	case r.PasswordFile != "" && !filepath.IsAbs(r.PasswordFile):
		return field, fmt.Sprintf("is %q, which is not an absolute path; give one, such as /home/you/.config/cif-bridge/pgpassword", r.PasswordFile)
	case r.PasswordEnv != "" && !envName(r.PasswordEnv):
		return field, fmt.Sprintf("is %q, which is not an environment variable's name; give one, such as CIF_PGPASSWORD", r.PasswordEnv)
	}
	return "", ""
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
		return Settings{}, problem("", "is not a valid settings file (%v); it takes maxSessions, maxTabsPerSession, organizationUrl, logLevel, records ({database, passwordFile, passwordEnv, entities, sample}), presences, organization, user and channelProviders (see docs/templates.md)", err)
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
	if field, msg := CheckDatabase(s.Records); field != "" {
		return Settings{}, problem(field, "%s", msg)
	}
	if e := s.Records.Entities; e != "" && !filepath.IsAbs(e) {
		return Settings{}, problem("records.entities", "is %q, which is not an absolute path; give one, such as /home/you/.config/cif-bridge/entities.json, or leave it out for the default", e)
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
