package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/cifbridge/cif-bridge/host/demo"
)

// defaultDemoPort is where `cif-host demo` serves unless told otherwise.
const defaultDemoPort = 8700

// runDemo runs `cif-host demo`: it serves the demo provider page on this
// machine until Ctrl-C or SIGTERM.
func runDemo(args []string, stdout, stderr io.Writer) int {
	c := newCommand("demo", "[options]", "Serve a demo provider console on 127.0.0.1 that opens chat, call and SMS sessions\n"+
		"through Microsoft.CIFramework. Open the address it prints in the browser where the\n"+
		"CIF Bridge extension is loaded; Ctrl-C stops it.")
	port := c.flags.Int("port", defaultDemoPort, "serve on this `port` of 127.0.0.1; 0 picks a free one")
	c.stray = "the only option is --port N"
	if code, done := c.parse(args, stdout, stderr); done {
		return code
	}
	if *port < 0 || *port > 65535 {
		fmt.Fprintf(stderr, "cif-host demo: --port %d is not a port; give 1 to 65535, or 0 for a free one\n", *port)
		return 2
	}
	ln, err := demo.Listen(net.JoinHostPort("127.0.0.1", strconv.Itoa(*port)))
	if errors.Is(err, syscall.EADDRINUSE) {
		fmt.Fprintf(stderr, "cif-host demo: port %d is already in use (if the demo is already running there, open http://127.0.0.1:%d/); choose another with --port N, or --port 0 for a free one\n", *port, *port)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "cif-host demo: %v; choose another port with --port N, or --port 0 for a free one\n", err)
		return 1
	}
	// Catch the signals before saying where to go, so that a stop that
	// follows at once is still graceful.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stdout, "CIF Bridge demo: open http://%s/\nin the browser where the CIF Bridge extension is loaded. Ctrl-C stops the demo.\n", ln.Addr())
	if err := demo.Serve(ctx, ln); err != nil {
		fmt.Fprintf(stderr, "cif-host demo: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "CIF Bridge demo stopped.")
	return 0
}
