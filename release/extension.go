package release

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cifbridge/cif-bridge/extension"
)

// ExtensionFiles are the files of the extension a browser runs: those
// extension/embed.go embeds, less Go files, tests, type declarations and
// Node's package files. Every file the manifest, a page or a module
// refers to must be among them.
func ExtensionFiles(files fs.FS) ([]string, error) {
	var out []string
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && excludedDir(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if !excludedFile(d.Name()) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list the extension's files: %w", err)
	}
	sort.Strings(out)
	if err := checkReferences(files, out); err != nil {
		return nil, err
	}
	return out, nil
}

func excludedDir(name string) bool {
	return slices.Contains([]string{"test", "tests", "types", "node_modules", "testdata"}, name) || strings.HasPrefix(name, ".")
}

func excludedFile(name string) bool {
	switch {
	case strings.HasPrefix(name, "."), strings.HasSuffix(name, ".go"), strings.HasSuffix(name, ".d.ts"),
		strings.Contains(name, ".test."), strings.Contains(name, "_test."), strings.Contains(name, ".spec."):
		return true
	}
	return slices.Contains([]string{"package.json", "package-lock.json", "tsconfig.json", "jsconfig.json"}, name)
}

var (
	// htmlRef finds src= and href= in a page.
	htmlRef = regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*["']([^"'#?]+)`)
	// jsImport finds static and dynamic imports of relative modules.
	jsImport = regexp.MustCompile(`(?m)(?:\bimport\s*(?:[\w*{}\s,]+\s*from\s*)?|\bimport\s*\(\s*|\bexport\s*[\w*{}\s,]+\s*from\s*)["'](\.{1,2}/[^"']+)["']`)
)

// checkReferences makes sure every file the manifest names, and every
// relative file a page or module of the package loads, is in the package.
func checkReferences(files fs.FS, names []string) error {
	data, err := fs.ReadFile(files, "manifest.json")
	if err != nil {
		return fmt.Errorf("the extension has no manifest.json: %w", err)
	}
	var m any
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("extension/manifest.json: %w", err)
	}
	type ref struct{ from, to string }
	var refs []ref
	for _, p := range manifestPaths(m) {
		refs = append(refs, ref{"manifest.json", p})
	}
	for _, n := range names {
		var re *regexp.Regexp
		switch path.Ext(n) {
		case ".html":
			re = htmlRef
		case ".js", ".mjs":
			re = jsImport
		default:
			continue
		}
		src, err := fs.ReadFile(files, n)
		if err != nil {
			return err
		}
		for _, mm := range re.FindAllSubmatch(src, -1) {
			to := string(mm[1])
			if strings.Contains(to, "://") || strings.HasPrefix(to, "data:") || strings.HasPrefix(to, "//") {
				continue
			}
			if strings.HasPrefix(to, "/") {
				to = strings.TrimPrefix(to, "/")
			} else {
				to = path.Join(path.Dir(n), to)
			}
			refs = append(refs, ref{n, to})
		}
	}
	var missing []string
	for _, r := range refs {
		if strings.HasSuffix(r.to, "/") {
			continue
		}
		if !slices.Contains(names, r.to) {
			missing = append(missing, fmt.Sprintf("%s (named by %s)", r.to, r.from))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the packaged extension would lack %s; add them to the //go:embed line of extension/embed.go, or stop referring to them",
			strings.Join(missing, ", "))
	}
	return nil
}

// manifestPaths are the extension's own files a manifest names.
func manifestPaths(m any) []string {
	root, _ := m.(map[string]any)
	var out []string
	str := func(v any) {
		if s, ok := v.(string); ok && s != "" && !strings.Contains(s, "*") {
			// A page's address may carry a query or a fragment (the popup's ?view=popup).
			file, _, _ := strings.Cut(s, "#")
			file, _, _ = strings.Cut(file, "?")
			out = append(out, strings.TrimPrefix(file, "/"))
		}
	}
	list := func(v any) {
		if a, ok := v.([]any); ok {
			for _, x := range a {
				str(x)
			}
		}
	}
	icons := func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, x := range v {
				str(x)
			}
		default:
			str(v)
		}
	}
	get := func(v any, key string) any {
		if o, ok := v.(map[string]any); ok {
			return o[key]
		}
		return nil
	}
	bg := root["background"]
	str(get(bg, "service_worker"))
	list(get(bg, "scripts"))
	str(get(bg, "page"))
	if cs, ok := root["content_scripts"].([]any); ok {
		for _, c := range cs {
			list(get(c, "js"))
			list(get(c, "css"))
		}
	}
	for _, k := range []string{"action", "browser_action", "page_action"} {
		str(get(root[k], "default_popup"))
		icons(get(root[k], "default_icon"))
	}
	icons(root["icons"])
	str(get(root["options_ui"], "page"))
	str(root["options_page"])
	str(get(root["side_panel"], "default_path"))
	str(get(root["sidebar_action"], "default_panel"))
	icons(get(root["sidebar_action"], "default_icon"))
	str(root["devtools_page"])
	if war, ok := root["web_accessible_resources"].([]any); ok {
		for _, w := range war {
			list(get(w, "resources"))
		}
	}
	if _, ok := root["default_locale"]; ok {
		if loc, ok := root["default_locale"].(string); ok {
			out = append(out, "_locales/"+loc+"/messages.json")
		}
	}
	return out
}

