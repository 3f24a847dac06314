package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/internal/hosttest"
)

// settings.json's logLevel sets the level; $CIF_BRIDGE_LOG_LEVEL wins.
func TestTheLogLevelComesFromSettingsUnlessTheEnvironmentSaysOtherwise(t *testing.T) {
	dirs := hosttest.NewDirs(t)
	host := dirs.Host(t)
	require.NoError(t, os.MkdirAll(host.Config, 0o700))
	require.NoError(t, os.WriteFile(host.SettingsFile(), []byte(`{"logLevel": "warn"}`), 0o600))
	const chromium = "chrome-extension://aacpoilajhhjiddkhdigidknphfhbeif/"

	// Started as Chromium starts it, with no input: cif-host serves, reads the end of its
	// input at once and stops, logging "started" and "stopped" at info.
	_, stderr, code := hosttest.Command(t, append(dirs.Env(), "CIF_BRIDGE_LOG_LEVEL="), chromium)
	require.Equal(t, 0, code, stderr)
	assert.NotContains(t, stderr, "msg=started", "settings.json's warn hides info lines")
	log, err := os.ReadFile(filepath.Join(host.State, "cif-host.log"))
	require.NoError(t, err)
	assert.NotContains(t, string(log), "msg=started", "in the file too")

	_, stderr, code = hosttest.Command(t, append(dirs.Env(), "CIF_BRIDGE_LOG_LEVEL=info"), chromium)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "msg=started", "the environment wins")
	log, err = os.ReadFile(filepath.Join(host.State, "cif-host.log"))
	require.NoError(t, err)
	assert.Contains(t, string(log), "msg=started")
}
