package e2e

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/extension"
	"github.com/cifbridge/cif-bridge/internal/hosttest"
	"github.com/cifbridge/cif-bridge/manifest"
)

// browserKind is a browser the end-to-end tests drive.
type browserKind struct {
	name   string
	launch func(t testing.TB, w *world, urls ...string) launched
	// register makes binary the native host the world's profile starts.
	register func(t testing.TB, w *world, binary string)
	// extensionURL is the address of one of the extension's own pages.
	extensionURL func(t testing.TB, path string) string
}

// extensionTab returns a tab showing one of the extension's pages. The
// browser must have been started on that page: Firefox lets automation
// reach extension pages only that way. Chromium gets a fresh tab, which
// also avoids its rare start-up race with the extension.
func (b browserKind) extensionTab(t testing.TB, r *running, path string) string {
	t.Helper()
	d, url := r.driver(t), b.extensionURL(t, path)
	var tab string
	if b.name == "chromium" {
		var err error
		tab, err = d.open(url)
		require.NoError(t, err)
	} else {
		tab = findTab(t, d, url)
	}
	until(t, d, tab, `document.readyState === "complete"`)
	return tab
}

// launched is a browser command ready to start, and how to drive it once
// it runs.
type launched struct {
	cmd     *exec.Cmd
	connect func(w *world) (driver, error)
}

// firefoxExtensionUUID fixes the moz-extension:// host of the extension's
// pages in the test profile, so tests can open them.
const firefoxExtensionUUID = "5f2b2d1e-7a8c-4e8e-9c61-0c1f0b1d9e2a"

var (
	chromium = browserKind{name: "chromium", launch: launchChromium, register: registerChromium, extensionURL: func(t testing.TB, path string) string {
		ids, err := manifest.DevExtensionIDs()
		require.NoError(t, err)
		return "chrome-extension://" + ids.Chromium + "/" + path
	}}
	firefox = browserKind{name: "firefox", launch: launchFirefox, register: registerFirefox, extensionURL: func(_ testing.TB, path string) string {
		return "moz-extension://" + firefoxExtensionUUID + "/" + path
	}}
	browsers = []browserKind{chromium, firefox}
)

// world is one browser run's private files: the host's config, state and
// data folders (the organisation's records) and the browser's own output.
type world struct {
	dir, config, state, data string
	output                   string // the browser's stdout and stderr
	// addons are unpacked extensions loaded beside CIF Bridge (the
	// benchmark's floor extension).
	addons []addon
}

// addon is an unpacked extension a world loads beside CIF Bridge.
type addon struct {
	dir       string // its folder, manifest.json at the top
	firefoxID string // its browser_specific_settings.gecko.id
}

func newWorld(t testing.TB) *world {
	dir := t.TempDir()
	w := &world{dir: dir, config: filepath.Join(dir, "config"), state: filepath.Join(dir, "state"), data: filepath.Join(dir, "data"),
		output: filepath.Join(dir, "browser.log")}
	require.NoError(t, os.MkdirAll(filepath.Join(w.config, "cif-bridge"), 0o700))
	return w
}

// hostEnv points cif-host (started by the browser, which passes its
// environment on) at this world's folders.
func (w *world) hostEnv() []string {
	return append(os.Environ(), "XDG_CONFIG_HOME="+w.config, "XDG_STATE_HOME="+w.state, "XDG_DATA_HOME="+w.data, "CIF_BRIDGE_LOG_LEVEL=debug")
}

// hostLog is what cif-host logged during the run.
func (w *world) hostLog() string { return tail(filepath.Join(w.state, "cif-bridge", "cif-host.log")) }

// browserLog is what the browser printed during the run.
func (w *world) browserLog() string { return tail(w.output) }

// tail returns the end of a file, enough to diagnose a failure.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	if len(b) > 8000 {
		b = b[len(b)-8000:]
	}
	return string(b)
}

// writeManifest registers a host binary in dir the way install does.
func writeManifest(t testing.TB, f manifest.Flavour, dir, binary string) {
	ids, err := manifest.DevExtensionIDs()
	require.NoError(t, err)
	id := ids.Chromium
	if f == manifest.Firefox {
		id = ids.Firefox
	}
	h, err := manifest.Build(f, binary, []string{id})
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(dir, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, manifest.HostName+".json"), h.Encode(), 0o600))
}

// unpackExtension writes the embedded extension files to a folder.
func unpackExtension(t testing.TB) string {
	dir := filepath.Join(t.TempDir(), "extension")
	require.NoError(t, os.CopyFS(dir, extension.Files))
	return dir
}

// packExtension zips the embedded extension files as Firefox installs
// them. A profile that already has the add-on keeps its file untouched:
// Firefox restarts itself when an installed add-on's file changes.
func packExtension(t testing.TB, path string) { packAddon(t, path, extension.Files) }

// packAddon zips an extension's files as Firefox installs them, unless the
// profile already has the file.
func packAddon(t testing.TB, path string, files fs.FS) {
	if _, err := os.Stat(path); err == nil {
		return
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	require.NoError(t, zw.AddFS(files))
	require.NoError(t, zw.Close())
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))
}

// registerChromium writes the host manifest where a Chromium profile
// started with --user-data-dir looks first.
func registerChromium(t testing.TB, w *world, binary string) {
	writeManifest(t, manifest.Chromium, chromiumHosts(w), binary)
}

