package store

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// A profile's state is a snapshot (the file at Path, replaced atomically
// by Save) and a journal beside it: each saved change appends one record,
// so a change costs what it changed, not the whole state. A record is one
// line: the CRC-32C of its text in 8 hex digits, a space, the text and a
// newline. A crash can leave the last record torn; Load stops at the first
// record that is incomplete or fails its check and reports it, and the
// next Append cuts it off. Compact writes a new snapshot and empties the
// journal.
//
// The journal is kept longer than its records, zeros after them, so that
// an append overwrites space the file already has: flushing it then needs
// only fdatasync, which writes the data but no change of the file's size
// or blocks, about half the time of an fsync after growing the file
// (docs/performance.md). The zeros are written and flushed a chunk at a
// time (journalChunk), before the records that use them; zeros after the
// last record are the journal's clean end.

// journalChunk is how much zeroed space the journal grows by at a time:
// a few hundred records of a session each.
const journalChunk = 256 << 10

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// journalPath is where the journal of the snapshot at path lives.
func journalPath(path string) string { return path + ".journal" }

// Journal returns the records appended since the last snapshot, in order,
// up to the first one that is torn or damaged; damaged reports whether
// anything was left out after them.
func (f *File) Journal() (records [][]byte, damaged bool, err error) {
	data, err := os.ReadFile(journalPath(f.path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read journal: %w", err)
	}
	good := 0
	for len(data[good:]) > 0 && data[good] != 0 {
		rest := data[good:]
		end := bytes.IndexByte(rest, '\n')
		if end < 0 {
			break
		}
		text, ok := checkRecord(rest[:end])
		if !ok {
			break
		}
		records = append(records, text)
		good += end + 1
	}
	written := len(bytes.TrimRight(data, "\x00"))
	f.journalEnd, f.journalDirty, f.journalSize, f.journalRead = int64(good), int64(max(good, written)), int64(len(data)), true
	return records, written > good, nil
}

// checkRecord returns a record's text if its check holds.
func checkRecord(line []byte) ([]byte, bool) {
	if len(line) < 9 || line[8] != ' ' {
		return nil, false
	}
	sum, err := strconv.ParseUint(string(line[:8]), 16, 32)
	text := line[9:]
	if err != nil || uint32(sum) != crc32.Checksum(text, castagnoli) {
		return nil, false
	}
	return text, true
}

// JournalSize is how many bytes of records the journal holds.
func (f *File) JournalSize() int64 { return f.journalEnd }

// Append adds records to the journal and flushes them to disk; a record
// must not contain a newline. It writes after the last good record, and
// zeros over whatever a crash left after it, so a torn record is gone. On
// failure it zeros what it wrote, so that no part of these records is
// loaded later.
func (f *File) Append(records [][]byte) error {
	var buf bytes.Buffer
	for _, r := range records {
		if bytes.IndexByte(r, '\n') >= 0 {
			return errors.New("append to journal: a record holds a newline")
		}
		fmt.Fprintf(&buf, "%08x ", crc32.Checksum(r, castagnoli))
		buf.Write(r)
		buf.WriteByte('\n')
	}
	j, err := f.openJournal()
	if err != nil {
		return err
	}
	end := f.journalEnd + int64(buf.Len())
	if stale := f.journalDirty - end; stale > 0 {
		buf.Write(make([]byte, stale)) // what a crash left after the last good record
	}
	if err := f.grow(j, f.journalEnd+int64(buf.Len())); err != nil {
		return fmt.Errorf("append to journal: %w", err)
	}
	if err := writeAt(j, f.journalEnd, buf.Bytes()); err != nil {
		if _, zerr := j.WriteAt(make([]byte, buf.Len()), f.journalEnd); zerr != nil || dataSync(j) != nil {
			f.journalBroken = true
		}
		return fmt.Errorf("append to journal: %w", err)
	}
	f.journalEnd, f.journalDirty = end, end
	return nil
}

// grow makes the journal at least size bytes long, zeros after its
// records, in whole chunks, and flushes the new length: appends into that
// space then need only dataSync.
func (f *File) grow(j *os.File, size int64) error {
	if size <= f.journalSize {
		return nil
	}
	to := (size + journalChunk - 1) / journalChunk * journalChunk
	if _, err := j.WriteAt(make([]byte, to-f.journalSize), f.journalSize); err != nil {
		return err
	}
	if err := j.Sync(); err != nil {
		return err
	}
	f.journalSize = to
	return nil
}

// writeAt writes data into the journal's zeroed space and flushes it.
func writeAt(j *os.File, at int64, data []byte) error {
	if _, err := j.WriteAt(data, at); err != nil {
		return err
	}
	return dataSync(j)
}

// openJournal opens the journal once, creating it.
func (f *File) openJournal() (*os.File, error) {
	if f.journal != nil {
		return f.journal, nil
	}
	j, err := os.OpenFile(journalPath(f.path), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	if err := syncDir(filepath.Dir(f.path)); err != nil {
		j.Close()
		return nil, err
	}
	st, err := j.Stat()
	if err != nil {
		j.Close()
		return nil, fmt.Errorf("open journal: %w", err)
	}
	f.journalSize = max(f.journalSize, st.Size())
	if !f.journalRead { // all of it is left over: the first append zeros it
		f.journalDirty = max(f.journalDirty, st.Size())
	}
	f.journal = j
	return j, nil
}

// JournalBroken reports whether an Append failed in a way that may have
// left part of its records in the journal: only Compact may write next.
func (f *File) JournalBroken() bool { return f.journalBroken }

// Compact replaces the snapshot with data, which holds every change the
// journal did, and empties the journal. A crash between the two leaves a
// snapshot that already holds the journal's records, which the loader
// skips by their version.
func (f *File) Compact(data []byte) error {
	if err := f.Save(data); err != nil {
		return err
	}
	j, err := f.openJournal()
	if err != nil {
		return err
	}
	if err := j.Truncate(0); err != nil {
		return fmt.Errorf("empty journal: %w", err)
	}
	if err := j.Sync(); err != nil {
		return fmt.Errorf("flush journal: %w", err)
	}
	f.journalEnd, f.journalDirty, f.journalSize, f.journalBroken = 0, 0, 0, false
	return nil
}

// closeJournal closes the journal's descriptor.
func (f *File) closeJournal() error {
	if f.journal == nil {
		return nil
	}
	err := f.journal.Close()
	f.journal = nil
	return err
}
