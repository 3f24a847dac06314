package manifest_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/manifest"
)

// tableEnv is an Env for reading tables only: nothing exists.
func tableEnv(goos, home string, vars map[string]string) manifest.Env {
	return manifest.Env{
		GOOS: goos, Home: home,
		Getenv:   func(k string) string { return vars[k] },
		LookPath: func(string) (string, error) { return "", errors.New("not found") },
		Exists:   func(string) bool { return false },
	}
}

// where is one browser's registration places, as docs/install.md lists them.
type where struct {
	user   string
	system []string
	key    string
}

func locations(env manifest.Env) map[string]where {
	out := map[string]where{}
	for _, b := range manifest.Browsers(env) {
		out[b.Name] = where{b.UserManifest(env), b.SystemManifests(env), b.RegistryKey}
	}
	return out
}

const every = "chrome chrome-beta chrome-dev chromium edge brave vivaldi firefox librewolf waterfox"

func TestEveryOSKnowsTheSameBrowsers(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		names := manifest.BrowserNames(tableEnv(goos, "/home/u", nil))
		assert.Equal(t, every, strings.Join(names, " "), goos)
	}
}

func TestLinuxLocations(t *testing.T) {
	const n = "/com.cifbridge.host.json"
	assert.Equal(t, map[string]where{
		"chrome":      {"/home/u/.config/google-chrome/NativeMessagingHosts" + n, []string{"/etc/opt/chrome/native-messaging-hosts" + n}, ""},
		"chrome-beta": {"/home/u/.config/google-chrome-beta/NativeMessagingHosts" + n, []string{"/etc/opt/chrome/native-messaging-hosts" + n}, ""},
		"chrome-dev":  {"/home/u/.config/google-chrome-unstable/NativeMessagingHosts" + n, []string{"/etc/opt/chrome/native-messaging-hosts" + n}, ""},
		"chromium":    {"/home/u/.config/chromium/NativeMessagingHosts" + n, []string{"/etc/chromium/native-messaging-hosts" + n}, ""},
		"edge":        {"/home/u/.config/microsoft-edge/NativeMessagingHosts" + n, []string{"/etc/opt/edge/native-messaging-hosts" + n}, ""},
		"brave":       {"/home/u/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts" + n, []string{"/etc/opt/chrome/native-messaging-hosts" + n}, ""},
		"vivaldi":     {"/home/u/.config/vivaldi/NativeMessagingHosts" + n, []string{"/etc/opt/vivaldi/native-messaging-hosts" + n}, ""},
		"firefox":     {"/home/u/.mozilla/native-messaging-hosts" + n, []string{"/usr/lib/mozilla/native-messaging-hosts" + n, "/usr/lib64/mozilla/native-messaging-hosts" + n}, ""},
		"librewolf":   {"/home/u/.librewolf/native-messaging-hosts" + n, []string{"/usr/lib/librewolf/native-messaging-hosts" + n}, ""},
		"waterfox":    {"/home/u/.waterfox/native-messaging-hosts" + n, []string{"/usr/lib/waterfox/native-messaging-hosts" + n}, ""},
	}, locations(tableEnv("linux", "/home/u", nil)))
}

func TestLinuxHonoursXDGConfigHomeAndChromeConfigHome(t *testing.T) {
	const n = "/NativeMessagingHosts/com.cifbridge.host.json"
	xdg := locations(tableEnv("linux", "/home/u", map[string]string{"XDG_CONFIG_HOME": "/xdg"}))
	assert.Equal(t, "/xdg/google-chrome"+n, xdg["chrome"].user)
	assert.Equal(t, "/xdg/BraveSoftware/Brave-Browser"+n, xdg["brave"].user)
	assert.Equal(t, "/home/u/.mozilla/native-messaging-hosts/com.cifbridge.host.json", xdg["firefox"].user,
		"Firefox keeps ~/.mozilla whatever XDG says")

	both := locations(tableEnv("linux", "/home/u", map[string]string{"XDG_CONFIG_HOME": "/xdg", "CHROME_CONFIG_HOME": "/cch"}))
	for _, b := range []string{"chrome", "chromium", "edge", "vivaldi"} {
		assert.Regexp(t, `^/cch/`, both[b].user, "%s follows Chromium's $CHROME_CONFIG_HOME", b)
	}
	assert.Equal(t, "/xdg/BraveSoftware/Brave-Browser"+n, both["brave"].user, "Brave ignores $CHROME_CONFIG_HOME")

	relative := locations(tableEnv("linux", "/home/u", map[string]string{"XDG_CONFIG_HOME": "rel", "CHROME_CONFIG_HOME": "rel"}))
	assert.Equal(t, "/home/u/.config/google-chrome"+n, relative["chrome"].user, "a relative value names no place; ignored")
}

