// Package echo is the floor the benchmarks measure cif-host against: a
// native-messaging host that does nothing. It answers hello with a valid
// hello result and every other request with a null result, so that the
// extension runs its whole path with no session manager behind it; in raw
// mode it sends every frame back unread, the bare framed echo.
//
// It is deliberately naive (one read per header, one per body, one write
// per reply, no buffering), as the simplest correct host would be, and it
// shares no code with cif-host, so that nothing cif-host gains or loses
// moves the floor.
package echo

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/cifbridge/cif-bridge/protocol"
)

// HostVersion is the hostVersion the echo's hello reports, by which a
// benchmark tells which host a browser started.
const HostVersion = "echo"

// helloResult is what the extension needs from hello: the protocol
// version it checks and the limits it reads.
var helloResult = `{"hostVersion":"` + HostVersion + `","protocolVersion":` + strconv.Itoa(protocol.ProtocolVersion) + `,"capabilities":[],` +
	`"limits":{"maxSessions":10,"maxRequestBytes":1048576,"maxResponseBytes":1048576},"problems":[]}`

// Serve answers frames from in on out until in ends (io.EOF) or either
// side fails. In raw mode every frame goes back as it came.
func Serve(in io.Reader, out io.Writer, raw bool) error {
	var hdr [4]byte
	for {
		if _, err := io.ReadFull(in, hdr[:]); err != nil {
			return err
		}
		n := binary.NativeEndian.Uint32(hdr[:])
		if n > 64<<20 {
			return fmt.Errorf("frame of %d bytes: not native messaging", n)
		}
		frame := make([]byte, 4+n)
		copy(frame, hdr[:])
		if _, err := io.ReadFull(in, frame[4:]); err != nil {
			return err
		}
		if !raw {
			frame = answer(frame[4:])
			if frame == nil {
				continue
			}
		}
		if _, err := out.Write(frame); err != nil {
			return err
		}
	}
}

// answer returns the framed reply to a JSON-RPC request, or nil for a
// notification or a frame that is not a request.
func answer(body []byte) []byte {
	var req struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
	}
	if json.Unmarshal(body, &req) != nil || len(req.ID) == 0 {
		return nil
	}
	result := "null"
	if req.Method == "hello" {
		result = helloResult
	}
	reply := `{"jsonrpc":"2.0","id":` + string(req.ID) + `,"result":` + result + `}`
	frame := binary.NativeEndian.AppendUint32(make([]byte, 0, 4+len(reply)), uint32(len(reply)))
	return append(frame, reply...)
}
