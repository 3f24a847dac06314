package manifest

import (
	"os"
	"path/filepath"
)

// Env is what browser locations depend on.
type Env struct {
	GOOS   string
	Home   string
	Getenv func(string) string
	// LookPath finds a program on $PATH (exec.LookPath).
	LookPath func(string) (string, error)
	// Exists reports whether a path exists (os.Stat).
	Exists func(string) bool
}

// OSEnv is the running system's Env.
func OSEnv(goos string, lookPath func(string) (string, error)) Env {
	home, _ := os.UserHomeDir()
	return Env{
		GOOS: goos, Home: home, Getenv: os.Getenv, LookPath: lookPath,
		Exists: func(p string) bool { _, err := os.Stat(p); return err == nil },
	}
}

// Browser is one browser's native-messaging registration place.
type Browser struct {
	// Name is how the user names it on the command line.
	Name    string
	Flavour Flavour
	// UserDir holds per-user host manifests; SystemDir machine-wide ones.
	UserDir, SystemDir string
	// Markers are paths whose presence shows the browser is installed:
	// its profile folder or its program.
	Markers []string
	// Programs are the browser's command names, looked up on $PATH.
	Programs []string
}

// Installed reports whether the browser seems to be on this machine.
func (b Browser) Installed(env Env) bool {
	for _, m := range b.Markers {
		if env.Exists(m) {
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

// ManifestPath is where the host manifest goes for this browser.
func (b Browser) ManifestPath(system bool) string {
	dir := b.UserDir
	if system {
		dir = b.SystemDir
	}
	return filepath.Join(dir, HostName+".json")
}

// Browsers lists the browsers known on env's system.
func Browsers(env Env) []Browser {
	config := env.Getenv("XDG_CONFIG_HOME")
	if config == "" {
		config = filepath.Join(env.Home, ".config")
	}
	chromeFamily := func(name, folder, systemDir string, programs ...string) Browser {
		root := filepath.Join(config, folder)
		return Browser{
			Name: name, Flavour: Chromium,
			UserDir: filepath.Join(root, "NativeMessagingHosts"), SystemDir: systemDir,
			Markers: []string{root}, Programs: programs,
		}
	}
	return []Browser{
		chromeFamily("chrome", "google-chrome", "/etc/opt/chrome/native-messaging-hosts", "google-chrome", "google-chrome-stable"),
		chromeFamily("chromium", "chromium", "/etc/chromium/native-messaging-hosts", "chromium", "chromium-browser"),
		{
			Name: "firefox", Flavour: Firefox,
			UserDir:   filepath.Join(env.Home, ".mozilla", "native-messaging-hosts"),
			SystemDir: "/usr/lib/mozilla/native-messaging-hosts",
			Markers:   []string{filepath.Join(env.Home, ".mozilla")},
			Programs:  []string{"firefox", "firefox-esr"},
		},
	}
}
