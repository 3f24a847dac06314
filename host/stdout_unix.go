//go:build unix

package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// takeStdout moves the real stdout (the browser's pipe) to a private
// descriptor and points descriptor 1 at stderr, so that nothing but the
// protocol writer can ever put bytes on the pipe: not a stray print, not
// a library, not a child process.
func takeStdout(stdout, stderr *os.File) (*os.File, error) {
	fd, err := unix.Dup(int(stdout.Fd()))
	if err != nil {
		return nil, fmt.Errorf("keep stdout private: %w", err)
	}
	unix.CloseOnExec(fd)
	if err := unix.Dup2(int(stderr.Fd()), int(stdout.Fd())); err != nil {
		return nil, fmt.Errorf("point stdout at stderr: %w", err)
	}
	os.Stdout = stderr
	return os.NewFile(uintptr(fd), "browser-pipe"), nil
}

// ignoreBrokenPipe lets a write to a closed pipe return EPIPE, which the
// server treats as the browser leaving, instead of killing the process.
func ignoreBrokenPipe() { signal.Ignore(syscall.SIGPIPE) }
