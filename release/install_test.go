package release

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/extension"
	"github.com/cifbridge/cif-bridge/manifest"
)

// user is a fresh user account in temporary folders, whose PATH holds
// only the tools install.sh uses: no Go, unless given.
type user struct {
	home, data, config, state, bin string
	env                            []string
}

func newUser(t *testing.T, extraPath ...string) *user {
	t.Helper()
	top := t.TempDir()
	u := &user{home: filepath.Join(top, "home"), data: filepath.Join(top, "data"), config: filepath.Join(top, "config"),
		state: filepath.Join(top, "state"), bin: filepath.Join(top, "bin")}
	require.NoError(t, os.MkdirAll(u.home, 0o755))
	require.NoError(t, os.MkdirAll(u.bin, 0o755))
	for _, tool := range []string{"sh", "cat", "cmp", "cp", "mv", "rm", "mkdir", "rmdir", "chmod", "ln", "dirname", "uname", "id"} {
		p, err := exec.LookPath(tool)
		require.NoError(t, err, "install.sh needs %s", tool)
		require.NoError(t, os.Symlink(p, filepath.Join(u.bin, tool)))
	}
	path := strings.Join(append([]string{u.bin}, extraPath...), string(os.PathListSeparator))
	u.env = []string{"HOME=" + u.home, "PATH=" + path, "XDG_DATA_HOME=" + u.data, "XDG_CONFIG_HOME=" + u.config,
		"XDG_STATE_HOME=" + u.state, "LANG=C"}
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS", "GOPROXY", "GOTOOLCHAIN"} {
		if len(extraPath) > 0 { // Go is on the PATH: let it use the caches it has
			out, err := exec.Command("go", "env", k).Output()
			require.NoError(t, err)
			u.env = append(u.env, k+"="+strings.TrimSpace(string(out)))
		}
	}
	return u
}

// run runs a script as the user, in dir.
func (u *user) run(t *testing.T, dir string, extraEnv []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(filepath.Join(dir, "install.sh"), args...)
	cmd.Dir = dir
	cmd.Env = append(append([]string(nil), u.env...), extraEnv...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if exit, ok := err.(*exec.ExitError); ok {
		return out.String(), errOut.String(), exit.ExitCode()
	}
	require.NoError(t, err)
	return out.String(), errOut.String(), 0
}

// installed is where install.sh puts cif-host for the user.
func (u *user) installed() string { return filepath.Join(u.data, "cif-bridge", "bin", "cif-host") }

// checkRegistered reads the browser's manifest as the browser would, and
// asks the installed cif-host's doctor about it.
func (u *user) checkRegistered(t *testing.T, browser, manifestPath string) {
	t.Helper()
	data, err := os.ReadFile(manifestPath)
	require.NoError(t, err, "install registered %s", browser)
	var h manifest.Host
	require.NoError(t, json.Unmarshal(data, &h))
	assert.Equal(t, u.installed(), h.Path, "the manifest names the installed binary, not the archive's")
	cmd := exec.Command(u.installed(), "doctor", "--browser", browser, "--json")
	cmd.Env = u.env
	out, err := cmd.Output()
	require.NoError(t, err, "doctor passes:\n%s", out)
	var report struct{ Failed bool }
	require.NoError(t, json.Unmarshal(out, &report))
	assert.False(t, report.Failed, "%s", out)
}

func TestInstallShFromAReleaseArchiveWithoutGo(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("install.sh is for Linux and macOS")
	}
	b := thisMachine(t)
	dir := unpack(t, b, Current())
	u := newUser(t)
	_, err := exec.LookPath("go")
	require.NoError(t, err)
	check := exec.Command("sh", "-c", "command -v go")
	check.Env = u.env
	require.Error(t, check.Run(), "the user's PATH has no Go")

	out, errOut, code := u.run(t, dir, nil, "--help")
	assert.Equal(t, 0, code, errOut)
	assert.True(t, strings.HasPrefix(out, "Usage: ./install.sh"), out)
	assert.NoDirExists(t, u.data, "--help installs nothing")

	out, errOut, code = u.run(t, dir, nil, "--browser", "chromium")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	m, err := extension.ReadManifest()
	require.NoError(t, err)
	assert.Contains(t, out, "installed cif-host "+m.Version+" at "+u.installed())
	assert.Contains(t, out, "Now install the extension: from its store")
	chromium := filepath.Join(u.config, "chromium", "NativeMessagingHosts", "com.cifbridge.host.json")
	u.checkRegistered(t, "chromium", chromium)

	out, _, code = u.run(t, dir, nil, "--browser", "chromium")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "cif-host "+m.Version+" is already installed at "+u.installed())

	out, errOut, code = u.run(t, dir, nil, "--uninstall")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "removed "+u.installed())
	assert.NoFileExists(t, chromium)
	assert.NoDirExists(t, filepath.Join(u.data, "cif-bridge"))
}

