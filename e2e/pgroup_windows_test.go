//go:build windows

package e2e

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// The end-to-end tests run on Linux (they read /proc); on Windows they
// only have to compile, so that `GOOS=windows go vet ./...` checks them.

// ownGroup starts cmd in a new process group.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}

// signalGroup ends the group's leader; Windows has no signal for a group.
func signalGroup(pgid int, _ bool) {
	if p, err := os.FindProcess(pgid); err == nil {
		_ = p.Kill()
	}
}

// killPID ends one process at once.
func killPID(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return nil // it ended since it was listed
	}
	if err := p.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return nil
}
