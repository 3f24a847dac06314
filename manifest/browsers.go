package manifest

import "slices"

// Browser is where one browser looks for native-messaging hosts, and how
// to tell it is installed. docs/install.md explains every location and
// the sources it comes from.
type Browser struct {
	// Name is how the user names it on the command line.
	Name string
	// Title is how people call it.
	Title   string
	Flavour Flavour
	// UserDir holds the per-user host manifest. On Windows it is CIF
	// Bridge's own folder, which the registry key points into.
	UserDir string
	// SystemDirs hold machine-wide manifests; the browser reads the first
	// that has one. On Windows, CIF Bridge's machine-wide folder.
	SystemDirs []string
	// RegistryKey (Windows) is the key, below HKCU for a user install and
	// HKLM for a system one, whose default value is the manifest's path.
	RegistryKey string
	// Markers are paths whose presence shows the browser is installed:
	// its profile folder or its application.
	Markers []string
	// Programs are the browser's command names, looked up on $PATH.
	Programs []string
	// Sandboxes are snap and Flatpak profile folders of this browser.
	Sandboxes []Sandbox
	// PolicyFiles are enterprise policy files (Chromium: every *.json in
	// a managed folder, written as a glob; Firefox: policies.json).
	PolicyFiles []string
	// PolicyKeys (Windows) are Chromium policy keys, read below HKLM and
	// HKCU.
	PolicyKeys []string
}

// Packaging is how a sandboxed browser was installed.
type Packaging string

// The sandboxed packagings doctor recognises.
const (
	Snap    Packaging = "snap"
	Flatpak Packaging = "flatpak"
)

// Sandbox is a sandboxed build of a browser.
type Sandbox struct {
	Packaging Packaging
	// Dir is its folder in the user's home (~/snap/NAME,
	// ~/.var/app/APP-ID): there when the build was ever run.
	Dir string
	// App is the Flatpak application id or the snap's name.
	App string
	// UserDir is where the sandboxed build reads per-user host
	// manifests; empty when it cannot start a host at all.
	UserDir string
}

// UserManifest is the manifest file inside the sandbox ("" if none).
func (s Sandbox) UserManifest(env Env) string {
	if s.UserDir == "" {
		return ""
	}
	return env.Join(s.UserDir, HostName+".json")
}

// UserManifest is the per-user manifest file.
func (b Browser) UserManifest(env Env) string { return env.Join(b.UserDir, HostName+".json") }

// SystemManifests are the machine-wide manifest files, in lookup order.
func (b Browser) SystemManifests(env Env) []string {
	var out []string
	for _, d := range b.SystemDirs {
		out = append(out, env.Join(d, HostName+".json"))
	}
	return out
}

// Installed reports whether the browser seems to be on this machine.
func (b Browser) Installed(env Env) bool {
	for _, m := range b.Markers {
		if env.Exists(m) {
			return true
		}
	}
	for _, s := range b.Sandboxes {
		if env.Exists(s.Dir) {
			return true
		}
	}
	for _, p := range b.Programs {
		if _, err := env.LookPath(p); err == nil {
			return true
		}
	}
	return false
}

// Browsers lists the browsers CIF Bridge knows on env's system.
func Browsers(env Env) []Browser {
	switch env.GOOS {
	case "windows":
		return windowsBrowsers(env)
	case "darwin":
		return macBrowsers(env)
	default:
		return linuxBrowsers(env)
	}
}

// BrowserNames are the names Browsers knows, in table order.
func BrowserNames(env Env) []string {
	var names []string
	for _, b := range Browsers(env) {
		names = append(names, b.Name)
	}
	return names
}

// FindBrowser returns the named browser of env's table.
func FindBrowser(env Env, name string) (Browser, bool) {
	all := Browsers(env)
	i := slices.IndexFunc(all, func(b Browser) bool { return b.Name == name })
	if i < 0 {
		return Browser{}, false
	}
	return all[i], true
}

