package doctor_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/doctor"
	"github.com/cifbridge/cif-bridge/internal/hosttest"
	"github.com/cifbridge/cif-bridge/internal/regtest"
	"github.com/cifbridge/cif-bridge/manifest"
)

func TestMain(m *testing.M) { os.Exit(hosttest.Main(m)) }

// machine is a temporary home and machine root where Chrome and Firefox
// are installed and registered with the real cif-host.
type machine struct {
	env  doctor.Env
	m    manifest.Env
	host string
	reg  *regtest.Registry
	vars map[string]string
}

func newMachine(t *testing.T, goos string) *machine {
	top := t.TempDir()
	dirs := hosttest.NewDirs(t)
	mc := &machine{host: hosttest.Binary(t), vars: map[string]string{}}
	mc.m = manifest.Env{
		GOOS: goos, Home: filepath.Join(top, "home"), Root: filepath.Join(top, "root"),
		Getenv:   func(k string) string { return mc.vars[k] },
		LookPath: func(string) (string, error) { return "", errors.New("not found") },
		Exists:   func(p string) bool { _, err := os.Stat(p); return err == nil },
	}
	if goos == "windows" {
		mc.reg = regtest.New()
		mc.m.Registry = mc.reg
		mc.vars["LOCALAPPDATA"] = filepath.Join(top, "local")
		mc.vars["APPDATA"] = filepath.Join(top, "roaming")
	}
	ids, err := manifest.DevExtensionIDs()
	require.NoError(t, err)
	mc.env = doctor.Env{
		Manifest: mc.m,
		Dirs:     config.Dirs{Config: filepath.Join(dirs.Config, "cif-bridge"), State: filepath.Join(dirs.State, "cif-bridge")},
		IDs:      ids,
		HostEnv:  []string{"XDG_CONFIG_HOME=" + dirs.Config, "XDG_STATE_HOME=" + dirs.State},
		Timeout:  20 * time.Second,
	}
	for _, name := range []string{"chrome", "firefox"} {
		b := mc.browser(name)
		require.NoError(t, os.MkdirAll(b.Markers[0], 0o755), "the browser's profile folder shows it is installed")
	}
	_, err = manifest.Install(mc.m, manifest.Options{
		Browsers: []string{"chrome", "firefox"}, HostPath: mc.host,
		ChromiumIDs: []string{ids.Chromium}, FirefoxIDs: []string{ids.Firefox},
		Record: filepath.Join(top, "installed.json"),
	})
	require.NoError(t, err)
	return mc
}

func (mc *machine) browser(name string) manifest.Browser {
	b, _ := manifest.FindBrowser(mc.m, name)
	return b
}

func (mc *machine) diagnose(t *testing.T) doctor.Report {
	t.Helper()
	r, err := doctor.Diagnose(mc.env)
	require.NoError(t, err)
	return r
}

func row(t *testing.T, r doctor.Report, browser string) doctor.Row {
	t.Helper()
	for _, row := range r.Rows {
		if row.Browser == browser {
			return row
		}
	}
	t.Fatalf("no row for %s in %+v", browser, r.Rows)
	return doctor.Row{}
}

// rewrite changes one field of chrome's manifest (nil deletes it).
func (mc *machine) rewrite(t *testing.T, browser, field string, value any) string {
	t.Helper()
	path := mc.browser(browser).UserManifest(mc.m)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(data, &doc))
	doc[field] = value
	data, err = json.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o644))
	return path
}

