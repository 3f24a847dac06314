package manifest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/internal/regtest"
	"github.com/cifbridge/cif-bridge/manifest"
)

// machine is a temporary home, machine root and state folder.
type machine struct {
	env    manifest.Env
	top    string // holds everything below
	state  string
	host   string
	reg    *regtest.Registry
	dev    manifest.ExtensionIDs
	record func(system bool) string
}

func newMachine(t *testing.T, goos string) *machine {
	top := t.TempDir()
	m := &machine{top: top, state: filepath.Join(top, "state", "cif-bridge"), host: filepath.Join(top, "bin", "cif-host")}
	vars := map[string]string{}
	m.env = manifest.Env{
		GOOS: goos, Home: filepath.Join(top, "home"), Root: filepath.Join(top, "root"),
		Getenv:   func(k string) string { return vars[k] },
		LookPath: func(string) (string, error) { return "", errors.New("not found") },
		Exists:   func(p string) bool { _, err := os.Stat(p); return err == nil },
	}
	if goos == "windows" {
		m.reg = regtest.New()
		m.env.Registry = m.reg
		vars["LOCALAPPDATA"] = filepath.Join(top, "local")
		vars["APPDATA"] = filepath.Join(top, "roaming")
		vars["ProgramFiles"] = filepath.Join(top, "programs")
		vars["ProgramData"] = filepath.Join(top, "programdata")
	}
	for _, d := range []string{m.env.Home, m.env.Root} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	var err error
	m.dev, err = manifest.DevExtensionIDs()
	require.NoError(t, err)
	m.record = func(system bool) string { return manifest.RecordPath(m.env, system, m.state) }
	return m
}

func (m *machine) opts(system bool, browsers ...string) manifest.Options {
	return manifest.Options{
		Browsers: browsers, System: system, HostPath: m.host,
		ChromiumIDs: []string{m.dev.Chromium}, FirefoxIDs: []string{m.dev.Firefox},
		Record: m.record(system),
	}
}

// tree lists every file and folder under top, with file contents.
func tree(t *testing.T, top string) map[string]string {
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(top, p)
		if d.IsDir() {
			out[rel+"/"] = ""
			return nil
		}
		data, err := os.ReadFile(p)
		out[rel] = string(data)
		return err
	}))
	return out
}

// validate reads back a manifest as a browser would and checks it
// against the rules Chromium and Firefox enforce.
func validate(t *testing.T, env manifest.Env, path string, f manifest.Flavour, host string, ids []string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err, "%s must exist", path)
	var h manifest.Host
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&h), "%s must be valid JSON of the manifest's shape", path)
	base := path[len(env.Dir(path))+1:]
	assert.Equal(t, manifest.HostName+".json", base, "the file is named after the host")
	assert.Equal(t, manifest.HostName, h.Name)
	assert.NotEmpty(t, h.Description, "Chromium refuses an empty description")
	assert.Equal(t, "stdio", h.Type)
	assert.Equal(t, host, h.Path)
	assert.True(t, filepath.IsAbs(h.Path))
	if f == manifest.Chromium {
		var want []string
		for _, id := range ids {
			want = append(want, "chrome-extension://"+id+"/")
		}
		assert.Equal(t, want, h.AllowedOrigins, path)
		assert.Empty(t, h.AllowedExtensions)
	} else {
		assert.Equal(t, ids, h.AllowedExtensions, path)
		assert.Empty(t, h.AllowedOrigins)
	}
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o644), st.Mode().Perm(), "readable by the browser, writable only by its owner")
}

func TestInstallAndUninstallEveryBrowser(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		for _, system := range []bool{false, true} {
			name := goos + map[bool]string{false: " user", true: " system"}[system]
			t.Run(name, func(t *testing.T) {
				m := newMachine(t, goos)
				before := tree(t, m.top)
				names := manifest.BrowserNames(m.env)
				actions, err := manifest.Install(m.env, m.opts(system, names...))
				require.NoError(t, err)
				require.NotEmpty(t, actions)

				root := manifest.HKCU
				if system {
					root = manifest.HKLM
				}
				for _, b := range manifest.Browsers(m.env) {
					ids := []string{m.dev.Chromium}
					if b.Flavour == manifest.Firefox {
						ids = []string{m.dev.Firefox}
					}
					path := b.UserManifest(m.env)
					if system {
						path = b.SystemManifests(m.env)[0]
					}
					validate(t, m.env, path, b.Flavour, m.host, ids)
					if goos == "windows" {
						v, ok, err := m.reg.Default(root, b.RegistryKey)
						require.NoError(t, err)
						assert.True(t, ok, "%s's key is written", b.Name)
						assert.Equal(t, path, v, "%s's key points at its manifest", b.Name)
					}
				}
				_, err = os.Stat(m.record(system))
				require.NoError(t, err, "install remembers what it wrote")

				again, err := manifest.Install(m.env, m.opts(system, names...))
				require.NoError(t, err)
				for _, a := range again {
					assert.Equal(t, "unchanged", a.Did, "a second install changes nothing: %s", a)
				}

				_, err = manifest.Uninstall(m.env, m.opts(system))
				require.NoError(t, err)
				assert.Equal(t, before, tree(t, m.top), "uninstall leaves nothing behind")
				if goos == "windows" {
					assert.Equal(t, []string{`HKCU\SOFTWARE`, `HKLM\SOFTWARE`}, m.reg.Keys(), "nor any registry key")
				}
			})
		}
	}
}

