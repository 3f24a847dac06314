package doctor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cifbridge/cif-bridge/internal/lazyre"
	"github.com/cifbridge/cif-bridge/manifest"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// location is the manifest a browser would use, found as the browser
// looks for it.
type location struct {
	// level is "user" or "system"; empty when none was found.
	level string
	path  string
	// key is the Windows registry key that named path.
	key   string
	data  []byte
	check Check
}

// locate looks where the browser looks, in its order: the per-user place
// (unless policy turns per-user hosts off), then the machine-wide ones.
func locate(env manifest.Env, b manifest.Browser, userLevelOff bool) location {
	if b.RegistryKey != "" {
		return locateInRegistry(env, b, userLevelOff)
	}
	type candidate struct{ level, path string }
	var candidates []candidate
	if !userLevelOff {
		candidates = append(candidates, candidate{"user", b.UserManifest(env)})
	}
	for _, p := range b.SystemManifests(env) {
		candidates = append(candidates, candidate{"system", p})
	}
	var looked []string
	for _, c := range candidates {
		looked = append(looked, c.path)
		data, err := os.ReadFile(c.path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		loc := location{level: c.level, path: c.path, data: data}
		if err != nil {
			loc.check = Check{Name: "manifest", Status: Fail, Detail: fmt.Sprintf("cannot read %s: %v", c.path, err),
				Fix: "make it a file everyone can read: chmod 644 " + c.path}
			return loc
		}
		loc.check = Check{Name: "manifest", Status: OK, Detail: c.path}
		return loc
	}
	loc := location{check: Check{Name: "manifest", Status: Fail,
		Detail: "no manifest in " + strings.Join(looked, " or "), Fix: "run `cif-host install --browser " + b.Name + "`"}}
	if userLevelOff {
		loc.check.Detail += " (policy makes " + b.Title + " ignore " + b.UserManifest(env) + ")"
		loc.check.Fix = systemInstall(env, b)
	}
	return loc
}

func locateInRegistry(env manifest.Env, b manifest.Browser, userLevelOff bool) location {
	roots := []manifest.Root{manifest.HKCU, manifest.HKLM}
	if userLevelOff {
		roots = roots[1:]
	}
	if env.Registry == nil {
		return location{check: Check{Name: "manifest", Status: Fail, Detail: "cannot read the registry",
			Fix: "run doctor on Windows itself"}}
	}
	var looked []string
	for _, root := range roots {
		key := manifest.RegistryPath(root, b.RegistryKey)
		looked = append(looked, key)
		path, ok, err := env.Registry.Default(root, b.RegistryKey)
		if err != nil {
			return location{key: key, check: Check{Name: "manifest", Status: Fail, Detail: err.Error(),
				Fix: "run `cif-host install --browser " + b.Name + "` again"}}
		}
		if !ok {
			continue
		}
		level := map[manifest.Root]string{manifest.HKCU: "user", manifest.HKLM: "system"}[root]
		loc := location{level: level, path: path, key: key}
		data, err := os.ReadFile(path)
		if err != nil {
			loc.check = Check{Name: "manifest", Status: Fail, Detail: fmt.Sprintf("%s names %s, which cannot be read: %v", key, path, err),
				Fix: installFix(env, b, level)}
			return loc
		}
		loc.data = data
		loc.check = Check{Name: "manifest", Status: OK, Detail: key + " = " + path}
		return loc
	}
	loc := location{check: Check{Name: "manifest", Status: Fail, Detail: "no registry key " + strings.Join(looked, " or "),
		Fix: "run `cif-host install --browser " + b.Name + "`"}}
	if userLevelOff {
		loc.check.Detail += " (policy makes " + b.Title + " ignore " + manifest.RegistryPath(manifest.HKCU, b.RegistryKey) + ")"
		loc.check.Fix = systemInstall(env, b)
	}
	return loc
}

// parse reads the manifest with the rules both browsers enforce on its
// shape.
func parse(env manifest.Env, b manifest.Browser, loc location) (manifest.Host, Check) {
	var h manifest.Host
	fail := func(format string, args ...any) (manifest.Host, Check) {
		return h, Check{Name: "json", Status: Fail, Detail: fmt.Sprintf(format, args...), Fix: installFix(env, b, loc.level)}
	}
	if err := json.Unmarshal(loc.data, &h); err != nil {
		return fail("%s is not a valid manifest: %v", loc.path, err)
	}
	if h.Description == "" {
		return fail("%s has no description, and Chrome refuses a manifest without one", loc.path)
	}
	if h.Type != "stdio" {
		return fail(`%s has type %q; it must be "stdio"`, loc.path, h.Type)
	}
	return h, Check{Name: "json", Status: OK, Detail: "valid"}
}

func nameCheck(env manifest.Env, b manifest.Browser, h manifest.Host, loc location) Check {
	if h.Name == manifest.HostName {
		return Check{Name: "name", Status: OK, Detail: h.Name}
	}
	what := "its file name"
	if loc.key != "" {
		what = "its registry key"
	}
	return Check{Name: "name", Status: Fail,
		Detail: fmt.Sprintf("name is %q, but the extension asks for %q, as %s says; the browser ignores this manifest", h.Name, manifest.HostName, what),
		Fix:    installFix(env, b, loc.level)}
}

// pathCheck returns the host binary the browser would start.
func pathCheck(env manifest.Env, b manifest.Browser, h manifest.Host, loc location) (string, Check) {
	switch {
	case h.Path == "":
		return "", Check{Name: "path", Status: Fail, Detail: loc.path + " names no program (path is empty)", Fix: installFix(env, b, loc.level)}
	case env.IsAbs(h.Path):
		return h.Path, Check{Name: "path", Status: OK, Detail: h.Path}
	case env.GOOS == "windows":
		// Windows browsers resolve a relative path against the manifest's folder.
		p := env.Join(env.Dir(loc.path), h.Path)
		return p, Check{Name: "path", Status: OK, Detail: h.Path + " (relative to the manifest: " + p + ")"}
	}
	return "", Check{Name: "path", Status: Fail,
		Detail: fmt.Sprintf("path %q is relative; browsers on Linux and macOS start only an absolute path", h.Path),
		Fix:    installFix(env, b, loc.level)}
}

func binaryCheck(env manifest.Env, host string) Check {
	reinstall := "run ./install.sh from the CIF Bridge checkout to put cif-host back, or `cif-host install --host PATH` with where it really is"
	st, err := os.Stat(host)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Check{Name: "binary", Status: Fail, Detail: host + " does not exist", Fix: reinstall}
	case err != nil:
		return Check{Name: "binary", Status: Fail, Detail: fmt.Sprintf("cannot look at %s: %v", host, err),
			Fix: "make the folders on the way to " + host + " readable"}
	case !st.Mode().IsRegular():
		return Check{Name: "binary", Status: Fail, Detail: host + " is not a program file", Fix: reinstall}
	case env.GOOS != "windows" && st.Mode().Perm()&0o111 == 0:
		return Check{Name: "binary", Status: Fail, Detail: host + " is not executable", Fix: "chmod 755 " + host}
	}
	return Check{Name: "binary", Status: OK, Detail: "executable"}
}

