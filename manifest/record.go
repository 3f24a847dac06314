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

// Record is what install wrote and created, kept in a small file so that
// uninstall removes exactly that and nothing else.
type Record struct {
	// Manifests are the manifest files written, each with the browsers
	// it serves (several browsers can read one file).
	Manifests []Entry `json:"manifests,omitempty"`
	// Keys are the Windows registry keys written (Path is ROOT\key,
	// Value the manifest path set as the key's default value).
	Keys []Entry `json:"registryKeys,omitempty"`
	// Wrappers are the scripts install --flatpak wrote inside a Flatpak's
	// folder, which run cif-host outside the sandbox.
	Wrappers []Entry `json:"wrappers,omitempty"`
	// Folders are folders install created because they did not exist.
	Folders []string `json:"createdFolders,omitempty"`
	// ParentKeys are registry keys install created above a host key.
	ParentKeys []string `json:"createdKeys,omitempty"`
	// ExtensionIDs are the store ids given with --extension-id, which
	// every later install keeps admitting until told to forget them.
	// They alone do not keep a record: uninstalling everything forgets
	// them.
	ExtensionIDs []string `json:"extensionIds,omitempty"`
}

// Entry is one thing install wrote.
type Entry struct {
	Path     string   `json:"path"`
	Value    string   `json:"value,omitempty"`
	Browsers []string `json:"browsers"`
}

// RecordPath is where the record of an install lives: the per-user state
// folder for a user install, a machine-wide folder for a system one (so
// that `sudo cif-host install --system` never leaves root's files in a
// user's home).
func RecordPath(env Env, system bool, stateDir string) string {
	if !system {
		return filepath.Join(stateDir, "installed.json")
	}
	switch env.GOOS {
	case "windows":
		data := env.getenvAbs("ProgramData")
		if data == "" {
			data = `C:\ProgramData`
		}
		return env.Join(data, "cif-bridge", "installed.json")
	case "darwin":
		return env.system("/Library/Application Support/cif-bridge/installed.json")
	default:
		return env.system("/var/lib/cif-bridge/installed.json")
	}
}

// LoadRecord reads a record; a missing file is an empty record.
func LoadRecord(path string) (*Record, error) {
	var r Record
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the install record %s: %w", path, err)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("the install record %s is damaged (%v); remove the manifests `cif-host doctor` lists by hand, then delete it", path, err)
	}
	return &r, nil
}

func (r *Record) empty() bool {
	return len(r.Manifests) == 0 && len(r.Keys) == 0 && len(r.Folders) == 0 && len(r.ParentKeys) == 0 && len(r.Wrappers) == 0
}

// add notes that browser uses the thing at path.
func add(list []Entry, path, value, browser string) []Entry {
	i := slices.IndexFunc(list, func(e Entry) bool { return e.Path == path })
	if i < 0 {
		return append(list, Entry{Path: path, Value: value, Browsers: []string{browser}})
	}
	list[i].Value = value
	if !slices.Contains(list[i].Browsers, browser) {
		list[i].Browsers = append(list[i].Browsers, browser)
	}
	return list
}

func addUnique(list []string, items ...string) []string {
	for _, it := range items {
		if !slices.Contains(list, it) {
			list = append(list, it)
		}
	}
	return list
}

// save writes the record atomically, remembering the folders it had to
// create for the file, or removes the file when the record is empty.
func (r *Record) save(env Env, path string) error {
	if r.empty() {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove the install record: %w", err)
		}
		return nil
	}
	created, err := makeDirs(env, env.Dir(path))
	if err != nil {
		return err
	}
	r.Folders = addUnique(r.Folders, created...)
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = writeIfChanged(env, path, append(data, '\n'))
	return err
}

// makeDirs creates dir and returns the folders that did not exist,
// outermost first.
func makeDirs(env Env, dir string) ([]string, error) {
	var missing []string
	for d := dir; ; d = env.Dir(d) {
		if _, err := os.Stat(d); err == nil || env.Dir(d) == d {
			break
		}
		missing = append([]string{d}, missing...)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	return missing, nil
}

// writeIfChanged writes data to path atomically (a temporary file renamed
// over it), readable by all, unless the file already holds exactly that.
func writeIfChanged(env Env, path string, data []byte) (string, error) {
	return writeModeIfChanged(env, path, data, 0o644)
}

// writeModeIfChanged is writeIfChanged with the file's mode.
func writeModeIfChanged(env Env, path string, data []byte, mode os.FileMode) (string, error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		if st, err := os.Stat(path); err == nil && st.Mode().Perm() == mode {
			return "unchanged", nil
		}
	}
	dir := env.Dir(path)
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
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return "", fmt.Errorf("make %s readable: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("replace %s: %w", path, err)
	}
	return "wrote", nil
}
