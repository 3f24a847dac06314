package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/cifbridge/cif-bridge/internal/lazyre"
)

// command is a subcommand's command line: its flags, and the help that
// `cif-host help NAME`, `NAME --help`, `NAME -h` and `NAME help` print.
type command struct {
	name string
	// synopsis follows "Usage: cif-host NAME"; about is the paragraph
	// after it; more, if any, follows the options.
	synopsis, about, more string
	// stray is the hint after "unexpected ARG"; by default, the help.
	stray string
	flags *flag.FlagSet
}

func newCommand(name, synopsis, about string) *command {
	fs := flag.NewFlagSet("cif-host "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse reports errors itself, in one line
	fs.Usage = func() {}
	return &command{name: name, synopsis: synopsis, about: about, flags: fs,
		stray: "run `cif-host help " + name + "`"}
}

// parse parses args. It returns done with the exit status when the
// command must stop here: 0 after printing its help to stdout, 2 after
// a one-line complaint on stderr about an unknown or malformed option,
// or a stray argument.
func (c *command) parse(args []string, stdout, stderr io.Writer) (code int, done bool) {
	if len(args) == 1 && args[0] == "help" {
		c.help(stdout)
		return 0, true
	}
	err := c.flags.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		c.help(stdout)
		return 0, true
	case err != nil:
		fmt.Fprintf(stderr, "cif-host %s: %s; run `cif-host help %s`\n", c.name, gnu(err.Error()), c.name)
		return 2, true
	case c.flags.NArg() > 0:
		fmt.Fprintf(stderr, "cif-host %s: unexpected %q; %s\n", c.name, c.flags.Arg(0), c.stray)
		return 2, true
	}
	return 0, false
}

var (
	flagNotDefined = lazyre.New(`^flag provided but not defined: -+(.*)$`)
	flagName       = lazyre.New(`(flag|argument:) -+([\w-]+)`)
)

// gnu rewrites the flag package's messages with GNU-style option names.
func gnu(msg string) string {
	if m := flagNotDefined().FindStringSubmatch(msg); m != nil {
		return "unknown option --" + m[1]
	}
	return flagName().ReplaceAllString(msg, "$1 --$2")
}

// help prints the command's help: usage, what it does, its options in
// GNU style.
func (c *command) help(w io.Writer) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n\nOptions:\n", strings.TrimSpace("cif-host "+c.name+" "+c.synopsis), c.about)
	var rows [][2]string
	c.flags.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		left := "--" + f.Name
		if arg != "" && !isBool(f) {
			left += " " + strings.ToUpper(arg)
		}
		if d := f.DefValue; d != "" && d != "false" && d != "0" && d != "[]" {
			usage += " (default " + d + ")"
		}
		rows = append(rows, [2]string{left, usage})
	})
	rows = append(rows, [2]string{"-h, --help", "print this help"})
	for _, r := range rows {
		if len(r[0]) > 24 {
			fmt.Fprintf(w, "  %s\n  %24s  %s\n", r[0], "", r[1])
			continue
		}
		fmt.Fprintf(w, "  %-24s  %s\n", r[0], r[1])
	}
	if c.more != "" {
		fmt.Fprintf(w, "\n%s\n", c.more)
	}
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }
