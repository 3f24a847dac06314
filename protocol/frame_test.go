package protocol

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func frame(body string) []byte {
	return append(binary.NativeEndian.AppendUint32(nil, uint32(len(body))), body...)
}

func header(n uint32) []byte { return binary.NativeEndian.AppendUint32(nil, n) }

func TestReaderReadsFramesInOrderEvenOneByteAtATime(t *testing.T) {
	stream := bytes.Join([][]byte{frame(`{"a":1}`), frame(""), frame(`"é"`)}, nil)
	r := NewReader(iotest.OneByteReader(bytes.NewReader(stream)), 0)
	for _, want := range []string{`{"a":1}`, "", `"é"`} {
		got, err := r.Read()
		require.NoError(t, err)
		assert.Equal(t, want, string(got))
	}
	_, err := r.Read()
	assert.ErrorIs(t, err, io.EOF)
}

func TestReaderErrors(t *testing.T) {
	tests := []struct {
		name   string
		stream []byte
		want   error
	}{
		{"end of stream inside the header", []byte{1, 0}, io.ErrUnexpectedEOF},
		{"end of stream inside the body", append(header(10), "short"...), io.ErrUnexpectedEOF},
		{"end of stream inside a skipped body", append(header(DefaultMaxIncoming+1), "short"...), io.ErrUnexpectedEOF},
		{"text instead of a header", []byte("/home/user/whatever"), ErrDesync},
		{"length above what any browser sends", header(MaxResync + 1), ErrDesync},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(bytes.NewReader(tt.stream), 0).Read()
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

// countingReader counts how many bytes were asked for at most in one call,
// to show a large length never turns into a large allocation.
type countingReader struct {
	r       io.Reader
	largest int
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.largest = max(c.largest, len(p))
	return c.r.Read(p)
}

func TestReaderSkipsAnOversizedBodyWithoutAllocatingItAndStaysInStep(t *testing.T) {
	const limit = 16
	big := bytes.Repeat([]byte("x"), 1<<20)
	stream := bytes.Join([][]byte{header(uint32(len(big))), big, frame(`{"next":true}`)}, nil)
	src := &countingReader{r: bytes.NewReader(stream)}
	r := NewReader(src, limit)

	_, err := r.Read()
	var tooLarge *FrameTooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.Equal(t, &FrameTooLargeError{Size: 1 << 20, Limit: limit}, tooLarge)
	assert.Equal(t, "request of 1048576 bytes exceeds the host's limit of 16 bytes; send less data per call", err.Error())
	assert.Less(t, src.largest, 64<<10, "the skipped body must be read in small pieces")

	got, err := r.Read()
	require.NoError(t, err)
	assert.Equal(t, `{"next":true}`, string(got))
}

func TestWriterWritesOneFramePerCall(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out)
	require.NoError(t, w.Write([]byte(`{"x":1}`)))
	require.NoError(t, w.Write(nil))
	assert.Equal(t, append(frame(`{"x":1}`), frame("")...), out.Bytes())
}

func TestWriterRefusesABodyTheBrowserWouldReject(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out)
	err := w.Write(make([]byte, MaxOutgoing+1))
	var tooLarge *FrameTooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.True(t, tooLarge.Outgoing)
	assert.Equal(t, "reply of 1048577 bytes exceeds the browser's limit of 1048576 bytes; ask for less data per call", err.Error())
	assert.Zero(t, out.Len(), "nothing may reach the browser")

	require.NoError(t, w.Write(make([]byte, MaxOutgoing)), "exactly the limit is allowed")
	assert.Equal(t, MaxOutgoing+headerSize, out.Len())
}

func TestRoundTrip(t *testing.T) {
	var pipe bytes.Buffer
	w, r := NewWriter(&pipe), NewReader(&pipe, 0)
	for _, body := range []string{`{}`, `{"method":"hello"}`, ""} {
		require.NoError(t, w.Write([]byte(body)))
		got, err := r.Read()
		require.NoError(t, err)
		assert.Equal(t, body, string(got))
	}
}