func helloCheck(env Env, b manifest.Browser, host string, loc location) Check {
	args := []string{loc.path, env.IDs.Firefox}
	if b.Flavour == manifest.Chromium {
		args = []string{"chrome-extension://" + env.IDs.Chromium + "/"}
		if env.Manifest.GOOS == "windows" {
			args = append(args, "--parent-window=0")
		}
	}
	res, err := hello(host, args, env.HostEnv, env.Timeout)
	if err != nil {
		return Check{Name: "hello", Status: Fail, Detail: err.Error(), Fix: helloFix(err, host)}
	}
	c := Check{Name: "hello", Status: OK, Detail: fmt.Sprintf("cif-host %s answered (protocol %d)", res.HostVersion, res.ProtocolVersion)}
	if res.lingered {
		c.Status, c.Fix = Warn, "the browser kills it after a few seconds, so it still works; report this as a bug"
		c.Detail += ", but did not exit when its input closed"
	}
	return c
}

func helloFix(err error, host string) string {
	var refused *refusedError
	switch {
	case errors.As(err, &refused) && refused.err.Code == errcode.ProtocolMismatch:
		return "install cif-host and the extension from the same checkout: run ./install.sh there and reload the extension"
	case errors.As(err, &refused):
		return "do what cif-host's message says, then run doctor again"
	}
	return "run `" + host + " version` in a terminal to see why it does not start, then reinstall with ./install.sh"
}

