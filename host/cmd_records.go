package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/records/cli"
)

// runRecords runs `cif-host records …`: import, export, the sample
// organisation, queries, and where the organisation is.
func runRecords(args []string, stdout, stderr io.Writer) int {
	home, _ := os.UserHomeDir()
	dirs, err := config.Resolve(config.Env{Getenv: os.Getenv, Home: home, GOOS: runtime.GOOS})
	if err != nil {
		fmt.Fprintf(stderr, "cif-host records: %v\n", err)
		return 1
	}
	settings, problems := config.LoadSettings(dirs.SettingsFile())
	for _, p := range problems {
		fmt.Fprintf(stderr, "warning: %s\n", p)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return cli.Run(ctx, args, cli.Env{Dirs: dirs, Settings: settings, Stdin: os.Stdin, Stdout: stdout, Stderr: stderr})
}