func TestAGoodInstallPasses(t *testing.T) {
	mc := newMachine(t, "linux")
	r := mc.diagnose(t)
	require.Len(t, r.Rows, 2, "the two browsers found, no others")
	for _, browser := range []string{"chrome", "firefox"} {
		row := row(t, r, browser)
		assert.Equal(t, "user", row.Level)
		assert.Equal(t, mc.browser(browser).UserManifest(mc.m), row.Manifest)
		for _, c := range row.Checks {
			assert.Equal(t, doctor.OK, c.Status, "%s %s: %s", browser, c.Name, c.Detail)
		}
		assert.Equal(t, doctor.Check{Name: "hello", Status: doctor.OK, Detail: "cif-host 0.1.0 answered (protocol 2)"}, row.Check("hello"))
	}
	assert.Equal(t, doctor.Check{Name: "extension", Status: doctor.OK, Detail: "admits chrome-extension://aacpoilajhhjiddkhdigidknphfhbeif/"},
		row(t, r, "chrome").Check("extension"))
	assert.Equal(t, doctor.Check{Name: "extension", Status: doctor.OK, Detail: "admits cif-bridge@cifbridge.org"},
		row(t, r, "firefox").Check("extension"))
	assert.False(t, r.Failed())
	assert.FileExists(t, filepath.Join(mc.env.Dirs.State, "profiles", doctor.Profile+".json.lock"),
		"hello opened doctor's own profile")

	var out bytes.Buffer
	r.Print(&out)
	assert.Contains(t, out.String(), "Result: every browser listed can reach cif-host.")
	assert.NotContains(t, out.String(), "Problems")
}

func TestDoctorCatchesEachSeededFault(t *testing.T) {
	reinstall := "run `cif-host install --browser chrome` to rewrite it"
	for _, tc := range []struct {
		name    string
		browser string
		seed    func(t *testing.T, mc *machine) doctor.Check
	}{
		{"missing manifest", "chrome", func(t *testing.T, mc *machine) doctor.Check {
			b := mc.browser("chrome")
			require.NoError(t, os.Remove(b.UserManifest(mc.m)))
			return doctor.Check{Name: "manifest", Status: doctor.Fail,
				Detail: "no manifest in " + b.UserManifest(mc.m) + " or " + mc.m.Root + "/etc/opt/chrome/native-messaging-hosts/com.cifbridge.host.json",
				Fix:    "run `cif-host install --browser chrome`"}
		}},
		{"bad JSON", "chrome", func(t *testing.T, mc *machine) doctor.Check {
			path := mc.browser("chrome").UserManifest(mc.m)
			require.NoError(t, os.WriteFile(path, []byte(`{"name": "com.cifbridge.host",`), 0o644))
			return doctor.Check{Name: "json", Status: doctor.Fail,
				Detail: path + " is not a valid manifest: unexpected end of JSON input", Fix: reinstall}
		}},
		{"no description", "chrome", func(t *testing.T, mc *machine) doctor.Check {
			path := mc.rewrite(t, "chrome", "description", "")
			return doctor.Check{Name: "json", Status: doctor.Fail,
				Detail: path + " has no description, and Chrome refuses a manifest without one", Fix: reinstall}
		}},
		{"relative path", "chrome", func(t *testing.T, mc *machine) doctor.Check {
			mc.rewrite(t, "chrome", "path", "cif-host")
			return doctor.Check{Name: "path", Status: doctor.Fail,
				Detail: `path "cif-host" is relative; browsers on Linux and macOS start only an absolute path`, Fix: reinstall}
		}},
		{"non-executable binary", "chrome", func(t *testing.T, mc *machine) doctor.Check {
			copy := filepath.Join(t.TempDir(), "cif-host")
			data, err := os.ReadFile(mc.host)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(copy, data, 0o644))
			mc.rewrite(t, "chrome", "path", copy)
			return doctor.Check{Name: "binary", Status: doctor.Fail, Detail: copy + " is not executable", Fix: "chmod 755 " + copy}
		}},
		{"missing binary", "firefox", func(t *testing.T, mc *machine) doctor.Check {
			gone := filepath.Join(t.TempDir(), "cif-host")
			mc.rewrite(t, "firefox", "path", gone)
			return doctor.Check{Name: "binary", Status: doctor.Fail, Detail: gone + " does not exist",
				Fix: "run ./install.sh from the CIF Bridge checkout to put cif-host back, or `cif-host install --host PATH` with where it really is"}
		}},
		{"host that does not answer", "chrome", func(t *testing.T, mc *machine) doctor.Check {
			script := filepath.Join(t.TempDir(), "broken-host")
			require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\necho 'cannot open the log' >&2\nexit 3\n"), 0o755))
			mc.rewrite(t, "chrome", "path", script)
			return doctor.Check{Name: "hello", Status: doctor.Fail,
				Detail: "it exited without answering (exit status 3); it said: cannot open the log",
				Fix:    "run `" + script + " version` in a terminal to see why it does not start, then reinstall with ./install.sh"}
		}},
		{"wrong origin", "chrome", func(t *testing.T, mc *machine) doctor.Check {
			mc.rewrite(t, "chrome", "allowed_origins", []string{"chrome-extension://abcdefghijklmnopabcdefghijklmnop/"})
			return doctor.Check{Name: "extension", Status: doctor.Fail,
				Detail: "allowed_origins lacks chrome-extension://aacpoilajhhjiddkhdigidknphfhbeif/, so the browser refuses the extension",
				Fix:    reinstall + " (add --extension-id ID for a store build)"}
		}},
		{"origin without its trailing slash", "chrome", func(t *testing.T, mc *machine) doctor.Check {
			mc.rewrite(t, "chrome", "allowed_origins", []string{"chrome-extension://aacpoilajhhjiddkhdigidknphfhbeif"})
			return doctor.Check{Name: "extension", Status: doctor.Fail,
				Detail: `allowed_origins holds "chrome-extension://aacpoilajhhjiddkhdigidknphfhbeif", which is not chrome-extension://<32 letters a-p>/ with its trailing slash, so Chrome refuses the whole manifest`,
				Fix:    reinstall + " (add --extension-id ID for a store build)"}
		}},
		{"wrong add-on id", "firefox", func(t *testing.T, mc *machine) doctor.Check {
			mc.rewrite(t, "firefox", "allowed_extensions", []string{"someone@else.org"})
			return doctor.Check{Name: "extension", Status: doctor.Fail,
				Detail: "allowed_extensions lacks cif-bridge@cifbridge.org, so Firefox refuses the add-on",
				Fix:    "run `cif-host install --browser firefox` to rewrite it (add --extension-id ID for a store build)"}
		}},
		{"name mismatch", "chrome", func(t *testing.T, mc *machine) doctor.Check {
			mc.rewrite(t, "chrome", "name", "com.cifbridge.other")
			return doctor.Check{Name: "name", Status: doctor.Fail,
				Detail: `name is "com.cifbridge.other", but the extension asks for "com.cifbridge.host", as its file name says; the browser ignores this manifest`,
				Fix:    reinstall}
		}},
		{"snap profile folder", "chromium", func(t *testing.T, mc *machine) doctor.Check {
			dir := filepath.Join(mc.m.Home, "snap", "chromium")
			require.NoError(t, os.MkdirAll(dir, 0o755))
			return doctor.Check{Name: "sandbox", Status: doctor.Fail,
				Detail: "Chromium from snap (" + dir + ") cannot start native-messaging hosts: its confinement forbids it",
				Fix:    "use Chromium from a .deb or .rpm (or another browser); the snap cannot reach cif-host"}
		}},
		{"flatpak profile folder", "firefox", func(t *testing.T, mc *machine) doctor.Check {
			dir := filepath.Join(mc.m.Home, ".var", "app", "org.mozilla.firefox")
			require.NoError(t, os.MkdirAll(dir, 0o755))
			return doctor.Check{Name: "sandbox", Status: doctor.Fail,
				Detail: "Firefox from Flatpak (" + dir + ") runs in a sandbox that sees neither the manifests nor cif-host",
				Fix: "run `cif-host install --flatpak --browser firefox` and `flatpak override --user --talk-name=org.freedesktop.Flatpak org.mozilla.firefox`" +
					" (a deliberate hole in the sandbox; docs/install.md), or use Firefox from your distribution's packages"}
		}},
		{"policy turns per-user hosts off", "chrome", func(t *testing.T, mc *machine) doctor.Check {
			file := seedPolicy(t, mc, "/etc/opt/chrome/policies/managed/lockdown.json", `{"NativeMessagingUserLevelHosts": false}`)
			return doctor.Check{Name: "policy", Status: doctor.Fail,
				Detail: file + " turns per-user hosts off (NativeMessagingUserLevelHosts: false), and there is no machine-wide manifest",
				Fix:    "run `sudo cif-host install --system --browser chrome`, or ask your administrator"}
		}},
		{"policy blocks every host", "chrome", func(t *testing.T, mc *machine) doctor.Check {
			file := seedPolicy(t, mc, "/etc/opt/chrome/policies/managed/block.json", `{"NativeMessagingBlocklist": ["*"]}`)
			return doctor.Check{Name: "policy", Status: doctor.Fail, Detail: "blocked by " + file + " (NativeMessagingBlocklist)",
				Fix: "ask your administrator to allow it (add com.cifbridge.host to NativeMessagingAllowlist, or allow the CIF Bridge add-on)"}
		}},
		{"Firefox policy blocks the add-on", "firefox", func(t *testing.T, mc *machine) doctor.Check {
			file := seedPolicy(t, mc, "/etc/firefox/policies/policies.json",
				`{"policies": {"ExtensionSettings": {"*": {"installation_mode": "blocked"}}}}`)
			return doctor.Check{Name: "policy", Status: doctor.Fail, Detail: "blocked by " + file + " (ExtensionSettings blocks the add-on)",
				Fix: "ask your administrator to allow it (add com.cifbridge.host to NativeMessagingAllowlist, or allow the CIF Bridge add-on)"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mc := newMachine(t, "linux")
			if tc.browser == "chromium" {
				mc.env.Browsers = []string{"chromium"}
			}
			want := tc.seed(t, mc)
			r := mc.diagnose(t)
			assert.Equal(t, want, row(t, r, tc.browser).Check(want.Name))
			assert.True(t, r.Failed(), "the fault stops the browser, so doctor fails")

			var out bytes.Buffer
			r.Print(&out)
			assert.Contains(t, out.String(), "  FAIL "+tc.browser+" "+want.Name+": "+want.Detail+"\n    fix: "+want.Fix+"\n")
		})
	}
}