var chromiumOrigin = lazyre.New(`^chrome-extension://[a-p]{32}/$`)

func extensionCheck(env Env, b manifest.Browser, h manifest.Host, loc location) Check {
	fix := installFix(env.Manifest, b, loc.level) + " (add --extension-id ID for a store build)"
	fail := func(format string, args ...any) Check {
		return Check{Name: "extension", Status: Fail, Detail: fmt.Sprintf(format, args...), Fix: fix}
	}
	var want []string
	if b.Flavour == manifest.Chromium {
		for _, o := range h.AllowedOrigins {
			if !chromiumOrigin().MatchString(o) {
				return fail("allowed_origins holds %q, which is not chrome-extension://<32 letters a-p>/ with its trailing slash, so Chrome refuses the whole manifest", o)
			}
		}
		want = []string{"chrome-extension://" + env.IDs.Chromium + "/"}
		for _, id := range env.ExtraIDs {
			if o := "chrome-extension://" + id + "/"; manifest.ValidChromiumID(id) && !slices.Contains(want, o) {
				want = append(want, o)
			}
		}
		for _, w := range want {
			if !slices.Contains(h.AllowedOrigins, w) {
				return fail("allowed_origins lacks %s, so the browser refuses the extension", w)
			}
		}
	} else {
		want = []string{env.IDs.Firefox}
		for _, id := range env.ExtraIDs {
			if manifest.ValidFirefoxID(id) && !slices.Contains(want, id) {
				want = append(want, id)
			}
		}
		for _, w := range want {
			if !slices.Contains(h.AllowedExtensions, w) {
				return fail("allowed_extensions lacks %s, so Firefox refuses the add-on", w)
			}
		}
	}
	return Check{Name: "extension", Status: OK, Detail: "admits " + strings.Join(want, ", ")}
}

// sandboxCheck explains snap and Flatpak builds (research: native
// messaging §2.4): whether each one this user has run can reach cif-host,
// and how to make it. A sandbox folder beside a build from a package is
// most likely left over, and is mentioned, not flagged.
func sandboxCheck(env manifest.Env, b manifest.Browser) Check {
	if len(b.Sandboxes) == 0 {
		return Check{Name: "sandbox", Status: Skip}
	}
	c := Check{Name: "sandbox", Status: OK, Detail: "no snap or Flatpak build"}
	native := nativeBuild(env, b)
	var details, fixes []string
	for _, s := range b.Sandboxes {
		if !env.Exists(s.Dir) {
			continue
		}
		status, detail, fix := explain(env, b, s)
		if native != "" && status != OK {
			status, fix = OK, ""
			detail = fmt.Sprintf("%s from a package is installed (%s); the %s folder %s beside it is probably left over: if you start that build, it %s",
				b.Title, native, s.Packaging, s.Dir, strings.TrimPrefix(detail, fmt.Sprintf("%s from %s (%s) ", b.Title, s.Packaging, s.Dir)))
		}
		if rank := map[Status]int{OK: 0, Warn: 1, Fail: 2}; len(details) == 0 || rank[status] > rank[c.Status] {
			c.Status = status
		}
		details = append(details, detail)
		if fix != "" {
			fixes = append(fixes, fix)
		}
	}
	if len(details) > 0 {
		c.Detail, c.Fix = strings.Join(details, "; "), strings.Join(fixes, "; ")
	}
	return c
}

// nativeBuild returns what shows a build of b from a package (or a
// tarball) on this machine: a profile folder it has used, or a program on
// $PATH that is not a snap's or a Flatpak's launcher; "" when none.
func nativeBuild(env manifest.Env, b manifest.Browser) string {
	for _, m := range b.Markers {
		entries, err := os.ReadDir(m)
		if err != nil {
			continue
		}
		// install itself creates the manifest folder inside the profile
		// folder: only something else there shows the browser ran.
		for _, e := range entries {
			if e.Name() != filepath.Base(b.UserDir) {
				return m
			}
		}
	}
	if env.LookPath == nil {
		return ""
	}
	for _, p := range b.Programs {
		if path, err := env.LookPath(p); err == nil && !sandboxLauncher(path) {
			return path
		}
	}
	return ""
}