// chromiumHosts is where the world's Chromium profile reads host manifests.
func chromiumHosts(w *world) string {
	return filepath.Join(w.dir, "chromium-profile", "NativeMessagingHosts")
}

func launchChromium(t testing.TB, w *world, urls ...string) launched {
	program := findBrowser(t, "Chromium", "/usr/lib/chromium/chromium", "chromium", "chromium-browser")
	udd := filepath.Join(w.dir, "chromium-profile")
	registerChromium(t, w, hosttest.Binary(t))
	load := []string{unpackExtension(t)}
	for _, a := range w.addons {
		load = append(load, a.dir)
	}
	cmd := exec.Command(program,
		"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--disable-dev-shm-usage", "--user-data-dir="+udd,
		"--remote-debugging-pipe", "--load-extension="+strings.Join(load, ","))
	// Headless Chromium refuses several start URLs; tests open the others
	// through the driver, which Chromium allows for every page.
	cmd.Args = append(cmd.Args, urls[0])
	cmd.Env = w.hostEnv()
	pipes := newCDPPipes(t)
	cmd.ExtraFiles = pipes.theirs
	return launched{cmd: cmd, connect: func(*world) (driver, error) { return newCDP(pipes), nil }}
}

// firefoxPrefs let an unsigned add-on in the profile run, and keep a
// headless run quiet and offline.
const firefoxPrefs = `user_pref("xpinstall.signatures.required", false);
user_pref("extensions.autoDisableScopes", 0);
user_pref("extensions.update.enabled", false);
user_pref("app.update.disabledForTesting", true);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("browser.aboutwelcome.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("browser.safebrowsing.downloads.enabled", false);
user_pref("extensions.getAddons.cache.enabled", false);
user_pref("extensions.blocklist.enabled", false);
`

// registerFirefox writes the host manifest in the home folder Firefox is
// started with: it has no per-profile place.
func registerFirefox(t testing.TB, w *world, binary string) {
	writeManifest(t, manifest.Firefox, firefoxHosts(w), binary)
}

// firefoxHosts is where the world's Firefox reads host manifests.
func firefoxHosts(w *world) string {
	return filepath.Join(w.dir, "home", ".mozilla", "native-messaging-hosts")
}

func launchFirefox(t testing.TB, w *world, urls ...string) launched {
	program := findBrowser(t, "Firefox", "firefox-esr", "firefox")
	home := filepath.Join(w.dir, "home")
	profile := filepath.Join(w.dir, "firefox-profile")
	registerFirefox(t, w, hosttest.Binary(t))
	ids, err := manifest.DevExtensionIDs()
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(profile, "extensions"), 0o700))
	packExtension(t, filepath.Join(profile, "extensions", ids.Firefox+".xpi"))
	for _, a := range w.addons {
		packAddon(t, filepath.Join(profile, "extensions", a.firefoxID+".xpi"), os.DirFS(a.dir))
	}
	prefs := firefoxPrefs + fmt.Sprintf("user_pref(\"extensions.webextensions.uuids\", %q);\n", fmt.Sprintf(`{"%s":"%s"}`, ids.Firefox, firefoxExtensionUUID))
	require.NoError(t, os.WriteFile(filepath.Join(profile, "user.js"), []byte(prefs), 0o600))
	cmd := exec.Command(program, append([]string{"--headless", "--no-remote", "--profile", profile, "--remote-debugging-port=0"}, urls...)...)
	cmd.Env = append(w.hostEnv(), "HOME="+home, "MOZ_HEADLESS=1")
	return launched{cmd: cmd, connect: func(w *world) (driver, error) {
		url, err := waitForLine(w.output, bidiURL, 30*time.Second)
		if err != nil {
			return nil, fmt.Errorf("firefox did not start WebDriver BiDi: %w", err)
		}
		return newBiDi(url)
	}}
}

// running is a started browser; done closes when it exits.
type running struct {
	cmd     *exec.Cmd
	done    chan struct{}
	w       *world
	connect func(w *world) (driver, error)
	drv     driver
}

// driver connects to the browser's automation channel, once.
func (r *running) driver(t testing.TB) driver {
	t.Helper()
	if r.drv == nil {
		d, err := r.connect(r.w)
		require.NoError(t, err, "browser output:\n%s", r.w.browserLog())
		r.drv = d
	}
	return r.drv
}

// start runs the browser in its own process group, so that stopping it
// also stops the cif-host it started.
func start(t testing.TB, w *world, l launched) *running {
	cmd := l.cmd
	out, err := os.Create(w.output)
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = out, out
	ownGroup(cmd)
	require.NoError(t, cmd.Start())
	r := &running{cmd: cmd, done: make(chan struct{}), w: w, connect: l.connect}
	go func() {
		_ = cmd.Wait()
		out.Close()
		close(r.done)
	}()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop asks the browser's process group to end, then forces it.
func (r *running) stop(t testing.TB) {
	pgid := r.cmd.Process.Pid
	signalGroup(pgid, false)
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		t.Logf("browser ignored SIGTERM for 10 s; killing it")
		signalGroup(pgid, true)
		<-r.done
	}
	signalGroup(pgid, true) // anything left in the group
}
