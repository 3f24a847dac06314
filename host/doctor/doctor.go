// Package doctor checks, for each browser, everything that stands between
// the browser and cif-host (the manifest, the binary, a real hello, the
// extension's id, sandboxed packaging, enterprise policy) and cif-host's
// own files, and says in one line how to fix each problem.
package doctor

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/hostlog"
	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/manifest"
)

// Status is a check's verdict.
type Status string

// Verdicts. Only Fail makes the report fail: it stops a browser from
// reaching cif-host.
const (
	OK   Status = "ok"
	Warn Status = "warn"
	Fail Status = "FAIL"
	Skip Status = "-"
)

// Columns are the checks of a browser's row, in order.
var Columns = []string{"manifest", "json", "name", "path", "binary", "hello", "extension", "sandbox", "policy"}

// Check is one verdict with what was seen and, for a problem, its fix.
type Check struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	Detail string `json:"detail,omitempty"`
	Fix    string `json:"fix,omitempty"`
}

// Row is one browser's checks, one per column.
type Row struct {
	Browser string `json:"browser"`
	// Level is "user" or "system": the manifest the browser would use.
	Level    string  `json:"level,omitempty"`
	Manifest string  `json:"manifest,omitempty"`
	Checks   []Check `json:"checks"`
}

// Check returns the row's check of that name.
func (r Row) Check(name string) Check {
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	return Check{Name: name, Status: Skip}
}

// Report is what doctor found.
type Report struct {
	Rows []Row `json:"browsers"`
	// Files are cif-host's own files: templates, settings, state, log.
	Files []Check `json:"files"`
	// Command is how the fixes' `cif-host` is run here (Env.Command).
	Command string `json:"command,omitempty"`
}

// Failed reports whether anything would stop a browser from reaching
// cif-host (no browser at all counts).
func (r Report) Failed() bool {
	if len(r.Rows) == 0 {
		return true
	}
	for _, row := range r.Rows {
		if slices.ContainsFunc(row.Checks, func(c Check) bool { return c.Status == Fail }) {
			return true
		}
	}
	return slices.ContainsFunc(r.Files, func(c Check) bool { return c.Status == Fail })
}

// Profile is the profile id doctor's hello uses: a workspace of its own,
// so that no browser profile's sessions are opened or changed.
const Profile = "cif-bridge-doctor"

// Env is what doctor looks at.
type Env struct {
	Manifest manifest.Env
	Dirs     config.Dirs
	// IDs are the CIF Bridge extension's ids, which every manifest must
	// admit; ExtraIDs are more (store ids) the user wants admitted.
	IDs      manifest.ExtensionIDs
	ExtraIDs []string
	// Browsers are checked even when not found; empty means those found
	// or holding a CIF Bridge manifest.
	Browsers []string
	// HostEnv is added to this process's environment for the hosts
	// doctor starts (tests point their folders at temporary ones).
	HostEnv []string
	// Timeout bounds each hello.
	Timeout time.Duration
	// Command is the path of the running cif-host, which may not be on
	// $PATH; Print names it so that the fixes can be pasted.
	Command string
}

// Diagnose checks every browser and cif-host's files.
func Diagnose(env Env) (Report, error) {
	if env.Timeout <= 0 {
		env.Timeout = 5 * time.Second
	}
	var browsers []manifest.Browser
	for _, name := range env.Browsers {
		b, ok := manifest.FindBrowser(env.Manifest, name)
		if !ok {
			return Report{}, fmt.Errorf("unknown browser %q; known here: %s", name, strings.Join(manifest.BrowserNames(env.Manifest), ", "))
		}
		browsers = append(browsers, b)
	}
	if len(env.Browsers) == 0 {
		for _, b := range manifest.Browsers(env.Manifest) {
			if b.Installed(env.Manifest) || hasManifest(env.Manifest, b) {
				browsers = append(browsers, b)
			}
		}
	}
	r := Report{Command: env.Command}
	for _, b := range browsers {
		r.Rows = append(r.Rows, diagnose(env, b))
	}
	r.Files = files(env.Dirs, env.Manifest.Getenv)
	return r, nil
}

func hasManifest(env manifest.Env, b manifest.Browser) bool {
	if b.RegistryKey != "" && env.Registry != nil {
		for _, root := range []manifest.Root{manifest.HKCU, manifest.HKLM} {
			if _, ok, _ := env.Registry.Default(root, b.RegistryKey); ok {
				return true
			}
		}
		return false
	}
	return slices.ContainsFunc(append([]string{b.UserManifest(env)}, b.SystemManifests(env)...), env.Exists)
}