func seedPolicy(t *testing.T, mc *machine, path, content string) string {
	t.Helper()
	file := filepath.Join(mc.m.Root, path)
	require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
	require.NoError(t, os.WriteFile(file, []byte(content), 0o644))
	return file
}

func TestFaultsEarlyInTheChainSkipTheChecksThatDependOnThem(t *testing.T) {
	mc := newMachine(t, "linux")
	require.NoError(t, os.WriteFile(mc.browser("chrome").UserManifest(mc.m), []byte("not json"), 0o644))
	got := map[string]doctor.Status{}
	for _, c := range row(t, mc.diagnose(t), "chrome").Checks {
		got[c.Name] = c.Status
	}
	assert.Equal(t, map[string]doctor.Status{
		"manifest": doctor.OK, "json": doctor.Fail, "name": doctor.Skip, "path": doctor.Skip, "binary": doctor.Skip,
		"hello": doctor.Skip, "extension": doctor.Skip, "sandbox": doctor.OK, "policy": doctor.OK,
	}, got)
}

func TestAMachineWideManifestSatisfiesAPolicyThatTurnsPerUserHostsOff(t *testing.T) {
	mc := newMachine(t, "linux")
	file := seedPolicy(t, mc, "/etc/opt/chrome/policies/managed/lockdown.json",
		`{"NativeMessagingUserLevelHosts": false, "NativeMessagingBlocklist": ["*"], "NativeMessagingAllowlist": ["com.cifbridge.host"]}`)
	ids := mc.env.IDs
	_, err := manifest.Install(mc.m, manifest.Options{Browsers: []string{"chrome"}, System: true, HostPath: mc.host,
		ChromiumIDs: []string{ids.Chromium}, Record: filepath.Join(t.TempDir(), "installed.json")})
	require.NoError(t, err)

	r := mc.diagnose(t)
	chrome := row(t, r, "chrome")
	assert.Equal(t, "system", chrome.Level)
	assert.Equal(t, filepath.Join(mc.m.Root, "etc/opt/chrome/native-messaging-hosts/com.cifbridge.host.json"), chrome.Manifest)
	assert.Equal(t, doctor.Check{Name: "policy", Status: doctor.OK, Detail: file + " turns per-user hosts off; the machine-wide manifest is used"},
		chrome.Check("policy"))
	assert.Equal(t, doctor.OK, chrome.Check("hello").Status)
	assert.False(t, r.Failed())
}

func TestFirefoxFromSnapIsAWarningNotAFailure(t *testing.T) {
	mc := newMachine(t, "linux")
	dir := filepath.Join(mc.m.Home, "snap", "firefox")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	r := mc.diagnose(t)
	assert.Equal(t, doctor.Check{Name: "sandbox", Status: doctor.Warn,
		Detail: "Firefox from snap (" + dir + ") reaches cif-host only through the desktop's WebExtensions portal, which asks you once to allow it",
		Fix:    "allow the prompt when the extension first connects; if none comes, use Firefox from a .deb or Mozilla's tarball"},
		row(t, r, "firefox").Check("sandbox"))
	assert.False(t, r.Failed())
}