func TestInstallWritesOnlyForBrowsersFoundUnlessNamed(t *testing.T) {
	m := newMachine(t, "linux")
	require.NoError(t, os.MkdirAll(filepath.Join(m.env.Home, ".config", "chromium"), 0o700))
	require.NoError(t, os.MkdirAll(filepath.Join(m.env.Home, ".mozilla"), 0o700))

	actions, err := manifest.Install(m.env, m.opts(false))
	require.NoError(t, err)
	home := m.env.Home
	assert.Equal(t, []manifest.Action{
		{Browser: "chromium", Did: "created", Path: home + "/.config/chromium/NativeMessagingHosts"},
		{Browser: "chromium", Did: "wrote", Path: home + "/.config/chromium/NativeMessagingHosts/com.cifbridge.host.json"},
		{Browser: "firefox", Did: "created", Path: home + "/.mozilla/native-messaging-hosts"},
		{Browser: "firefox", Did: "wrote", Path: home + "/.mozilla/native-messaging-hosts/com.cifbridge.host.json"},
	}, actions)

	actions, err = manifest.Install(m.env, m.opts(false, "edge"))
	require.NoError(t, err)
	assert.Equal(t, "edge", actions[len(actions)-1].Browser, "a named browser is written even when not found")
}

func TestUninstallKeepsAFileThatIsNotOurs(t *testing.T) {
	m := newMachine(t, "linux")
	_, err := manifest.Install(m.env, m.opts(false, "chrome"))
	require.NoError(t, err)
	b, _ := manifest.FindBrowser(m.env, "chrome")
	other := `{"name":"org.example.other","description":"x","path":"/bin/true","type":"stdio","allowed_origins":[]}`
	require.NoError(t, os.WriteFile(b.UserManifest(m.env), []byte(other), 0o644))

	actions, err := manifest.Uninstall(m.env, m.opts(false))
	require.NoError(t, err)
	assert.Contains(t, actions, manifest.Action{Browser: "chrome", Did: "kept", Path: b.UserManifest(m.env),
		Note: "no longer a CIF Bridge manifest; remove it yourself if it is not needed"})
	data, err := os.ReadFile(b.UserManifest(m.env))
	require.NoError(t, err)
	assert.Equal(t, other, string(data))
	_, err = os.Stat(m.record(false))
	assert.ErrorIs(t, err, fs.ErrNotExist, "nothing is left to remember")
}

func TestUninstallKeepsAFolderSomethingElseUses(t *testing.T) {
	m := newMachine(t, "linux")
	_, err := manifest.Install(m.env, m.opts(false, "chromium"))
	require.NoError(t, err)
	b, _ := manifest.FindBrowser(m.env, "chromium")
	neighbour := filepath.Join(b.UserDir, "org.example.other.json")
	require.NoError(t, os.WriteFile(neighbour, []byte("{}"), 0o644))

	actions, err := manifest.Uninstall(m.env, m.opts(false))
	require.NoError(t, err)
	assert.Contains(t, actions, manifest.Action{Browser: "chromium", Did: "removed", Path: b.UserManifest(m.env)})
	assert.Contains(t, actions, manifest.Action{Browser: "-", Did: "kept", Path: b.UserDir, Note: "not empty: something else put files there"})
	assert.FileExists(t, neighbour)
}

func TestASharedManifestGoesWithTheLastBrowser(t *testing.T) {
	m := newMachine(t, "darwin") // Brave reads Chrome's folder on macOS
	_, err := manifest.Install(m.env, m.opts(false, "chrome", "brave"))
	require.NoError(t, err)
	chrome, _ := manifest.FindBrowser(m.env, "chrome")
	path := chrome.UserManifest(m.env)

	actions, err := manifest.Uninstall(m.env, m.opts(false, "brave"))
	require.NoError(t, err)
	assert.Equal(t, []manifest.Action{{Browser: "brave", Did: "kept", Path: path, Note: "still used by chrome"}}, actions)
	assert.FileExists(t, path)

	actions, err = manifest.Uninstall(m.env, m.opts(false, "chrome"))
	require.NoError(t, err)
	assert.Contains(t, actions, manifest.Action{Browser: "chrome", Did: "removed", Path: path})
	assert.NoFileExists(t, path)
}

