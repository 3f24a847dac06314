package manifest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/manifest"
)

func TestFlatpakAndSnapBuildsAreRegisteredOnlyWhenAsked(t *testing.T) {
	m := newMachine(t, "linux")
	home := m.env.Home
	for _, d := range []string{".var/app/org.chromium.Chromium", "snap/firefox", "snap/chromium"} {
		require.NoError(t, os.MkdirAll(filepath.Join(home, d), 0o755))
	}
	before := tree(t, m.top)
	flatpakManifest := home + "/.var/app/org.chromium.Chromium/config/chromium/NativeMessagingHosts/com.cifbridge.host.json"
	wrapper := home + "/.var/app/org.chromium.Chromium/data/cif-bridge/cif-host"
	snapManifest := home + "/snap/firefox/common/.mozilla/native-messaging-hosts/com.cifbridge.host.json"

	_, err := manifest.Install(m.env, m.opts(false, "chromium", "firefox"))
	require.NoError(t, err)
	assert.NoFileExists(t, flatpakManifest, "sandboxes only when asked")
	assert.NoFileExists(t, snapManifest)

	opts := m.opts(false, "chromium", "firefox")
	opts.Flatpak, opts.Snap = true, true
	actions, err := manifest.Install(m.env, opts)
	require.NoError(t, err)
	validate(t, m.env, flatpakManifest, manifest.Chromium, wrapper, []string{m.dev.Chromium})
	validate(t, m.env, snapManifest, manifest.Firefox, m.host, []string{m.dev.Firefox})
	st, err := os.Stat(wrapper)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), st.Mode().Perm())
	assert.Contains(t, actions, manifest.Action{Browser: "chromium", Did: "needs",
		Path: "flatpak override --user --talk-name=org.freedesktop.Flatpak org.chromium.Chromium",
		Note: "run it once: it lets the Flatpak start cif-host outside its sandbox"})
	assert.Contains(t, actions, manifest.Action{Browser: "chromium", Did: "skipped", Path: home + "/snap/chromium",
		Note: "Chromium from snap cannot start native-messaging hosts: its confinement forbids it; use a .deb or .rpm build"})

	again, err := manifest.Install(m.env, opts)
	require.NoError(t, err)
	for _, a := range again {
		assert.Contains(t, []string{"unchanged", "needs", "skipped"}, a.Did, "a second install changes nothing: %s", a)
	}

	_, err = manifest.Uninstall(m.env, m.opts(false))
	require.NoError(t, err)
	assert.Equal(t, before, tree(t, m.top), "uninstall removes the sandboxes' files and folders too")
}

func TestTheFlatpakWrapperRunsTheHostWithItsArguments(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a shell script")
	}
	dir := t.TempDir()
	// A host whose path needs quoting, and a flatpak-spawn that runs its
	// command here, as the real one runs it on the host.
	host := filepath.Join(dir, "it's here", "cif-host")
	require.NoError(t, os.MkdirAll(filepath.Dir(host), 0o755))
	require.NoError(t, os.WriteFile(host, []byte("#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done\ncat\n"), 0o755))
	bin := filepath.Join(dir, "bin")
	require.NoError(t, os.MkdirAll(bin, 0o755))
	spawn := "#!/bin/sh\n[ \"$1\" = --host ] && [ \"$2\" = --watch-bus ] || { echo \"unexpected: $*\" >&2; exit 9; }\nshift 2\nexec \"$@\"\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "flatpak-spawn"), []byte(spawn), 0o755))
	wrapper := filepath.Join(dir, "wrapper")
	require.NoError(t, os.WriteFile(wrapper, manifest.Wrapper(host, "org.mozilla.firefox"), 0o755))

	cmd := exec.Command(wrapper, "/home/u/.mozilla/native-messaging-hosts/com.cifbridge.host.json", "cif-bridge@cifbridge.org")
	cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin"}
	cmd.Stdin = strings.NewReader("stdin passes through")
	out, err := cmd.Output()
	require.NoError(t, err)
	assert.Equal(t, "[/home/u/.mozilla/native-messaging-hosts/com.cifbridge.host.json]\n[cif-bridge@cifbridge.org]\nstdin passes through", string(out))
}

func TestUninstallKeepsAWrapperThatIsNotOurs(t *testing.T) {
	m := newMachine(t, "linux")
	require.NoError(t, os.MkdirAll(filepath.Join(m.env.Home, ".var/app/org.mozilla.firefox"), 0o755))
	opts := m.opts(false, "firefox")
	opts.Flatpak = true
	_, err := manifest.Install(m.env, opts)
	require.NoError(t, err)
	wrapper := filepath.Join(m.env.Home, ".var/app/org.mozilla.firefox/data/cif-bridge/cif-host")
	require.NoError(t, os.WriteFile(wrapper, []byte("#!/bin/sh\necho mine\n"), 0o755))
	actions, err := manifest.Uninstall(m.env, m.opts(false))
	require.NoError(t, err)
	assert.Contains(t, actions, manifest.Action{Browser: "firefox", Did: "kept", Path: wrapper,
		Note: "no longer CIF Bridge's wrapper; remove it yourself if it is not needed"})
	_, err = os.Stat(filepath.Join(m.env.Home, ".var/app/org.mozilla.firefox/.mozilla/native-messaging-hosts/com.cifbridge.host.json"))
	assert.True(t, os.IsNotExist(err), "the manifest went")
}