func TestALeftoverSandboxBesideAPackagedBrowserIsNotFlagged(t *testing.T) {
	mc := newMachine(t, "linux")
	chromium := mc.browser("chromium")
	snap := filepath.Join(mc.m.Home, "snap", "chromium")
	require.NoError(t, os.MkdirAll(snap, 0o755))
	mc.env.Browsers = []string{"chromium"}
	r := mc.diagnose(t)
	assert.Equal(t, doctor.Fail, row(t, r, "chromium").Check("sandbox").Status, "the snap alone cannot reach cif-host")

	// The .deb's Chromium has run: its profile holds more than our folder.
	require.NoError(t, os.MkdirAll(filepath.Join(chromium.Markers[0], "Default"), 0o700))
	r = mc.diagnose(t)
	assert.Equal(t, doctor.Check{Name: "sandbox", Status: doctor.OK,
		Detail: "Chromium from a package is installed (" + chromium.Markers[0] + "); the snap folder " + snap +
			" beside it is probably left over: if you start that build, it cannot start native-messaging hosts: its confinement forbids it"},
		row(t, r, "chromium").Check("sandbox"))
}

func TestAPackagedProgramIsToldFromASnapLauncher(t *testing.T) {
	mc := newMachine(t, "linux")
	require.NoError(t, os.MkdirAll(filepath.Join(mc.m.Home, "snap", "chromium"), 0o755))
	launcher := filepath.Join(t.TempDir(), "chromium-browser")
	require.NoError(t, os.WriteFile(launcher, []byte("#!/bin/sh\nexec /snap/bin/chromium \"$@\"\n"), 0o755))
	mc.m.LookPath = func(p string) (string, error) {
		if p == "chromium-browser" {
			return launcher, nil
		}
		return "", errors.New("not found")
	}
	mc.env.Manifest, mc.env.Browsers = mc.m, []string{"chromium"}
	r := mc.diagnose(t)
	assert.Equal(t, doctor.Fail, row(t, r, "chromium").Check("sandbox").Status, "Ubuntu's chromium-browser script runs the snap")

	require.NoError(t, os.WriteFile(launcher, make([]byte, 100<<10), 0o755)) // a real program
	r = mc.diagnose(t)
	assert.Equal(t, doctor.OK, row(t, r, "chromium").Check("sandbox").Status)
}

func TestAFlatpakRegisteredWithItsWrapperAndPermission(t *testing.T) {
	mc := newMachine(t, "linux")
	app := filepath.Join(mc.m.Home, ".var", "app", "org.mozilla.firefox")
	require.NoError(t, os.MkdirAll(app, 0o755))
	ids, err := manifest.DevExtensionIDs()
	require.NoError(t, err)
	_, err = manifest.Install(mc.m, manifest.Options{Browsers: []string{"firefox"}, HostPath: mc.host, Flatpak: true,
		ChromiumIDs: []string{ids.Chromium}, FirefoxIDs: []string{ids.Firefox}, Record: filepath.Join(t.TempDir(), "installed.json")})
	require.NoError(t, err)
	mc.env.Browsers = []string{"firefox"}
	r := mc.diagnose(t)
	assert.Equal(t, doctor.Check{Name: "sandbox", Status: doctor.Fail,
		Detail: "Firefox from Flatpak (" + app + ") is registered, but its sandbox may not run flatpak-spawn --host",
		Fix:    "run `flatpak override --user --talk-name=org.freedesktop.Flatpak org.mozilla.firefox`, then restart Firefox"},
		row(t, r, "firefox").Check("sandbox"))

	override := filepath.Join(mc.m.Home, ".local", "share", "flatpak", "overrides", "org.mozilla.firefox")
	require.NoError(t, os.MkdirAll(filepath.Dir(override), 0o755))
	require.NoError(t, os.WriteFile(override, []byte("[Session Bus Policy]\norg.freedesktop.Flatpak=talk\n"), 0o644))
	r = mc.diagnose(t)
	assert.Equal(t, doctor.Check{Name: "sandbox", Status: doctor.OK,
		Detail: "Firefox from Flatpak (" + app + ") starts cif-host through " + filepath.Join(app, "data", "cif-bridge", "cif-host") +
			", outside its sandbox (allowed by " + override + ")"},
		row(t, r, "firefox").Check("sandbox"))
	assert.False(t, r.Failed())
}

