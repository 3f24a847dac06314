package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/extension"
	"github.com/cifbridge/cif-bridge/release"
)

// loadedExtension is what the running extension reports about itself.
type loadedExtension struct {
	Keys    []string          `json:"keys"`
	Name    string            `json:"name"`
	Title   string            `json:"title"`
	Missing []string          `json:"missing"`
	Icons   map[string]string `json:"icons"`
}

// TestTheBrowsersRunTheStorePackages checks that the extension every
// end-to-end test drives is the release's package for that browser (the
// Chrome Web Store zip in Chromium, the xpi in Firefox), localised, and
// that it holds every file of the extension's folder a browser runs.
func TestTheBrowsersRunTheStorePackages(t *testing.T) {
	names, err := release.ExtensionFiles(extension.Files)
	require.NoError(t, err)
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			w := newWorld(t)
			r := start(t, w, b.launch(t, w, b.extensionURL(t, "views/options/options.html")))
			options := &tab{t: t, d: r.driver(t), id: b.extensionTab(t, r, "views/options/options.html")}
			var got loadedExtension
			require.NoError(t, json.Unmarshal(options.eval(`(async () => {
				const api = globalThis.browser ?? globalThis.chrome;
				const manifest = api.runtime.getManifest();
				const missing = [];
				for (const name of `+js(names)+`) {
					const ok = await fetch(api.runtime.getURL(name)).then((r) => r.ok, () => false);
					if (!ok) missing.push(name);
				}
				// Firefox lists every key it knows, those not in the file undefined.
				return {keys: Object.keys(manifest).filter((k) => manifest[k] != null), name: api.i18n.getMessage("extensionName"),
					title: await api.action.getTitle({}), missing, icons: manifest.icons};
			})()`), &got))
			assert.Empty(t, got.Missing, "files of the extension the package lacks")
			assert.Equal(t, "CIF Bridge", got.Name, "_locales/en is packed")
			assert.True(t, strings.HasPrefix(got.Title, "CIF Bridge sessions"), "the action's title starts with the localised message: %q", got.Title)
			assert.Len(t, got.Icons, 5)
			assert.NotContains(t, got.Keys, "key", "the store packages have no key")
			if b.name == "chromium" {
				assert.NotContains(t, got.Keys, "browser_specific_settings", "Chromium runs the Chrome Web Store zip")
				assert.NotContains(t, got.Keys, "sidebar_action")
			} else {
				assert.NotContains(t, got.Keys, "side_panel", "Firefox runs the xpi")
				assert.NotContains(t, got.Keys, "minimum_chrome_version")
			}
		})
	}
}
