//go:build windows

package manifest

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// SystemRegistry is this machine's registry.
func SystemRegistry() Registry { return winRegistry{} }

type winRegistry struct{}

// view pins the 64-bit view, which 64-bit browsers read first.
const view = registry.WOW64_64KEY

func hive(root Root) registry.Key {
	if root == HKLM {
		return registry.LOCAL_MACHINE
	}
	return registry.CURRENT_USER
}

func open(root Root, key string, access uint32) (registry.Key, bool, error) {
	k, err := registry.OpenKey(hive(root), key, access|view)
	if errors.Is(err, registry.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("open %s: %w", RegistryPath(root, key), err)
	}
	return k, true, nil
}

func (winRegistry) Default(root Root, key string) (string, bool, error) {
	k, ok, err := open(root, key, registry.QUERY_VALUE)
	if !ok {
		return "", false, err
	}
	defer k.Close()
	v, _, err := k.GetStringValue("")
	if errors.Is(err, registry.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read %s: %w", RegistryPath(root, key), err)
	}
	return v, true, nil
}

func (winRegistry) SetDefault(root Root, key, value string) error {
	k, _, err := registry.CreateKey(hive(root), key, registry.SET_VALUE|view)
	if err != nil {
		return fmt.Errorf("create %s: %w", RegistryPath(root, key), err)
	}
	defer k.Close()
	if err := k.SetStringValue("", value); err != nil {
		return fmt.Errorf("write %s: %w", RegistryPath(root, key), err)
	}
	return nil
}

func (winRegistry) KeyExists(root Root, key string) (bool, error) {
	k, ok, err := open(root, key, registry.QUERY_VALUE)
	if ok {
		k.Close()
	}
	return ok, err
}

func (winRegistry) Empty(root Root, key string) (bool, error) {
	k, ok, err := open(root, key, registry.QUERY_VALUE|registry.ENUMERATE_SUB_KEYS)
	if !ok {
		return true, err
	}
	defer k.Close()
	info, err := k.Stat()
	if err != nil {
		return false, fmt.Errorf("inspect %s: %w", RegistryPath(root, key), err)
	}
	return info.SubKeyCount == 0 && info.ValueCount == 0, nil
}

func (winRegistry) DeleteKey(root Root, key string) error {
	err := registry.DeleteKey(hive(root), key)
	if err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", RegistryPath(root, key), err)
	}
	return nil
}

func (winRegistry) Integer(root Root, key, name string) (uint64, bool, error) {
	k, ok, err := open(root, key, registry.QUERY_VALUE)
	if !ok {
		return 0, false, err
	}
	defer k.Close()
	v, _, err := k.GetIntegerValue(name)
	if errors.Is(err, registry.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read %s\\%s: %w", RegistryPath(root, key), name, err)
	}
	return v, true, nil
}

func (winRegistry) Strings(root Root, key string) ([]string, error) {
	k, ok, err := open(root, key, registry.QUERY_VALUE)
	if !ok {
		return nil, err
	}
	defer k.Close()
	names, err := k.ReadValueNames(0)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", RegistryPath(root, key), err)
	}
	var out []string
	for _, n := range names {
		if v, _, err := k.GetStringValue(n); err == nil {
			out = append(out, v)
		}
	}
	return out, nil
}
