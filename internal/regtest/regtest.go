// Package regtest is an in-memory Windows registry, so that tests of the
// Windows install and doctor run on any system. It starts as a fresh
// machine does for our purposes: HKCU\SOFTWARE and HKLM\SOFTWARE exist.
package regtest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/cifbridge/cif-bridge/manifest"
)

// Registry implements manifest.Registry. Key names are case-sensitive
// here (Windows ignores case); the code under test spells them one way.
type Registry struct {
	mu   sync.Mutex
	keys map[string]map[string]any // ROOT\key -> value name ("" = default) -> string or uint64
}

// New returns a registry holding only the two SOFTWARE keys.
func New() *Registry {
	return &Registry{keys: map[string]map[string]any{`HKCU\SOFTWARE`: {}, `HKLM\SOFTWARE`: {}}}
}

func full(root manifest.Root, key string) string { return manifest.RegistryPath(root, key) }

// Set creates a key and its parents and sets a value (a string, or a
// uint64 for a DWORD); tests seed policies with it.
func (r *Registry) Set(root manifest.Root, key, name string, value any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := full(root, key)
	parts := strings.Split(k, `\`)
	for i := 2; i <= len(parts); i++ {
		p := strings.Join(parts[:i], `\`)
		if r.keys[p] == nil {
			r.keys[p] = map[string]any{}
		}
	}
	r.keys[k][name] = value
}

// Keys lists every key, sorted.
func (r *Registry) Keys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Sorted(maps.Keys(r.keys))
}

func (r *Registry) Default(root manifest.Root, key string) (string, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.keys[full(root, key)][""]
	if !ok {
		return "", false, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", false, fmt.Errorf("%s: default value is not a string", full(root, key))
	}
	return s, true, nil
}

func (r *Registry) SetDefault(root manifest.Root, key, value string) error {
	r.Set(root, key, "", value)
	return nil
}

func (r *Registry) KeyExists(root manifest.Root, key string) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.keys[full(root, key)]
	return ok, nil
}

func (r *Registry) hasSubkeys(k string) bool {
	for other := range r.keys {
		if strings.HasPrefix(other, k+`\`) {
			return true
		}
	}
	return false
}

func (r *Registry) Empty(root manifest.Root, key string) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := full(root, key)
	return len(r.keys[k]) == 0 && !r.hasSubkeys(k), nil
}

func (r *Registry) DeleteKey(root manifest.Root, key string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := full(root, key)
	if r.hasSubkeys(k) {
		return errors.New("delete " + k + ": access denied (it has subkeys)")
	}
	delete(r.keys, k)
	return nil
}

func (r *Registry) Integer(root manifest.Root, key, name string) (uint64, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.keys[full(root, key)][name].(uint64)
	return v, ok, nil
}

func (r *Registry) Strings(root manifest.Root, key string) ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	values := r.keys[full(root, key)]
	var out []string
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if s, ok := values[name].(string); ok {
			out = append(out, s)
		}
	}
	return out, nil
}