func TestMacLocations(t *testing.T) {
	const n = "/com.cifbridge.host.json"
	const as = "/Users/u/Library/Application Support/"
	assert.Equal(t, map[string]where{
		"chrome":      {as + "Google/Chrome/NativeMessagingHosts" + n, []string{"/Library/Google/Chrome/NativeMessagingHosts" + n}, ""},
		"chrome-beta": {as + "Google/Chrome Beta/NativeMessagingHosts" + n, []string{"/Library/Google/Chrome/NativeMessagingHosts" + n}, ""},
		"chrome-dev":  {as + "Google/Chrome Dev/NativeMessagingHosts" + n, []string{"/Library/Google/Chrome/NativeMessagingHosts" + n}, ""},
		"chromium":    {as + "Chromium/NativeMessagingHosts" + n, []string{"/Library/Application Support/Chromium/NativeMessagingHosts" + n}, ""},
		"edge":        {as + "Microsoft Edge/NativeMessagingHosts" + n, []string{"/Library/Microsoft/Edge/NativeMessagingHosts" + n}, ""},
		"brave":       {as + "Google/Chrome/NativeMessagingHosts" + n, []string{"/Library/Google/Chrome/NativeMessagingHosts" + n}, ""},
		"vivaldi":     {as + "Vivaldi/NativeMessagingHosts" + n, []string{"/Library/Application Support/Vivaldi/NativeMessagingHosts" + n}, ""},
		"firefox":     {as + "Mozilla/NativeMessagingHosts" + n, []string{"/Library/Application Support/Mozilla/NativeMessagingHosts" + n}, ""},
		"librewolf":   {as + "LibreWolf/NativeMessagingHosts" + n, []string{"/Library/Application Support/LibreWolf/NativeMessagingHosts" + n}, ""},
		"waterfox":    {as + "Waterfox/NativeMessagingHosts" + n, []string{"/Library/Application Support/Waterfox/NativeMessagingHosts" + n}, ""},
	}, locations(tableEnv("darwin", "/Users/u", nil)))
}

func TestWindowsKeysAndManifestFolders(t *testing.T) {
	env := tableEnv("windows", `C:\Users\u`, map[string]string{
		"LOCALAPPDATA": `C:\Users\u\AppData\Local`, "APPDATA": `C:\Users\u\AppData\Roaming`, "ProgramFiles": `C:\Program Files`,
	})
	chromium := where{
		`C:\Users\u\AppData\Local\cif-bridge\manifests\chromium\com.cifbridge.host.json`,
		[]string{`C:\Program Files\cif-bridge\manifests\chromium\com.cifbridge.host.json`}, "",
	}
	firefox := where{
		`C:\Users\u\AppData\Local\cif-bridge\manifests\firefox\com.cifbridge.host.json`,
		[]string{`C:\Program Files\cif-bridge\manifests\firefox\com.cifbridge.host.json`}, "",
	}
	with := func(w where, key string) where { w.key = key; return w }
	const chrome = `SOFTWARE\Google\Chrome\NativeMessagingHosts\com.cifbridge.host`
	const mozilla = `SOFTWARE\Mozilla\NativeMessagingHosts\com.cifbridge.host`
	assert.Equal(t, map[string]where{
		"chrome":      with(chromium, chrome),
		"chrome-beta": with(chromium, chrome),
		"chrome-dev":  with(chromium, chrome),
		"chromium":    with(chromium, `SOFTWARE\Chromium\NativeMessagingHosts\com.cifbridge.host`),
		"edge":        with(chromium, `SOFTWARE\Microsoft\Edge\NativeMessagingHosts\com.cifbridge.host`),
		"brave":       with(chromium, chrome),
		"vivaldi":     with(chromium, chrome),
		"firefox":     with(firefox, mozilla),
		"librewolf":   with(firefox, mozilla),
		"waterfox":    with(firefox, mozilla),
	}, locations(env))

	b, ok := manifest.FindBrowser(env, "edge")
	require.True(t, ok)
	assert.Equal(t, []string{`C:\Users\u\AppData\Local\Microsoft\Edge\User Data`}, b.Markers)
	assert.Equal(t, []string{`SOFTWARE\Policies\Microsoft\Edge`}, b.PolicyKeys)
}

