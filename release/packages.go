package release

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goreleaser/nfpm/v2"
	"github.com/goreleaser/nfpm/v2/deb"
	"github.com/goreleaser/nfpm/v2/files"
	"github.com/goreleaser/nfpm/v2/rpm"

	"github.com/cifbridge/cif-bridge/manifest"
)

// PackagedHost is where the .deb and .rpm install cif-host.
const PackagedHost = "/usr/bin/cif-host"

// SystemManifest is one machine-wide host manifest a package installs.
type SystemManifest struct {
	Path    string
	Flavour manifest.Flavour
	Host    manifest.Host
}

// SystemManifests are the machine-wide manifests a Linux package installs
// for every browser CIF Bridge knows (manifest/browsers.go), naming
// PackagedHost and admitting the unpacked extension's ids and the store
// ids given. format is "deb" or "rpm": only the rpm writes Fedora's
// /usr/lib64 folders.
func SystemManifests(format string, chromiumIDs []string, firefoxIDs []string) ([]SystemManifest, error) {
	env := manifest.Env{GOOS: "linux", Home: "/nonexistent", Getenv: func(string) string { return "" }}
	var out []SystemManifest
	for _, b := range manifest.Browsers(env) {
		ids := chromiumIDs
		if b.Flavour == manifest.Firefox {
			ids = firefoxIDs
		}
		h, err := manifest.Build(b.Flavour, PackagedHost, ids)
		if err != nil {
			return nil, err
		}
		for _, p := range b.SystemManifests(env) {
			if format == "deb" && strings.HasPrefix(p, "/usr/lib64/") {
				continue
			}
			if !slices.ContainsFunc(out, func(m SystemManifest) bool { return m.Path == p }) {
				out = append(out, SystemManifest{Path: p, Flavour: b.Flavour, Host: h})
			}
		}
	}
	return out, nil
}

// admitted are the ids the packages' manifests admit.
func (b *builder) admitted() (chromium, firefox []string, err error) {
	dev, err := manifest.DevExtensionIDs()
	if err != nil {
		return nil, nil, err
	}
	chromium = []string{dev.Chromium}
	for _, id := range []string{b.o.ChromeID, b.o.EdgeID} {
		if id != "" && !slices.Contains(chromium, id) {
			chromium = append(chromium, id)
		}
	}
	return chromium, []string{dev.Firefox}, nil
}

// packages writes a .deb and an .rpm for each Linux platform built.
func (b *builder) packages(ctx context.Context) error {
	chromium, firefox, err := b.admitted()
	if err != nil {
		return err
	}
	license := filepath.Join(b.o.Repo, "LICENSE")
	for _, p := range b.o.Platforms {
		if p.OS != "linux" {
			continue
		}
		bin, err := b.binary(ctx, p)
		if err != nil {
			return err
		}
		notices, err := thirdPartyNotices(ctx, b.o.Repo, p)
		if err != nil {
			return err
		}
		stage := filepath.Join(b.work, "pkg", p.Arch)
		noticeFile := filepath.Join(stage, "THIRD_PARTY_LICENSES")
		if err := writeFile(noticeFile, []byte(notices)); err != nil {
			return err
		}
		for _, format := range []string{"deb", "rpm"} {
			mans, err := SystemManifests(format, chromium, firefox)
			if err != nil {
				return err
			}
			contents := files.Contents{
				{Source: bin, Destination: PackagedHost, FileInfo: &files.ContentFileInfo{Mode: 0o755}},
				{Source: license, Destination: "/usr/share/doc/cif-bridge/copyright", FileInfo: &files.ContentFileInfo{Mode: 0o644}},
				{Source: noticeFile, Destination: "/usr/share/doc/cif-bridge/THIRD_PARTY_LICENSES", FileInfo: &files.ContentFileInfo{Mode: 0o644}},
			}
			for i, m := range mans {
				src := filepath.Join(stage, format, fmt.Sprintf("%d-%s.json", i, m.Flavour))
				if err := writeFile(src, m.Host.Encode()); err != nil {
					return err
				}
				contents = append(contents, &files.Content{Source: src, Destination: m.Path, FileInfo: &files.ContentFileInfo{Mode: 0o644}})
			}
			if err := b.pack(format, p, contents); err != nil {
				return fmt.Errorf("%s for %s: %w", format, p, err)
			}
		}
	}
	return nil
}

// pack writes one package with nfpm.
func (b *builder) pack(format string, p Platform, contents files.Contents) (err error) {
	info := &nfpm.Info{
		Name:        "cif-bridge",
		Arch:        p.Arch,
		Platform:    "linux",
		Version:     b.version,
		Release:     "1",
		Section:     "web",
		Priority:    "optional",
		Maintainer:  b.o.Maintainer,
		Vendor:      "CIF Bridge",
		Homepage:    "https://github.com/cifbridge/cif-bridge",
		License:     "MIT",
		Description: "CIF Bridge session manager (cif-host)\n" + b.description + " This package installs cif-host and registers it machine-wide with Chrome, Chromium, Edge, Brave, Vivaldi, Firefox, LibreWolf and Waterfox; the browser extension is installed from its store.",
		MTime:       b.o.Time,
		Overridables: nfpm.Overridables{
			Contents: contents,
			RPM:      nfpm.RPM{Group: "Applications/Internet", Summary: "CIF Bridge session manager (cif-host)", BuildHost: "cif-bridge-release", Packager: b.o.Maintainer},
		},
	}
	info = nfpm.WithDefaults(info)
	var packager nfpm.Packager = deb.Default
	if format == "rpm" {
		packager = rpm.DefaultRPM
	}
	if err := nfpm.PrepareForPackager(info, format); err != nil {
		return err
	}
	name := packager.ConventionalFileName(info)
	f, err := os.Create(b.path(name))
	if err != nil {
		return err
	}
	defer closeInto(f, &err)
	if err := packager.Package(info, f); err != nil {
		return err
	}
	b.logf("  %s", name)
	return nil
}

func writeFile(p string, data []byte) error {
	if err := os.MkdirAll(path.Dir(filepath.ToSlash(p)), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}
