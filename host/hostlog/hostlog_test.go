package hostlog

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChooseLevel(t *testing.T) {
	for _, tt := range []struct {
		env, setting string
		want         slog.Level
		from         string
		problem      string
	}{
		{"", "", slog.LevelInfo, "default", ""},
		{"", "debug", slog.LevelDebug, "settings.json", ""},
		{"", "WARN", slog.LevelWarn, "settings.json", ""},
		{"error", "debug", slog.LevelError, "$CIF_BRIDGE_LOG_LEVEL", ""},
		{"loud", "debug", slog.LevelDebug, "settings.json", `$CIF_BRIDGE_LOG_LEVEL is "loud", not a level; use one of debug, info, warn, error`},
		{"", "verbose", slog.LevelInfo, "default", `settings.json is "verbose", not a level; use one of debug, info, warn, error`},
	} {
		l := ChooseLevel(tt.env, tt.setting)
		assert.Equal(t, tt.want, l.Level, "%+v", tt)
		assert.Equal(t, tt.from, l.From, "%+v", tt)
		assert.Equal(t, tt.problem, l.Problem, "%+v", tt)
	}
}

func TestTheFileRotatesBySizeAndKeepsAFew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "cif-host.log")
	var stderr bytes.Buffer
	l, closeLog := Open(Options{Path: path, Stderr: &stderr, Level: ChooseLevel("", "debug"), MaxMegabytes: 1, Backups: 2})
	line := strings.Repeat("x", 1000)
	for i := 0; i < 4500; i++ { // about 4.5 MB: four rotations
		l.Debug("filler", "n", i, "text", line)
	}
	closeLog()
	// lumberjack removes the oldest files in a goroutine of its own, which
	// nothing can wait on: poll, bounded.
	require.Eventually(t, func() bool { return len(Files(path)) == 3 }, 10*time.Second, 10*time.Millisecond,
		"the current file and the two newest rotated ones are kept: %v", Files(path))
	files := Files(path)
	assert.Equal(t, path, files[0])
	for _, f := range files {
		st, err := os.Stat(f)
		require.NoError(t, err)
		assert.LessOrEqual(t, st.Size(), int64(1<<20), "%s stays under the limit", f)
		assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "%s is the user's alone", f)
	}
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(data), "n=4499", "the newest lines are in the current file")
	st, err := os.Stat(filepath.Dir(path))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), st.Mode().Perm())
}

func TestAnUnwritableFileLeavesStderrAndSaysWhy(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cif-host.log")
	require.NoError(t, os.Mkdir(path, 0o700)) // a folder where the file should be
	var stderr bytes.Buffer
	l, closeLog := Open(Options{Path: path, Stderr: &stderr, Level: ChooseLevel("loud", "")})
	defer closeLog()
	l.Info("hello")
	assert.Contains(t, stderr.String(), "cannot open the log file; logging to stderr only")
	assert.Contains(t, stderr.String(), `log level ignored" problem="$CIF_BRIDGE_LOG_LEVEL is \"loud\", not a level`)
	assert.Contains(t, stderr.String(), "msg=hello")
}