func TestWindowsWithoutItsFolderVariablesFallsBackToTheHome(t *testing.T) {
	env := tableEnv("windows", `C:\Users\u`, nil)
	b, _ := manifest.FindBrowser(env, "firefox")
	assert.Equal(t, `C:\Users\u\AppData\Local\cif-bridge\manifests\firefox\com.cifbridge.host.json`, b.UserManifest(env))
	assert.Equal(t, []string{`C:\Users\u\AppData\Roaming\Mozilla\Firefox`}, b.Markers)
}

func TestSandboxesAndPoliciesAreInTheLinuxTable(t *testing.T) {
	env := tableEnv("linux", "/home/u", nil)
	env.Root = "/seed"
	chromium, _ := manifest.FindBrowser(env, "chromium")
	assert.Equal(t, []manifest.Sandbox{
		{Packaging: manifest.Snap, Dir: "/home/u/snap/chromium", App: "chromium"},
		{Packaging: manifest.Flatpak, Dir: "/home/u/.var/app/org.chromium.Chromium", App: "org.chromium.Chromium",
			UserDir: "/home/u/.var/app/org.chromium.Chromium/config/chromium/NativeMessagingHosts"},
	}, chromium.Sandboxes, "a snap Chromium cannot start hosts: no folder to register in")
	assert.Equal(t, []string{"/seed/etc/chromium/policies/managed/*.json"}, chromium.PolicyFiles)
	assert.Equal(t, []string{"/seed/etc/chromium/native-messaging-hosts"}, chromium.SystemDirs, "Root moves machine-wide paths")

	firefox, _ := manifest.FindBrowser(env, "firefox")
	assert.Contains(t, firefox.Sandboxes, manifest.Sandbox{Packaging: manifest.Snap, Dir: "/home/u/snap/firefox", App: "firefox",
		UserDir: "/home/u/snap/firefox/common/.mozilla/native-messaging-hosts"})
	assert.Contains(t, firefox.Sandboxes, manifest.Sandbox{Packaging: manifest.Flatpak, Dir: "/home/u/.var/app/org.mozilla.firefox", App: "org.mozilla.firefox",
		UserDir: "/home/u/.var/app/org.mozilla.firefox/.mozilla/native-messaging-hosts"})
	brave, _ := manifest.FindBrowser(env, "brave")
	assert.Contains(t, brave.Sandboxes, manifest.Sandbox{Packaging: manifest.Flatpak, Dir: "/home/u/.var/app/com.brave.Browser", App: "com.brave.Browser",
		UserDir: "/home/u/.var/app/com.brave.Browser/config/BraveSoftware/Brave-Browser/NativeMessagingHosts"})
	assert.Contains(t, firefox.PolicyFiles, "/seed/etc/firefox/policies/policies.json")
}

func TestInstalledLooksForProfilesSandboxesAndPrograms(t *testing.T) {
	env := tableEnv("linux", "/home/u", nil)
	chromium, _ := manifest.FindBrowser(env, "chromium")
	assert.False(t, chromium.Installed(env))

	env.Exists = func(p string) bool { return p == "/home/u/snap/chromium" }
	assert.True(t, chromium.Installed(env), "a snap profile shows the browser")

	env.Exists = func(string) bool { return false }
	env.LookPath = func(p string) (string, error) {
		if p == "chromium-browser" {
			return "/usr/bin/chromium-browser", nil
		}
		return "", errors.New("not found")
	}
	assert.True(t, chromium.Installed(env), "so does its program")
}
