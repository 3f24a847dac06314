package release

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/extension"
	"github.com/cifbridge/cif-bridge/manifest"
)

func TestExtensionFilesAreOnlyWhatTheBrowserRuns(t *testing.T) {
	names, err := ExtensionFiles(extension.Files)
	require.NoError(t, err)
	require.Contains(t, names, "manifest.json")
	for _, n := range names {
		assert.False(t, strings.HasSuffix(n, ".go"), "%s: no Go", n)
		assert.NotContains(t, n, "test", "%s: no tests", n)
		assert.NotEqual(t, "package.json", filepath.Base(n))
		assert.False(t, strings.HasPrefix(n, "types/"), "%s: no type declarations", n)
	}

	fake := fstest.MapFS{
		"manifest.json":      {Data: []byte(`{"background":{"service_worker":"bg.js"},"action":{"default_popup":"p/panel.html?view=popup"},"icons":{"16":"icons/16.png"}}`)},
		"bg.js":              {Data: []byte(`import { a } from "./lib/a.js";`)},
		"lib/a.js":           {Data: []byte(`export const a = 1;`)},
		"p/panel.html":       {Data: []byte(`<script type="module" src="panel.js"></script><link href="../style.css" rel="stylesheet">`)},
		"p/panel.js":         {Data: []byte(`import("../lib/a.js")`)},
		"style.css":          {Data: []byte(``)},
		"icons/16.png":       {Data: []byte(``)},
		"lib/a.test.js":      {Data: []byte(``)},
		"embed.go":           {Data: []byte(``)},
		"package.json":       {Data: []byte(`{}`)},
		"test/fakes.js":      {Data: []byte(``)},
		"types/cif.d.ts":     {Data: []byte(``)},
		"contract_test.go":   {Data: []byte(``)},
		"node_modules/x.js":  {Data: []byte(``)},
		".eslintrc.json":     {Data: []byte(``)},
		"p/panel.test.js":    {Data: []byte(``)},
		"shared/methods.mjs": {Data: []byte(``)},
	}
	names, err = ExtensionFiles(fake)
	require.NoError(t, err)
	assert.Equal(t, []string{"bg.js", "icons/16.png", "lib/a.js", "manifest.json", "p/panel.html", "p/panel.js", "shared/methods.mjs", "style.css"}, names)

	delete(fake, "lib/a.js")
	delete(fake, "icons/16.png")
	_, err = ExtensionFiles(fake)
	require.Error(t, err, "a file the extension loads must be packaged")
	assert.Contains(t, err.Error(), "icons/16.png (named by manifest.json)")
	assert.Contains(t, err.Error(), "lib/a.js (named by bg.js)")
	assert.Contains(t, err.Error(), "add them to the //go:embed line of extension/embed.go")
}

func TestEachStoresManifestLeavesOutTheOtherBrowsersKeys(t *testing.T) {
	raw, err := extension.Files.ReadFile("manifest.json")
	require.NoError(t, err)
	var source map[string]any
	require.NoError(t, json.Unmarshal(raw, &source))

	chrome, err := StoreManifest(raw, ChromeDrops)
	require.NoError(t, err)
	var c map[string]any
	require.NoError(t, json.Unmarshal(chrome, &c))
	for _, k := range []string{"key", "browser_specific_settings", "sidebar_action"} {
		assert.NotContains(t, c, k, "the Chrome Web Store zip has no %s", k)
	}
	assert.NotContains(t, c["background"], "scripts")
	assert.Equal(t, source["version"], c["version"])
	assert.Equal(t, source["content_scripts"], c["content_scripts"], "the rest is as written")

	firefox, err := StoreManifest(raw, FirefoxDrops)
	require.NoError(t, err)
	var f map[string]any
	require.NoError(t, json.Unmarshal(firefox, &f))
	for _, k := range []string{"key", "minimum_chrome_version", "side_panel"} {
		assert.NotContains(t, f, k, "the xpi has no %s", k)
	}
	assert.NotContains(t, f["background"], "service_worker")
	assert.NotContains(t, f["permissions"], "sidePanel")
	assert.Contains(t, f, "browser_specific_settings")
	assert.True(t, strings.HasPrefix(string(firefox), "{\n  \"manifest_version\": 3,"), "the order is kept:\n%s", firefox)
}

func TestNotesAreTheChangelogsSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "CHANGELOG.md")
	require.NoError(t, os.WriteFile(path, []byte("# Changelog\n\n## [1.2.0] - 2026-12-01\n\n- new\n\n## 1.1.0\n\n- old\n"), 0o644))
	notes, err := Notes(path, "1.2.0")
	require.NoError(t, err)
	assert.Equal(t, "- new", notes)
	notes, err = Notes(path, "1.1.0")
	require.NoError(t, err)
	assert.Equal(t, "- old", notes)
	_, err = Notes(path, "1.1")
	assert.EqualError(t, err, path+` has no section for 1.1: add a "## 1.1" heading with what changed (the version comes from extension/manifest.json)`)

	m, err := extension.ReadManifest()
	require.NoError(t, err)
	_, err = Notes(filepath.Join("..", "CHANGELOG.md"), m.Version)
	assert.NoError(t, err, "CHANGELOG.md has a section for the version being released")
}

const (
	chromeID = "bcdefghijklmnopabcdefghijklmnopa"
	edgeID   = "cdefghijklmnopabcdefghijklmnopab"
	xpiURL   = "https://downloads.example.org/cif-bridge.xpi"
)

// checkChromiumPolicy reads a managed-policy file as Chrome does.
func checkChromiumPolicy(t *testing.T, data []byte, id, url string) {
	t.Helper()
	var p struct {
		ExtensionSettings map[string]struct {
			InstallationMode string `json:"installation_mode"`
			UpdateURL        string `json:"update_url"`
		}
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&p), "%s", data)
	require.Len(t, p.ExtensionSettings, 1)
	s := p.ExtensionSettings[id]
	assert.Equal(t, "force_installed", s.InstallationMode)
	assert.Equal(t, url, s.UpdateURL)
}

func checkFirefoxPolicy(t *testing.T, data []byte, id, url string) {
	t.Helper()
	var p struct {
		Policies struct {
			ExtensionSettings map[string]struct {
				InstallationMode string `json:"installation_mode"`
				InstallURL       string `json:"install_url"`
			}
		}
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&p), "%s", data)
	s, ok := p.Policies.ExtensionSettings[id]
	require.True(t, ok, "%s", data)
	assert.Equal(t, "force_installed", s.InstallationMode)
	assert.Equal(t, url, s.InstallURL)
}

func TestPolicyFiles(t *testing.T) {
	checkChromiumPolicy(t, ChromiumPolicyJSON(chromeID, ChromeWebStoreUpdateURL), chromeID, ChromeWebStoreUpdateURL)
	checkFirefoxPolicy(t, FirefoxPoliciesJSON("cif-bridge@cifbridge.org", xpiURL), "cif-bridge@cifbridge.org", xpiURL)

	ids := PolicyIDs{ChromeID: chromeID, ChromeUpdateURL: ChromeWebStoreUpdateURL, EdgeID: edgeID, EdgeUpdateURL: EdgeAddonsUpdateURL,
		FirefoxID: "cif-bridge@cifbridge.org", FirefoxURL: xpiURL}
	reg := string(WindowsReg(ids))
	assert.True(t, strings.HasPrefix(reg, "Windows Registry Editor Version 5.00\r\n"))
	assert.Contains(t, reg, "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Google\\Chrome\\ExtensionInstallForcelist]\r\n\"1\"=\""+chromeID+";"+ChromeWebStoreUpdateURL+"\"\r\n")
	assert.Contains(t, reg, "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Edge\\ExtensionInstallForcelist]\r\n\"1\"=\""+edgeID+";"+EdgeAddonsUpdateURL+"\"\r\n")
	assert.Contains(t, reg, `"ExtensionSettings"="{\"cif-bridge@cifbridge.org\":{\"install_url\":\"`+xpiURL+`\",\"installation_mode\":\"force_installed\"}}"`)
	assert.NotContains(t, strings.ReplaceAll(reg, "\r\n", ""), "\n", "regedit wants CRLF lines")

	profile := MacProfile(ids, "1.0.0")
	dict := parsePlist(t, profile)
	assert.Equal(t, "Configuration", dict["PayloadType"])
	payloads := dict["PayloadContent"].([]any)
	require.Len(t, payloads, 5, "Chrome, Chromium, Brave, Edge and Firefox")
	byType := map[string]map[string]any{}
	for _, p := range payloads {
		m := p.(map[string]any)
		byType[m["PayloadType"].(string)] = m
		assert.Regexp(t, `^[0-9A-F-]{36}$`, m["PayloadUUID"])
	}
	chrome := byType["com.google.Chrome"]["ExtensionSettings"].(map[string]any)[chromeID].(map[string]any)
	assert.Equal(t, map[string]any{"installation_mode": "force_installed", "update_url": ChromeWebStoreUpdateURL}, chrome)
	edge := byType["com.microsoft.Edge"]["ExtensionSettings"].(map[string]any)[edgeID].(map[string]any)
	assert.Equal(t, EdgeAddonsUpdateURL, edge["update_url"])
	assert.Equal(t, true, byType["org.mozilla.firefox"]["EnterprisePoliciesEnabled"])
	assert.Equal(t, profile, MacProfile(ids, "1.0.0"), "the same input gives the same profile (its UUIDs too)")
}

