package protocol_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"testing"

	"github.com/cifbridge/cif-bridge/internal/bench"
	"github.com/cifbridge/cif-bridge/protocol"
)

// BenchmarkFrame writes frames and reads them back through memory, against
// a raw copy of the same bytes: a length header and the body, written in
// one piece and read with io.ReadFull, as the bare echo host does. One op
// is one frame out and in; alone shows one frame at a time, burst ten
// written before any is read, as concurrent calls arrive.
func BenchmarkFrame(b *testing.B) {
	for _, size := range []int{100, 4 << 10} {
		body := bytes.Repeat([]byte("x"), size)
		for _, burst := range []int{1, 10} {
			name := fmt.Sprintf("%dB/alone", size)
			if burst > 1 {
				name = fmt.Sprintf("%dB/burst", size)
			}
			b.Run(name, func(b *testing.B) {
				var pipe bytes.Buffer
				w, r := protocol.NewWriter(&pipe), protocol.NewReader(&pipe, 0)
				raw := make([]byte, 4+size)
				bench.Versus(b,
					func(n int) {
						for i := 0; i < n; i += burst {
							for range burst {
								frame := binary.NativeEndian.AppendUint32(raw[:0], uint32(len(body)))
								pipe.Write(append(frame, body...))
							}
							for range burst {
								var hdr [4]byte
								io.ReadFull(&pipe, hdr[:])
								got := make([]byte, binary.NativeEndian.Uint32(hdr[:]))
								io.ReadFull(&pipe, got)
							}
						}
					},
					func(n int) {
						for i := 0; i < n; i += burst {
							for range burst {
								if err := w.Write(body); err != nil {
									b.Fatal(err)
								}
							}
							for range burst {
								if _, err := r.Read(); err != nil {
									b.Fatal(err)
								}
							}
						}
					})
			})
		}
	}
}
