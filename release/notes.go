package release

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Notes returns the section of the changelog for version: the text after
// its "## VERSION" (or "## [VERSION]") heading, up to the next "## ".
func Notes(changelog, version string) (string, error) {
	data, err := os.ReadFile(changelog)
	if err != nil {
		return "", fmt.Errorf("read the changelog: %w", err)
	}
	heading := regexp.MustCompile(`^## \[?` + regexp.QuoteMeta(version) + `\]?(\s|$)`)
	var out []string
	in := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case heading.MatchString(line):
			in = true
			continue
		case in && strings.HasPrefix(line, "## "):
			in = false
		}
		if in {
			out = append(out, line)
		}
	}
	notes := strings.TrimSpace(strings.Join(out, "\n"))
	if notes == "" {
		return "", fmt.Errorf("%s has no section for %s: add a \"## %s\" heading with what changed (the version comes from extension/manifest.json)", changelog, version, version)
	}
	return notes, nil
}

// notes writes RELEASE_NOTES.md: the changelog's section and what the
// release holds.
func (b *builder) notes(section string) error {
	var s strings.Builder
	fmt.Fprintf(&s, "# CIF Bridge %s\n\n%s\n\n", b.version, section)
	s.WriteString(strings.ReplaceAll(releaseContents, "VERSION", b.version))
	return os.WriteFile(b.path("RELEASE_NOTES.md"), []byte(s.String()), 0o644)
}

const releaseContents = `## What is in this release

| file | what |
|---|---|
| ` + "`cif-bridge-VERSION-OS-ARCH.tar.gz`" + ` | cif-host for Linux and macOS, with install.sh: unpack, run ` + "`./install.sh`" + ` |
| ` + "`cif-bridge-VERSION-windows-ARCH.zip`" + ` | cif-host.exe for Windows: see the README inside |
| ` + "`cif-bridge_VERSION_ARCH.deb`" + `, ` + "`cif-bridge-VERSION-1.ARCH.rpm`" + ` | cif-host in /usr/bin with machine-wide registrations for every browser |
| ` + "`cif-bridge-VERSION-chrome.zip`" + ` | the extension, for the Chrome Web Store and Edge Add-ons |
| ` + "`cif-bridge-VERSION-firefox.xpi`" + ` | the extension, for addons.mozilla.org (to be signed there) |
| ` + "`policies/`" + ` | policy files that make managed browsers install the extension, when the build was given store ids |
| ` + "`SHA256SUMS`" + ` | checksums: ` + "`sha256sum -c SHA256SUMS`" + ` |

docs/release.md in the source explains each file and how managed PCs install them.
`
