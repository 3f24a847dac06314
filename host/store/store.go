// Package store keeps each browser profile's session state in files of
// its own, guarded by a lock so that two host processes never write them:
// a snapshot written atomically (temporary file, fsync, rename, fsync of
// the folder) and a journal of the changes since, each record flushed
// before it counts, so that a crash leaves the state of some moment at or
// after the last flushed change, never a broken one.
package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cifbridge/cif-bridge/internal/lazyre"
)

// profilePattern is what a profile id may look like: it becomes a file
// name, so nothing that could walk out of the folder.
var profilePattern = lazyre.New(`^[A-Za-z0-9_-]{1,64}$`)

// ValidProfile reports whether id can name a profile's state.
func ValidProfile(id string) bool { return profilePattern().MatchString(id) }

// File is one profile's state file. Hold its lock (Lock) before using it.
type File struct {
	path string
	lock *os.File
	// journal is the open journal; journalEnd the end of its last good
	// record; journalDirty the end of what is not zeros (past journalEnd
	// when a crash left a torn record); journalSize the file's length;
	// journalBroken that a failed Append may have left part of a record
	// after it; journalRead that Journal read it.
	journal       *os.File
	journalEnd    int64
	journalDirty  int64
	journalSize   int64
	journalBroken bool
	journalRead   bool
}

// Open returns the state file of a profile inside dir, creating dir.
func Open(dir, profile string) (*File, error) {
	if !ValidProfile(profile) {
		return nil, fmt.Errorf("profile id %q is not 1 to 64 letters, digits, '-' or '_'", profile)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create state folder: %w", err)
	}
	return &File{path: filepath.Join(dir, profile+".json")}, nil
}

// Path is where the state lives.
func (f *File) Path() string { return f.path }

// ErrBusy means another process holds the profile's lock.
var ErrBusy = errors.New("another cif-host process is serving this browser profile")

// Lock takes the profile's exclusive lock, waiting up to wait for a
// process that holds it (typically a host the browser is shutting down)
// to let go. It fails with ErrBusy after that.
func (f *File) Lock(wait time.Duration) error {
	lf, err := os.OpenFile(f.path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("open lock file: %w", err)
	}
	deadline := time.Now().Add(wait)
	for {
		ok, err := tryLock(lf)
		if err != nil {
			lf.Close()
			return fmt.Errorf("lock %s: %w", lf.Name(), err)
		}
		if ok {
			f.lock = lf
			f.removeLeftovers()
			return nil
		}
		if time.Now().After(deadline) {
			lf.Close()
			return ErrBusy
		}
		time.Sleep(20 * time.Millisecond) // poll: a file lock cannot be waited on with a deadline
	}
}

// tmpPrefix begins the name of each temporary file Save writes.
func (f *File) tmpPrefix() string { return "." + filepath.Base(f.path) + ".tmp-" }

// removeLeftovers deletes the temporary files of saves that a killed host
// never finished. Only the lock's holder saves, so none of them is in use.
func (f *File) removeLeftovers() {
	dir := filepath.Dir(f.path)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), f.tmpPrefix()) {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// Close closes the journal and releases the lock.
func (f *File) Close() error {
	jerr := f.closeJournal()
	if f.lock == nil {
		return jerr
	}
	err := f.lock.Close() // closing the descriptor drops the lock
	f.lock = nil
	return errors.Join(jerr, err)
}

// Load returns the saved bytes, or nil when nothing was saved yet.
func (f *File) Load() ([]byte, error) {
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	return data, nil
}

// Save replaces the state atomically.
func (f *File) Save(data []byte) error {
	dir := filepath.Dir(f.path)
	tmp, err := os.CreateTemp(dir, f.tmpPrefix()+"*")
	if err != nil {
		return fmt.Errorf("create temporary state file: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("flush state to disk: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close temporary state file: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("replace state file: %w", err)
	}
	return syncDir(dir)
}

// Quarantine moves an unreadable state (the snapshot and its journal)
// aside, keeping it for inspection, and returns where the snapshot went.
func (f *File) Quarantine(now time.Time) (string, error) {
	aside := fmt.Sprintf("%s.broken-%s", f.path, now.UTC().Format("20060102T150405.000000000Z"))
	if err := f.closeJournal(); err != nil {
		return "", fmt.Errorf("close journal: %w", err)
	}
	if err := os.Rename(f.path, aside); err != nil {
		return "", fmt.Errorf("move unreadable state aside: %w", err)
	}
	if err := os.Rename(journalPath(f.path), journalPath(aside)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("move unreadable journal aside: %w", err)
	}
	f.journalEnd, f.journalDirty, f.journalSize, f.journalBroken = 0, 0, 0, false
	return aside, nil
}
