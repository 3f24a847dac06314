package manifest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// Options say what to install or remove.
type Options struct {
	// Browsers names the browsers to act on; empty means every browser
	// found on the machine (install) or every one recorded (uninstall).
	Browsers []string
	// System writes machine-wide manifests instead of per-user ones.
	System bool
	// HostPath is the absolute path of the cif-host binary.
	HostPath string
	// ChromiumIDs and FirefoxIDs are the extension ids always admitted
	// (the unpacked extension's).
	ChromiumIDs, FirefoxIDs []string
	// ExtensionIDs are more ids to admit (store builds), of either
	// browser family; install remembers them in the record and keeps
	// admitting them when run again without them.
	ExtensionIDs []string
	// ForgetIDs are remembered ids to stop admitting.
	ForgetIDs []string
	// Record is the file that remembers what install wrote (RecordPath).
	Record string
	// Flatpak and Snap also register the Flatpak and snap builds of the
	// chosen browsers that this user has run (per-user installs only).
	Flatpak, Snap bool
}

// Action is one thing install or uninstall did.
type Action struct {
	// Browser is the browser, or the browsers, it was done for.
	Browser string
	// Did is "wrote", "unchanged", "created" (a folder or registry key),
	// "removed", "absent" (already gone) or "kept".
	Did  string
	Path string
	// Note says why something was kept.
	Note string
}

func (a Action) String() string {
	s := fmt.Sprintf("%-11s %-9s %s", a.Browser, a.Did, a.Path)
	if a.Note != "" {
		s += " (" + a.Note + ")"
	}
	return s
}

func (o Options) root() Root {
	if o.System {
		return HKLM
	}
	return HKCU
}

// pick returns the browsers to act on: the named ones, or those found.
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
		b, ok := FindBrowser(env, n)
		if !ok {
			return nil, fmt.Errorf("unknown browser %q; known here: %s", n, strings.Join(BrowserNames(env), ", "))
		}
		out = append(out, b)
	}
	return out, nil
}

// Install writes the host manifest for each chosen browser (and on
// Windows the registry key pointing at it), atomically, and records what
// it wrote and created. Whatever already says the same is left alone.
func Install(env Env, opts Options) (actions []Action, err error) {
	browsers, err := pick(env, opts.Browsers, true)
	if err != nil {
		return nil, err
	}
	rec, err := LoadRecord(opts.Record)
	if err != nil {
		return nil, err
	}
	chromiumIDs, firefoxIDs, remembered, err := admit(opts, rec)
	if err != nil {
		return nil, err
	}
	for _, id := range remembered {
		actions = append(actions, Action{Browser: "-", Did: "admits", Path: id,
			Note: "given earlier with --extension-id; --forget-extension-id " + id + " stops admitting it"})
	}
	// Remember whatever was written, even when a later step fails.
	defer func() {
		if serr := rec.save(env, opts.Record); serr != nil && err == nil {
			err = serr
		}
	}()
	for _, b := range browsers {
		ids := chromiumIDs
		if b.Flavour == Firefox {
			ids = firefoxIDs
		}
		h, err := Build(b.Flavour, opts.HostPath, ids)
		if err != nil {
			return actions, err
		}
		for _, path := range targets(env, b, opts.System) {
			created, err := makeDirs(env, env.Dir(path))
			if err != nil {
				return actions, fmt.Errorf("%s: %w", b.Name, err)
			}
			rec.Folders = addUnique(rec.Folders, created...)
			for _, d := range created {
				actions = append(actions, Action{Browser: b.Name, Did: "created", Path: d})
			}
			did, err := writeIfChanged(env, path, h.Encode())
			if err != nil {
				return actions, fmt.Errorf("%s: %w", b.Name, err)
			}
			rec.Manifests = add(rec.Manifests, path, "", b.Name)
			actions = append(actions, Action{Browser: b.Name, Did: did, Path: path})
			if b.RegistryKey != "" {
				a, err := register(env, rec, b, opts.root(), path)
				actions = append(actions, a...)
				if err != nil {
					return actions, fmt.Errorf("%s: %w", b.Name, err)
				}
			}
		}
		if opts.System {
			continue
		}
		a, err := installSandboxes(env, rec, b, opts, ids)
		actions = append(actions, a...)
		if err != nil {
			return actions, fmt.Errorf("%s: %w", b.Name, err)
		}
	}
	return actions, nil
}

