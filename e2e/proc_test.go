package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hostPIDs lists the cif-host processes in a browser's process group.
func hostPIDs(r *running) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...; comm may hold spaces, so split after ")".
		s := string(stat)
		open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || close < 0 || s[open+1:close] != "cif-host" {
			continue
		}
		fields := strings.Fields(s[close+1:])
		if len(fields) > 2 && fields[2] == strconv.Itoa(r.cmd.Process.Pid) && fields[0] != "Z" {
			pids = append(pids, pid)
		}
	}
	return pids
}

// waitHosts waits, with a bound, until the browser's group holds a
// cif-host set that satisfies ok, and returns it.
func waitHosts(t *testing.T, r *running, what string, ok func([]int) bool) []int {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		pids := hostPIDs(r)
		if ok(pids) {
			return pids
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 20 s for %s; cif-host processes now: %v\nhost log:\n%s", what, pids, r.w.hostLog())
		}
		time.Sleep(20 * time.Millisecond) // polling /proc, bounded above
	}
}

func kill(t *testing.T, pids []int) {
	t.Helper()
	for _, pid := range pids {
		if err := killPID(pid); err != nil {
			t.Fatalf("kill cif-host %d: %v", pid, err)
		}
	}
}
