package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/internal/hosttest"
	"github.com/cifbridge/cif-bridge/protocol"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

func TestMain(m *testing.M) {
	code := hosttest.Main(m)
	if organisation.dir != "" {
		os.RemoveAll(organisation.dir)
	}
	os.Exit(code)
}

const provider = "http://127.0.0.1:8080"

func TestHelloReportsVersionsCapabilitiesAndLimits(t *testing.T) {
	p := hosttest.Start(t, hosttest.NewDirs(t))
	res := p.Hello("profile-1")
	assert.Equal(t, "0.1.0", res["hostVersion"], "the extension's version")
	assert.EqualValues(t, protocol.ProtocolVersion, res["protocolVersion"])
	assert.Contains(t, res["capabilities"], "createSession")
	assert.Equal(t, map[string]any{"maxSessions": 10.0, "maxTabsPerSession": 20.0, "maxSessionBytes": 262144.0, "maxRequestBytes": 1048576.0, "maxResponseBytes": 1048576.0}, res["limits"])
	assert.Equal(t, p.Dirs.StateFile(t, "profile-1"), res["stateFile"])
	assert.Empty(t, res["problems"])
}

func TestHelloRefusesAnotherProtocolVersion(t *testing.T) {
	p := hosttest.Start(t, hosttest.NewDirs(t))
	m := p.Call("hello", map[string]any{"protocolVersion": 99, "extensionVersion": "9.0.0", "profileId": "p"})
	require.NotNil(t, m.Error)
	assert.Equal(t, errcode.ProtocolMismatch, m.Error.Code)
	assert.Equal(t, `the extension (version "9.0.0") speaks protocol 99 and cif-host 0.1.0 speaks protocol 2; install matching versions of both (run ./install.sh from the same checkout as the extension)`, m.Error.Message)
}

func TestCallsBeforeHelloAreRefused(t *testing.T) {
	p := hosttest.Start(t, hosttest.NewDirs(t))
	m := p.Call("canCreateSession", hosttest.As(provider, nil))
	require.NotNil(t, m.Error)
	assert.Equal(t, errcode.HandshakeRequired, m.Error.Code)
}

func TestCreateSessionThroughTheBinary(t *testing.T) {
	p := hosttest.Start(t, hosttest.NewDirs(t))
	p.Hello("profile-1")
	var can bool
	p.Result("canCreateSession", hosttest.As(provider, nil), &can)
	assert.True(t, can)

	var id string
	p.Result("createSession", hosttest.As(provider, map[string]any{"input": map[string]any{
		"templateName": "msdyn_chat_session", "templateParameters": map[string]any{"customer": "Contoso"},
	}}), &id)
	assert.Regexp(t, `^session-[0-9a-f-]{36}$`, id)

	m := p.Call("createSession", hosttest.As(provider, map[string]any{"input": map[string]any{"templateName": "nope"}}))
	require.NotNil(t, m.Error)
	assert.Equal(t, errcode.TemplateNotFound, m.Error.Code)
	assert.Contains(t, m.Error.Message, "Did not find template by name (nope).")
}

func TestAMalformedFrameGetsAnErrorAndTheHostGoesOn(t *testing.T) {
	p := hosttest.Start(t, hosttest.NewDirs(t))
	p.SendRaw([]byte(`{"jsonrpc":"2.0","id":1,"method":`))
	m := p.Read()
	require.NotNil(t, m.Error)
	assert.Equal(t, errcode.ParseError, m.Error.Code)
	assert.JSONEq(t, "null", string(m.ID))
	p.Hello("profile-1")
}

func TestExitsPromptlyWhenTheBrowserClosesStdin(t *testing.T) {
	p := hosttest.Start(t, hosttest.NewDirs(t))
	p.Hello("profile-1")
	p.CloseStdin()
	assert.Equal(t, 0, p.Wait(exitBound))
}

func TestExitsWhenTheStreamIsNotNativeMessaging(t *testing.T) {
	p := hosttest.Start(t, hosttest.NewDirs(t))
	p.SendBytes([]byte("GET / HTTP/1.1\r\n"))
	assert.Equal(t, 1, p.Wait(exitBound))
	assert.Contains(t, p.Stderr(), "input is not native messaging; closing")
}

func TestAcceptsEveryBrowsersArgv(t *testing.T) {
	for name, args := range map[string][]string{
		"chromium":         {"chrome-extension://aacpoilajhhjiddkhdigidknphfhbeif/"},
		"chromium windows": {"chrome-extension://aacpoilajhhjiddkhdigidknphfhbeif/", "--parent-window=0"},
		"firefox":          {"/home/u/.mozilla/native-messaging-hosts/com.cifbridge.host.json", "cif-bridge@cifbridge.org"},
		"unknown extras":   {"chrome-extension://aacpoilajhhjiddkhdigidknphfhbeif/", "--reconnect-command=abc", "extra"},
	} {
		t.Run(name, func(t *testing.T) {
			p := hosttest.Start(t, hosttest.NewDirs(t), args...)
			p.Hello("profile-1")
		})
	}
}

func TestRefusesACallerItWasNotInstalledFor(t *testing.T) {
	stranger := "chrome-extension://" + strings.Repeat("b", 32) + "/"
	for name, args := range map[string][]string{
		"chromium": {stranger},
		"firefox":  {"/home/u/.mozilla/native-messaging-hosts/com.cifbridge.host.json", "evil@example.org"},
	} {
		t.Run(name, func(t *testing.T) {
			p := hosttest.Start(t, hosttest.NewDirs(t), args...)
			m := p.Call("hello", map[string]any{"protocolVersion": protocol.ProtocolVersion, "extensionVersion": "x", "profileId": "p"})
			require.NotNil(t, m.Error)
			assert.Equal(t, errcode.OriginNotAllowed, m.Error.Code)
			assert.Equal(t, "cif-host was started for "+args[len(args)-1]+", which is not the CIF Bridge extension it was installed for; if that extension is yours, run `cif-host install --extension-id ID` with its id", m.Error.Message)
			p.WaitStderr("refusing a caller the installed manifests do not admit")
		})
	}
}

func TestAdmitsAnExtensionInstalledWithItsID(t *testing.T) {
	dirs := hosttest.NewDirs(t)
	id := strings.Repeat("c", 32)
	_, stderr, code := hosttest.Command(t, []string{"HOME=" + t.TempDir(), "XDG_CONFIG_HOME=" + dirs.Config, "XDG_STATE_HOME=" + dirs.State},
		"install", "--browser", "chromium", "--extension-id", id, "--host", hosttest.Binary(t))
	require.Equal(t, 0, code, stderr)
	p := hosttest.Start(t, dirs, "chrome-extension://"+id+"/")
	p.Hello("profile-1")
}