// linuxBrowsers: Chromium-family browsers read
// <user-data-dir>/NativeMessagingHosts, where the user data dir is
// $CHROME_CONFIG_HOME (else $XDG_CONFIG_HOME, else ~/.config) plus the
// browser's folder; Brave replaces that function and reads only
// $XDG_CONFIG_HOME. Gecko browsers read a fixed dot-folder.
func linuxBrowsers(env Env) []Browser {
	xdg := env.getenvAbs("XDG_CONFIG_HOME")
	if xdg == "" {
		xdg = env.home(".config")
	}
	chromeConfig := env.getenvAbs("CHROME_CONFIG_HOME")
	if chromeConfig == "" {
		chromeConfig = xdg
	}
	// A sandbox's UserDir is filled in below, from the browser's folder:
	// a Flatpak's $XDG_CONFIG_HOME is ~/.var/app/ID/config and its home
	// ~/.var/app/ID; snap Firefox keeps ~/.mozilla in ~/snap/firefox/common.
	// A snap Chromium-family browser cannot start hosts, so it has none.
	snap := func(name string) Sandbox { return Sandbox{Packaging: Snap, Dir: env.home("snap", name), App: name} }
	flatpak := func(id string) Sandbox {
		return Sandbox{Packaging: Flatpak, Dir: env.home(".var", "app", id), App: id}
	}
	chromium := func(name, title, config, folder, systemDir, policyDir string, programs []string, sandboxes ...Sandbox) Browser {
		profile := env.Join(config, folder)
		for i, s := range sandboxes {
			if s.Packaging == Flatpak {
				sandboxes[i].UserDir = env.Join(s.Dir, "config", folder, "NativeMessagingHosts")
			}
		}
		return Browser{
			Name: name, Title: title, Flavour: Chromium,
			UserDir:     env.Join(profile, "NativeMessagingHosts"),
			SystemDirs:  []string{env.system(systemDir)},
			Markers:     []string{profile},
			Programs:    programs,
			Sandboxes:   sandboxes,
			PolicyFiles: []string{env.system(policyDir + "/*.json")},
		}
	}
	gecko := func(name, title, dot string, systemDirs, policyFiles, programs []string, sandboxes ...Sandbox) Browser {
		for i, s := range sandboxes {
			home := s.Dir
			if s.Packaging == Snap {
				home = env.Join(s.Dir, "common")
			}
			sandboxes[i].UserDir = env.Join(home, dot, "native-messaging-hosts")
		}
		b := Browser{
			Name: name, Title: title, Flavour: Firefox,
			UserDir:   env.home(dot, "native-messaging-hosts"),
			Markers:   []string{env.home(dot)},
			Programs:  programs,
			Sandboxes: sandboxes,
		}
		for _, d := range systemDirs {
			b.SystemDirs = append(b.SystemDirs, env.system(d))
		}
		for _, p := range policyFiles {
			b.PolicyFiles = append(b.PolicyFiles, env.system(p))
		}
		return b
	}
	const chromeSystem, chromePolicy = "/etc/opt/chrome/native-messaging-hosts", "/etc/opt/chrome/policies/managed"
	return []Browser{
		chromium("chrome", "Google Chrome", chromeConfig, "google-chrome", chromeSystem, chromePolicy,
			[]string{"google-chrome", "google-chrome-stable"}, flatpak("com.google.Chrome")),
		chromium("chrome-beta", "Google Chrome Beta", chromeConfig, "google-chrome-beta", chromeSystem, chromePolicy,
			[]string{"google-chrome-beta"}),
		chromium("chrome-dev", "Google Chrome Dev", chromeConfig, "google-chrome-unstable", chromeSystem, chromePolicy,
			[]string{"google-chrome-unstable"}),
		chromium("chromium", "Chromium", chromeConfig, "chromium", "/etc/chromium/native-messaging-hosts", "/etc/chromium/policies/managed",
			[]string{"chromium", "chromium-browser"}, snap("chromium"), flatpak("org.chromium.Chromium")),
		chromium("edge", "Microsoft Edge", chromeConfig, "microsoft-edge", "/etc/opt/edge/native-messaging-hosts", "/etc/opt/edge/policies/managed",
			[]string{"microsoft-edge", "microsoft-edge-stable"}, flatpak("com.microsoft.Edge")),
		chromium("brave", "Brave", xdg, "BraveSoftware/Brave-Browser", chromeSystem, "/etc/brave/policies/managed",
			[]string{"brave-browser", "brave"}, snap("brave"), flatpak("com.brave.Browser")),
		chromium("vivaldi", "Vivaldi", chromeConfig, "vivaldi", "/etc/opt/vivaldi/native-messaging-hosts", "/etc/opt/vivaldi/policies/managed",
			[]string{"vivaldi", "vivaldi-stable"}, snap("vivaldi"), flatpak("com.vivaldi.Vivaldi")),
		gecko("firefox", "Firefox", ".mozilla",
			[]string{"/usr/lib/mozilla/native-messaging-hosts", "/usr/lib64/mozilla/native-messaging-hosts"},
			[]string{"/etc/firefox/policies/policies.json", "/usr/lib/firefox/distribution/policies.json",
				"/usr/lib/firefox-esr/distribution/policies.json", "/usr/lib64/firefox/distribution/policies.json"},
			[]string{"firefox", "firefox-esr"}, snap("firefox"), flatpak("org.mozilla.firefox")),
		gecko("librewolf", "LibreWolf", ".librewolf",
			[]string{"/usr/lib/librewolf/native-messaging-hosts"},
			[]string{"/etc/librewolf/policies/policies.json", "/usr/lib/librewolf/distribution/policies.json"},
			[]string{"librewolf"}, flatpak("io.gitlab.librewolf-community")),
		gecko("waterfox", "Waterfox", ".waterfox",
			[]string{"/usr/lib/waterfox/native-messaging-hosts"},
			[]string{"/usr/lib/waterfox/distribution/policies.json"},
			[]string{"waterfox"}, flatpak("net.waterfox.waterfox")),
	}
}