// parsePlist reads an XML property list into maps, slices and values.
func parsePlist(t *testing.T, data []byte) map[string]any {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(string(data)))
	var read func(start xml.StartElement) any
	read = func(start xml.StartElement) any {
		switch start.Name.Local {
		case "dict":
			m := map[string]any{}
			var key string
			for {
				tok, err := dec.Token()
				require.NoError(t, err)
				switch tok := tok.(type) {
				case xml.StartElement:
					if tok.Name.Local == "key" {
						var k string
						require.NoError(t, dec.DecodeElement(&k, &tok))
						key = k
						continue
					}
					m[key] = read(tok)
				case xml.EndElement:
					return m
				}
			}
		case "array":
			var a []any
			for {
				tok, err := dec.Token()
				require.NoError(t, err)
				switch tok := tok.(type) {
				case xml.StartElement:
					a = append(a, read(tok))
				case xml.EndElement:
					return a
				}
			}
		case "true", "false":
			require.NoError(t, dec.Skip())
			return start.Name.Local == "true"
		default:
			var s string
			require.NoError(t, dec.DecodeElement(&s, &start))
			return s
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			t.Fatal("no dict in the property list")
		}
		require.NoError(t, err)
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "dict" {
			return read(se).(map[string]any)
		}
	}
}

func TestPackagesRegisterEveryBrowserMachineWide(t *testing.T) {
	dev, err := manifest.DevExtensionIDs()
	require.NoError(t, err)
	for _, format := range []string{"deb", "rpm"} {
		mans, err := SystemManifests(format, []string{dev.Chromium, chromeID}, []string{dev.Firefox})
		require.NoError(t, err)
		paths := map[string]manifest.Flavour{}
		for _, m := range mans {
			paths[m.Path] = m.Flavour
			assert.Equal(t, PackagedHost, m.Host.Path)
		}
		for _, p := range []string{
			"/etc/opt/chrome/native-messaging-hosts/com.cifbridge.host.json",
			"/etc/chromium/native-messaging-hosts/com.cifbridge.host.json",
			"/etc/opt/edge/native-messaging-hosts/com.cifbridge.host.json",
		} {
			assert.Equal(t, manifest.Chromium, paths[p], "%s %s", format, p)
		}
		assert.Equal(t, manifest.Firefox, paths["/usr/lib/mozilla/native-messaging-hosts/com.cifbridge.host.json"])
		_, lib64 := paths["/usr/lib64/mozilla/native-messaging-hosts/com.cifbridge.host.json"]
		assert.Equal(t, format == "rpm", lib64, "only Fedora's layout has /usr/lib64/mozilla")
	}
}
