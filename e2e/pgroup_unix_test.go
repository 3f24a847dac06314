//go:build unix

package e2e

import (
	"os/exec"
	"syscall"
)

// ownGroup makes cmd the leader of a new process group, so that the
// browser and every cif-host it starts can be stopped together.
func ownGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

// signalGroup asks the process group led by pgid to end (SIGTERM), or
// forces it (SIGKILL).
func signalGroup(pgid int, force bool) {
	sig := syscall.SIGTERM
	if force {
		sig = syscall.SIGKILL
	}
	_ = syscall.Kill(-pgid, sig)
}

// killPID ends one process at once.
func killPID(pid int) error { return syscall.Kill(pid, syscall.SIGKILL) }
