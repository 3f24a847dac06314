//go:build linux

package doctor

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A host that hangs is ended with everything it started: a wrapper's
// children must not outlive doctor.
func TestAHungHostIsKilledWithItsWholeProcessGroup(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	host := filepath.Join(dir, "hung-host")
	script := "#!/bin/sh\nsleep 300 &\necho $! > " + pidFile + "\nwait\n"
	require.NoError(t, os.WriteFile(host, []byte(script), 0o755))

	_, err := hello(host, []string{"chrome-extension://aacpoilajhhjiddkhdigidknphfhbeif/"}, nil, 2*time.Second)
	require.ErrorContains(t, err, "no answer within 2s")

	data, err := os.ReadFile(pidFile)
	require.NoError(t, err, "the script started its child")
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	require.NoError(t, err)
	// SIGKILL was sent before hello returned; the child's exit is the
	// kernel's to finish, so look, bounded, until it has.
	require.Eventually(t, func() bool { return gone(pid) }, 10*time.Second, 10*time.Millisecond,
		"the hung host's child %d still runs", pid)
}

// gone reports whether pid no longer runs (exited, or a zombie waiting
// for whoever adopted it).
func gone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return errors.Is(err, os.ErrNotExist)
	}
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(fields) > 0 && fields[0] == "Z"
}
