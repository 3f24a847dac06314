// Package hostlog is cif-host's log: to stderr, which Chromium shows when
// started from a terminal and Firefox in its Browser Console, and to a
// file in the state folder, rotated by size (gopkg.in/natefinch/lumberjack)
// so that a few recent files are kept and the folder never grows without
// bound.
package hostlog

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/natefinch/lumberjack.v2"
)

// The rotation's defaults: past MaxMegabytes the file is renamed with
// the time (cif-host-2026-01-02T15-04-05.000.log) and a new one started;
// the newest Backups renamed files are kept.
const (
	MaxMegabytes = 4
	Backups      = 3
)

// EnvVar names the environment variable that sets the level; it wins
// over settings.json's logLevel.
const EnvVar = "CIF_BRIDGE_LOG_LEVEL"

// Levels are the level names the settings and EnvVar take.
var Levels = []string{"debug", "info", "warn", "error"}

// Level is the chosen level and where it came from.
type Level struct {
	Level slog.Level
	// From is EnvVar, "settings.json" or "default".
	From string
	// Problem says why a value was ignored ("" when none was).
	Problem string
}

func (l Level) String() string {
	return strings.ToLower(l.Level.String()) + " (" + l.From + ")"
}

// ChooseLevel picks the level: the environment variable's value when set,
// else settings.json's logLevel, else info. A value that is not a level
// is ignored, and Problem says so.
func ChooseLevel(env, setting string) Level {
	out := Level{Level: slog.LevelInfo, From: "default"}
	for _, c := range []struct{ value, from string }{{env, "$" + EnvVar}, {setting, "settings.json"}} {
		if c.value == "" {
			continue
		}
		if lv, ok := parse(c.value); ok {
			out.Level, out.From = lv, c.from
			return out
		}
		if out.Problem == "" {
			out.Problem = fmt.Sprintf("%s is %q, not a level; use one of %s", c.from, c.value, strings.Join(Levels, ", "))
		}
	}
	return out
}

// ValidLevel reports whether name is one of Levels, in any case.
func ValidLevel(name string) bool {
	_, ok := parse(name)
	return ok
}

func parse(name string) (slog.Level, bool) {
	for _, l := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
		if strings.EqualFold(name, l.String()) {
			return l, true
		}
	}
	return 0, false
}

// Options say where and how to log.
type Options struct {
	// Path is the log file.
	Path   string
	Stderr io.Writer
	Level  Level
	// MaxMegabytes and Backups override the rotation's defaults.
	MaxMegabytes, Backups int
}

// Open returns a logger writing to stderr and to the file, and a function
// that closes the file. A file that cannot be opened leaves stderr, and
// the logger says why; so does a level that was ignored.
func Open(o Options) (*slog.Logger, func()) {
	opts := &slog.HandlerOptions{Level: o.Level.Level}
	toStderr := slog.NewTextHandler(o.Stderr, opts)
	l, closeFile := slog.New(toStderr), func() {}
	if err := check(o.Path); err != nil {
		l.Warn("cannot open the log file; logging to stderr only", "error", err)
	} else {
		f := &lumberjack.Logger{Filename: o.Path, MaxSize: or(o.MaxMegabytes, MaxMegabytes), MaxBackups: or(o.Backups, Backups)}
		l = slog.New(slog.NewMultiHandler(toStderr, slog.NewTextHandler(f, opts)))
		closeFile = func() { f.Close() }
	}
	if o.Level.Problem != "" {
		l.Warn("log level ignored", "problem", o.Level.Problem, "level", o.Level.String())
	}
	return l, closeFile
}

// check makes the log's folder (private to the user) and opens the file
// once, so that a folder or file cif-host cannot write is reported now,
// not lost by the rotating writer.
func check(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}

// Files are the log file and its rotated predecessors that exist, newest
// first after the current one.
func Files(path string) []string {
	var out []string
	if _, err := os.Stat(path); err == nil {
		out = append(out, path)
	}
	ext := filepath.Ext(path)
	old, _ := filepath.Glob(strings.TrimSuffix(path, ext) + "-*" + ext)
	for i := len(old) - 1; i >= 0; i-- { // the names sort by time
		out = append(out, old[i])
	}
	return out
}

func or(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}
