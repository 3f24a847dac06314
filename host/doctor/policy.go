package doctor

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cifbridge/cif-bridge/manifest"
)

// policy is what enterprise policy says about native messaging, as far
// as doctor can read it. Each field names the file or key that says it.
type policy struct {
	read bool
	// userLevelOff: NativeMessagingUserLevelHosts is false (Chromium
	// then reads only machine-wide manifests).
	userLevelOff string
	// blocked: NativeMessagingBlocklist holds "*" or our host and
	// NativeMessagingAllowlist does not let it through; or (Firefox)
	// ExtensionSettings blocks the add-on.
	blocked string
	// unreadable lists policy files doctor could not read.
	unreadable []string
}

// readPolicy reads the browser's policy files (Linux, and Firefox's
// policies.json everywhere) and keys (Windows). Chromium policy on macOS
// lives in managed preferences, which doctor does not read.
func readPolicy(env manifest.Env, b manifest.Browser, addonID string) policy {
	var p policy
	var allowed bool
	var blockedBy []string
	for _, pattern := range b.PolicyFiles {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			p.read = true
			data, err := os.ReadFile(f)
			if err != nil {
				p.unreadable = append(p.unreadable, fmt.Sprintf("%s (%v)", f, err))
				continue
			}
			if b.Flavour == manifest.Firefox {
				if blocksAddon(data, addonID) {
					p.blocked = f + " (ExtensionSettings blocks the add-on)"
				}
				continue
			}
			var doc struct {
				UserLevel *bool    `json:"NativeMessagingUserLevelHosts"`
				Block     []string `json:"NativeMessagingBlocklist"`
				Allow     []string `json:"NativeMessagingAllowlist"`
			}
			if err := json.Unmarshal(data, &doc); err != nil {
				p.unreadable = append(p.unreadable, fmt.Sprintf("%s (%v)", f, err))
				continue
			}
			if doc.UserLevel != nil && !*doc.UserLevel {
				p.userLevelOff = f
			}
			if blocks(doc.Block) {
				blockedBy = append(blockedBy, f)
			}
			allowed = allowed || slices.Contains(doc.Allow, manifest.HostName)
		}
	}
	if env.Registry != nil {
		for _, key := range b.PolicyKeys {
			p.read = true
			for _, root := range []manifest.Root{manifest.HKLM, manifest.HKCU} {
				where := manifest.RegistryPath(root, key)
				if v, ok, err := env.Registry.Integer(root, key, "NativeMessagingUserLevelHosts"); err != nil {
					p.unreadable = append(p.unreadable, fmt.Sprintf("%s (%v)", where, err))
				} else if ok && v == 0 {
					p.userLevelOff = where
				}
				block, err := env.Registry.Strings(root, key+`\NativeMessagingBlocklist`)
				if err != nil {
					p.unreadable = append(p.unreadable, fmt.Sprintf("%s (%v)", where, err))
				}
				if blocks(block) {
					blockedBy = append(blockedBy, where+`\NativeMessagingBlocklist`)
				}
				allow, _ := env.Registry.Strings(root, key+`\NativeMessagingAllowlist`)
				allowed = allowed || slices.Contains(allow, manifest.HostName)
			}
		}
	}
	if len(blockedBy) > 0 && !allowed {
		p.blocked = strings.Join(blockedBy, ", ") + " (NativeMessagingBlocklist)"
	}
	return p
}

func blocks(list []string) bool {
	return slices.Contains(list, "*") || slices.Contains(list, manifest.HostName)
}

// blocksAddon reads Firefox's ExtensionSettings policy: an entry for the
// add-on, else the "*" entry, with installation_mode "blocked".
func blocksAddon(data []byte, addonID string) bool {
	var doc struct {
		Policies struct {
			ExtensionSettings map[string]struct {
				Mode string `json:"installation_mode"`
			} `json:"ExtensionSettings"`
		} `json:"policies"`
	}
	if json.Unmarshal(data, &doc) != nil {
		return false
	}
	settings := doc.Policies.ExtensionSettings
	if s, ok := settings[addonID]; ok {
		return s.Mode == "blocked"
	}
	return settings["*"].Mode == "blocked"
}

func (p policy) check(env manifest.Env, b manifest.Browser, loc location) Check {
	switch {
	case len(b.PolicyFiles)+len(b.PolicyKeys) == 0:
		where := "chrome://policy"
		if b.Flavour == manifest.Firefox {
			where = "about:policies"
		}
		return Check{Name: "policy", Status: Skip, Detail: "not read on this system; see " + where}
	case p.blocked != "":
		return Check{Name: "policy", Status: Fail, Detail: "blocked by " + p.blocked,
			Fix: "ask your administrator to allow it (add " + manifest.HostName + " to NativeMessagingAllowlist, or allow the CIF Bridge add-on)"}
	case p.userLevelOff != "" && loc.level != "system":
		return Check{Name: "policy", Status: Fail,
			Detail: p.userLevelOff + " turns per-user hosts off (NativeMessagingUserLevelHosts: false), and there is no machine-wide manifest",
			Fix:    systemInstall(env, b) + ", or ask your administrator"}
	case len(p.unreadable) > 0:
		return Check{Name: "policy", Status: Warn, Detail: "cannot read " + strings.Join(p.unreadable, ", "),
			Fix: "run doctor as a user who can read it, or look at chrome://policy (about:policies in Firefox)"}
	case p.userLevelOff != "":
		return Check{Name: "policy", Status: OK, Detail: p.userLevelOff + " turns per-user hosts off; the machine-wide manifest is used"}
	case p.read:
		return Check{Name: "policy", Status: OK, Detail: "nothing in the way"}
	}
	return Check{Name: "policy", Status: OK, Detail: "no policy set"}
}
