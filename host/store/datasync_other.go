//go:build !linux

package store

import "os"

// dataSync flushes a file's data; without fdatasync, as f.Sync does.
func dataSync(f *os.File) error { return f.Sync() }
