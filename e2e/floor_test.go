package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/manifest"
)

// The browser's floor (bench/floor): a minimal extension, loaded beside
// CIF Bridge in the benchmark's browser, that takes a page's call through
// a MAIN-world function, an isolated-world relay and its background to a
// native host of its own, the echo host, and back. BenchmarkBrowser
// measures every in-browser figure against it too.

// floorHost is the native host name the floor extension connects to.
const floorHost = "org.cifbridge.floor"

// floorDir is the floor extension's folder, from the e2e package's.
const floorDir = "../bench/floor"

// floorManifest is what the benchmark reads from the floor's manifest.
type floorManifest struct {
	Key      string `json:"key"`
	Settings struct {
		Gecko struct {
			ID string `json:"id"`
		} `json:"gecko"`
	} `json:"browser_specific_settings"`
}

func readFloorManifest(t testing.TB) floorManifest {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(floorDir, "manifest.json"))
	require.NoError(t, err, "the floor extension should be in bench/floor")
	var m floorManifest
	require.NoError(t, json.Unmarshal(raw, &m), "bench/floor/manifest.json")
	return m
}

// floorAddon is the floor extension, for world.addons.
func floorAddon(t testing.TB) addon {
	t.Helper()
	dir, err := filepath.Abs(floorDir)
	require.NoError(t, err)
	return addon{dir: dir, firefoxID: readFloorManifest(t).Settings.Gecko.ID}
}

// registerFloor makes binary (the echo host) the floor extension's native
// host in the world's browser profile, under the floor's own host name.
func registerFloor(t testing.TB, kind browserKind, w *world, binary string) {
	t.Helper()
	m := readFloorManifest(t)
	flavour, dir, id := manifest.Firefox, firefoxHosts(w), m.Settings.Gecko.ID
	if kind.name == chromium.name {
		var err error
		id, err = manifest.ChromiumID(m.Key)
		require.NoError(t, err, "bench/floor/manifest.json's key")
		flavour, dir = manifest.Chromium, chromiumHosts(w)
	}
	h, err := manifest.Build(flavour, binary, []string{id})
	require.NoError(t, err)
	h.Name, h.Description = floorHost, "CIF Bridge's benchmark floor: the echo host"
	require.NoError(t, os.MkdirAll(dir, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, floorHost+".json"), h.Encode(), 0o600))
}