// sandboxLauncher reports whether a program on $PATH starts a snap or a
// Flatpak: it lives in /snap or a Flatpak exports folder, or is a small
// script that runs one (Ubuntu's chromium-browser .deb runs the snap).
func sandboxLauncher(path string) bool {
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		path = resolved
	}
	if strings.HasPrefix(path, "/snap/") || strings.Contains(path, "/flatpak/exports/") {
		return true
	}
	st, err := os.Stat(path)
	if err != nil || st.Size() > 64<<10 {
		return false
	}
	data, err := os.ReadFile(path)
	return err == nil && (bytes.Contains(data, []byte("/snap/bin/")) || bytes.Contains(data, []byte("snap run")) ||
		bytes.Contains(data, []byte("flatpak run")))
}

func explain(env manifest.Env, b manifest.Browser, s manifest.Sandbox) (Status, string, string) {
	registered := s.UserDir != "" && env.Exists(s.UserManifest(env))
	switch {
	case s.Packaging == manifest.Snap && b.Flavour == manifest.Firefox:
		detail := fmt.Sprintf("%s from snap (%s) reaches cif-host only through the desktop's WebExtensions portal, which asks you once to allow it", b.Title, s.Dir)
		if registered {
			detail += "; " + s.UserManifest(env) + " is registered too, for a snap that reads its own folder"
		}
		return Warn, detail,
			"allow the prompt when the extension first connects; if none comes, use " + b.Title + " from a .deb or Mozilla's tarball"
	case s.Packaging == manifest.Snap:
		return Fail, fmt.Sprintf("%s from snap (%s) cannot start native-messaging hosts: its confinement forbids it", b.Title, s.Dir),
			"use " + b.Title + " from a .deb or .rpm (or another browser); the snap cannot reach cif-host"
	case !registered:
		return Fail, fmt.Sprintf("%s from Flatpak (%s) runs in a sandbox that sees neither the manifests nor cif-host", b.Title, s.Dir),
			"run `cif-host install --flatpak --browser " + b.Name + "` and `" + manifest.FlatpakPermission(s.App) + "` (a deliberate hole in the sandbox; docs/install.md), or use " + b.Title + " from your distribution's packages"
	}
	wrapper := manifest.WrapperPath(env, s)
	if !env.Exists(wrapper) {
		return Fail, fmt.Sprintf("%s from Flatpak (%s) is registered in %s, but its wrapper %s is missing", b.Title, s.Dir, s.UserManifest(env), wrapper),
			"run `cif-host install --flatpak --browser " + b.Name + "` again"
	}
	if where := flatpakTalk(env, s.App); where != "" {
		return OK, fmt.Sprintf("%s from Flatpak (%s) starts cif-host through %s, outside its sandbox (allowed by %s)", b.Title, s.Dir, wrapper, where), ""
	}
	return Fail, fmt.Sprintf("%s from Flatpak (%s) is registered, but its sandbox may not run flatpak-spawn --host", b.Title, s.Dir),
		"run `" + manifest.FlatpakPermission(s.App) + "`, then restart " + b.Title
}

// flatpakTalk returns the file that lets app talk to
// org.freedesktop.Flatpak (a user or system override, or the app's own
// metadata), or "".
func flatpakTalk(env manifest.Env, app string) string {
	data := env.Getenv("XDG_DATA_HOME")
	if !strings.HasPrefix(data, "/") {
		data = filepath.Join(env.Home, ".local", "share")
	}
	root := func(p string) string { return filepath.Join(env.Root, p) }
	for _, f := range []string{
		filepath.Join(data, "flatpak", "overrides", app), filepath.Join(data, "flatpak", "overrides", "global"),
		root("/var/lib/flatpak/overrides/" + app), root("/var/lib/flatpak/overrides/global"),
		filepath.Join(data, "flatpak", "app", app, "current", "active", "metadata"),
		root("/var/lib/flatpak/app/" + app + "/current/active/metadata"),
	} {
		content, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(content), "\n") {
			if l := strings.ReplaceAll(line, " ", ""); l == "org.freedesktop.Flatpak=talk" || l == "org.freedesktop.Flatpak=own" {
				return f
			}
		}
	}
	return ""
}
