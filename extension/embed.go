//go:generate go run ../internal/contract/cmd
//go:generate go run ../internal/icons/cmd

// Package extension embeds the CIF Bridge WebExtension's files, so that Go
// code (the installer, the tests) can read its manifest and serve or copy
// its files without knowing where the checkout is.
package extension

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

// Files are the extension's files, as a browser loads them.
//
//go:embed manifest.json _locales background content shared views icons
var Files embed.FS

// Manifest is the part of manifest.json Go code needs, its texts in the
// default locale's words.
type Manifest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Version     string `json:"version"`
	// Key is the public key that fixes the unpacked extension's id in
	// Chromium-family browsers.
	Key                    string `json:"key"`
	BrowserSpecificSetting struct {
		Gecko struct {
			ID string `json:"id"`
		} `json:"gecko"`
	} `json:"browser_specific_settings"`
	DefaultLocale string `json:"default_locale"`
}

// ReadManifest returns the embedded manifest.json, parsed once: cif-host
// reads it at every start (its version, the extension's ids).
func ReadManifest() (Manifest, error) { return readManifestOnce() }

var readManifestOnce = sync.OnceValues(readManifest)

func readManifest() (Manifest, error) {
	var m Manifest
	data, err := Files.ReadFile("manifest.json")
	if err != nil {
		return m, fmt.Errorf("read extension manifest: %w", err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("parse extension manifest: %w", err)
	}
	for _, text := range []*string{&m.Name, &m.Description} {
		if *text, err = localize(m.DefaultLocale, *text); err != nil {
			return m, err
		}
	}
	return m, nil
}

// localize replaces a manifest text that is wholly "__MSG_key__" with the
// default locale's message, as the browsers do.
func localize(locale, text string) (string, error) {
	key, ok := strings.CutPrefix(text, "__MSG_")
	if key, ok2 := strings.CutSuffix(key, "__"); ok && ok2 {
		path := "_locales/" + locale + "/messages.json"
		data, err := Files.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("extension manifest: %s names a message, but %w", text, err)
		}
		var messages map[string]struct {
			Message string `json:"message"`
		}
		if err := json.Unmarshal(data, &messages); err != nil {
			return "", fmt.Errorf("extension %s: %w", path, err)
		}
		// Message names are matched in any letter case, as browsers do.
		for name, m := range messages {
			if strings.EqualFold(name, key) {
				return m.Message, nil
			}
		}
		return "", fmt.Errorf("extension manifest: %s has no message in %s; add it", text, path)
	}
	return text, nil
}
