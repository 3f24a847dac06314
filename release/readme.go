package release

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// readme is the archive's README.md: the project's introduction, taken
// from the checkout's README.md (everything before its first "## "), and
// how to install from the archive.
func (b *builder) readme() (string, error) {
	data, err := os.ReadFile(filepath.Join(b.o.Repo, "README.md"))
	if err != nil {
		return "", fmt.Errorf("read README.md: %w", err)
	}
	intro, _, _ := strings.Cut(string(data), "\n## ")
	intro = strings.TrimSpace(intro)
	// Links relative to the checkout mean nothing in an archive.
	intro = strings.ReplaceAll(intro, "](docs/", "](https://github.com/cifbridge/cif-bridge/blob/main/docs/")
	return intro + "\n\n" + strings.ReplaceAll(archiveInstall, "VERSION", b.version), nil
}

const archiveInstall = `## Install this release (VERSION)

**Linux and macOS**, no Go needed:

` + "```sh" + `
./install.sh              # copies cif-host to ~/.local/share/cif-bridge/bin and registers it with every browser found
./install.sh --help       # the options: --browser NAME, --extension-id ID, --system, --uninstall
~/.local/share/cif-bridge/bin/cif-host doctor     # checks every browser's registration, with a fix for each problem
` + "```" + `

` + "`sudo ./install.sh --system`" + ` installs for every user of the machine: cif-host goes to
/usr/local/lib/cif-bridge/ (linked from /usr/local/bin) and the browsers' machine-wide folders.
On macOS, if Gatekeeper refuses the unsigned binary, run ` + "`xattr -d com.apple.quarantine cif-host`" + ` first.

**Windows**: copy cif-host.exe to a folder that will not move, then register it:

` + "```bat" + `
mkdir "%LOCALAPPDATA%\cif-bridge\bin"
copy cif-host.exe "%LOCALAPPDATA%\cif-bridge\bin\"
"%LOCALAPPDATA%\cif-bridge\bin\cif-host.exe" install
"%LOCALAPPDATA%\cif-bridge\bin\cif-host.exe" doctor
` + "```" + `

**The extension** is published separately (cif-bridge-VERSION-chrome.zip and
cif-bridge-VERSION-firefox.xpi in the release, or the browser stores). A store build has its own
id: register it with ` + "`cif-host install --extension-id ID`" + ` (install.sh passes the option on).

Everything else — managed installs, policies, where each browser looks — is in docs/install.md
and docs/release.md of the source.
`
