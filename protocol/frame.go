// Package protocol is the wire between the browser extension and cif-host:
// native-messaging frames carrying JSON-RPC 2.0 objects, and the error codes
// both sides share. It knows nothing of sessions.
package protocol

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Frame limits. A native-messaging frame is a 4-byte length in the
// machine's native byte order followed by that many bytes of UTF-8 JSON.
const (
	// MaxOutgoing is the largest body a browser accepts from a host:
	// Chromium and Firefox both disconnect above 1 MiB.
	MaxOutgoing = 1 << 20
	// DefaultMaxIncoming is the largest request body the host reads. The
	// extension never sends more; anything larger is skipped unread.
	DefaultMaxIncoming = 1 << 20
	// MaxResync is the largest length the reader will skip to stay in step
	// with the stream. Browsers never send more than 64 MiB, so a larger
	// header means the stream is not native messaging at all (text written
	// to the pipe, a torn write) and cannot be resynchronised.
	MaxResync  = 64 << 20
	headerSize = 4
	// bufferSize is how much a Reader takes from the stream at once, so
	// that a small frame costs one read, and calls sent in a burst share
	// one; a Writer sends what it queued before it holds more than this.
	bufferSize = 16 << 10
)

// FrameTooLargeError reports a frame body over a limit. On reading, the body
// has been skipped and the stream is still in step; on writing, nothing was
// written.
type FrameTooLargeError struct {
	Size     int64 // the body's length in bytes
	Limit    int64 // the limit it broke
	Outgoing bool  // true when the host tried to send it
}

func (e *FrameTooLargeError) Error() string {
	if e.Outgoing {
		return fmt.Sprintf("reply of %d bytes exceeds the browser's limit of %d bytes; ask for less data per call", e.Size, e.Limit)
	}
	return fmt.Sprintf("request of %d bytes exceeds the host's limit of %d bytes; send less data per call", e.Size, e.Limit)
}

// ErrDesync means the stream no longer carries native-messaging frames (the
// length header is implausible) and must be closed.
var ErrDesync = errors.New("frame header is not a native-messaging length (is something else writing to the host's stdin?)")

// Reader reads frames from a stream, which it buffers: it may read past
// the frame it returns. It is not safe for concurrent use.
type Reader struct {
	r   *bufio.Reader
	max int64
	hdr [headerSize]byte
}

// NewReader returns a Reader that accepts bodies up to max bytes
// (DefaultMaxIncoming when max <= 0).
func NewReader(r io.Reader, max int64) *Reader {
	if max <= 0 {
		max = DefaultMaxIncoming
	}
	return &Reader{r: bufio.NewReaderSize(r, bufferSize), max: max}
}

// Buffered reports whether the next frame has arrived whole, so that Read
// returns it without waiting for the stream.
func (fr *Reader) Buffered() bool {
	n := fr.r.Buffered()
	if n < headerSize {
		return false
	}
	hdr, _ := fr.r.Peek(headerSize) // cannot fail: the bytes are buffered
	return int64(n-headerSize) >= int64(binary.NativeEndian.Uint32(hdr))
}

// Read returns the next frame's body. It returns io.EOF at a clean end of
// stream (between frames), io.ErrUnexpectedEOF for a stream cut inside a
// frame, a *FrameTooLargeError (stream still usable) for a body over the
// limit, and ErrDesync (stream unusable) for an implausible header. The
// length is checked before any body memory is allocated.
func (fr *Reader) Read() ([]byte, error) {
	if _, err := io.ReadFull(fr.r, fr.hdr[:]); err != nil {
		return nil, err
	}
	n := int64(binary.NativeEndian.Uint32(fr.hdr[:]))
	if n > MaxResync {
		return nil, ErrDesync
	}
	if n > fr.max {
		if _, err := io.CopyN(io.Discard, fr.r, n); err != nil {
			return nil, noEOF(err)
		}
		return nil, &FrameTooLargeError{Size: n, Limit: fr.max}
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(fr.r, body); err != nil {
		return nil, noEOF(err)
	}
	return body, nil
}

// noEOF turns a clean EOF inside a frame into io.ErrUnexpectedEOF.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// Writer writes frames to a stream. Each Write call on the stream carries
// whole frames, so that a frame is never interleaved or half-sent by this
// side; Queue lets several frames share one. It is not safe for
// concurrent use: give one goroutine ownership of it at a time.
type Writer struct {
	w   io.Writer
	buf []byte // queued frames, not yet sent
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write sends body as one frame, after any frames queued before it. A body
// over MaxOutgoing is not written and yields a *FrameTooLargeError.
func (fw *Writer) Write(body []byte) error {
	if err := fw.Queue(body); err != nil {
		return err
	}
	return fw.Flush()
}

// Queue adds body as one frame to what the next Flush sends; it sends what
// is queued first when that is already large. A body over MaxOutgoing is
// not queued and yields a *FrameTooLargeError.
func (fw *Writer) Queue(body []byte) error {
	if len(body) > MaxOutgoing {
		return &FrameTooLargeError{Size: int64(len(body)), Limit: MaxOutgoing, Outgoing: true}
	}
	if len(fw.buf) >= bufferSize {
		if err := fw.Flush(); err != nil {
			return err
		}
	}
	fw.buf = binary.NativeEndian.AppendUint32(fw.buf, uint32(len(body)))
	fw.buf = append(fw.buf, body...)
	return nil
}

// Flush sends the queued frames with one Write call on the stream.
func (fw *Writer) Flush() error {
	if len(fw.buf) == 0 {
		return nil
	}
	_, err := fw.w.Write(fw.buf)
	fw.buf = fw.buf[:0]
	if cap(fw.buf) > 64<<10 {
		fw.buf = nil // do not pin a large reply's memory
	}
	return err
}
