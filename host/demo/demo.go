// Package demo serves CIF Bridge's demo provider page: a small softphone
// and chat console written against Microsoft.CIFramework exactly as a
// channel integrator would write it. Its files are embedded, so the page
// works offline and needs nothing but the cif-host binary.
package demo

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var embedded embed.FS

// files are the page's files, at the root of the site.
var files, _ = fs.Sub(embedded, "static")

// contentTypes are the types of the files the demo has. They are fixed
// here rather than read from the system's MIME table, which on some
// machines calls JavaScript text/plain, and browsers refuse to run a
// module served so.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
}

// policy keeps the page to its own files: no fonts, scripts or styles
// from elsewhere, so what works here works offline. The extension's
// content scripts are not subject to a page's policy. Framing is left
// open: CIF hosts a provider's page in a panel's frame.
const policy = "default-src 'self'; img-src 'self' data:; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"

// Handler serves the demo's files: / is the console, other paths are its
// files by name, and anything else is 404.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "the demo serves files only: use GET", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name == "" {
			name = "index.html"
		}
		ctype, known := contentTypes[path.Ext(name)]
		data, err := fs.ReadFile(files, name) // refuses names that are not clean relative paths
		if !known || err != nil {
			http.Error(w, "404 not found: the demo console is at /", http.StatusNotFound)
			return
		}
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("Content-Security-Policy", policy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		// The files change with the binary: always revalidate.
		h.Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
	})
}

// Listen binds addr ("host:port"), which must be on this machine: the
// demo is for the person at it, and the extension admits
// http://127.0.0.1 and http://localhost by default.
func Listen(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("demo address %q: %w; write it as 127.0.0.1:PORT", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("the demo listens only on this machine (127.0.0.1 or localhost), not on %q: that is where the extension allows pages by default", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}

// onlyLocalNames refuses a request whose Host is not this machine's
// loopback name or address. A page on another site can point a name of
// its own at 127.0.0.1 (DNS rebinding) and so reach the demo as a site of
// its own origin; the browser then sends that name as the Host.
func onlyLocalNames(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if name, _, err := net.SplitHostPort(r.Host); err == nil {
			host = name
		}
		host = strings.Trim(host, "[]")
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			http.Error(w, "421 the demo answers only to 127.0.0.1 and localhost: open http://127.0.0.1:PORT/", http.StatusMisdirectedRequest)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// shutdownGrace is how long requests in flight may take to finish once
// the demo is asked to stop.
const shutdownGrace = 5 * time.Second

// Serve serves the demo on ln until ctx ends, then stops gracefully. It
// returns nil after a requested stop.
func Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: onlyLocalNames(Handler()), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve the demo: %w", err)
	case <-ctx.Done():
	}
	stop, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(stop); err != nil {
		return fmt.Errorf("stop the demo: %w", err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve the demo: %w", err)
	}
	return nil
}
