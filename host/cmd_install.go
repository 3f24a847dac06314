package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/manifest"
)

// register runs `cif-host install` and `cif-host uninstall`.
func register(cmd string, args []string, stdout, stderr io.Writer) int {
	c := newCommand(cmd, "[options]", "Register cif-host with every browser found, or with the browsers named: write each\n"+
		"browser's native-messaging host manifest and record what was written. Run again, it\n"+
		"changes only what changed.")
	if cmd == "uninstall" {
		c.about = "Remove exactly what `cif-host install` recorded, and nothing else."
	}
	fs := c.flags
	var browsers, ids, forget listFlag
	fs.Var(&browsers, "browser", "act on this browser `name` only (repeatable); default: every browser found")
	system := fs.Bool("system", false, "machine-wide manifests (needs root) instead of per-user ones")
	var hostPath *string
	var opts manifest.Options
	if cmd == "install" {
		fs.Var(&ids, "extension-id", "also admit this extension `id`: a Chromium store id or a Firefox add-on id (repeatable; remembered)")
		fs.Var(&forget, "forget-extension-id", "stop admitting an `id` given earlier with --extension-id (repeatable)")
		hostPath = fs.String("host", "", "the cif-host binary the manifests name (`path`); default: this one")
		fs.BoolVar(&opts.Flatpak, "flatpak", false, "also register the Flatpak builds you have run, through a flatpak-spawn wrapper (docs/install.md)")
		fs.BoolVar(&opts.Snap, "snap", false, "also register snap Firefox inside its snap folder (docs/install.md)")
		c.more = "Browsers: " + strings.Join(manifest.BrowserNames(manifest.OSEnv()), ", ") + ".\n" +
			"docs/install.md explains each option and where each browser looks."
	}
	c.stray = "name a browser with --browser"
	if code, done := c.parse(args, stdout, stderr); done {
		return code
	}
	env := manifest.OSEnv()
	dirs, err := userDirs()
	if err != nil {
		fmt.Fprintf(stderr, "cif-host %s: %v\n", cmd, err)
		return 1
	}
	if *system && (opts.Flatpak || opts.Snap) {
		fmt.Fprintf(stderr, "cif-host %s: --flatpak and --snap register the sandboxes in your home; run them without --system, as yourself\n", cmd)
		return 2
	}
	opts.Browsers, opts.System, opts.Record = browsers, *system, manifest.RecordPath(env, *system, dirs.State)
	do := manifest.Uninstall
	if cmd == "install" {
		for _, id := range slices.Concat(ids, forget) {
			if _, err := manifest.ClassifyID(id); err != nil {
				fmt.Fprintf(stderr, "cif-host %s: --extension-id: %v\n", cmd, err)
				return 2
			}
		}
		opts.ExtensionIDs, opts.ForgetIDs = ids, forget
		if err := installOptions(&opts, *hostPath); err != nil {
			fmt.Fprintf(stderr, "cif-host %s: %v\n", cmd, err)
			return 1
		}
		do = manifest.Install
	}
	actions, err := do(env, opts)
	for _, a := range actions {
		fmt.Fprintln(stdout, a)
	}
	if errors.Is(err, os.ErrPermission) && opts.System {
		err = fmt.Errorf("%w; machine-wide changes need root: run it with sudo (on Windows, from an administrator's Command Prompt)", err)
	}
	if err != nil {
		fmt.Fprintf(stderr, "cif-host %s: %v\n", cmd, err)
		return 1
	}
	switch {
	case len(actions) == 0 && cmd == "install":
		fmt.Fprintf(stdout, "no browser found; name one with --browser (%s)\n", strings.Join(manifest.BrowserNames(env), ", "))
	case len(actions) == 0:
		fmt.Fprintf(stdout, "nothing to remove: %s records no install\n", opts.Record)
	case cmd == "install":
		fmt.Fprintf(stdout, "recorded in %s; `cif-host uninstall` removes exactly this, `cif-host doctor` checks it\n", opts.Record)
	}
	return 0
}

// installOptions completes opts with the unpacked extension's ids,
// always admitted, and the host binary's path.
func installOptions(opts *manifest.Options, hostPath string) error {
	dev, err := manifest.DevExtensionIDs()
	if err != nil {
		return err
	}
	opts.ChromiumIDs, opts.FirefoxIDs = []string{dev.Chromium}, []string{dev.Firefox}
	if hostPath == "" {
		if hostPath, err = os.Executable(); err != nil {
			return fmt.Errorf("cannot tell where this binary is (%w); pass --host", err)
		}
	}
	if hostPath, err = filepath.Abs(hostPath); err != nil {
		return err
	}
	if _, err := os.Stat(hostPath); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s does not exist; pass --host with the installed cif-host", hostPath)
	}
	opts.HostPath = hostPath
	return nil
}

// userDirs are cif-host's folders for the user running it.
func userDirs() (config.Dirs, error) {
	home, _ := os.UserHomeDir()
	return config.Resolve(config.Env{Getenv: os.Getenv, Home: home, GOOS: runtime.GOOS})
}
