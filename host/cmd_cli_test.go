package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cifbridge/cif-bridge/extension"
	"github.com/cifbridge/cif-bridge/internal/hosttest"
)

// Every subcommand follows the same conventions: help on stdout with
// exit 0, GNU-style options, unknown options refused in one line with
// exit 2.
func TestEverySubcommandsHelpAndUnknownOptions(t *testing.T) {
	for _, cmd := range []string{"install", "uninstall", "doctor", "demo", "version"} {
		t.Run(cmd, func(t *testing.T) {
			for _, args := range [][]string{{cmd, "--help"}, {cmd, "-h"}, {cmd, "help"}, {"help", cmd}} {
				out, errOut, code := hosttest.Command(t, nil, args...)
				assert.Equal(t, 0, code, "%v", args)
				assert.Empty(t, errOut, "%v", args)
				assert.True(t, strings.HasPrefix(out, "Usage: cif-host "+cmd), "%v prints the usage first:\n%s", args, out)
				assert.Contains(t, out, "  -h, --help ", "%v", args)
				for _, line := range strings.Split(out, "\n") {
					if strings.HasPrefix(line, "  -") && !strings.HasPrefix(line, "  -h, --help") {
						assert.True(t, strings.HasPrefix(line, "  --"), "options are shown GNU-style: %q", line)
					}
				}
			}
			out, errOut, code := hosttest.Command(t, nil, cmd, "--bogus")
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Equal(t, "cif-host "+cmd+": unknown option --bogus; run `cif-host help "+cmd+"`\n", errOut)
		})
	}
}

func TestVersionIsTheExtensionManifests(t *testing.T) {
	m, err := extension.ReadManifest()
	assert.NoError(t, err)
	for _, args := range [][]string{{"--version"}, {"version"}} {
		out, errOut, code := hosttest.Command(t, nil, args...)
		assert.Equal(t, 0, code, errOut)
		assert.Equal(t, m.Version+"\n", out)
	}
}

func TestTopLevelHelpAndUnknowns(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		out, _, code := hosttest.Command(t, nil, args...)
		assert.Equal(t, 0, code)
		assert.Contains(t, out, "Usage: cif-host COMMAND [options]")
	}
	for args, want := range map[string]string{
		"--bogus":    "cif-host: unknown option \"--bogus\"; run `cif-host help`\n",
		"bogus":      "cif-host: unknown command \"bogus\"; run `cif-host help`\n",
		"help bogus": "cif-host: unknown command \"bogus\"; run `cif-host help`\n",
		"help a b":   "cif-host help: name one command, such as `cif-host help install`\n",
	} {
		out, errOut, code := hosttest.Command(t, nil, strings.Fields(args)...)
		assert.Equal(t, 2, code, args)
		assert.Empty(t, out, args)
		assert.Equal(t, want, errOut, args)
	}
}
