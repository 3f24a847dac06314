package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"

	"github.com/cifbridge/cif-bridge/host/api"
	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/hostlog"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/organization"
	"github.com/cifbridge/cif-bridge/host/server"
	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/manifest"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// serve runs the protocol on stdin and stdout until the browser lets go.
func serve(args []string, stdin *os.File, stdout, stderr *os.File) int {
	// First, before anything is written: a browser may close stderr, and
	// a write to a broken stderr must fail, not kill the host.
	ignoreBrokenPipe()
	out, err := takeStdout(stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "cif-host: %v\n", err)
		return 1
	}
	home, _ := os.UserHomeDir()
	dirs, err := config.Resolve(config.Env{Getenv: os.Getenv, Home: home, GOOS: runtime.GOOS})
	if err != nil {
		fmt.Fprintf(stderr, "cif-host: %v\n", err)
		return 1
	}
	// Settings first: they choose the log's level.
	settings, settingsProblems := config.LoadSettings(dirs.SettingsFile())
	logger, closeLog := hostlog.Open(hostlog.Options{Path: dirs.LogFile(), Stderr: stderr,
		Level: hostlog.ChooseLevel(os.Getenv(hostlog.EnvVar), settings.LogLevel)})
	defer closeLog()
	caller, admitted := manifest.Admitted(manifest.OSEnv(), dirs.State).Admits(args)
	logger = logger.With("pid", os.Getpid())
	logger.Info("started", "version", version(), "caller", caller, "args", strings.Join(args, " "))
	var refusal *errcode.Error
	if !admitted {
		// The browser checks its manifest's allow list; this is the second lock.
		logger.Error("refusing a caller the installed manifests do not admit", "caller", caller)
		refusal = errcode.Errorf(errcode.OriginNotAllowed,
			"cif-host was started for %s, which is not the CIF Bridge extension it was installed for; if that extension is yours, run `cif-host install --extension-id ID` with its id", caller)
	}

	catalog, problems := templates.Load(dirs.TemplatesFile())
	problems = append(problems, settingsProblems...)
	org, entityProblems := organization.Open(dirs, settings, logger)
	defer org.Close()
	for _, p := range entityProblems {
		problems = append(problems, entityProblem(p))
	}
	for _, p := range problems {
		logger.Warn("configuration problem", "problem", p.String())
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGHUP, os.Interrupt)
	defer stop()

	handler := api.New(api.Config{
		HostVersion: version(),
		Dirs:        dirs,
		Catalog:     catalog,
		Problems:    problems,
		Settings:    settings,
		Logger:      logger,
		Refusal:     refusal,
		Records:     org,
	})
	err = server.Serve(ctx, stdin, out, handler, logger)
	if err != nil {
		logger.Error("stopped", "error", err)
		return 1
	}
	logger.Info("stopped")
	return 0
}

// entityProblem reports a fault in entities.json as hello reports the
// templates' and settings' faults: the entity in place of the template.
func entityProblem(p metadata.Problem) templates.Problem {
	field := p.Field
	if p.Attribute != "" {
		field = strings.TrimSuffix("attributes."+p.Attribute+"."+p.Field, ".")
	}
	return templates.Problem{File: p.File, Template: p.Entity, Field: field, Message: p.Message}
}
