package release

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"debug/buildinfo"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/extension"
	"github.com/cifbridge/cif-bridge/manifest"
)

// built is a release for this machine, built once for the tests below.
type built struct {
	res  Result
	err  error
	repo string
}

var thisMachine = func() func(t *testing.T) built {
	var b *built
	return func(t *testing.T) built {
		t.Helper()
		if testing.Short() {
			t.Skip("builds a release; not in -short")
		}
		if b == nil {
			repo, err := filepath.Abs("..")
			require.NoError(t, err)
			out, err := os.MkdirTemp("", "cif-bridge-dist-")
			require.NoError(t, err)
			b = &built{repo: repo}
			b.res, b.err = Build(context.Background(), Options{
				Repo: repo, Out: out, Platforms: []Platform{Current()},
				ChromeID: chromeID, EdgeID: edgeID, FirefoxInstallURL: xpiURL,
				Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			})
		}
		require.NoError(t, b.err)
		return *b
	}
}()

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := filepath.Glob(filepath.Join(os.TempDir(), "cif-bridge-dist-*")); err == nil {
		for _, d := range dir {
			os.RemoveAll(d)
		}
	}
	os.Exit(code)
}

func TestTheReleaseHoldsEveryPart(t *testing.T) {
	b := thisMachine(t)
	m, err := extension.ReadManifest()
	require.NoError(t, err)
	v := m.Version
	assert.Equal(t, v, b.res.Version)
	var names []string
	for _, f := range b.res.Files {
		names = append(names, f.Name)
		assert.Positive(t, f.Size, f.Name)
	}
	p := Current()
	want := []string{"RELEASE_NOTES.md", "SHA256SUMS", "cif-bridge-" + v + "-chrome.zip", "cif-bridge-" + v + "-firefox.xpi",
		"policies/README.md", "policies/firefox/policies.json", "policies/linux/chrome/cif-bridge.json",
		"policies/macos/cif-bridge.mobileconfig", "policies/windows/cif-bridge.reg"}
	if p.OS == "windows" {
		want = append(want, "cif-bridge-"+v+"-windows-"+p.Arch+".zip")
	} else {
		want = append(want, "cif-bridge-"+v+"-"+p.OS+"-"+p.Arch+".tar.gz")
	}
	for _, w := range want {
		assert.Contains(t, names, w)
	}

	// SHA256SUMS covers every other file, in sha256sum's format.
	sums, err := os.ReadFile(filepath.Join(b.res.Dir, "SHA256SUMS"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(sums)), "\n")
	assert.Len(t, lines, len(names)-1)
	for _, l := range lines {
		sum, name, ok := strings.Cut(l, "  ")
		require.True(t, ok, l)
		got, err := fileSHA256(filepath.Join(b.res.Dir, name))
		require.NoError(t, err)
		assert.Equal(t, got, sum, name)
	}

	notes, err := os.ReadFile(filepath.Join(b.res.Dir, "RELEASE_NOTES.md"))
	require.NoError(t, err)
	section, err := Notes(filepath.Join(b.repo, "CHANGELOG.md"), v)
	require.NoError(t, err)
	assert.Contains(t, string(notes), "# CIF Bridge "+v+"\n\n"+section)

	for _, pol := range []string{"chrome", "chromium", "brave"} {
		data, err := os.ReadFile(filepath.Join(b.res.Dir, "policies", "linux", pol, "cif-bridge.json"))
		require.NoError(t, err)
		checkChromiumPolicy(t, data, chromeID, ChromeWebStoreUpdateURL)
	}
	data, err := os.ReadFile(filepath.Join(b.res.Dir, "policies", "linux", "edge", "cif-bridge.json"))
	require.NoError(t, err)
	checkChromiumPolicy(t, data, edgeID, EdgeAddonsUpdateURL)
	data, err = os.ReadFile(filepath.Join(b.res.Dir, "policies", "firefox", "policies.json"))
	require.NoError(t, err)
	checkFirefoxPolicy(t, data, m.BrowserSpecificSetting.Gecko.ID, xpiURL)
}