func TestStoreIDsTheUserNamesMustBeAdmitted(t *testing.T) {
	mc := newMachine(t, "linux")
	const store = "bcdefghijklmnopabcdefghijklmnopa"
	mc.env.ExtraIDs = []string{store}
	r := mc.diagnose(t)
	assert.Equal(t, "allowed_origins lacks chrome-extension://"+store+"/, so the browser refuses the extension", row(t, r, "chrome").Check("extension").Detail)
	assert.Equal(t, doctor.OK, row(t, r, "firefox").Check("extension").Status, "a Chromium id asks nothing of Firefox")
}

func TestCifHostsOwnFiles(t *testing.T) {
	mc := newMachine(t, "linux")
	require.NoError(t, os.MkdirAll(mc.env.Dirs.Config, 0o755))
	require.NoError(t, os.WriteFile(mc.env.Dirs.TemplatesFile(), []byte("{"), 0o644))
	state := filepath.Join(t.TempDir(), "state-is-a-file")
	require.NoError(t, os.WriteFile(state, nil, 0o644))
	mc.env.Dirs.State = state

	r := mc.diagnose(t)
	require.Len(t, r.Files, 4)
	assert.Equal(t, doctor.Warn, r.Files[0].Status)
	assert.Contains(t, r.Files[0].Detail, mc.env.Dirs.TemplatesFile()+": is not a valid templates file")
	assert.Equal(t, "correct "+mc.env.Dirs.TemplatesFile()+" (1 problem(s); cif-host uses the defaults for what is wrong)", r.Files[0].Fix)
	assert.Equal(t, doctor.Check{Name: "settings", Status: doctor.OK, Detail: mc.env.Dirs.SettingsFile() + ": absent; the defaults apply"}, r.Files[1])
	assert.Equal(t, "state", r.Files[2].Name)
	assert.Equal(t, doctor.Fail, r.Files[2].Status)
	assert.Equal(t, "make "+state+" yours and writable (chown/chmod), or point $XDG_STATE_HOME elsewhere", r.Files[2].Fix)
	assert.Equal(t, doctor.Check{Name: "log", Status: doctor.OK,
		Detail: "folder " + state + ": cif-host.log not written yet; level info (default); a file rotates past 4 MiB, 3 older kept"}, r.Files[3])
	assert.True(t, r.Failed(), "cif-host cannot keep sessions without its state folder")
}

func TestTheLogCheckNamesTheFolderFilesAndLevel(t *testing.T) {
	mc := newMachine(t, "linux")
	state := mc.env.Dirs.State
	require.NoError(t, os.MkdirAll(state, 0o700))
	for _, f := range []string{"cif-host.log", "cif-host-2026-01-02T10-00-00.000.log", "cif-host-2026-01-03T10-00-00.000.log"} {
		require.NoError(t, os.WriteFile(filepath.Join(state, f), []byte("x"), 0o600))
	}
	require.NoError(t, os.MkdirAll(mc.env.Dirs.Config, 0o700))
	require.NoError(t, os.WriteFile(mc.env.Dirs.SettingsFile(), []byte(`{"logLevel": "debug"}`), 0o600))
	r := mc.diagnose(t)
	assert.Equal(t, doctor.Check{Name: "log", Status: doctor.OK,
		Detail: "folder " + state + ": cif-host.log and 2 older; level debug (settings.json); a file rotates past 4 MiB, 3 older kept"}, r.Files[3])

	mc.vars["CIF_BRIDGE_LOG_LEVEL"] = "chatty"
	r = mc.diagnose(t)
	assert.Equal(t, doctor.Warn, r.Files[3].Status)
	assert.Equal(t, `$CIF_BRIDGE_LOG_LEVEL is "chatty", not a level; use one of debug, info, warn, error`, r.Files[3].Fix)
	assert.False(t, r.Failed(), "a warning does not fail")
}

