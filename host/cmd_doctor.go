package main

import (
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
	c := newCommand("doctor", "[options]", "Check every browser's registration, down to starting cif-host as that browser would,\n"+
		"and cif-host's own files; print each problem with its fix. Exit status 1 when a browser\n"+
		"cannot reach cif-host.")
	fs := c.flags
	var browsers, ids listFlag
	fs.Var(&browsers, "browser", "check this browser `name` even if it is not found (repeatable); default: every browser found")
	fs.Var(&ids, "extension-id", "also require this extension `id` (a store id) to be admitted (repeatable)")
	asJSON := fs.Bool("json", false, "print the report as JSON, for programs and support tickets")
	c.stray = "name a browser with --browser"
	if code, done := c.parse(args, stdout, stderr); done {
		return code
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
	if *asJSON {
		if err := report.WriteJSON(stdout, version(), runtime.GOOS); err != nil {
			fmt.Fprintf(stderr, "cif-host doctor: %v\n", err)
			return 1
		}
	} else {
		fmt.Fprintf(stdout, "cif-host %s doctor on %s\n\n", version(), runtime.GOOS)
		report.Print(stdout)
	}
	if report.Failed() {
		return 1
	}
	return 0
}