// macBrowsers: per-user folders under ~/Library/Application Support,
// machine-wide ones under /Library. Brave reads Google Chrome's folders
// on macOS (its main delegate points them there).
func macBrowsers(env Env) []Browser {
	support := func(elem ...string) string {
		return env.home(append([]string{"Library", "Application Support"}, elem...)...)
	}
	app := func(name string) string { return env.system("/Applications/" + name + ".app") }
	chromium := func(name, title, folder, systemDir, application string) Browser {
		return Browser{
			Name: name, Title: title, Flavour: Chromium,
			UserDir:    support(folder, "NativeMessagingHosts"),
			SystemDirs: []string{env.system(systemDir)},
			Markers:    []string{support(folder), app(application)},
		}
	}
	gecko := func(name, title, folder, profile, application string) Browser {
		return Browser{
			Name: name, Title: title, Flavour: Firefox,
			UserDir:     support(folder, "NativeMessagingHosts"),
			SystemDirs:  []string{env.system("/Library/Application Support/" + folder + "/NativeMessagingHosts")},
			Markers:     []string{support(profile), app(application)},
			PolicyFiles: []string{app(application) + "/Contents/Resources/distribution/policies.json"},
		}
	}
	const chromeSystem = "/Library/Google/Chrome/NativeMessagingHosts"
	brave := chromium("brave", "Brave", "Google/Chrome", chromeSystem, "Brave Browser")
	brave.Markers[0] = support("BraveSoftware", "Brave-Browser")
	return []Browser{
		chromium("chrome", "Google Chrome", "Google/Chrome", chromeSystem, "Google Chrome"),
		chromium("chrome-beta", "Google Chrome Beta", "Google/Chrome Beta", chromeSystem, "Google Chrome Beta"),
		chromium("chrome-dev", "Google Chrome Dev", "Google/Chrome Dev", chromeSystem, "Google Chrome Dev"),
		chromium("chromium", "Chromium", "Chromium", "/Library/Application Support/Chromium/NativeMessagingHosts", "Chromium"),
		chromium("edge", "Microsoft Edge", "Microsoft Edge", "/Library/Microsoft/Edge/NativeMessagingHosts", "Microsoft Edge"),
		brave,
		chromium("vivaldi", "Vivaldi", "Vivaldi", "/Library/Application Support/Vivaldi/NativeMessagingHosts", "Vivaldi"),
		gecko("firefox", "Firefox", "Mozilla", "Firefox", "Firefox"),
		gecko("librewolf", "LibreWolf", "LibreWolf", "librewolf", "LibreWolf"),
		gecko("waterfox", "Waterfox", "Waterfox", "Waterfox", "Waterfox"),
	}
}

