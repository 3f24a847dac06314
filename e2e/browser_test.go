package e2e

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/internal/hosttest"
	"github.com/cifbridge/cif-bridge/manifest"
	"github.com/cifbridge/cif-bridge/release"
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
	// A new tab is about:blank, complete, until the page's navigation commits.
	until(t, d, tab, `location.href === `+js(url)+` && document.readyState === "complete"`)
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
		return "chrome-extension://" + packed(t).chromeID + "/" + path
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

// writeManifest registers a host binary in dir for an extension, the way
// install does.
func writeManifest(t testing.TB, f manifest.Flavour, dir, binary, id string) string {
	h, err := manifest.Build(f, binary, []string{id})
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(dir, 0o700))
	path := filepath.Join(dir, manifest.HostName+".json")
	require.NoError(t, os.WriteFile(path, h.Encode(), 0o600))
	return path
}

// storePackages are the extension's store packages as a release holds
// them, made once per test run with the release's own code and shared by
// every browser the tests start: the Chrome Web Store zip, unpacked for
// --load-extension, with the id Chromium gives that folder, and the xpi.
type storePackages struct {
	dir      string
	chrome   string // the unpacked zip
	chromeID string
	xpi      string
}

var (
	packOnce  sync.Once
	packages  storePackages
	packError error
)

// packed returns the packages, made on first use. A file the extension
// needs that a package would lack fails that (release.ExtensionFiles), and
// so every test.
func packed(t testing.TB) storePackages {
	t.Helper()
	packOnce.Do(func() { packages, packError = pack() })
	require.NoError(t, packError, "packing the extension as a release does")
	return packages
}

// pack writes the packages to a folder removeStorePackages removes.
func pack() (storePackages, error) {
	dir, err := os.MkdirTemp("", "cif-bridge-e2e-extension-")
	if err != nil {
		return storePackages{}, err
	}
	// Chromium names an unpacked extension after its folder's real path.
	if dir, err = filepath.EvalSymlinks(dir); err != nil {
		return storePackages{}, err
	}
	p := storePackages{dir: dir, chrome: filepath.Join(dir, "chrome"), xpi: filepath.Join(dir, release.FirefoxStore.File("e2e"))}
	zipPath := filepath.Join(dir, release.ChromeStore.File("e2e"))
	for _, s := range []struct {
		store release.Store
		path  string
	}{{release.ChromeStore, zipPath}, {release.FirefoxStore, p.xpi}} {
		if _, err := release.PackExtension(s.path, s.store, time.Now()); err != nil {
			return p, err
		}
	}
	if err := unzip(zipPath, p.chrome); err != nil {
		return p, fmt.Errorf("unpack the Chrome zip: %w", err)
	}
	p.chromeID = unpackedChromiumID(p.chrome)
	return p, nil
}

// removeStorePackages removes what pack wrote; TestMain calls it.
func removeStorePackages() {
	if packages.dir != "" {
		os.RemoveAll(packages.dir)
	}
}

// unpackedChromiumID is the id Chromium gives an extension loaded from a
// folder whose manifest has no key, as the store zip's has not: the
// folder's absolute path, hashed as manifest.ChromiumID hashes a key
// (Chromium's crx_file::id_util::GenerateIdForPath; on Windows it hashes
// the path's UTF-16 instead, where these tests do not run browsers).
func unpackedChromiumID(dir string) string {
	sum := sha256.Sum256([]byte(dir))
	return strings.Map(func(r rune) rune {
		if r <= '9' {
			return 'a' + (r - '0')
		}
		return 'k' + (r - 'a')
	}, hex.EncodeToString(sum[:16]))
}

// unzip writes a zip's files below dir.
func unzip(path, dir string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, f := range zr.File {
		target := filepath.Join(dir, filepath.FromSlash(f.Name))
		if !strings.HasPrefix(target, dir+string(filepath.Separator)) {
			return fmt.Errorf("%s leaves the folder", f.Name)
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		r, err := f.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// installXPI puts the release's xpi in a Firefox profile as its add-on. A
// profile that already has it keeps its file untouched: Firefox restarts
// itself when an installed add-on's file changes.
func installXPI(t testing.TB, path string) {
	if _, err := os.Stat(path); err == nil {
		return
	}
	data, err := os.ReadFile(packed(t).xpi)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o600))
}

// installAddon zips an extension folder's files as Firefox installs them,
// unless the profile already has the file.
func installAddon(t testing.TB, path string, files fs.FS) {
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
// started with --user-data-dir looks first, for the store zip's id, and
// records it as `cif-host install --extension-id` would, so that cif-host
// admits that caller.
func registerChromium(t testing.TB, w *world, binary string) {
	id := packed(t).chromeID
	path := writeManifest(t, manifest.Chromium, chromiumHosts(w), binary, id)
	rec, err := json.Marshal(manifest.Record{Manifests: []manifest.Entry{{Path: path, Browsers: []string{"chromium"}}}, ExtensionIDs: []string{id}})
	require.NoError(t, err)
	state := filepath.Join(w.state, "cif-bridge")
	require.NoError(t, os.MkdirAll(state, 0o700))
	require.NoError(t, os.WriteFile(manifest.RecordPath(manifest.OSEnv(), false, state), rec, 0o600))
}

// chromiumHosts is where the world's Chromium profile reads host manifests.
func chromiumHosts(w *world) string {
	return filepath.Join(w.dir, "chromium-profile", "NativeMessagingHosts")
}

func launchChromium(t testing.TB, w *world, urls ...string) launched {
	program := findBrowser(t, "Chromium", "/usr/lib/chromium/chromium", "chromium", "chromium-browser")
	udd := filepath.Join(w.dir, "chromium-profile")
	registerChromium(t, w, hosttest.Binary(t))
	load := []string{packed(t).chrome}
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
	ids, err := manifest.DevExtensionIDs()
	require.NoError(t, err)
	writeManifest(t, manifest.Firefox, firefoxHosts(w), binary, ids.Firefox)
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
	installXPI(t, filepath.Join(profile, "extensions", ids.Firefox+".xpi"))
	for _, a := range w.addons {
		installAddon(t, filepath.Join(profile, "extensions", a.firefoxID+".xpi"), os.DirFS(a.dir))
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
