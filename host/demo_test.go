package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/internal/hosttest"
)

// demoCommand runs `cif-host demo args...`, killed if it outlives the test.
func demoCommand(t *testing.T, args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return exec.CommandContext(ctx, hosttest.Binary(t), append([]string{"demo"}, args...)...)
}

func TestDemoServesItsPageUntilStopped(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("stops with SIGTERM, which Windows cannot send")
	}
	cmd := demoCommand(t, "--port", "0")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	out := bufio.NewReader(stdout)
	first, err := out.ReadString('\n')
	require.NoError(t, err, "stderr: %s", stderr.String())
	url, ok := strings.CutPrefix(strings.TrimSpace(first), "CIF Bridge demo: open ")
	require.True(t, ok, "the first line says where to go: %q", first)
	assert.Regexp(t, `^http://127\.0\.0\.1:[1-9][0-9]*/$`, url)

	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(url)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "<title>Contoso softphone — CIF Bridge demo</title>")

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	rest, err := io.ReadAll(out)
	require.NoError(t, err)
	require.NoError(t, cmd.Wait(), "stderr: %s", stderr.String())
	assert.Equal(t, "in the browser where the CIF Bridge extension is loaded. Ctrl-C stops the demo.\nCIF Bridge demo stopped.\n", string(rest))
	assert.Empty(t, stderr.String())
}

func TestDemoSaysWhenItsPortIsTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	port := strconv.Itoa(taken.Addr().(*net.TCPAddr).Port)

	cmd := demoCommand(t, "--port", port)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 1, exit.ExitCode())
	assert.Equal(t, "cif-host demo: port "+port+" is already in use (if the demo is already running there, open http://127.0.0.1:"+port+"/); choose another with --port N, or --port 0 for a free one\n", stderr.String())
}

func TestDemoRefusesBadArguments(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--port", "70000"}, "cif-host demo: --port 70000 is not a port; give 1 to 65535, or 0 for a free one\n"},
		{[]string{"--port", "-1"}, "cif-host demo: --port -1 is not a port; give 1 to 65535, or 0 for a free one\n"},
		{[]string{"now"}, "cif-host demo: unexpected \"now\"; the only option is --port N\n"},
		{[]string{"--port", "x"}, "cif-host demo: invalid value \"x\" for flag --port: parse error; run `cif-host help demo`\n"},
	} {
		cmd := demoCommand(t, c.args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "%v", c.args)
		assert.Equal(t, 2, exit.ExitCode(), "%v", c.args)
		assert.True(t, strings.HasPrefix(stderr.String(), c.want), "%v: %s", c.args, stderr.String())
	}
}
