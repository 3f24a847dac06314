// Command cif-host is CIF Bridge's native-messaging host: the session
// manager a browser starts for the extension. Started by a browser (or with
// no arguments and a pipe on stdin) it serves the protocol on stdin and
// stdout; its subcommands install, check and remove its registration.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cifbridge/cif-bridge/extension"
)

// version is cif-host's version: the extension's, read from its embedded
// manifest, since the two are released together.
func version() string {
	m, err := extension.ReadManifest()
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return m.Version
}

const usage = `cif-host %s — the CIF Bridge session manager.

A browser starts cif-host itself; you do not need to run it by hand.

Usage: cif-host COMMAND [options]

Commands:
  install [--browser NAME]... [--system] [--extension-id ID]... [--host PATH] [--flatpak] [--snap]
                        register cif-host with every browser found (or those named)
  uninstall [--browser NAME]... [--system]
                        remove exactly those registrations
  doctor [--browser NAME]... [--extension-id ID]... [--json]
                        check every browser's registration; exit 1 if one cannot reach cif-host
  demo [--port N]       serve a demo provider page on 127.0.0.1 (port 8700; 0 picks a free one)
  records import|export|sample|query|info
                        the organisation's records (cif-host records help says more)
  version               print the version (also: cif-host --version)
  help [COMMAND]        print this help, or a command's (also: cif-host COMMAND --help)

Started by a browser, cif-host serves the extension on stdin and stdout.
Its log is in $XDG_STATE_HOME/cif-bridge/ (~/.local/state/cif-bridge by default).
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches on the arguments and returns the exit status.
func run(args []string, stdin *os.File, stdout, stderr *os.File) int {
	if len(args) > 0 {
		switch args[0] {
		case "--version", "-version":
			fmt.Fprintln(stdout, version())
			return 0
		case "version":
			return runVersion(args[1:], stdout, stderr)
		case "install", "uninstall":
			return register(args[0], args[1:], stdout, stderr)
		case "doctor":
			return runDoctor(args[1:], stdout, stderr)
		case "demo":
			return runDemo(args[1:], stdout, stderr)
		case "records":
			return runRecords(args[1:], stdout, stderr)
		case "help", "-h", "--help", "-help":
			return runHelp(args[1:], stdin, stdout, stderr)
		}
	}
	if !startedByBrowser(args) {
		if len(args) == 0 && isTerminal(stdin) {
			fmt.Fprintf(stdout, usage, version())
			return 0
		}
		if len(args) > 0 {
			what := "command"
			if strings.HasPrefix(args[0], "-") {
				what = "option"
			}
			fmt.Fprintf(stderr, "cif-host: unknown %s %q; run `cif-host help`\n", what, args[0])
			return 2
		}
	}
	return serve(args, stdin, stdout, stderr)
}

// runHelp prints the overview, or a command's own help.
func runHelp(args []string, stdin *os.File, stdout, stderr *os.File) int {
	switch {
	case len(args) == 0:
		fmt.Fprintf(stdout, usage, version())
		return 0
	case len(args) > 1:
		fmt.Fprintf(stderr, "cif-host help: name one command, such as `cif-host help install`\n")
		return 2
	case args[0] == "help":
		fmt.Fprintf(stdout, usage, version())
		return 0
	case strings.HasPrefix(args[0], "-") || startedByBrowser(args):
		fmt.Fprintf(stderr, "cif-host help: unknown command %q; run `cif-host help`\n", args[0])
		return 2
	}
	return run([]string{args[0], "--help"}, stdin, stdout, stderr)
}

// runVersion runs `cif-host version`.
func runVersion(args []string, stdout, stderr io.Writer) int {
	c := newCommand("version", "", "Print cif-host's version, which is the extension's it was released with.")
	if code, done := c.parse(args, stdout, stderr); done {
		return code
	}
	fmt.Fprintln(stdout, version())
	return 0
}

// startedByBrowser recognises a browser's argv: Chromium passes the
// caller's origin (chrome-extension://ID/) and on Windows
// --parent-window=N; Firefox passes the host manifest's path and the
// add-on id. Anything after the first of those is tolerated.
func startedByBrowser(args []string) bool {
	if len(args) == 0 {
		return false
	}
	a := args[0]
	return strings.HasPrefix(a, "chrome-extension://") || strings.HasPrefix(a, "--parent-window=") ||
		strings.HasSuffix(strings.ToLower(a), ".json")
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