func TestInstallShRefusesASystemInstallItCannotDoRight(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("install.sh is for Linux and macOS")
	}
	b := thisMachine(t)
	dir := unpack(t, b, Current())
	u := newUser(t)

	// Not root: a system install needs sudo.
	require.NoError(t, os.Remove(filepath.Join(u.bin, "id")))
	require.NoError(t, os.WriteFile(filepath.Join(u.bin, "id"), []byte("#!/bin/sh\necho 1000\n"), 0o755))
	out, errOut, code := u.run(t, dir, nil, "--system")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, errOut, "install.sh: --system installs cif-host for every user, in /usr/local/lib/cif-bridge and the browsers' machine-wide folders, which needs root: run sudo ")

	// Root through sudo, without --system: that would install for root.
	require.NoError(t, os.WriteFile(filepath.Join(u.bin, "id"), []byte("#!/bin/sh\necho 0\n"), 0o755))
	out, errOut, code = u.run(t, dir, []string{"SUDO_USER=agent"})
	assert.Equal(t, 1, code, out)
	assert.Contains(t, errOut, "under sudo without --system, this would register cif-host for root only")
	assert.NoDirExists(t, u.data, "nothing was installed")

	out, errOut, code = u.run(t, dir, nil, "--uninstall", "--browser", "chrome")
	assert.Equal(t, 2, code, out)
	assert.Contains(t, errOut, "--uninstall removes everything it installed and takes only --system")
}

func TestInstallShBuildsFromSourceInAClone(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("builds cif-host")
	}
	repo, err := filepath.Abs("..")
	require.NoError(t, err)
	goBin, err := exec.LookPath("go")
	require.NoError(t, err)

	// --help needs no Go even in a clone.
	bare := newUser(t)
	out, errOut, code := bare.run(t, repo, nil, "--help")
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Usage: ./install.sh")
	_, errOut, code = bare.run(t, repo, nil, "--browser", "firefox")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "this is a clone of the source, and Go is needed to build cif-host")

	u := newUser(t, filepath.Dir(goBin))
	out, errOut, code = u.run(t, repo, nil, "--browser", "firefox")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Contains(t, out, "Now load the extension from "+repo+"/extension")
	firefox := filepath.Join(u.home, ".mozilla", "native-messaging-hosts", "com.cifbridge.host.json")
	u.checkRegistered(t, "firefox", firefox)

	_, errOut, code = u.run(t, repo, nil, "--uninstall")
	require.Equal(t, 0, code, errOut)
	assert.NoFileExists(t, firefox)
	assert.NoFileExists(t, u.installed())
}

func TestInstallShSaysWhichArchiveFitsWhenItsBinaryDoesNotRun(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("install.sh is for Linux and macOS")
	}
	b := thisMachine(t)
	dir := unpack(t, b, Current())
	// What another system's binary looks like here: not a program.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cif-host"), []byte("\x7fELF-not-for-this-machine"), 0o755))
	u := newUser(t)
	_, errOut, code := u.run(t, dir, nil)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "/cif-host does not run on this machine (")
	assert.Contains(t, errOut, "download the release archive for "+runtime.GOOS+"-"+runtime.GOARCH)
	assert.NoDirExists(t, u.data, "nothing was installed")
}
