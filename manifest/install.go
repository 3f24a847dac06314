package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// Options say what to install or remove.
type Options struct {
	// Browsers names the browsers to act on; empty means every browser
	// found on the machine.
	Browsers []string
	// System writes machine-wide manifests instead of per-user ones.
	System bool
	// HostPath is the absolute path of the cif-host binary.
	HostPath string
	// ChromiumIDs and FirefoxIDs are the extension ids to admit.
	ChromiumIDs, FirefoxIDs []string
}

// Action is what install or uninstall did for one browser.
type Action struct {
	Browser string
	Path    string
	// Did is "wrote", "unchanged", "removed", "absent" or "kept" (a file
	// there that is not ours).
	Did string
}

func (a Action) String() string { return fmt.Sprintf("%-9s %-9s %s", a.Browser, a.Did, a.Path) }

// pick returns the browsers to act on.
func pick(env Env, names []string, onlyInstalled bool) ([]Browser, error) {
	all := Browsers(env)
	if len(names) == 0 {
		var found []Browser
		for _, b := range all {
			if !onlyInstalled || b.Installed(env) {
				found = append(found, b)
			}
		}
		return found, nil
	}
	var out []Browser
	for _, n := range names {
		i := slices.IndexFunc(all, func(b Browser) bool { return b.Name == n })
		if i < 0 {
			return nil, fmt.Errorf("unknown browser %q; known here: %s", n, browserNames(all))
		}
		out = append(out, all[i])
	}
	return out, nil
}

func browserNames(bs []Browser) string {
	var names []string
	for _, b := range bs {
		names = append(names, b.Name)
	}
	return fmt.Sprint(names)
}

// Install writes the host manifest for each chosen browser, atomically;
// a file that already says the same is left alone.
func Install(env Env, opts Options) ([]Action, error) {
	browsers, err := pick(env, opts.Browsers, true)
	if err != nil {
		return nil, err
	}
	var actions []Action
	for _, b := range browsers {
		ids := opts.ChromiumIDs
		if b.Flavour == Firefox {
			ids = opts.FirefoxIDs
		}
		h, err := Build(b.Flavour, opts.HostPath, ids)
		if err != nil {
			return actions, err
		}
		path := b.ManifestPath(opts.System)
		did, err := writeIfChanged(path, h.Encode())
		if err != nil {
			return actions, fmt.Errorf("%s: %w", b.Name, err)
		}
		actions = append(actions, Action{Browser: b.Name, Path: path, Did: did})
	}
	return actions, nil
}

// Uninstall removes the host manifests Install writes, and only those: a
// file at the same place that is not a CIF Bridge manifest is kept.
func Uninstall(env Env, opts Options) ([]Action, error) {
	browsers, err := pick(env, opts.Browsers, false)
	if err != nil {
		return nil, err
	}
	var actions []Action
	for _, b := range browsers {
		path := b.ManifestPath(opts.System)
		did, err := removeOurs(path)
		if err != nil {
			return actions, fmt.Errorf("%s: %w", b.Name, err)
		}
		actions = append(actions, Action{Browser: b.Name, Path: path, Did: did})
	}
	return actions, nil
}

func writeIfChanged(path string, data []byte) (string, error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return "unchanged", nil
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+HostName+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("write in %s: %w", dir, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", fmt.Errorf("make %s readable: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("replace %s: %w", path, err)
	}
	return "wrote", nil
}

func removeOurs(path string) (string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "absent", nil
	}
	if err != nil {
		return "", err
	}
	var h Host
	if json.Unmarshal(data, &h) != nil || h.Name != HostName {
		return "kept", nil
	}
	if err := os.Remove(path); err != nil {
		return "", err
	}
	return "removed", nil
}
