package manifest

import "strings"

// Root is a Windows registry hive: HKCU for per-user registrations, HKLM
// for machine-wide ones.
type Root string

// The two hives browsers read host registrations from.
const (
	HKCU Root = "HKCU"
	HKLM Root = "HKLM"
)

// Registry is the part of the Windows registry CIF Bridge uses. Keys are
// paths below a root such as `SOFTWARE\Google\Chrome`. Every method
// works in the 64-bit view, which 64-bit browsers read (HKCU\SOFTWARE is
// shared by both views anyway).
type Registry interface {
	// Default reads a key's default value; ok is false when the key or
	// the value does not exist.
	Default(root Root, key string) (value string, ok bool, err error)
	// SetDefault creates the key (and its parents) if needed and sets its
	// default value.
	SetDefault(root Root, key, value string) error
	// KeyExists reports whether a key exists.
	KeyExists(root Root, key string) (bool, error)
	// Empty reports whether a key has neither subkeys nor values.
	Empty(root Root, key string) (bool, error)
	// DeleteKey removes a key that has no subkeys.
	DeleteKey(root Root, key string) error
	// Integer reads a DWORD or QWORD value; ok is false when absent.
	Integer(root Root, key, name string) (value uint64, ok bool, err error)
	// Strings returns a key's string values (how Chromium policies store
	// lists: values named 1, 2, ...); none when the key is absent.
	Strings(root Root, key string) ([]string, error)
}

// RegistryPath names a key with its root, as regedit shows it.
func RegistryPath(root Root, key string) string { return string(root) + `\` + key }

// parentKeys lists key's ancestors below the top-level key (SOFTWARE),
// outermost first: for SOFTWARE\A\B\C that is SOFTWARE\A, SOFTWARE\A\B.
func parentKeys(key string) []string {
	parts := strings.Split(key, `\`)
	var out []string
	for i := 2; i < len(parts); i++ {
		out = append(out, strings.Join(parts[:i], `\`))
	}
	return out
}
