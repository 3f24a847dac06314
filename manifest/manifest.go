// Package manifest writes the native-messaging host manifests that let
// browsers start cif-host: the Chromium-family flavour (allowed_origins)
// and the Firefox flavour (allowed_extensions), with the rules each browser
// enforces, and knows the extension ids that belong in them.
package manifest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/cifbridge/cif-bridge/extension"
	"github.com/cifbridge/cif-bridge/internal/lazyre"
)

// HostName is the name the extension connects to and the manifests'
// file name (without .json).
const HostName = "com.cifbridge.host"

// Description is the manifest's description (Chromium refuses an empty one).
const Description = "CIF Bridge session manager (cif-host)"

// Flavour is a manifest format.
type Flavour string

// Manifest flavours.
const (
	Chromium Flavour = "chromium"
	Firefox  Flavour = "firefox"
)

// Host is a native-messaging host manifest of either flavour.
type Host struct {
	Name              string   `json:"name"`
	Description       string   `json:"description"`
	Path              string   `json:"path"`
	Type              string   `json:"type"`
	AllowedOrigins    []string `json:"allowed_origins,omitempty"`
	AllowedExtensions []string `json:"allowed_extensions,omitempty"`
}

// Build returns the manifest of a flavour for the host binary at path,
// admitting the given Chromium extension ids or Firefox add-on ids.
func Build(f Flavour, path string, ids []string) (Host, error) {
	if !filepath.IsAbs(path) {
		return Host{}, fmt.Errorf("host path %q must be absolute: browsers refuse relative paths", path)
	}
	h := Host{Name: HostName, Description: Description, Path: path, Type: "stdio"}
	switch f {
	case Chromium:
		for _, id := range ids {
			if !ValidChromiumID(id) {
				return Host{}, fmt.Errorf("%q is not a Chromium extension id (32 letters a to p)", id)
			}
			h.AllowedOrigins = append(h.AllowedOrigins, "chrome-extension://"+id+"/")
		}
	case Firefox:
		for _, id := range ids {
			if !ValidFirefoxID(id) {
				return Host{}, fmt.Errorf("%q is not a Firefox add-on id (name@domain or {GUID})", id)
			}
		}
		h.AllowedExtensions = append(h.AllowedExtensions, ids...)
	default:
		return Host{}, fmt.Errorf("unknown manifest flavour %q", f)
	}
	return h, nil
}

// Encode renders a manifest as the file a browser reads.
func (h Host) Encode() []byte {
	b, _ := json.MarshalIndent(h, "", "  ")
	return append(b, '\n')
}

var (
	chromiumID = lazyre.New(`^[a-p]{32}$`)
	// firefoxID is addons.mozilla.org's rule for an add-on id: an
	// email-like name@domain, or a GUID in braces.
	firefoxID = lazyre.New(`^(?i:\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}|[a-z0-9._-]*@[a-z0-9._-]+)$`)
)

// ValidChromiumID reports whether id looks like a Chromium extension id.
func ValidChromiumID(id string) bool { return chromiumID().MatchString(id) }

// ValidFirefoxID reports whether id looks like a Firefox add-on id.
func ValidFirefoxID(id string) bool { return firefoxID().MatchString(id) }

// ClassifyID tells which browser family an extension id given on the
// command line belongs to, and refuses one that is neither, saying what
// is wrong with it: a mistyped Chrome id must not be filed as a Firefox
// add-on id, where it would admit nothing and hide the mistake.
func ClassifyID(id string) (Flavour, error) {
	switch {
	case ValidChromiumID(id):
		return Chromium, nil
	case ValidFirefoxID(id):
		return Firefox, nil
	case id == "":
		return "", errors.New("an empty extension id; give the id chrome://extensions or about:debugging shows")
	}
	if !strings.ContainsAny(id, "@{}") {
		why := fmt.Sprintf("it has %d characters", len(id))
		if len(id) == 32 {
			bad := strings.Map(func(r rune) rune {
				if r >= 'a' && r <= 'p' {
					return -1
				}
				return r
			}, id)
			why = fmt.Sprintf("it holds %q, outside a to p", bad)
		}
		return "", fmt.Errorf("%q is not a Chrome extension id: those are exactly 32 letters a to p (%s); copy it again from chrome://extensions or the store page's address", id, why)
	}
	return "", fmt.Errorf("%q is not a Firefox add-on id: those are name@domain or {GUID} (as in the manifest's browser_specific_settings.gecko.id); check it and run again", id)
}

// ChromiumID computes the extension id Chromium derives from a manifest
// "key": the first 16 bytes of the SHA-256 of the public key, in hex,
// with the digits 0-f written as the letters a-p.
func ChromiumID(key string) (string, error) {
	der, err := base64.StdEncoding.DecodeString(key)
	if err != nil {
		return "", fmt.Errorf("extension key is not base64: %w", err)
	}
	sum := sha256.Sum256(der)
	return strings.Map(func(r rune) rune {
		if r <= '9' {
			return 'a' + (r - '0')
		}
		return 'k' + (r - 'a')
	}, hex.EncodeToString(sum[:16])), nil
}

// ExtensionIDs are the ids of the CIF Bridge extension this checkout
// builds: the unpacked Chromium id fixed by the manifest's key, and the
// Firefox add-on id.
type ExtensionIDs struct {
	Chromium string
	Firefox  string
}

// DevExtensionIDs reads the ids from the embedded extension manifest.
func DevExtensionIDs() (ExtensionIDs, error) {
	m, err := extension.ReadManifest()
	if err != nil {
		return ExtensionIDs{}, err
	}
	id, err := ChromiumID(m.Key)
	if err != nil {
		return ExtensionIDs{}, err
	}
	return ExtensionIDs{Chromium: id, Firefox: m.BrowserSpecificSetting.Gecko.ID}, nil
}
