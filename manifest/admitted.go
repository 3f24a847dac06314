package manifest

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
)

// Callers are the extensions allowed to start cif-host.
type Callers struct {
	// Origins are Chromium callers as the browser names them in argv:
	// chrome-extension://ID/.
	Origins []string
	// AddonIDs are Firefox callers, as the browser passes them in argv.
	AddonIDs []string
}

// Admitted returns the callers the installed manifests admit — those in
// every manifest the user and system install records list, and in the
// machine-wide manifests a .deb or .rpm installed without a record — and
// always this checkout's own extension, whose manifests tests write by
// hand.
func Admitted(env Env, stateDir string) Callers {
	var c Callers
	if dev, err := DevExtensionIDs(); err == nil {
		c.Origins = append(c.Origins, "chrome-extension://"+dev.Chromium+"/")
		c.AddonIDs = append(c.AddonIDs, dev.Firefox)
	}
	var paths []string
	for _, system := range []bool{false, true} {
		rec, err := LoadRecord(RecordPath(env, system, stateDir))
		if err != nil {
			continue
		}
		for _, m := range rec.Manifests {
			paths = addUnique(paths, m.Path)
		}
	}
	for _, b := range Browsers(env) {
		paths = addUnique(paths, b.SystemManifests(env)...)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		var h Host
		if err != nil || json.Unmarshal(data, &h) != nil || h.Name != HostName {
			continue
		}
		c.Origins = append(c.Origins, h.AllowedOrigins...)
		c.AddonIDs = append(c.AddonIDs, h.AllowedExtensions...)
	}
	return c
}

// Admits reports whether a browser's argv names an admitted caller. An
// empty argv (cif-host run by hand or by a test over pipes) has no caller
// to check.
func (c Callers) Admits(args []string) (caller string, ok bool) {
	switch {
	case len(args) == 0:
		return "", true
	case strings.HasPrefix(args[0], "chrome-extension://"):
		return args[0], slices.Contains(c.Origins, args[0])
	case len(args) > 1 && !strings.HasPrefix(args[1], "--"):
		return args[1], slices.Contains(c.AddonIDs, args[1])
	default:
		return strings.Join(args, " "), false
	}
}
