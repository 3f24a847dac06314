// Command echohost is the bare native-messaging host the benchmarks
// measure cif-host against (package echo). Started by a browser, under
// cif-host's host name in a benchmark's own profile, it answers every
// call with nothing; started as `echohost raw` it echoes frames unread.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/cifbridge/cif-bridge/internal/echo"
)

func main() {
	raw := len(os.Args) > 1 && os.Args[1] == "raw"
	if err := echo.Serve(os.Stdin, os.Stdout, raw); err != nil && !errors.Is(err, io.EOF) {
		fmt.Fprintln(os.Stderr, "echohost:", err)
		os.Exit(1)
	}
}
