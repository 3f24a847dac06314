package store

import (
	"os"
	"syscall"
)

// dataSync flushes a file's data, and only the metadata needed to read it
// back (fdatasync): after an overwrite in place, no journal commit of the
// file system.
func dataSync(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if err != syscall.EINTR {
			if err != nil {
				return &os.PathError{Op: "fdatasync", Path: f.Name(), Err: err}
			}
			return nil
		}
	}
}
