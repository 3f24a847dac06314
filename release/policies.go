package release

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/google/uuid"
)

// Policy generation: the files that make managed browsers install the
// extension from its store (Chromium family: ExtensionSettings, or
// ExtensionInstallForcelist on Windows) or from the signed xpi's address
// (Firefox: ExtensionSettings with install_url). docs/release.md says
// where each goes.

// chromiumPolicy is one Chromium-family browser's policy target.
type chromiumPolicy struct {
	// Name is the browser's name in manifest/browsers.go.
	Name string
	// LinuxDir is the managed-policy folder on Linux.
	LinuxDir string
	// MacDomain is the preference domain a macOS profile sets.
	MacDomain string
	// WindowsKey is the policy key below HKLM.
	WindowsKey string
	// Edge takes the Edge Add-ons id; the others the Chrome Web Store's.
	Edge bool
}

var chromiumPolicies = []chromiumPolicy{
	{"chrome", "/etc/opt/chrome/policies/managed", "com.google.Chrome", `SOFTWARE\Policies\Google\Chrome`, false},
	{"chromium", "/etc/chromium/policies/managed", "org.chromium.Chromium", `SOFTWARE\Policies\Chromium`, false},
	{"brave", "/etc/brave/policies/managed", "com.brave.Browser", `SOFTWARE\Policies\BraveSoftware\Brave`, false},
	{"edge", "/etc/opt/edge/policies/managed", "com.microsoft.Edge", `SOFTWARE\Policies\Microsoft\Edge`, true},
}

// PolicyIDs are what the policies name.
type PolicyIDs struct {
	ChromeID, ChromeUpdateURL string
	EdgeID, EdgeUpdateURL     string
	FirefoxID, FirefoxURL     string
}

// idFor returns the store id and update address for a browser, or "".
func (p PolicyIDs) idFor(c chromiumPolicy) (id, url string) {
	if c.Edge {
		return p.EdgeID, p.EdgeUpdateURL
	}
	return p.ChromeID, p.ChromeUpdateURL
}

// extensionSettings is the ExtensionSettings policy for one extension.
func extensionSettings(id string, settings map[string]string) map[string]any {
	return map[string]any{id: settings}
}

// ChromiumPolicyJSON is a Linux managed-policy file: ExtensionSettings
// force-installing the extension from its store.
func ChromiumPolicyJSON(id, updateURL string) []byte {
	return jsonFile(map[string]any{"ExtensionSettings": extensionSettings(id, map[string]string{
		"installation_mode": "force_installed",
		"update_url":        updateURL,
	})})
}

// FirefoxPoliciesJSON is Firefox's policies.json installing the xpi.
func FirefoxPoliciesJSON(id, installURL string) []byte {
	return jsonFile(map[string]any{"policies": map[string]any{"ExtensionSettings": extensionSettings(id, map[string]string{
		"installation_mode": "force_installed",
		"install_url":       installURL,
	})}})
}

func jsonFile(v any) []byte {
	b, _ := json.MarshalIndent(v, "", "  ")
	return append(b, '\n')
}

