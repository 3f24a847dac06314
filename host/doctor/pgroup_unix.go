//go:build unix

package doctor

import (
	"os/exec"
	"syscall"
)

// ownGroup starts the host in a process group of its own, and makes
// cancelling its command kill the whole group: a host that hangs may be
// a wrapper (a shell script, flatpak-spawn) whose children would
// otherwise outlive doctor, holding the pipes open.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		// The leader is not reaped before Cancel returns, so its pid
		// still names this group.
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
