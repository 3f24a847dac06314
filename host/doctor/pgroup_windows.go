//go:build windows

package doctor

import "os/exec"

// ownGroup leaves the default on Windows: cancelling kills the host's own
// process. (A job object would be needed to end its children too; a
// Windows host manifest names cif-host.exe itself, not a wrapper.)
func ownGroup(*exec.Cmd) {}
