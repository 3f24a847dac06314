package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/cifbridge/cif-bridge/host/doctor"
	"github.com/cifbridge/cif-bridge/manifest"
)

// runDoctor runs `cif-host doctor`: it prints every browser's
// registration and cif-host's files with a fix for each problem, and
// exits 1 when something would stop a browser from reaching cif-host.
func runDoctor(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cif-host doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var browsers, ids listFlag
	fs.Var(&browsers, "browser", "check this browser even if it is not found (repeatable); default: every browser found")
	fs.Var(&ids, "extension-id", "also require this extension id (a store id) to be admitted (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "cif-host doctor: unexpected %q; name a browser with --browser\n", fs.Arg(0))
		return 2
	}
	for _, id := range ids {
		if _, err := manifest.ClassifyID(id); err != nil {
			fmt.Fprintf(stderr, "cif-host doctor: --extension-id: %v\n", err)
			return 2
		}
	}
	dirs, err := userDirs()
	if err != nil {
		fmt.Fprintf(stderr, "cif-host doctor: %v\n", err)
		return 1
	}
	dev, err := manifest.DevExtensionIDs()
	if err != nil {
		fmt.Fprintf(stderr, "cif-host doctor: %v\n", err)
		return 1
	}
	// The store ids earlier installs were given must still be admitted.
	env := manifest.OSEnv()
	for _, system := range []bool{false, true} {
		if rec, err := manifest.LoadRecord(manifest.RecordPath(env, system, dirs.State)); err == nil {
			ids = append(ids, rec.ExtensionIDs...)
		}
	}
	self, _ := os.Executable()
	report, err := doctor.Diagnose(doctor.Env{Manifest: env, Dirs: dirs, IDs: dev, ExtraIDs: ids, Browsers: browsers, Command: self})
	if err != nil {
		fmt.Fprintf(stderr, "cif-host doctor: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "cif-host %s doctor on %s\n\n", version(), runtime.GOOS)
	report.Print(stdout)
	if report.Failed() {
		return 1
	}
	return 0
}