// WindowsReg is a .reg file: ExtensionInstallForcelist for each
// Chromium-family browser with an id, and Firefox's ExtensionSettings (a
// JSON string, as Firefox's ADMX templates write it).
func WindowsReg(ids PolicyIDs) []byte {
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\r\n") }
	line("Windows Registry Editor Version 5.00")
	line("")
	line("; CIF Bridge: force-install the extension for every user of this PC.")
	line(`; If a browser already has ExtensionInstallForcelist entries, change "1" to an unused number.`)
	for _, c := range chromiumPolicies {
		id, url := ids.idFor(c)
		if id == "" {
			continue
		}
		line("")
		line(`[HKEY_LOCAL_MACHINE\` + c.WindowsKey + `\ExtensionInstallForcelist]`)
		line(`"1"=` + regString(id+";"+url))
	}
	if ids.FirefoxURL != "" {
		settings, _ := json.Marshal(extensionSettings(ids.FirefoxID, map[string]string{
			"installation_mode": "force_installed", "install_url": ids.FirefoxURL}))
		line("")
		line(`[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Mozilla\Firefox]`)
		line(`"ExtensionSettings"=` + regString(string(settings)))
	}
	return []byte(b.String())
}

// regString quotes a REG_SZ value as regedit reads it.
func regString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// MacProfile is a configuration profile (.mobileconfig) with one payload
// per browser, each setting ExtensionSettings in that browser's
// preference domain.
func MacProfile(ids PolicyIDs, version string) []byte {
	id := func(name string) string {
		return strings.ToUpper(uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://cifbridge.org/policies/"+version+"/"+name)).String())
	}
	var payloads []plist
	for _, c := range chromiumPolicies {
		ext, url := ids.idFor(c)
		if ext == "" {
			continue
		}
		payloads = append(payloads, plist{
			"PayloadType": c.MacDomain, "PayloadVersion": 1, "PayloadIdentifier": "org.cifbridge.policies." + c.Name,
			"PayloadUUID": id(c.Name), "PayloadDisplayName": "CIF Bridge for " + c.Name, "PayloadEnabled": true,
			"ExtensionSettings": plist{ext: plist{"installation_mode": "force_installed", "update_url": url}},
		})
	}
	if ids.FirefoxURL != "" {
		payloads = append(payloads, plist{
			"PayloadType": "org.mozilla.firefox", "PayloadVersion": 1, "PayloadIdentifier": "org.cifbridge.policies.firefox",
			"PayloadUUID": id("firefox"), "PayloadDisplayName": "CIF Bridge for firefox", "PayloadEnabled": true,
			"EnterprisePoliciesEnabled": true,
			"ExtensionSettings":         plist{ids.FirefoxID: plist{"installation_mode": "force_installed", "install_url": ids.FirefoxURL}},
		})
	}
	top := plist{
		"PayloadType": "Configuration", "PayloadVersion": 1, "PayloadIdentifier": "org.cifbridge.policies",
		"PayloadUUID": id("profile"), "PayloadDisplayName": "CIF Bridge extension " + version,
		"PayloadDescription":  "Installs the CIF Bridge browser extension in every browser named here.",
		"PayloadOrganization": "CIF Bridge", "PayloadScope": "System", "PayloadContent": payloads,
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n")
	b.WriteString(`<plist version="1.0">` + "\n")
	writePlist(&b, top, 0)
	b.WriteString("</plist>\n")
	return b.Bytes()
}

// plist is a property-list dictionary.
type plist map[string]any

func writePlist(b *bytes.Buffer, v any, depth int) {
	ind := strings.Repeat("\t", depth)
	esc := func(s string) string {
		var e bytes.Buffer
		_ = xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	switch v := v.(type) {
	case plist:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(ind + "<dict>\n")
		for _, k := range keys {
			b.WriteString(ind + "\t<key>" + esc(k) + "</key>\n")
			writePlist(b, v[k], depth+1)
		}
		b.WriteString(ind + "</dict>\n")
	case []plist:
		b.WriteString(ind + "<array>\n")
		for _, x := range v {
			writePlist(b, x, depth+1)
		}
		b.WriteString(ind + "</array>\n")
	case string:
		b.WriteString(ind + "<string>" + esc(v) + "</string>\n")
	case int:
		fmt.Fprintf(b, "%s<integer>%d</integer>\n", ind, v)
	case bool:
		if v {
			b.WriteString(ind + "<true/>\n")
		} else {
			b.WriteString(ind + "<false/>\n")
		}
	}
}

// policies writes the policy files for the ids the build was given.
func (b *builder) policies(context.Context) error {
	ids := PolicyIDs{
		ChromeID: b.o.ChromeID, ChromeUpdateURL: b.o.ChromeUpdateURL,
		EdgeID: b.o.EdgeID, EdgeUpdateURL: b.o.EdgeUpdateURL,
		FirefoxID: b.manifest.BrowserSpecificSetting.Gecko.ID, FirefoxURL: b.o.FirefoxInstallURL,
	}
	if ids.ChromeID == "" && ids.EdgeID == "" && ids.FirefoxURL == "" {
		b.logf("  none: give --chrome-id, --edge-id or --firefox-install-url for policy files")
		return nil
	}
	write := func(name string, data []byte) error {
		p := b.path("policies/" + name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, data, 0o644)
	}
	var linux []string
	for _, c := range chromiumPolicies {
		id, url := ids.idFor(c)
		if id == "" {
			continue
		}
		if err := write("linux/"+c.Name+"/cif-bridge.json", ChromiumPolicyJSON(id, url)); err != nil {
			return err
		}
		linux = append(linux, fmt.Sprintf("| `linux/%s/cif-bridge.json` | `%s/` |", c.Name, c.LinuxDir))
	}
	if ids.FirefoxURL != "" {
		if err := write("firefox/policies.json", FirefoxPoliciesJSON(ids.FirefoxID, ids.FirefoxURL)); err != nil {
			return err
		}
	}
	if err := write("macos/cif-bridge.mobileconfig", MacProfile(ids, b.version)); err != nil {
		return err
	}
	if err := write("windows/cif-bridge.reg", WindowsReg(ids)); err != nil {
		return err
	}
	readme := strings.NewReplacer("LINUX_ROWS", strings.Join(linux, "\n")).Replace(policiesReadme)
	return write("README.md", []byte(readme))
}

const policiesReadme = `# Policy files: the CIF Bridge extension on managed PCs

Each file force-installs the extension from its store (Chromium family) or from the signed xpi's
address (Firefox), for every user; users cannot remove it. cif-host itself is installed separately
(the .deb or .rpm, or ` + "`sudo ./install.sh --system`" + `). docs/release.md explains each step.

## Linux: copy the JSON file into the browser's managed-policy folder

| file | folder (as root, mode 0644) |
|---|---|
LINUX_ROWS

` + "`firefox/policies.json`" + ` goes to ` + "`/etc/firefox/policies/policies.json`" + ` (merge it with an
existing file's ` + "`policies`" + ` by hand).

## macOS

Install ` + "`macos/cif-bridge.mobileconfig`" + ` through your MDM (or double-click it and approve it in
System Settings → Privacy & Security → Profiles; Chrome honours force-installs only on managed Macs).

## Windows

Import ` + "`windows/cif-bridge.reg`" + ` as an administrator (` + "`reg import cif-bridge.reg`" + `), or set the same
values through Group Policy with the browsers' ADMX templates. Force-installs from the stores work on
any PC (extensions hosted elsewhere need a domain-joined or cloud-managed one). For Firefox on Windows,
` + "`firefox/policies.json`" + ` may instead go to the ` + "`distribution`" + ` folder beside firefox.exe.
`
