package manifest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCallersAdmits(t *testing.T) {
	c := Callers{Origins: []string{"chrome-extension://aaaa/"}, AddonIDs: []string{"x@example.org"}}
	for _, tt := range []struct {
		args   []string
		caller string
		ok     bool
	}{
		{nil, "", true},
		{[]string{"chrome-extension://aaaa/"}, "chrome-extension://aaaa/", true},
		{[]string{"chrome-extension://aaaa/", "--parent-window=0"}, "chrome-extension://aaaa/", true},
		{[]string{"chrome-extension://bbbb/"}, "chrome-extension://bbbb/", false},
		{[]string{"/m.json", "x@example.org"}, "x@example.org", true},
		{[]string{"/m.json", "y@example.org"}, "y@example.org", false},
		{[]string{"--parent-window=0"}, "--parent-window=0", false},
		{[]string{"/m.json"}, "/m.json", false},
	} {
		caller, ok := c.Admits(tt.args)
		assert.Equal(t, tt.caller, caller, "%v", tt.args)
		assert.Equal(t, tt.ok, ok, "%v", tt.args)
	}
}

func TestAdmittedAlwaysIncludesThisCheckoutsExtension(t *testing.T) {
	dev, err := DevExtensionIDs()
	assert.NoError(t, err)
	c := Admitted(Env{GOOS: "linux", Getenv: func(string) string { return "" }, Root: t.TempDir()}, t.TempDir())
	assert.Contains(t, c.Origins, "chrome-extension://"+dev.Chromium+"/")
	assert.Contains(t, c.AddonIDs, dev.Firefox)
}

func TestAdmittedReadsPackagedSystemManifestsWithoutARecord(t *testing.T) {
	root := t.TempDir()
	env := Env{GOOS: "linux", Home: "/nonexistent", Getenv: func(string) string { return "" }, Root: root}
	store := "bcdefghijklmnopabcdefghijklmnopa"
	chrome, _ := FindBrowser(env, "chrome")
	h, err := Build(Chromium, "/usr/bin/cif-host", []string{store})
	assert.NoError(t, err)
	path := chrome.SystemManifests(env)[0]
	assert.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	assert.NoError(t, os.WriteFile(path, h.Encode(), 0o644))
	c := Admitted(env, t.TempDir())
	assert.Contains(t, c.Origins, "chrome-extension://"+store+"/", "a .deb's manifest admits its store id")
}