// windowsBrowsers: each browser reads a registry key whose default value
// is the manifest's path; the manifests live in CIF Bridge's own folder,
// one per flavour. Brave and Vivaldi read Google Chrome's key, the Gecko
// forks Mozilla's.
func windowsBrowsers(env Env) []Browser {
	local := env.getenvAbs("LOCALAPPDATA")
	if local == "" {
		local = env.home("AppData", "Local")
	}
	roaming := env.getenvAbs("APPDATA")
	if roaming == "" {
		roaming = env.home("AppData", "Roaming")
	}
	programFiles := env.getenvAbs("ProgramFiles")
	if programFiles == "" {
		programFiles = `C:\Program Files`
	}
	key := func(vendor string) string { return `SOFTWARE\` + vendor + `\NativeMessagingHosts\` + HostName }
	browser := func(name, title string, f Flavour, vendorKey, policyKey, marker string) Browser {
		b := Browser{
			Name: name, Title: title, Flavour: f,
			UserDir:     env.Join(local, "cif-bridge", "manifests", string(f)),
			SystemDirs:  []string{env.Join(programFiles, "cif-bridge", "manifests", string(f))},
			RegistryKey: key(vendorKey),
			Markers:     []string{marker},
		}
		if policyKey != "" {
			b.PolicyKeys = []string{`SOFTWARE\Policies\` + policyKey}
		}
		return b
	}
	userData := func(folder ...string) string {
		return env.Join(append(append([]string{local}, folder...), "User Data")...)
	}
	const chrome, mozilla = `Google\Chrome`, "Mozilla"
	return []Browser{
		browser("chrome", "Google Chrome", Chromium, chrome, chrome, userData("Google", "Chrome")),
		browser("chrome-beta", "Google Chrome Beta", Chromium, chrome, chrome, userData("Google", "Chrome Beta")),
		browser("chrome-dev", "Google Chrome Dev", Chromium, chrome, chrome, userData("Google", "Chrome Dev")),
		browser("chromium", "Chromium", Chromium, "Chromium", "Chromium", userData("Chromium")),
		browser("edge", "Microsoft Edge", Chromium, `Microsoft\Edge`, `Microsoft\Edge`, userData("Microsoft", "Edge")),
		browser("brave", "Brave", Chromium, chrome, `BraveSoftware\Brave`, userData("BraveSoftware", "Brave-Browser")),
		browser("vivaldi", "Vivaldi", Chromium, chrome, "", userData("Vivaldi")),
		browser("firefox", "Firefox", Firefox, mozilla, "", env.Join(roaming, "Mozilla", "Firefox")),
		browser("librewolf", "LibreWolf", Firefox, mozilla, "", env.Join(roaming, "librewolf")),
		browser("waterfox", "Waterfox", Firefox, mozilla, "", env.Join(roaming, "Waterfox")),
	}
}
