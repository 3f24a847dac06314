package server_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cifbridge/cif-bridge/protocol"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// The writer logs a reply too large to send while hello, on the loop's
// goroutine, gives the loop's logger the profile: under -race this fails
// if the two share the logger. The id nearly fills a frame, so even the
// MessageTooLarge error cannot echo it and goes out with id null.
func TestAReplyTooLargeToEchoItsIDGoesOutWithIDNull(t *testing.T) {
	h := startServer(t)
	h.send([]byte(`{"jsonrpc":"2.0","id":"` + strings.Repeat("i", protocol.DefaultMaxIncoming-60) + `","method":"x"}`))
	h.send([]byte(`{"jsonrpc":"2.0","id":"hello","method":"hello","params":{"protocolVersion":1,"profileId":"p"}}`))
	m := h.response(`null`)
	assert.Equal(t, errcode.MessageTooLarge, m.Error.Code)
	h.response(`"hello"`)
	h.close()
}