func TestWindowsSharedKeyAndAKeyThatNowPointsElsewhere(t *testing.T) {
	m := newMachine(t, "windows")
	_, err := manifest.Install(m.env, m.opts(false, "chrome", "vivaldi", "edge"))
	require.NoError(t, err)
	const chromeKey = `SOFTWARE\Google\Chrome\NativeMessagingHosts\com.cifbridge.host`
	const edgeKey = `SOFTWARE\Microsoft\Edge\NativeMessagingHosts\com.cifbridge.host`
	require.NoError(t, m.reg.SetDefault(manifest.HKCU, edgeKey, `D:\elsewhere.json`))

	actions, err := manifest.Uninstall(m.env, m.opts(false, "vivaldi", "edge"))
	require.NoError(t, err)
	assert.Contains(t, actions, manifest.Action{Browser: "vivaldi", Did: "kept", Path: `HKCU\` + chromeKey, Note: "still used by chrome"})
	assert.Contains(t, actions, manifest.Action{Browser: "edge", Did: "kept", Path: `HKCU\` + edgeKey,
		Note: `it now points at D:\elsewhere.json, not at what install wrote`})
	_, ok, _ := m.reg.Default(manifest.HKCU, chromeKey)
	assert.True(t, ok, "Chrome still needs its key")
	_, ok, _ = m.reg.Default(manifest.HKCU, edgeKey)
	assert.True(t, ok, "a key pointing elsewhere is not ours to delete")
}

func TestUninstallSaysWhenNothingWasRecorded(t *testing.T) {
	m := newMachine(t, "linux")
	actions, err := manifest.Uninstall(m.env, m.opts(false, "vivaldi"))
	require.NoError(t, err)
	assert.Equal(t, []manifest.Action{{Browser: "vivaldi", Did: "absent", Note: "nothing recorded in " + m.record(false)}}, actions)
}

func TestUnknownBrowser(t *testing.T) {
	m := newMachine(t, "linux")
	_, err := manifest.Install(m.env, m.opts(false, "netscape"))
	require.EqualError(t, err, `unknown browser "netscape"; known here: `+strings.ReplaceAll(every, " ", ", "))
	_, err = manifest.Uninstall(m.env, m.opts(false, "netscape"))
	require.Error(t, err)
}

func TestSystemFirefoxFollowsTheMachinesLibraryLayout(t *testing.T) {
	m := newMachine(t, "linux")
	require.NoError(t, os.MkdirAll(filepath.Join(m.env.Root, "usr", "lib64", "mozilla"), 0o755))
	actions, err := manifest.Install(m.env, m.opts(true, "firefox"))
	require.NoError(t, err)
	var wrote []string
	for _, a := range actions {
		if a.Did == "wrote" {
			wrote = append(wrote, a.Path)
		}
	}
	assert.Equal(t, []string{filepath.Join(m.env.Root, "usr/lib64/mozilla/native-messaging-hosts/com.cifbridge.host.json")}, wrote,
		"only the folder this machine's Firefox reads")
	assert.Equal(t, filepath.Join(m.env.Root, "var/lib/cif-bridge/installed.json"), m.record(true),
		"a system install is recorded outside any home")
}

func TestTheRecordListsWhatWasWrittenAndCreated(t *testing.T) {
	m := newMachine(t, "linux")
	_, err := manifest.Install(m.env, m.opts(false, "chrome", "chrome-beta"))
	require.NoError(t, err)
	rec, err := manifest.LoadRecord(m.record(false))
	require.NoError(t, err)
	home := m.env.Home
	assert.Equal(t, []manifest.Entry{
		{Path: home + "/.config/google-chrome/NativeMessagingHosts/com.cifbridge.host.json", Browsers: []string{"chrome"}},
		{Path: home + "/.config/google-chrome-beta/NativeMessagingHosts/com.cifbridge.host.json", Browsers: []string{"chrome-beta"}},
	}, rec.Manifests)
	folders := append([]string(nil), rec.Folders...)
	sort.Strings(folders)
	assert.Equal(t, []string{
		home + "/.config", home + "/.config/google-chrome", home + "/.config/google-chrome-beta",
		home + "/.config/google-chrome-beta/NativeMessagingHosts", home + "/.config/google-chrome/NativeMessagingHosts",
		m.top + "/state", m.state,
	}, folders)
}

func TestADamagedRecordStopsUninstallWithAWayOut(t *testing.T) {
	m := newMachine(t, "linux")
	require.NoError(t, os.MkdirAll(m.state, 0o755))
	require.NoError(t, os.WriteFile(m.record(false), []byte("{"), 0o644))
	_, err := manifest.Uninstall(m.env, m.opts(false))
	require.ErrorContains(t, err, "is damaged")
	require.ErrorContains(t, err, "remove the manifests `cif-host doctor` lists by hand, then delete it")
}

func TestStoreIDsAreRememberedUntilForgotten(t *testing.T) {
	m := newMachine(t, "linux")
	const store = "bcdefghijklmnopabcdefghijklmnopa"
	const addon = "cif-bridge-store@example.org"
	opts := m.opts(false, "chromium", "firefox")
	opts.ExtensionIDs = []string{store, addon}
	_, err := manifest.Install(m.env, opts)
	require.NoError(t, err)
	chromium, _ := manifest.FindBrowser(m.env, "chromium")
	firefox, _ := manifest.FindBrowser(m.env, "firefox")
	validate(t, m.env, chromium.UserManifest(m.env), manifest.Chromium, m.host, []string{m.dev.Chromium, store})
	validate(t, m.env, firefox.UserManifest(m.env), manifest.Firefox, m.host, []string{m.dev.Firefox, addon})

	// Run again as a user would, without the ids: they stay admitted, and
	// install says why.
	actions, err := manifest.Install(m.env, m.opts(false, "chromium", "firefox"))
	require.NoError(t, err)
	validate(t, m.env, chromium.UserManifest(m.env), manifest.Chromium, m.host, []string{m.dev.Chromium, store})
	validate(t, m.env, firefox.UserManifest(m.env), manifest.Firefox, m.host, []string{m.dev.Firefox, addon})
	assert.Contains(t, actions, manifest.Action{Browser: "-", Did: "admits", Path: store,
		Note: "given earlier with --extension-id; --forget-extension-id " + store + " stops admitting it"})

	opts = m.opts(false, "chromium", "firefox")
	opts.ForgetIDs = []string{store}
	_, err = manifest.Install(m.env, opts)
	require.NoError(t, err)
	validate(t, m.env, chromium.UserManifest(m.env), manifest.Chromium, m.host, []string{m.dev.Chromium})
	validate(t, m.env, firefox.UserManifest(m.env), manifest.Firefox, m.host, []string{m.dev.Firefox, addon})
	rec, err := manifest.LoadRecord(m.record(false))
	require.NoError(t, err)
	assert.Equal(t, []string{addon}, rec.ExtensionIDs)

	_, err = manifest.Uninstall(m.env, m.opts(false))
	require.NoError(t, err)
	assert.NoFileExists(t, m.record(false), "uninstalling everything forgets the ids too")
}

func TestAMistypedIDIsRefusedNotFiledAsAnotherBrowsers(t *testing.T) {
	for _, tt := range []struct{ id, flavour, err string }{
		{"aacpoilajhhjiddkhdigidknphfhbeif", "chromium", ""},
		{"cif-bridge@cifbridge.org", "firefox", ""},
		{"{12345678-9abc-def0-1234-56789ABCDEF0}", "firefox", ""},
		{"aacpoilajhhjiddkhdigidknphfhbei", "", `"aacpoilajhhjiddkhdigidknphfhbei" is not a Chrome extension id: those are exactly 32 letters a to p (it has 31 characters); copy it again from chrome://extensions or the store page's address`},
		{"aacpoilajhhjiddkhdigidknphfhbeiz", "", `"aacpoilajhhjiddkhdigidknphfhbeiz" is not a Chrome extension id: those are exactly 32 letters a to p (it holds "z", outside a to p); copy it again from chrome://extensions or the store page's address`},
		{"{not-a-guid}", "", `"{not-a-guid}" is not a Firefox add-on id: those are name@domain or {GUID} (as in the manifest's browser_specific_settings.gecko.id); check it and run again`},
		{"", "", "an empty extension id; give the id chrome://extensions or about:debugging shows"},
	} {
		f, err := manifest.ClassifyID(tt.id)
		if tt.err != "" {
			assert.EqualError(t, err, tt.err, tt.id)
			continue
		}
		assert.NoError(t, err, tt.id)
		assert.Equal(t, manifest.Flavour(tt.flavour), f, tt.id)
	}

	m := newMachine(t, "linux")
	opts := m.opts(false, "chromium")
	opts.ExtensionIDs = []string{"aacpoilajhhjiddkhdigidknphfhbe"}
	_, err := manifest.Install(m.env, opts)
	require.ErrorContains(t, err, "is not a Chrome extension id")
	assert.NoFileExists(t, m.record(false), "nothing is written or remembered")
}
