package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/cifbridge/cif-bridge/manifest"
)

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// register runs `cif-host install` and `cif-host uninstall`.
func register(cmd string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cif-host "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var browsers, ids listFlag
	fs.Var(&browsers, "browser", "act on this browser only (repeatable); default: every browser found")
	system := fs.Bool("system", false, "machine-wide manifests (needs root) instead of per-user ones")
	fs.Var(&ids, "extension-id", "also admit this extension id: a Chromium store id or a Firefox add-on id (repeatable)")
	hostPath := fs.String("host", "", "the cif-host binary the manifests point at; default: this one")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	opts, err := registerOptions(browsers, ids, *system, *hostPath)
	if err != nil {
		fmt.Fprintf(stderr, "cif-host %s: %v\n", cmd, err)
		return 1
	}
	env := manifest.OSEnv(runtime.GOOS, exec.LookPath)
	do := manifest.Install
	if cmd == "uninstall" {
		do = manifest.Uninstall
	}
	actions, err := do(env, opts)
	for _, a := range actions {
		fmt.Fprintln(stdout, a)
	}
	if err != nil {
		fmt.Fprintf(stderr, "cif-host %s: %v\n", cmd, err)
		return 1
	}
	if len(actions) == 0 {
		fmt.Fprintf(stdout, "no browser found; name one with --browser (chrome, chromium, firefox)\n")
	}
	return 0
}

func registerOptions(browsers, ids []string, system bool, hostPath string) (manifest.Options, error) {
	dev, err := manifest.DevExtensionIDs()
	if err != nil {
		return manifest.Options{}, err
	}
	opts := manifest.Options{Browsers: browsers, System: system, ChromiumIDs: []string{dev.Chromium}, FirefoxIDs: []string{dev.Firefox}}
	for _, id := range ids {
		if manifest.ValidChromiumID(id) {
			opts.ChromiumIDs = append(opts.ChromiumIDs, id)
		} else {
			opts.FirefoxIDs = append(opts.FirefoxIDs, id)
		}
	}
	if hostPath == "" {
		if hostPath, err = os.Executable(); err != nil {
			return opts, fmt.Errorf("cannot tell where this binary is (%w); pass --host", err)
		}
	}
	if hostPath, err = filepath.Abs(hostPath); err != nil {
		return opts, err
	}
	if _, err := os.Stat(hostPath); errors.Is(err, os.ErrNotExist) {
		return opts, fmt.Errorf("%s does not exist; pass --host with the installed cif-host", hostPath)
	}
	opts.HostPath = hostPath
	return opts, nil
}