// installFix is the usual fix: (re)write the browser's registration.
func installFix(env manifest.Env, b manifest.Browser, level string) string {
	if level == "system" {
		return systemInstall(env, b) + " to rewrite it"
	}
	return "run `cif-host install --browser " + b.Name + "` to rewrite it"
}

// systemInstall says how to install machine-wide.
func systemInstall(env manifest.Env, b manifest.Browser) string {
	if env.GOOS == "windows" {
		return "in an administrator's Command Prompt run `cif-host install --system --browser " + b.Name + "`"
	}
	return "run `sudo cif-host install --system --browser " + b.Name + "`"
}

func diagnose(env Env, b manifest.Browser) Row {
	got := map[string]Check{}
	put := func(c Check) Check { got[c.Name] = c; return c }
	pol := readPolicy(env.Manifest, b, env.IDs.Firefox)
	loc := locate(env.Manifest, b, pol.userLevelOff != "")
	put(sandboxCheck(env.Manifest, b))
	put(pol.check(env.Manifest, b, loc))
	if put(loc.check).Status != Fail {
		h, c := parse(env.Manifest, b, loc)
		if put(c).Status != Fail {
			put(nameCheck(env.Manifest, b, h, loc))
			put(extensionCheck(env, b, h, loc))
			host, c := pathCheck(env.Manifest, b, h, loc)
			if put(c).Status != Fail && put(binaryCheck(env.Manifest, host)).Status != Fail {
				put(helloCheck(env, b, host, loc))
			}
		}
	}
	row := Row{Browser: b.Name, Level: loc.level, Manifest: loc.path}
	for _, name := range Columns {
		c, ok := got[name]
		if !ok {
			c = Check{Name: name, Status: Skip}
		}
		row.Checks = append(row.Checks, c)
	}
	return row
}

// files checks cif-host's own files.
func files(d config.Dirs, getenv func(string) string) []Check {
	var out []Check
	for _, f := range []struct {
		name, path string
		load       func(string) []templates.Problem
	}{
		{"templates", d.TemplatesFile(), func(p string) []templates.Problem { _, pr := templates.Load(p); return pr }},
		{"settings", d.SettingsFile(), func(p string) []templates.Problem { _, pr := config.LoadSettings(p); return pr }},
	} {
		c := Check{Name: f.name, Status: OK, Detail: f.path + ": valid"}
		if _, err := os.Stat(f.path); os.IsNotExist(err) {
			c.Detail = f.path + ": absent; the defaults apply"
		} else if problems := f.load(f.path); len(problems) > 0 {
			c = Check{Name: f.name, Status: Warn, Detail: problems[0].String(),
				Fix: fmt.Sprintf("correct %s (%d problem(s); cif-host uses the defaults for what is wrong)", f.path, len(problems))}
		}
		out = append(out, c)
	}
	state := Check{Name: "state", Status: OK, Detail: d.State + ": writable"}
	if err := writable(d.State); err != nil {
		state = Check{Name: "state", Status: Fail, Detail: fmt.Sprintf("%s is not writable: %v", d.State, err),
			Fix: "make " + d.State + " yours and writable (chown/chmod), or point $XDG_STATE_HOME elsewhere"}
	}
	out = append(out, state)
	return append(out, logCheck(d, getenv))
}

// logCheck names the log's folder, its files and the level in force.
func logCheck(d config.Dirs, getenv func(string) string) Check {
	settings, _ := config.LoadSettings(d.SettingsFile())
	env := ""
	if getenv != nil {
		env = getenv(hostlog.EnvVar)
	}
	level := hostlog.ChooseLevel(env, settings.LogLevel)
	files := hostlog.Files(d.LogFile())
	what := filepath.Base(d.LogFile()) + " not written yet"
	if len(files) > 0 {
		what = filepath.Base(files[0])
		if files[0] != d.LogFile() {
			what = filepath.Base(d.LogFile()) + " not written since it rotated, " + what
		}
		if len(files) > 1 {
			what += fmt.Sprintf(" and %d older", len(files)-1)
		}
	}
	c := Check{Name: "log", Status: OK, Detail: fmt.Sprintf("folder %s: %s; level %s; a file rotates past %d MiB, %d older kept",
		filepath.Dir(d.LogFile()), what, level, hostlog.MaxMegabytes, hostlog.Backups)}
	if level.Problem != "" {
		c.Status, c.Fix = Warn, level.Problem
	}
	return c
}

// writable creates dir if needed (as cif-host would) and a file in it.
func writable(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".doctor-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(filepath.Clean(f.Name()))
}
