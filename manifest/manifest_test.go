package manifest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/manifest"
)

func TestDevExtensionIDsComeFromTheExtensionsManifest(t *testing.T) {
	ids, err := manifest.DevExtensionIDs()
	require.NoError(t, err)
	assert.Equal(t, manifest.ExtensionIDs{Chromium: "aacpoilajhhjiddkhdigidknphfhbeif", Firefox: "cif-bridge@cifbridge.org"}, ids)
}

func TestBuildFollowsTheBrowsersRules(t *testing.T) {
	h, err := manifest.Build(manifest.Chromium, "/opt/cif-host", []string{"aacpoilajhhjiddkhdigidknphfhbeif"})
	require.NoError(t, err)
	assert.Equal(t, []string{"chrome-extension://aacpoilajhhjiddkhdigidknphfhbeif/"}, h.AllowedOrigins, "with the trailing slash Chrome requires")

	_, err = manifest.Build(manifest.Chromium, "cif-host", nil)
	assert.EqualError(t, err, `host path "cif-host" must be absolute: browsers refuse relative paths`)
	_, err = manifest.Build(manifest.Chromium, "/opt/cif-host", []string{"cif-bridge@cifbridge.org"})
	assert.EqualError(t, err, `"cif-bridge@cifbridge.org" is not a Chromium extension id (32 letters a to p)`)
}
