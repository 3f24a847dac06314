package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/extension"
	"github.com/cifbridge/cif-bridge/internal/hosttest"
)

// files lists what is under dir.
func files(t *testing.T, dir string) []string {
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		out = append(out, strings.TrimPrefix(p, dir))
		return err
	}))
	return out
}

func TestInstallDoctorAndUninstallThroughTheBinary(t *testing.T) {
	top := t.TempDir()
	home := filepath.Join(top, "home")
	require.NoError(t, os.MkdirAll(home, 0o755))
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_STATE_HOME=" + filepath.Join(top, "state"), "CHROME_CONFIG_HOME="}
	browsers := []string{"--browser", "chrome", "--browser", "firefox"}
	before := files(t, home)

	out, errOut, code := hosttest.Command(t, env, append([]string{"install", "--host", hosttest.Binary(t)}, browsers...)...)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	chromeManifest := filepath.Join(home, ".config/google-chrome/NativeMessagingHosts/com.cifbridge.host.json")
	assert.Contains(t, out, "chrome      wrote     "+chromeManifest+"\n")
	assert.Contains(t, out, "firefox     wrote     "+filepath.Join(home, ".mozilla/native-messaging-hosts/com.cifbridge.host.json")+"\n")
	assert.Contains(t, out, "recorded in "+filepath.Join(top, "state/cif-bridge/installed.json"))

	out, errOut, code = hosttest.Command(t, env, append([]string{"doctor"}, browsers...)...)
	assert.Equal(t, 0, code, "a good install passes; stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Regexp(t, `(?m)^chrome +user +ok +ok +ok +ok +ok +ok +ok +ok +ok$`, out)
	assert.Regexp(t, `(?m)^firefox +user +ok +ok +ok +ok +ok +ok +ok +ok +ok$`, out)
	assert.Contains(t, out, "Result: every browser listed can reach cif-host.")

	require.NoError(t, os.WriteFile(chromeManifest, []byte("{"), 0o644))
	out, _, code = hosttest.Command(t, env, append([]string{"doctor", "--json"}, browsers...)...)
	assert.Equal(t, 1, code, "a broken manifest fails doctor, in JSON too")
	var report struct {
		Version, OS string
		Failed      bool
		Browsers    []struct {
			Browser string
			Checks  []struct{ Name, Status, Detail, Fix string }
		}
		Files []struct{ Name, Status, Detail string }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &report), out)
	m, err := extension.ReadManifest()
	require.NoError(t, err)
	assert.Equal(t, m.Version, report.Version)
	assert.Equal(t, runtime.GOOS, report.OS)
	assert.True(t, report.Failed)
	require.Len(t, report.Browsers, 2)
	assert.Equal(t, "chrome", report.Browsers[0].Browser)
	assert.Equal(t, "json", report.Browsers[0].Checks[1].Name)
	assert.Equal(t, "FAIL", report.Browsers[0].Checks[1].Status)
	assert.Equal(t, "run `cif-host install --browser chrome` to rewrite it", report.Browsers[0].Checks[1].Fix)
	assert.Equal(t, "log", report.Files[3].Name)
	assert.Contains(t, report.Files[3].Detail, "folder "+filepath.Join(top, "state", "cif-bridge")+": ")

	out, _, code = hosttest.Command(t, env, append([]string{"doctor"}, browsers...)...)
	assert.Equal(t, 1, code, "a broken manifest fails doctor")
	assert.Contains(t, out, "  (cif-host in the fixes is "+hosttest.Binary(t)+")\n")
	assert.Contains(t, out, "  FAIL chrome json: "+chromeManifest+" is not a valid manifest: unexpected end of JSON input\n"+
		"    fix: run `cif-host install --browser chrome` to rewrite it\n")

	out, errOut, code = hosttest.Command(t, env, "uninstall")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Contains(t, out, "chrome      kept      "+chromeManifest+" (no longer a CIF Bridge manifest; remove it yourself if it is not needed)")
	require.NoError(t, os.Remove(chromeManifest))
	require.NoError(t, os.Remove(filepath.Dir(chromeManifest)))
	assert.Equal(t, append(before, "/.config", "/.config/google-chrome"), files(t, home),
		"uninstall removed the rest; what stays is what held the file it kept")
}

func TestSubcommandsRefuseStrayArguments(t *testing.T) {
	for _, cmd := range []string{"doctor", "install", "uninstall"} {
		_, errOut, code := hosttest.Command(t, nil, cmd, "chrome")
		assert.Equal(t, 2, code)
		assert.Equal(t, "cif-host "+cmd+": unexpected \"chrome\"; name a browser with --browser\n", errOut)
	}
}

func TestReinstallKeepsStoreIDsAndDoctorRequiresThem(t *testing.T) {
	top := t.TempDir()
	home := filepath.Join(top, "home")
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_STATE_HOME=" + filepath.Join(top, "state"), "CHROME_CONFIG_HOME="}
	store := strings.Repeat("d", 32)
	install := []string{"install", "--browser", "chromium", "--host", hosttest.Binary(t)}

	_, errOut, code := hosttest.Command(t, env, append(install, "--extension-id", store)...)
	require.Equal(t, 0, code, errOut)
	out, errOut, code := hosttest.Command(t, env, install...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "-           admits    "+store+" (given earlier with --extension-id; --forget-extension-id "+store+" stops admitting it)\n")
	manifestPath := filepath.Join(home, ".config/chromium/NativeMessagingHosts/com.cifbridge.host.json")
	data, err := os.ReadFile(manifestPath)
	require.NoError(t, err)
	assert.Contains(t, string(data), "chrome-extension://"+store+"/", "the store id is still admitted")

	out, _, code = hosttest.Command(t, env, "doctor", "--browser", "chromium")
	assert.Equal(t, 0, code, out)

	// A manifest that lost the id (written by an older cif-host) fails
	// doctor, which remembers the id from the record.
	lost := strings.Replace(string(data), `,
    "chrome-extension://`+store+`/"`, "", 1)
	require.NotEqual(t, string(data), lost)
	require.NoError(t, os.WriteFile(manifestPath, []byte(lost), 0o644))
	out, _, code = hosttest.Command(t, env, "doctor", "--browser", "chromium")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "FAIL chromium extension: allowed_origins lacks chrome-extension://"+store+"/")
}

func TestAMistypedExtensionIDIsRefusedInOneLine(t *testing.T) {
	for _, cmd := range []string{"install", "doctor"} {
		out, errOut, code := hosttest.Command(t, []string{"HOME=" + t.TempDir()}, cmd, "--extension-id", "aacpoilajhhjiddkhdigidknphfhbe")
		assert.Equal(t, 2, code)
		assert.Empty(t, out)
		assert.Equal(t, "cif-host "+cmd+`: --extension-id: "aacpoilajhhjiddkhdigidknphfhbe" is not a Chrome extension id: those are exactly 32 letters a to p (it has 30 characters); copy it again from chrome://extensions or the store page's address`+"\n", errOut)
	}
}

func TestSandboxesAreRegisteredPerUserOnly(t *testing.T) {
	for _, flag := range []string{"--flatpak", "--snap"} {
		out, errOut, code := hosttest.Command(t, []string{"HOME=" + t.TempDir()}, "install", "--system", flag)
		assert.Equal(t, 2, code)
		assert.Empty(t, out)
		assert.Equal(t, "cif-host install: --flatpak and --snap register the sandboxes in your home; run them without --system, as yourself\n", errOut)
	}
}
