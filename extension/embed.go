//go:generate go run ../internal/contract/cmd

// Package extension embeds the CIF Bridge WebExtension's files, so that Go
// code (the installer, the tests) can read its manifest and serve or copy
// its files without knowing where the checkout is.
package extension

import (
	"embed"
	"encoding/json"
	"fmt"
)

// Files are the extension's files, as a browser loads them.
//
//go:embed manifest.json background content shared views icons
var Files embed.FS

// Manifest is the part of manifest.json Go code needs.
type Manifest struct {
	Version string `json:"version"`
	// Key is the public key that fixes the unpacked extension's id in
	// Chromium-family browsers.
	Key                    string `json:"key"`
	BrowserSpecificSetting struct {
		Gecko struct {
			ID string `json:"id"`
		} `json:"gecko"`
	} `json:"browser_specific_settings"`
}

// ReadManifest parses the embedded manifest.json.
func ReadManifest() (Manifest, error) {
	var m Manifest
	data, err := Files.ReadFile("manifest.json")
	if err != nil {
		return m, fmt.Errorf("read extension manifest: %w", err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("parse extension manifest: %w", err)
	}
	return m, nil
}