func TestNoBrowserFoundFails(t *testing.T) {
	mc := newMachine(t, "linux")
	require.NoError(t, os.RemoveAll(mc.m.Home))
	r := mc.diagnose(t)
	assert.Empty(t, r.Rows)
	assert.True(t, r.Failed())
	var out bytes.Buffer
	r.Print(&out)
	assert.Contains(t, out.String(), "No browser found. Name one with --browser")
}

func TestUnknownBrowser(t *testing.T) {
	mc := newMachine(t, "linux")
	mc.env.Browsers = []string{"mosaic"}
	_, err := doctor.Diagnose(mc.env)
	assert.ErrorContains(t, err, `unknown browser "mosaic"; known here: chrome, chrome-beta`)
}

func TestWindowsRegistration(t *testing.T) {
	mc := newMachine(t, "windows")
	r := mc.diagnose(t)
	chrome := row(t, r, "chrome")
	const key = `HKCU\SOFTWARE\Google\Chrome\NativeMessagingHosts\com.cifbridge.host`
	assert.Equal(t, doctor.Check{Name: "manifest", Status: doctor.OK, Detail: key + " = " + chrome.Manifest}, chrome.Check("manifest"))
	assert.Equal(t, doctor.OK, chrome.Check("hello").Status, "the host answers when started with --parent-window=0 too: %s", chrome.Check("hello").Detail)
	assert.Equal(t, doctor.OK, row(t, r, "firefox").Check("hello").Status)
	assert.False(t, r.Failed())

	mc.reg.Set(manifest.HKLM, `SOFTWARE\Policies\Google\Chrome`, "NativeMessagingUserLevelHosts", uint64(0))
	r = mc.diagnose(t)
	chrome = row(t, r, "chrome")
	assert.Equal(t, doctor.Check{Name: "manifest", Status: doctor.Fail,
		Detail: `no registry key HKLM\SOFTWARE\Google\Chrome\NativeMessagingHosts\com.cifbridge.host (policy makes Google Chrome ignore ` + key + `)`,
		Fix:    "in an administrator's Command Prompt run `cif-host install --system --browser chrome`"}, chrome.Check("manifest"))
	assert.Equal(t, doctor.Check{Name: "policy", Status: doctor.Fail,
		Detail: `HKLM\SOFTWARE\Policies\Google\Chrome turns per-user hosts off (NativeMessagingUserLevelHosts: false), and there is no machine-wide manifest`,
		Fix:    "in an administrator's Command Prompt run `cif-host install --system --browser chrome`, or ask your administrator"}, chrome.Check("policy"))
	assert.True(t, r.Failed())
}

func TestAHostThatRefusesHelloSaysWhy(t *testing.T) {
	mc := newMachine(t, "linux")
	notAFolder := filepath.Join(t.TempDir(), "state")
	require.NoError(t, os.WriteFile(notAFolder, nil, 0o644))
	mc.env.HostEnv = append(mc.env.HostEnv, "XDG_STATE_HOME="+notAFolder)
	hello := row(t, mc.diagnose(t), "chrome").Check("hello")
	assert.Equal(t, doctor.Fail, hello.Status)
	assert.Regexp(t, `^it answered hello with error 1019: cannot open the state of profile cif-bridge-doctor: .*; check that .* is writable$`, hello.Detail)
	assert.Equal(t, "do what cif-host's message says, then run doctor again", hello.Fix)
}

func TestAHostThatNeverAnswersIsStoppedAfterTheTimeout(t *testing.T) {
	mc := newMachine(t, "linux")
	silent := filepath.Join(t.TempDir(), "silent-host")
	require.NoError(t, os.WriteFile(silent, []byte("#!/bin/sh\nexec sleep 600\n"), 0o755))
	mc.rewrite(t, "chrome", "path", silent)
	mc.env.Timeout = 200 * time.Millisecond
	mc.env.Browsers = []string{"chrome"}
	hello := row(t, mc.diagnose(t), "chrome").Check("hello")
	assert.Equal(t, doctor.Check{Name: "hello", Status: doctor.Fail, Detail: "no answer within 200ms",
		Fix: "run `" + silent + " version` in a terminal to see why it does not start, then reinstall with ./install.sh"}, hello)
}