// Store-specific manifest keys: each store's package leaves out what only
// the other family of browsers reads (and the key, which fixes the
// unpacked extension's id and which the Chrome Web Store refuses).
var (
	// ChromeDrops are taken out of the Chrome Web Store zip's manifest.
	ChromeDrops = []string{"key", "browser_specific_settings", "sidebar_action", "background.scripts"}
	// FirefoxDrops are taken out of the xpi's manifest.
	FirefoxDrops = []string{"key", "minimum_chrome_version", "side_panel", "background.service_worker", "permissions:sidePanel"}
)

// StoreManifest returns the manifest with the keys named removed, in its
// order otherwise. "a.b" names a member of an object member; "a:v" a
// value of an array of strings.
func StoreManifest(data []byte, drops []string) ([]byte, error) {
	top, err := parseObject(data)
	if err != nil {
		return nil, fmt.Errorf("extension/manifest.json: %w", err)
	}
	for _, d := range drops {
		if outer, value, ok := strings.Cut(d, ":"); ok {
			var list []string
			if raw, ok := top.get(outer); ok && json.Unmarshal(raw, &list) == nil {
				list = slices.DeleteFunc(list, func(s string) bool { return s == value })
				raw, _ := json.Marshal(list)
				top.set(outer, raw)
			}
			continue
		}
		outer, inner, nested := strings.Cut(d, ".")
		if !nested {
			top.del(outer)
			continue
		}
		raw, ok := top.get(outer)
		if !ok {
			continue
		}
		obj, err := parseObject(raw)
		if err != nil {
			return nil, fmt.Errorf("extension/manifest.json %s: %w", outer, err)
		}
		obj.del(inner)
		top.set(outer, obj.encode())
	}
	var out bytes.Buffer
	if err := json.Indent(&out, top.encode(), "", "  "); err != nil {
		return nil, err
	}
	return append(out.Bytes(), '\n'), nil
}

// object is a JSON object that keeps its members' order.
type object struct {
	keys []string
	vals map[string]json.RawMessage
}

func parseObject(data []byte) (*object, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	o := &object{vals: map[string]json.RawMessage{}}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if _, dup := o.vals[k]; !dup {
			o.keys = append(o.keys, k)
		}
		o.vals[k] = v
	}
	return o, nil
}

func (o *object) get(k string) (json.RawMessage, bool) { v, ok := o.vals[k]; return v, ok }
func (o *object) set(k string, v json.RawMessage)      { o.vals[k] = v }
func (o *object) del(k string) {
	delete(o.vals, k)
	o.keys = slices.DeleteFunc(o.keys, func(s string) bool { return s == k })
}

func (o *object) encode() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(o.vals[k])
	}
	b.WriteByte('}')
	return b.Bytes()
}

// Store is a family of browsers the extension is packed for.
type Store struct {
	// Name is the package's suffix: cif-bridge-VERSION-NAME.EXT.
	Name, Ext string
	// Drops are the manifest keys this store's browsers do not read.
	Drops []string
}

// The extension's packages: the Chrome Web Store zip (also Edge
// Add-ons') and the Firefox xpi.
var (
	ChromeStore  = Store{Name: "chrome", Ext: "zip", Drops: ChromeDrops}
	FirefoxStore = Store{Name: "firefox", Ext: "xpi", Drops: FirefoxDrops}
	Stores       = []Store{ChromeStore, FirefoxStore}
)

// File is the package's name for a version.
func (s Store) File(version string) string {
	return fmt.Sprintf("cif-bridge-%s-%s.%s", version, s.Name, s.Ext)
}

// PackExtension writes the extension's package for a store to path: the
// files a browser runs (ExtensionFiles) with the store's manifest, each
// dated mtime. It is what a release holds; the end-to-end tests load it.
func PackExtension(path string, s Store, mtime time.Time) (files int, err error) {
	names, err := ExtensionFiles(extension.Files)
	if err != nil {
		return 0, err
	}
	raw, err := fs.ReadFile(extension.Files, "manifest.json")
	if err != nil {
		return 0, err
	}
	m, err := StoreManifest(raw, s.Drops)
	if err != nil {
		return 0, err
	}
	entries := []entry{{Name: "manifest.json", Mode: 0o644, Data: m}}
	for _, n := range names {
		if n == "manifest.json" {
			continue
		}
		data, err := fs.ReadFile(extension.Files, n)
		if err != nil {
			return 0, err
		}
		entries = append(entries, entry{Name: n, Mode: 0o644, Data: data})
	}
	if err := writeZip(path, entries, mtime); err != nil {
		return 0, fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return len(entries), nil
}

// extension writes the Chrome Web Store zip and the Firefox xpi.
func (b *builder) extension(context.Context) error {
	for _, s := range Stores {
		name := s.File(b.version)
		n, err := PackExtension(b.path(name), s, b.o.Time)
		if err != nil {
			return err
		}
		b.logf("  %s: %d files", name, n)
	}
	return nil
}
