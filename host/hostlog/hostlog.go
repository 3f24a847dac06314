// Package hostlog is cif-host's log: to stderr, which Chromium shows when
// started from a terminal and Firefox in its Browser Console, and to a
// file in the state folder that keeps the previous run's log once it
// grows past a few MiB.
package hostlog

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
)

// maxBytes is the size past which a run starts a new log file, keeping the
// last one as .1.
const maxBytes = 4 << 20

// Open returns a logger writing to stderr and to the file at path, at the
// level named (debug, info, warn, error; info when empty or unknown), and
// a function that closes the file. A file that cannot be opened leaves
// stderr, and the logger says why.
func Open(path string, stderr io.Writer, level string) (*slog.Logger, func()) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil || level == "" {
		lv = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lv}
	toStderr := slog.NewTextHandler(stderr, opts)
	f, err := openFile(path)
	if err != nil {
		l := slog.New(toStderr)
		l.Warn("cannot open the log file; logging to stderr only", "error", err)
		return l, func() {}
	}
	return slog.New(slog.NewMultiHandler(toStderr, slog.NewTextHandler(f, opts))), func() { f.Close() }
}

func openFile(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	if st, err := os.Stat(path); err == nil && st.Size() > maxBytes {
		_ = os.Rename(path, path+".1")
	}
	return os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
}
