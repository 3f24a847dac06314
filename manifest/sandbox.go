package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// wrapperMark is the line that says a wrapper script is CIF Bridge's.
const wrapperMark = "# Written by `cif-host install --flatpak` (CIF Bridge)"

// FlatpakPermission is the command that lets a Flatpak app run
// flatpak-spawn --host: a deliberate hole in its sandbox, which the user
// makes.
func FlatpakPermission(app string) string {
	return "flatpak override --user --talk-name=org.freedesktop.Flatpak " + app
}

// Wrapper is the script a Flatpak browser starts as its host: it runs
// cif-host on the host, outside the sandbox, with the same arguments and
// standard streams, and ends it when the browser's bus connection goes.
func Wrapper(host, app string) []byte {
	quoted := "'" + strings.ReplaceAll(host, "'", `'\''`) + "'"
	return []byte("#!/bin/sh\n" + wrapperMark + ": runs cif-host outside the Flatpak sandbox.\n" +
		"# The sandbox must allow it, once: " + FlatpakPermission(app) + "\n" +
		"exec flatpak-spawn --host --watch-bus " + quoted + " \"$@\"\n")
}

// WrapperPath is where install --flatpak writes the wrapper for s: inside
// the app's own folder, which the sandbox sees at the same path.
func WrapperPath(env Env, s Sandbox) string {
	return env.Join(s.Dir, "data", "cif-bridge", "cif-host")
}

// installSandboxes registers b's Flatpak and snap builds, when asked and
// when this user has run them.
func installSandboxes(env Env, rec *Record, b Browser, opts Options, ids []string) ([]Action, error) {
	var actions []Action
	for _, s := range b.Sandboxes {
		if !(s.Packaging == Flatpak && opts.Flatpak || s.Packaging == Snap && opts.Snap) || !env.Exists(s.Dir) {
			continue
		}
		if s.UserDir == "" {
			actions = append(actions, Action{Browser: b.Name, Did: "skipped", Path: s.Dir,
				Note: b.Title + " from " + string(s.Packaging) + " cannot start native-messaging hosts: its confinement forbids it; use a .deb or .rpm build"})
			continue
		}
		host := opts.HostPath
		if s.Packaging == Flatpak {
			host = WrapperPath(env, s)
			a, err := writeFile(env, rec, b, host, Wrapper(opts.HostPath, s.App), 0o755)
			actions = append(actions, a...)
			if err != nil {
				return actions, err
			}
			rec.Wrappers = add(rec.Wrappers, host, "", b.Name)
		}
		h, err := Build(b.Flavour, host, ids)
		if err != nil {
			return actions, err
		}
		path := s.UserManifest(env)
		a, err := writeFile(env, rec, b, path, h.Encode(), 0o644)
		actions = append(actions, a...)
		if err != nil {
			return actions, err
		}
		rec.Manifests = add(rec.Manifests, path, "", b.Name)
		if s.Packaging == Flatpak {
			actions = append(actions, Action{Browser: b.Name, Did: "needs", Path: FlatpakPermission(s.App),
				Note: "run it once: it lets the Flatpak start cif-host outside its sandbox"})
		}
	}
	return actions, nil
}

// writeFile writes one file, creating (and recording) its folders.
func writeFile(env Env, rec *Record, b Browser, path string, data []byte, mode os.FileMode) ([]Action, error) {
	var actions []Action
	created, err := makeDirs(env, env.Dir(path))
	if err != nil {
		return nil, err
	}
	rec.Folders = addUnique(rec.Folders, created...)
	for _, d := range created {
		actions = append(actions, Action{Browser: b.Name, Did: "created", Path: d})
	}
	did, err := writeModeIfChanged(env, path, data, mode)
	if err != nil {
		return actions, err
	}
	return append(actions, Action{Browser: b.Name, Did: did, Path: path}), nil
}

// removeWrapper removes a wrapper script that is still CIF Bridge's.
func removeWrapper(path string) (string, string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "absent", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("read %s: %w", path, err)
	}
	if !bytes.Contains(data, []byte(wrapperMark)) {
		return "kept", "no longer CIF Bridge's wrapper; remove it yourself if it is not needed", nil
	}
	if err := os.Remove(path); err != nil {
		return "", "", fmt.Errorf("remove %s: %w", path, err)
	}
	return "removed", "", nil
}
