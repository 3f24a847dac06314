package protocol

import (
	"errors"
	"fmt"
)

// Code is a stable, documented error code. The negative ones are JSON-RPC
// 2.0's own; the 1000s are CIF Bridge's. A page reads it as
// error.errorCode. docs/protocol.md lists them; extension/lib/errors.js
// mirrors them (a test keeps the two equal).
type Code int

// JSON-RPC 2.0 codes.
const (
	CodeParseError     Code = -32700
	CodeInvalidRequest Code = -32600
	CodeMethodNotFound Code = -32601
	CodeInvalidParams  Code = -32602
	CodeInternal       Code = -32603
)

// Application codes.
const (
	CodeTemplateNotFound     Code = 1001
	CodeUnsupportedTemplate  Code = 1002
	CodeSessionLimit         Code = 1003
	CodeSessionNotFound      Code = 1004
	CodeTabNotFound          Code = 1005
	CodeNotOwner             Code = 1006
	CodeMessageTooLarge      Code = 1007
	CodeHostUnavailable      Code = 1008
	CodeTimeout              Code = 1009
	CodeProtocolMismatch     Code = 1010
	CodeOriginNotAllowed     Code = 1011
	CodeNotSupported         Code = 1012
	CodeAgentOnly            Code = 1013
	CodeExtensionUnavailable Code = 1014
	CodeProfileBusy          Code = 1015
	CodeTabNotClosable       Code = 1016
	CodeNoFocusedSession     Code = 1017
	CodeHandshakeRequired    Code = 1018
	CodeStateUnavailable     Code = 1019
)

var codeNames = map[Code]string{
	CodeParseError:           "ParseError",
	CodeInvalidRequest:       "InvalidRequest",
	CodeMethodNotFound:       "MethodNotFound",
	CodeInvalidParams:        "InvalidParams",
	CodeInternal:             "Internal",
	CodeTemplateNotFound:     "TemplateNotFound",
	CodeUnsupportedTemplate:  "UnsupportedTemplate",
	CodeSessionLimit:         "SessionLimit",
	CodeSessionNotFound:      "SessionNotFound",
	CodeTabNotFound:          "TabNotFound",
	CodeNotOwner:             "NotOwner",
	CodeMessageTooLarge:      "MessageTooLarge",
	CodeHostUnavailable:      "HostUnavailable",
	CodeTimeout:              "Timeout",
	CodeProtocolMismatch:     "ProtocolMismatch",
	CodeOriginNotAllowed:     "OriginNotAllowed",
	CodeNotSupported:         "NotSupported",
	CodeAgentOnly:            "AgentOnly",
	CodeExtensionUnavailable: "ExtensionUnavailable",
	CodeProfileBusy:          "ProfileBusy",
	CodeTabNotClosable:       "TabNotClosable",
	CodeNoFocusedSession:     "NoFocusedSession",
	CodeHandshakeRequired:    "HandshakeRequired",
	CodeStateUnavailable:     "StateUnavailable",
}

// Codes returns every defined code by name, for documentation and for the
// test that keeps the extension's copy in step.
func Codes() map[string]Code {
	out := make(map[string]Code, len(codeNames))
	for c, n := range codeNames {
		out[n] = c
	}
	return out
}

func (c Code) String() string {
	if n, ok := codeNames[c]; ok {
		return n
	}
	return fmt.Sprintf("Code(%d)", int(c))
}

// Error is a JSON-RPC error object and a Go error. Message is written for
// the developer reading error.message in a page: it says what went wrong
// and what to do.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// AsError finds the *Error in err's chain, or wraps err as an internal error
// whose message still says what failed.
func AsError(err error) *Error {
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	return &Error{Code: CodeInternal, Message: "cif-host failed: " + err.Error() + " (see the host log; `cif-host doctor` prints where it is)"}
}

// clipRunes is how much of a caller's value an error message quotes.
const clipRunes = 80

// Clip shortens a value a caller sent (an id, a name) for quoting in an
// error message, so that a huge value cannot make the reply itself too
// large to send.
func Clip(s string) string {
	if len(s) <= clipRunes {
		return s
	}
	r := []rune(s)
	if len(r) <= clipRunes {
		return s
	}
	return string(r[:clipRunes]) + fmt.Sprintf("… (%d characters)", len(r))
}
