package manifest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Env is the machine the browser table describes: its system, the user's
// home and environment, and how to tell what is installed. Tests build
// one around temporary folders, for any GOOS, on any machine.
type Env struct {
	// GOOS is "linux", "darwin" or "windows" (other Unix systems get
	// Linux's table).
	GOOS   string
	Home   string
	Getenv func(string) string
	// LookPath finds a program on $PATH (exec.LookPath).
	LookPath func(string) (string, error)
	// Exists reports whether a path exists (os.Stat).
	Exists func(string) bool
	// Root is put in front of every machine-wide path on Linux and macOS
	// (system manifest folders, policy files, /Applications, the record
	// of a system install): "" on a real machine, a temporary folder in
	// tests.
	Root string
	// Registry is the Windows registry; nil elsewhere.
	Registry Registry
}

// OSEnv is the running system's Env.
func OSEnv() Env {
	home, _ := os.UserHomeDir()
	return Env{
		GOOS: runtime.GOOS, Home: home, Getenv: os.Getenv, LookPath: exec.LookPath,
		Exists:   func(p string) bool { _, err := os.Stat(p); return err == nil },
		Registry: SystemRegistry(),
	}
}

// Join joins path elements with env's separator, so that the Windows
// table reads as on Windows even where a test builds it on Linux.
func (e Env) Join(elem ...string) string {
	if e.GOOS == "windows" && filepath.Separator != '\\' {
		parts := make([]string, len(elem))
		for i, p := range elem {
			parts[i] = strings.TrimRight(p, `\`)
		}
		return strings.Join(parts, `\`)
	}
	return filepath.Join(elem...)
}

// Dir is filepath.Dir with env's separator.
func (e Env) Dir(path string) string {
	if e.GOOS == "windows" && filepath.Separator != '\\' {
		if i := strings.LastIndex(path, `\`); i > 0 {
			return path[:i]
		}
	}
	return filepath.Dir(path)
}

// system places a machine-wide absolute path under Root.
func (e Env) system(path string) string {
	if e.Root == "" {
		return path
	}
	return filepath.Join(e.Root, path)
}

// home is a path inside the user's home folder.
func (e Env) home(elem ...string) string { return e.Join(append([]string{e.Home}, elem...)...) }

// IsAbs reports whether path is absolute on env's system.
func (e Env) IsAbs(path string) bool {
	if e.GOOS == "windows" {
		return len(path) > 2 && path[1] == ':' && (path[2] == '\\' || path[2] == '/') ||
			strings.HasPrefix(path, `\\`) || filepath.IsAbs(path)
	}
	return strings.HasPrefix(path, "/")
}

// getenvAbs returns an environment variable that holds an absolute path,
// or "": a relative value names no fixed place, so it is ignored.
func (e Env) getenvAbs(name string) string {
	if v := e.Getenv(name); e.IsAbs(v) {
		return v
	}
	return ""
}
