//go:build !windows

package manifest

// SystemRegistry is this machine's registry: none outside Windows.
func SystemRegistry() Registry { return nil }
