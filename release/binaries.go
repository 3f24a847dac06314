package release

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// binary builds cif-host for p into the work folder and returns its path:
// cgo off (a static binary that runs on any distribution), -trimpath (no
// build machine paths inside), symbols stripped. The version is the
// extension manifest's, which cif-host embeds.
func (b *builder) binary(ctx context.Context, p Platform) (string, error) {
	out := filepath.Join(b.work, "bin", p.OS+"-"+p.Arch, p.exe())
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./host")
	cmd.Dir = b.o.Repo
	cmd.Env = append(os.Environ(), "GOOS="+p.OS, "GOARCH="+p.Arch, "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build for %s: %w\n%s", p, err, stderr.String())
	}
	return out, nil
}

// archiveName is the name of p's archive, without extension; the archive
// unpacks to a folder of that name.
func (b *builder) archiveName(p Platform) string {
	return fmt.Sprintf("cif-bridge-%s-%s-%s", b.version, p.OS, p.Arch)
}

// binaries builds cif-host for every platform and puts each in an
// archive with what installs it: a .tar.gz with install.sh for Linux and
// macOS, a .zip for Windows.
func (b *builder) binaries(ctx context.Context) error {
	license, err := os.ReadFile(filepath.Join(b.o.Repo, "LICENSE"))
	if err != nil {
		return fmt.Errorf("read LICENSE: %w", err)
	}
	readme, err := b.readme()
	if err != nil {
		return err
	}
	for _, p := range b.o.Platforms {
		b.logf("  cif-host for %s", p)
		bin, err := b.binary(ctx, p)
		if err != nil {
			return err
		}
		notices, err := thirdPartyNotices(ctx, b.o.Repo, p)
		if err != nil {
			return err
		}
		name := b.archiveName(p)
		entries := []entry{{Name: name + "/" + p.exe(), Mode: 0o755, Source: bin}}
		if p.OS != "windows" {
			entries = append(entries, entry{Name: name + "/install.sh", Mode: 0o755, Source: filepath.Join(b.o.Repo, "install.sh")})
		}
		entries = append(entries,
			entry{Name: name + "/README.md", Mode: 0o644, Data: []byte(strings.ReplaceAll(readme, "\n", newline(p)))},
			entry{Name: name + "/LICENSE", Mode: 0o644, Data: license},
			entry{Name: name + "/THIRD_PARTY_LICENSES.txt", Mode: 0o644, Data: []byte(notices)},
		)
		if p.OS == "windows" {
			err = writeZip(b.path(name+".zip"), entries, b.o.Time)
		} else {
			err = writeTarGz(b.path(name+".tar.gz"), entries, b.o.Time)
		}
		if err != nil {
			return fmt.Errorf("archive %s: %w", name, err)
		}
	}
	return nil
}

func newline(p Platform) string {
	if p.OS == "windows" {
		return "\r\n"
	}
	return "\n"
}
