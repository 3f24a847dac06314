// Command build makes a CIF Bridge release: from the checkout, run
//
//	go run ./release/build [--chrome-id ID] [--edge-id ID] [--firefox-install-url URL]
//
// and find it in dist/cif-bridge-VERSION/. It needs only Go.
// docs/release.md explains the options and what the folder holds.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cifbridge/cif-bridge/release"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type platforms []release.Platform

func (p *platforms) String() string { return fmt.Sprint(*p) }
func (p *platforms) Set(s string) error {
	v, err := release.ParsePlatform(s)
	if err == nil {
		*p = append(*p, v)
	}
	return err
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("release/build", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o release.Options
	var only platforms
	out := fs.String("out", "dist", "the folder the release folder goes in")
	fs.StringVar(&o.ChromeID, "chrome-id", "", "the extension's Chrome Web Store id: admitted by the packages, force-installed by the Chrome, Chromium and Brave policies")
	fs.StringVar(&o.ChromeUpdateURL, "chrome-update-url", release.ChromeWebStoreUpdateURL, "where those policies fetch it")
	fs.StringVar(&o.EdgeID, "edge-id", "", "the extension's Edge Add-ons id: admitted by the packages, force-installed by the Edge policies")
	fs.StringVar(&o.EdgeUpdateURL, "edge-update-url", release.EdgeAddonsUpdateURL, "where the Edge policies fetch it")
	fs.StringVar(&o.FirefoxInstallURL, "firefox-install-url", "", "https:// or file:/// address of the signed xpi, for the Firefox policies")
	fs.StringVar(&o.Maintainer, "maintainer", "", "the packages' maintainer, \"Name <email>\"")
	fs.Var(&only, "platform", "build cif-host only for this os/arch (repeatable); default: all six")
	fs.Usage = func() {}
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintln(stdout, "Usage: go run ./release/build [options]\n\nMakes dist/cif-bridge-VERSION/: cif-host archives for Linux, macOS and Windows, the\nextension's store zip and xpi, .deb and .rpm packages, policy files, release notes and\nSHA256SUMS. The version is extension/manifest.json's. docs/release.md explains it all.\n\nOptions:")
		fs.VisitAll(func(f *flag.Flag) {
			def := ""
			if f.DefValue != "" && f.DefValue != "[]" {
				def = " (default " + f.DefValue + ")"
			}
			fmt.Fprintf(stdout, "  --%-22s %s%s\n", f.Name, f.Usage, def)
		})
		return 0
	case err != nil:
		fmt.Fprintf(stderr, "release/build: %v; run with --help\n", strings.Replace(err.Error(), " -", " --", 1))
		return 2
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "release/build: unexpected %q; run with --help\n", fs.Arg(0))
		return 2
	}
	o.Platforms = only
	o.Out = *out
	o.Log = stderr
	if o.Repo, err = findRepo(); err != nil {
		fmt.Fprintf(stderr, "release/build: %v\n", err)
		return 1
	}
	if !filepath.IsAbs(o.Out) {
		o.Out = filepath.Join(o.Repo, o.Out)
	}
	if epoch := os.Getenv("SOURCE_DATE_EPOCH"); epoch != "" {
		sec, err := strconv.ParseInt(epoch, 10, 64)
		if err != nil {
			fmt.Fprintf(stderr, "release/build: SOURCE_DATE_EPOCH=%q is not a number of seconds\n", epoch)
			return 2
		}
		o.Time = time.Unix(sec, 0)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := release.Build(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "release/build: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "CIF Bridge %s in %s:\n", res.Version, res.Dir)
	for _, f := range res.Files {
		fmt.Fprintf(stdout, "  %-48s %8.1f KiB\n", f.Name, float64(f.Size)/1024)
	}
	return 0
}

// findRepo walks up from the working folder to the checkout's go.mod.
func findRepo() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && strings.Contains(string(data), "module github.com/cifbridge/cif-bridge\n") {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%s is not inside a CIF Bridge checkout; run it from the checkout", dir)
		}
	}
}