// The version has one source: cif-host, both extension packages and the
// Linux packages report the extension manifest's.
func TestEveryPartHasTheManifestsVersion(t *testing.T) {
	b := thisMachine(t)
	m, err := extension.ReadManifest()
	require.NoError(t, err)
	v := m.Version

	dir := unpack(t, b, Current())
	out, err := exec.Command(filepath.Join(dir, Current().exe()), "--version").Output()
	require.NoError(t, err)
	assert.Equal(t, v+"\n", string(out), "cif-host --version")

	for _, pkg := range []string{"chrome.zip", "firefox.xpi"} {
		files := readZip(t, filepath.Join(b.res.Dir, "cif-bridge-"+v+"-"+pkg))
		var got struct{ Version, Key string }
		require.NoError(t, json.Unmarshal(files["manifest.json"], &got), pkg)
		assert.Equal(t, v, got.Version, pkg)
		assert.Empty(t, got.Key, "%s: the store assigns the id", pkg)
		names, err := ExtensionFiles(extension.Files)
		require.NoError(t, err)
		assert.Len(t, files, len(names), "%s holds exactly the extension's files", pkg)
		for name := range files {
			assert.Contains(t, names, name, pkg)
		}
	}

	if Current().OS != "linux" {
		return
	}
	debArch := map[string]string{"amd64": "amd64", "arm64": "arm64"}[runtime.GOARCH]
	deb := readDeb(t, filepath.Join(b.res.Dir, "cif-bridge_"+v+"-1_"+debArch+".deb"))
	assert.Contains(t, deb.control, "\nVersion: "+v+"-1\n")
	assert.Contains(t, deb.control, "\nArchitecture: "+debArch+"\n")
	assert.Contains(t, deb.control, "Package: cif-bridge\n")
	assert.Equal(t, int64(0o755), deb.modes["./usr/bin/cif-host"])
	dev, err := manifest.DevExtensionIDs()
	require.NoError(t, err)
	for path, want := range map[string][]string{
		"./etc/opt/chrome/native-messaging-hosts/com.cifbridge.host.json":  {"chrome-extension://" + dev.Chromium + "/", "chrome-extension://" + chromeID + "/", "chrome-extension://" + edgeID + "/"},
		"./etc/opt/edge/native-messaging-hosts/com.cifbridge.host.json":    {"chrome-extension://" + dev.Chromium + "/", "chrome-extension://" + chromeID + "/", "chrome-extension://" + edgeID + "/"},
		"./usr/lib/mozilla/native-messaging-hosts/com.cifbridge.host.json": {dev.Firefox},
	} {
		var h manifest.Host
		require.NoError(t, json.Unmarshal(deb.files[path], &h), path)
		assert.Equal(t, PackagedHost, h.Path, path)
		assert.Equal(t, want, append(h.AllowedOrigins, h.AllowedExtensions...), path)
	}

	rpmArch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
	rpm := readRPM(t, filepath.Join(b.res.Dir, "cif-bridge-"+v+"-1."+rpmArch+".rpm"))
	assert.Equal(t, "cif-bridge", rpm[1000])
	assert.Equal(t, v, rpm[1001])
	assert.Equal(t, "1", rpm[1002])
	assert.Equal(t, rpmArch, rpm[1022])
}

func TestTheBinariesAreStaticAndTrimmed(t *testing.T) {
	b := thisMachine(t)
	dir := unpack(t, b, Current())
	info, err := buildinfo.ReadFile(filepath.Join(dir, Current().exe()))
	require.NoError(t, err)
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	assert.Equal(t, "0", settings["CGO_ENABLED"])
	assert.Equal(t, "true", settings["-trimpath"])
	assert.Equal(t, runtime.GOOS, settings["GOOS"])
	assert.Equal(t, runtime.GOARCH, settings["GOARCH"])
	for _, f := range []string{"LICENSE", "README.md", "THIRD_PARTY_LICENSES.txt"} {
		assert.FileExists(t, filepath.Join(dir, f))
	}
	notices, err := os.ReadFile(filepath.Join(dir, "THIRD_PARTY_LICENSES.txt"))
	require.NoError(t, err)
	assert.Contains(t, string(notices), "gopkg.in/natefinch/lumberjack.v2 v2.2.1")
	assert.NotContains(t, string(notices), "nfpm", "only what cif-host links")
}

