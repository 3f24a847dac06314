package demo

import (
	"context"
	"io"
	"io/fs"
	"net"
	"net/http"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// start serves the demo on a free port until the test ends and returns its
// base URL.
func start(t *testing.T) string {
	t.Helper()
	ln, err := Listen("127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Error("Serve did not return within 10 s of being stopped")
		}
	})
	return "http://" + ln.Addr().String()
}

var client = &http.Client{Timeout: 10 * time.Second}

func get(t *testing.T, method, url string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

func file(t *testing.T, name string) string {
	t.Helper()
	b, err := fs.ReadFile(files, name)
	require.NoError(t, err)
	return string(b)
}

func TestServesTheConsoleAndItsFilesWithTheirTypes(t *testing.T) {
	base := start(t)
	for _, c := range []struct{ path, file, ctype string }{
		{"/", "index.html", "text/html; charset=utf-8"},
		{"/index.html", "index.html", "text/html; charset=utf-8"},
		{"/app.js", "app.js", "text/javascript; charset=utf-8"},
		{"/format.js", "format.js", "text/javascript; charset=utf-8"},
		{"/style.css", "style.css", "text/css; charset=utf-8"},
		{"/customer.html", "customer.html", "text/html; charset=utf-8"},
		{"/customer.js", "customer.js", "text/javascript; charset=utf-8"},
		{"/favicon.svg", "favicon.svg", "image/svg+xml"},
	} {
		resp, body := get(t, http.MethodGet, base+c.path+"?name=Ada")
		assert.Equal(t, http.StatusOK, resp.StatusCode, c.path)
		assert.Equal(t, c.ctype, resp.Header.Get("Content-Type"), c.path)
		assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), c.path)
		assert.Equal(t, policy, resp.Header.Get("Content-Security-Policy"), c.path)
		assert.Equal(t, file(t, c.file), body, c.path)
	}
}

func TestHeadAnswersWithoutABodyAndOtherMethodsAreRefused(t *testing.T) {
	base := start(t)
	resp, body := get(t, http.MethodHead, base+"/")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Empty(t, body)

	resp, body = get(t, http.MethodPost, base+"/")
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.Equal(t, "GET, HEAD", resp.Header.Get("Allow"))
	assert.Equal(t, "the demo serves files only: use GET\n", body)
}

func TestEverythingElseIs404(t *testing.T) {
	base := start(t)
	for _, p := range []string{
		"/nope", "/nope.html", "/index.html/", "/static/index.html", "/demo.go", "/format.test.js",
		"/package.json", "/..%2fdemo.go", "/%2e%2e/demo.go", "//index.html", "/.", "/index",
	} {
		resp, body := get(t, http.MethodGet, base+p)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, p)
		assert.Equal(t, "404 not found: the demo console is at /\n", body, p)
	}
}

// reference finds the addresses a page, script or style sheet loads.
var reference = regexp.MustCompile(`(?:\b(?:src|href)="([^"]*)"|\bfrom "([^"]*)"|\bimport\("([^"]*)"\)|url\(([^)]*)\)|@import "([^"]*)")`)

// Every file the demo has is served with its type, and everything a page
// loads is one of the demo's own files: nothing from the network, so the
// demo works offline.
func TestEveryFileIsServedAndEveryReferenceIsLocal(t *testing.T) {
	base := start(t)
	names := map[string]bool{}
	require.NoError(t, fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		names[name] = true
		resp, _ := get(t, http.MethodHead, base+"/"+name)
		assert.Equal(t, http.StatusOK, resp.StatusCode, "%s has no content type in contentTypes", name)
		return nil
	}))
	require.NotEmpty(t, names)
	refs := 0
	for name := range names {
		if ext := path.Ext(name); ext != ".html" && ext != ".js" && ext != ".css" {
			continue
		}
		for _, m := range reference.FindAllStringSubmatch(file(t, name), -1) {
			ref := strings.Join(m[1:], "")
			if strings.HasPrefix(ref, "tel:") {
				continue // a phone number to click (click-to-act), which loads nothing
			}
			refs++
			assert.Regexp(t, `^(?:\./)?[a-z]+\.[a-z]+$`, ref, "%s loads %q: load only the demo's own files, by relative name", name, ref)
			assert.True(t, names[strings.TrimPrefix(ref, "./")], "%s loads %q, which the demo does not have", name, ref)
		}
	}
	assert.GreaterOrEqual(t, refs, 7, "the pattern should find the pages' scripts, styles and icons")
}

// The console's controls that the end-to-end tests and docs/demo.md name.
func TestTheConsoleHasItsControls(t *testing.T) {
	page := file(t, "index.html")
	for _, id := range []string{"status", "help", "customer", "caller", "known-caller", "unknown-caller", "incoming-chat", "incoming-call", "incoming-sms", "incoming-web", "capacity", "sessions", "log", "log-reads", "clear-log", "session-item",
		"ask-first", "asking", "waiting", "presence", "set-presence", "click-to-act", "try-call"} {
		assert.Contains(t, page, `id="`+id+`"`)
	}
	for _, action := range []string{"set-title", "open-tab", "request-focus", "new-activity", "kpi-breach"} {
		assert.Contains(t, page, `data-action="`+action+`"`)
	}
}

func TestListenRefusesAnythingButThisMachine(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0", "example.com:0", "127.0.0.1.example.com:0"} {
		ln, err := Listen(addr)
		if !assert.Error(t, err, addr) {
			ln.Close()
			continue
		}
		assert.Equal(t, `the demo listens only on this machine (127.0.0.1 or localhost), not on "`+addr+`": that is where the extension allows pages by default`, err.Error())
	}
	_, err := Listen("127.0.0.1")
	assert.ErrorContains(t, err, `demo address "127.0.0.1": address 127.0.0.1: missing port in address; write it as 127.0.0.1:PORT`)

	for _, addr := range []string{"127.0.0.1:0", "localhost:0"} {
		ln, err := Listen(addr)
		require.NoError(t, err, addr)
		ip := ln.Addr().(*net.TCPAddr).IP
		assert.True(t, ip.IsLoopback(), "%s bound %s", addr, ip)
		ln.Close()
	}
}

func TestServeStopsWhenAskedAndFreesThePort(t *testing.T) {
	ln, err := Listen("127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln) }()
	resp, _ := get(t, http.MethodGet, "http://"+addr+"/")
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return within 10 s of being stopped")
	}
	again, err := Listen(addr)
	require.NoError(t, err, "the port is free again")
	again.Close()
}

func TestServeReportsAListenerThatFails(t *testing.T) {
	ln, err := Listen("127.0.0.1:0")
	require.NoError(t, err)
	ln.Close()
	err = Serve(context.Background(), ln)
	assert.ErrorContains(t, err, "serve the demo: ")
	assert.ErrorIs(t, err, net.ErrClosed)
}

// A page of another site that points its own name at 127.0.0.1 (DNS
// rebinding) reaches the demo with that name as the Host: refused.
func TestServeAnswersOnlyToThisMachinesNames(t *testing.T) {
	ln, err := Listen("127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	for host, want := range map[string]int{
		"127.0.0.1:" + port: http.StatusOK, "localhost:" + port: http.StatusOK, "[::1]:" + port: http.StatusOK, "127.0.0.1": http.StatusOK,
		"evil.example:" + port: http.StatusMisdirectedRequest, "127.0.0.1.evil.example": http.StatusMisdirectedRequest,
	} {
		req, err := http.NewRequest(http.MethodGet, "http://"+ln.Addr().String()+"/", nil)
		require.NoError(t, err)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, want, resp.StatusCode, "Host %q", host)
	}
}