// admit returns the ids the manifests admit: the fixed ones, then the
// store ids remembered in the record and given now (the record is updated
// to hold them, less those to forget). remembered are the ids admitted
// only because an earlier install was given them.
func admit(opts Options, rec *Record) (chromium, firefox, remembered []string, err error) {
	for _, id := range rec.ExtensionIDs {
		if !slices.Contains(opts.ExtensionIDs, id) && !slices.Contains(opts.ForgetIDs, id) {
			remembered = append(remembered, id)
		}
	}
	rec.ExtensionIDs = addUnique(rec.ExtensionIDs, opts.ExtensionIDs...)
	rec.ExtensionIDs = slices.DeleteFunc(rec.ExtensionIDs, func(id string) bool { return slices.Contains(opts.ForgetIDs, id) })
	chromium, firefox = slices.Clone(opts.ChromiumIDs), slices.Clone(opts.FirefoxIDs)
	for _, id := range rec.ExtensionIDs {
		f, err := ClassifyID(id)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("the install record %s: %w", opts.Record, err)
		}
		if f == Chromium {
			chromium = addUnique(chromium, id)
		} else {
			firefox = addUnique(firefox, id)
		}
	}
	return chromium, firefox, remembered, nil
}

// targets are the manifest files install writes for b: the user one, or
// the system ones whose parent folder exists (which tells the layout
// of this machine, such as /usr/lib64) and at least the first.
func targets(env Env, b Browser, system bool) []string {
	if !system {
		return []string{b.UserManifest(env)}
	}
	all := b.SystemManifests(env)
	var out []string
	for i, d := range b.SystemDirs {
		if env.Exists(env.Dir(d)) {
			out = append(out, all[i])
		}
	}
	if len(out) == 0 {
		out = all[:1]
	}
	return out
}

// register points b's registry key at the manifest.
func register(env Env, rec *Record, b Browser, root Root, manifest string) ([]Action, error) {
	reg := env.Registry
	if reg == nil {
		return nil, errors.New("no registry to write to (only Windows has one)")
	}
	full := RegistryPath(root, b.RegistryKey)
	var actions []Action
	for _, k := range parentKeys(b.RegistryKey) {
		exists, err := reg.KeyExists(root, k)
		if err != nil {
			return actions, err
		}
		if !exists {
			rec.ParentKeys = addUnique(rec.ParentKeys, RegistryPath(root, k))
			actions = append(actions, Action{Browser: b.Name, Did: "created", Path: RegistryPath(root, k)})
		}
	}
	did := "unchanged"
	if v, ok, err := reg.Default(root, b.RegistryKey); err != nil {
		return actions, err
	} else if !ok || v != manifest {
		if err := reg.SetDefault(root, b.RegistryKey, manifest); err != nil {
			return actions, err
		}
		did = "wrote"
	}
	rec.Keys = add(rec.Keys, full, manifest, b.Name)
	return append(actions, Action{Browser: b.Name, Did: did, Path: full + " = " + manifest}), nil
}

