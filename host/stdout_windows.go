//go:build windows

package main

import (
	"os"
)

// takeStdout keeps the real stdout for the protocol writer and points
// os.Stdout at stderr, so that no stray print reaches the browser's pipe.
func takeStdout(stdout, stderr *os.File) (*os.File, error) {
	os.Stdout = stderr
	return stdout, nil
}

// ignoreBrokenPipe has nothing to do: Windows has no SIGPIPE.
func ignoreBrokenPipe() {}
