// Package release builds a CIF Bridge release: cif-host for every system
// it ships for, each in an archive with install.sh; the extension as a
// Chrome Web Store zip and a Firefox xpi; .deb and .rpm packages; policy
// files that make managed browsers install the extension; release notes
// from CHANGELOG.md and SHA256SUMS. It needs only Go: archives, packages
// and checksums are written by Go code (nfpm for the packages).
//
// The version has one source, the extension's manifest.json, which
// cif-host embeds and reports as its own.
package release

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cifbridge/cif-bridge/extension"
	"github.com/cifbridge/cif-bridge/manifest"
)

// Platform is a system cif-host is built for.
type Platform struct{ OS, Arch string }

func (p Platform) String() string { return p.OS + "/" + p.Arch }

// exe is the binary's file name on the platform.
func (p Platform) exe() string {
	if p.OS == "windows" {
		return "cif-host.exe"
	}
	return "cif-host"
}

// Platforms are the systems a release holds cif-host for.
var Platforms = []Platform{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

// Current is the platform this program runs on.
func Current() Platform { return Platform{runtime.GOOS, runtime.GOARCH} }

// ParsePlatform reads "os/arch".
func ParsePlatform(s string) (Platform, error) {
	os, arch, _ := strings.Cut(s, "/")
	p := Platform{os, arch}
	if !slices.Contains(Platforms, p) {
		var known []string
		for _, k := range Platforms {
			known = append(known, k.String())
		}
		return p, fmt.Errorf("unknown platform %q; use one of %s", s, strings.Join(known, ", "))
	}
	return p, nil
}

// Store addresses the extension's stores use for updates.
const (
	ChromeWebStoreUpdateURL = "https://clients2.google.com/service/update2/crx"
	EdgeAddonsUpdateURL     = "https://edge.microsoft.com/extensionwebstorebase/v1/crx"
)

// Options say what to build.
type Options struct {
	// Repo is the checkout: CHANGELOG.md, README.md, LICENSE, install.sh
	// and the host's source are read from it.
	Repo string
	// Out is the folder the release folder goes in (dist).
	Out string
	// Platforms to build cif-host for; all of them when empty.
	Platforms []Platform
	// Store ids and where managed browsers fetch the extension from.
	// Without an id, the packages admit only the unpacked extension's
	// id and no policy is written for that store.
	ChromeID, ChromeUpdateURL string
	EdgeID, EdgeUpdateURL     string
	// FirefoxInstallURL is where Firefox policies fetch the signed xpi.
	FirefoxInstallURL string
	// Maintainer names who packaged it, for the .deb and .rpm.
	Maintainer string
	// Time is every file's modification time, for builds that repeat
	// byte for byte (SOURCE_DATE_EPOCH).
	Time time.Time
	// Log receives one line per step; nil is silent.
	Log io.Writer
}

// Artifact is one file of the release.
type Artifact struct {
	// Name is the path inside the release folder, with forward slashes.
	Name string
	Size int64
}

// Result is what Build made.
type Result struct {
	Version string
	Dir     string
	Files   []Artifact
}

// Build makes the release folder Out/cif-bridge-VERSION, replacing one
// left by an earlier build.
func Build(ctx context.Context, o Options) (Result, error) {
	m, err := extension.ReadManifest()
	if err != nil {
		return Result{}, err
	}
	if err := o.complete(); err != nil {
		return Result{}, err
	}
	v := m.Version
	notes, err := Notes(filepath.Join(o.Repo, "CHANGELOG.md"), v)
	if err != nil {
		return Result{}, err
	}
	dir := filepath.Join(o.Out, "cif-bridge-"+v)
	if err := os.RemoveAll(dir); err != nil {
		return Result{}, fmt.Errorf("remove the previous build: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Result{}, fmt.Errorf("create the release folder: %w", err)
	}
	work, err := os.MkdirTemp("", "cif-bridge-release-")
	if err != nil {
		return Result{}, fmt.Errorf("create a work folder: %w", err)
	}
	defer os.RemoveAll(work)

	b := &builder{o: o, version: v, dir: dir, work: work, manifest: m, description: m.Description}
	steps := []struct {
		what string
		do   func(context.Context) error
	}{
		{"cif-host binaries and archives", b.binaries},
		{"the extension's store zip and xpi", b.extension},
		{".deb and .rpm packages", b.packages},
		{"policy files", b.policies},
		{"release notes", func(context.Context) error { return b.notes(notes) }},
		{"SHA256SUMS", func(context.Context) error { return b.sums() }},
	}
	for _, s := range steps {
		b.logf("building %s", s.what)
		if err := s.do(ctx); err != nil {
			return Result{}, fmt.Errorf("%s: %w", s.what, err)
		}
	}
	files, err := list(dir)
	if err != nil {
		return Result{}, err
	}
	return Result{Version: v, Dir: dir, Files: files}, nil
}

func (o *Options) complete() error {
	if o.Repo == "" {
		return errors.New("no checkout given (Options.Repo)")
	}
	if _, err := os.Stat(filepath.Join(o.Repo, "host", "main.go")); err != nil {
		return fmt.Errorf("%s is not a CIF Bridge checkout (no host/main.go): %w", o.Repo, err)
	}
	if len(o.Platforms) == 0 {
		o.Platforms = Platforms
	}
	if o.ChromeUpdateURL == "" {
		o.ChromeUpdateURL = ChromeWebStoreUpdateURL
	}
	if o.EdgeUpdateURL == "" {
		o.EdgeUpdateURL = EdgeAddonsUpdateURL
	}
	if o.Maintainer == "" {
		o.Maintainer = "The CIF Bridge authors <cif-bridge@cifbridge.org>"
	}
	if o.Time.IsZero() {
		o.Time = time.Now()
	}
	o.Time = o.Time.UTC().Truncate(time.Second)
	for _, id := range []struct{ flag, id string }{{"--chrome-id", o.ChromeID}, {"--edge-id", o.EdgeID}} {
		if id.id != "" && !manifest.ValidChromiumID(id.id) {
			return fmt.Errorf("%s %q is not a Chromium extension id: 32 letters a to p, as the store's dashboard shows", id.flag, id.id)
		}
	}
	if o.FirefoxInstallURL != "" && !strings.HasPrefix(o.FirefoxInstallURL, "https://") && !strings.HasPrefix(o.FirefoxInstallURL, "file:///") {
		return fmt.Errorf("--firefox-install-url %q must be an https:// or file:/// address of the signed xpi", o.FirefoxInstallURL)
	}
	return nil
}

// builder holds one build's state.
type builder struct {
	o        Options
	version  string
	dir      string // the release folder
	work     string // a temporary folder for staging
	manifest extension.Manifest
	// description is the extension manifest's, for the packages.
	description string
}

func (b *builder) logf(format string, args ...any) {
	if b.o.Log != nil {
		fmt.Fprintf(b.o.Log, format+"\n", args...)
	}
}

// path is a file of the release folder.
func (b *builder) path(name string) string { return filepath.Join(b.dir, filepath.FromSlash(name)) }

// list returns every file below dir, sorted.
func list(dir string) ([]Artifact, error) {
	var out []Artifact
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, Artifact{Name: filepath.ToSlash(rel), Size: info.Size()})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}