// Uninstall removes what Install recorded for the chosen browsers, and
// nothing else: a file that is no longer a CIF Bridge manifest, a key
// that now points elsewhere, a folder that is not empty, are kept and
// reported. A file or key several browsers share goes with the last.
func Uninstall(env Env, opts Options) (actions []Action, err error) {
	if _, err := pick(env, opts.Browsers, false); err != nil {
		return nil, err
	}
	rec, err := LoadRecord(opts.Record)
	if err != nil {
		return nil, err
	}
	defer func() {
		if serr := rec.save(env, opts.Record); serr != nil && err == nil {
			err = serr
		}
	}()
	chosen := func(b string) bool { return len(opts.Browsers) == 0 || slices.Contains(opts.Browsers, b) }
	for _, name := range opts.Browsers {
		if !slices.ContainsFunc(slices.Concat(rec.Manifests, rec.Keys, rec.Wrappers), func(e Entry) bool { return slices.Contains(e.Browsers, name) }) {
			actions = append(actions, Action{Browser: name, Did: "absent", Note: "nothing recorded in " + opts.Record})
		}
	}

	// Keys first: they point at the files.
	rec.Keys, actions, err = release(rec.Keys, actions, chosen, func(e Entry) (string, string, error) {
		return unregister(env, e)
	})
	if err != nil {
		return actions, err
	}
	rec.Manifests, actions, err = release(rec.Manifests, actions, chosen, func(e Entry) (string, string, error) {
		return removeManifest(e.Path)
	})
	if err != nil {
		return actions, err
	}
	rec.Wrappers, actions, err = release(rec.Wrappers, actions, chosen, func(e Entry) (string, string, error) {
		return removeWrapper(e.Path)
	})
	if err != nil {
		return actions, err
	}

	keyInUse := func(k string) bool {
		return slices.ContainsFunc(rec.Keys, func(e Entry) bool { return strings.HasPrefix(e.Path, k+`\`) })
	}
	rec.ParentKeys, actions, err = prune(rec.ParentKeys, actions, keyInUse, func(k string) (string, string, error) {
		return removeEmptyKey(env, k)
	})
	if err != nil {
		return actions, err
	}

	// Then the folders created to hold them, innermost first, once
	// nothing left in the record lives inside; the record itself goes
	// first when it has nothing else to remember.
	keepRecord := !rec.emptyExceptFolders()
	if !keepRecord {
		if err := os.Remove(opts.Record); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return actions, fmt.Errorf("remove the install record: %w", err)
		}
	}
	inUse := func(dir string) bool {
		return slices.ContainsFunc(slices.Concat(rec.Manifests, rec.Wrappers), func(e Entry) bool { return within(env, e.Path, dir) }) ||
			keepRecord && within(env, opts.Record, dir)
	}
	rec.Folders, actions, err = prune(rec.Folders, actions, inUse, removeEmptyDir)
	return actions, err
}

func (r *Record) emptyExceptFolders() bool {
	return len(r.Manifests) == 0 && len(r.Keys) == 0 && len(r.ParentKeys) == 0 && len(r.Wrappers) == 0
}

// release drops the chosen browsers from each entry and removes the
// entries no browser uses any more; it returns the entries left.
func release(entries []Entry, actions []Action, chosen func(string) bool,
	remove func(Entry) (did, note string, err error)) ([]Entry, []Action, error) {
	var left []Entry
	for i, e := range entries {
		var gone, stay []string
		for _, b := range e.Browsers {
			if chosen(b) {
				gone = append(gone, b)
			} else {
				stay = append(stay, b)
			}
		}
		switch {
		case len(gone) == 0:
			left = append(left, e)
			continue
		case len(stay) > 0:
			e.Browsers = stay
			left = append(left, e)
			actions = append(actions, Action{Browser: strings.Join(gone, ","), Did: "kept", Path: e.Path,
				Note: "still used by " + strings.Join(stay, ", ")})
			continue
		}
		did, note, err := remove(e)
		if err != nil {
			return append(left, entries[i:]...), actions, err
		}
		actions = append(actions, Action{Browser: strings.Join(gone, ","), Did: did, Path: e.Path, Note: note})
	}
	return left, actions, nil
}

// prune removes recorded folders or keys, innermost first, that nothing
// in the record needs; it returns those still needed.
func prune(items []string, actions []Action, inUse func(string) bool,
	remove func(string) (did, note string, err error)) ([]string, []Action, error) {
	sorted := slices.Clone(items)
	slices.SortFunc(sorted, func(a, b string) int { return len(b) - len(a) })
	var left []string
	for i, it := range sorted {
		if inUse(it) {
			left = append(left, it)
			continue
		}
		did, note, err := remove(it)
		if err != nil {
			return append(left, sorted[i:]...), actions, err
		}
		if did != "absent" {
			actions = append(actions, Action{Browser: "-", Did: did, Path: it, Note: note})
		}
	}
	return left, actions, nil
}

// within reports whether path is inside dir.
func within(env Env, path, dir string) bool {
	for p := env.Dir(path); ; p = env.Dir(p) {
		if p == dir {
			return true
		}
		if env.Dir(p) == p {
			return false
		}
	}
}

func removeManifest(path string) (string, string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "absent", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("read %s: %w", path, err)
	}
	var h Host
	if json.Unmarshal(data, &h) != nil || h.Name != HostName {
		return "kept", "no longer a CIF Bridge manifest; remove it yourself if it is not needed", nil
	}
	if err := os.Remove(path); err != nil {
		return "", "", fmt.Errorf("remove %s: %w", path, err)
	}
	return "removed", "", nil
}

func removeEmptyDir(dir string) (string, string, error) {
	err := os.Remove(dir)
	switch {
	case err == nil:
		return "removed", "", nil
	case errors.Is(err, fs.ErrNotExist):
		return "absent", "", nil
	}
	if entries, rerr := os.ReadDir(dir); rerr == nil && len(entries) > 0 {
		return "kept", "not empty: something else put files there", nil
	}
	return "", "", fmt.Errorf("remove %s: %w", dir, err)
}

func splitKey(full string) (Root, string) {
	root, key, _ := strings.Cut(full, `\`)
	return Root(root), key
}

func unregister(env Env, e Entry) (string, string, error) {
	if env.Registry == nil {
		return "", "", errors.New("no registry to remove keys from (only Windows has one)")
	}
	root, key := splitKey(e.Path)
	v, ok, err := env.Registry.Default(root, key)
	switch {
	case err != nil:
		return "", "", err
	case !ok:
		return "absent", "", nil
	case v != e.Value:
		return "kept", "it now points at " + v + ", not at what install wrote", nil
	}
	if err := env.Registry.DeleteKey(root, key); err != nil {
		return "", "", err
	}
	return "removed", "", nil
}

func removeEmptyKey(env Env, full string) (string, string, error) {
	if env.Registry == nil {
		return "", "", errors.New("no registry to remove keys from (only Windows has one)")
	}
	root, key := splitKey(full)
	if ok, err := env.Registry.KeyExists(root, key); err != nil || !ok {
		return "absent", "", err
	}
	if empty, err := env.Registry.Empty(root, key); err != nil {
		return "", "", err
	} else if !empty {
		return "kept", "not empty: something else uses it", nil
	}
	if err := env.Registry.DeleteKey(root, key); err != nil {
		return "", "", err
	}
	return "removed", "", nil
}