// unpack unpacks p's archive into a temporary folder and returns the
// folder it holds.
func unpack(t *testing.T, b built, p Platform) string {
	t.Helper()
	top := t.TempDir()
	name := "cif-bridge-" + b.res.Version + "-" + p.OS + "-" + p.Arch
	if p.OS == "windows" {
		for n, data := range readZip(t, filepath.Join(b.res.Dir, name+".zip")) {
			require.NoError(t, os.MkdirAll(filepath.Join(top, filepath.Dir(n)), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(top, n), data, 0o755))
		}
		return filepath.Join(top, name)
	}
	f, err := os.Open(filepath.Join(b.res.Dir, name+".tar.gz"))
	require.NoError(t, err)
	defer f.Close()
	gz, err := gzip.NewReader(f)
	require.NoError(t, err)
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(hdr.Name, name+"/"), "everything is inside %s/: %s", name, hdr.Name)
		target := filepath.Join(top, hdr.Name)
		if hdr.Typeflag == tar.TypeDir {
			require.NoError(t, os.MkdirAll(target, 0o755))
			continue
		}
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY, os.FileMode(hdr.Mode))
		require.NoError(t, err)
		_, err = io.Copy(out, tr)
		require.NoError(t, err)
		require.NoError(t, out.Close())
	}
	return filepath.Join(top, name)
}

func readZip(t *testing.T, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	require.NoError(t, err)
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		require.NoError(t, err)
		data, err := io.ReadAll(r)
		require.NoError(t, err)
		r.Close()
		out[f.Name] = data
	}
	return out
}

type debPackage struct {
	control string
	files   map[string][]byte
	modes   map[string]int64
}

// readDeb reads a .deb (an ar archive of control.tar.gz and data.tar.gz)
// without dpkg.
func readDeb(t *testing.T, path string) debPackage {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(data, []byte("!<arch>\n")), "an ar archive")
	pkg := debPackage{files: map[string][]byte{}, modes: map[string]int64{}}
	rest := data[8:]
	for len(rest) >= 60 {
		name := strings.TrimRight(string(rest[:16]), " /")
		size, err := strconv.ParseInt(strings.TrimSpace(string(rest[48:58])), 10, 64)
		require.NoError(t, err)
		body := rest[60 : 60+size]
		rest = rest[60+size:]
		if size%2 == 1 && len(rest) > 0 {
			rest = rest[1:]
		}
		if !strings.HasSuffix(name, ".tar.gz") {
			continue
		}
		gz, err := gzip.NewReader(bytes.NewReader(body))
		require.NoError(t, err)
		tr := tar.NewReader(gz)
		for {
			hdr, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err)
			content, err := io.ReadAll(tr)
			require.NoError(t, err)
			switch {
			case strings.HasPrefix(name, "control") && hdr.Name == "./control":
				pkg.control = string(content)
			case strings.HasPrefix(name, "data"):
				pkg.files[hdr.Name] = content
				pkg.modes[hdr.Name] = hdr.Mode
			}
		}
	}
	require.NotEmpty(t, pkg.control, "the .deb has a control file")
	return pkg
}

// readRPM reads the string tags of an .rpm's main header.
func readRPM(t *testing.T, path string) map[int]string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(data, []byte{0xed, 0xab, 0xee, 0xdb}), "an rpm lead")
	header := func(at int) (tags map[int]string, end int) {
		require.True(t, bytes.HasPrefix(data[at:], []byte{0x8e, 0xad, 0xe8, 0x01}), "an rpm header at %d", at)
		n := int(binary.BigEndian.Uint32(data[at+8:]))
		size := int(binary.BigEndian.Uint32(data[at+12:]))
		store := data[at+16+16*n : at+16+16*n+size]
		tags = map[int]string{}
		for i := 0; i < n; i++ {
			e := data[at+16+16*i:]
			tag, typ, off := int(binary.BigEndian.Uint32(e)), binary.BigEndian.Uint32(e[4:]), int(binary.BigEndian.Uint32(e[8:]))
			if typ == 6 { // STRING
				s, _, _ := bytes.Cut(store[off:], []byte{0})
				tags[tag] = string(s)
			}
		}
		return tags, at + 16 + 16*n + size
	}
	_, end := header(96) // the signature header, padded to 8 bytes
	if end%8 != 0 {
		end += 8 - end%8
	}
	tags, _ := header(end)
	return tags
}
