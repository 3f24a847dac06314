// Package errcode is the one definition of CIF Bridge's stable error codes:
// their numbers, names and meanings. The host's domain packages raise them,
// the wire carries them, and the extension's copy (extension/shared/contract.js)
// and the table in docs/protocol.md are generated from this list
// (`go generate ./extension`), so a code is written once.
package errcode

import (
	"errors"
	"fmt"
)

// Code is a stable, documented error code. The negative ones are JSON-RPC
// 2.0's own; the 1000s are CIF Bridge's. A page reads it as
// error.errorCode.
type Code int

// JSON-RPC 2.0 codes.
const (
	ParseError     Code = -32700
	InvalidRequest Code = -32600
	MethodNotFound Code = -32601
	InvalidParams  Code = -32602
	Internal       Code = -32603
)

// CIF Bridge's codes.
const (
	TemplateNotFound     Code = 1001
	UnsupportedTemplate  Code = 1002
	SessionLimit         Code = 1003
	SessionNotFound      Code = 1004
	TabNotFound          Code = 1005
	NotOwner             Code = 1006
	MessageTooLarge      Code = 1007
	HostUnavailable      Code = 1008
	Timeout              Code = 1009
	ProtocolMismatch     Code = 1010
	OriginNotAllowed     Code = 1011
	NotSupported         Code = 1012
	AgentOnly            Code = 1013
	ExtensionUnavailable Code = 1014
	ProfileBusy          Code = 1015
	TabNotClosable       Code = 1016
	NoFocusedSession     Code = 1017
	HandshakeRequired    Code = 1018
	StateUnavailable     Code = 1019
	EntityNotFound       Code = 1020
	RecordNotFound       Code = 1021
	InvalidQuery         Code = 1022
	RecordConflict       Code = 1023
	RecordsUnavailable   Code = 1024
	RecordsNotAllowed    Code = 1025
	TabLimit             Code = 1026
	NotificationNotFound Code = 1027
)

// Def is one code as the docs and the extension know it.
type Def struct {
	Code    Code
	Name    string
	Meaning string
}

// defs is the list every other copy is generated from, in documentation
// order.
var defs = []Def{
	{ParseError, "ParseError", "the frame is not JSON, or not UTF-8"},
	{InvalidRequest, "InvalidRequest", "not a JSON-RPC 2.0 request (a batch, no method, a bad id)"},
	{MethodNotFound, "MethodNotFound", "no such method"},
	{InvalidParams, "InvalidParams", "a parameter is missing, of the wrong type, or out of range"},
	{Internal, "Internal", "cif-host failed; its log says why"},
	{TemplateNotFound, "TemplateNotFound", "no session, application tab or notification template by that name or tag"},
	{UnsupportedTemplate, "UnsupportedTemplate", "createSession takes Generic session templates only"},
	{SessionLimit, "SessionLimit", "the workspace already has its maximum of open sessions"},
	{SessionNotFound, "SessionNotFound", "no such session, or not this provider's"},
	{TabNotFound, "TabNotFound", "no such tab in the focused session, or not this provider's"},
	{NotOwner, "NotOwner", "the focused session is not this provider's (a tab method, or setSessionTitle/updateContext without a session id), the tab's session is not focused, or the panel shows another provider (setMode, setWidth)"},
	{MessageTooLarge, "MessageTooLarge", "a request or reply over 1 MiB"},
	{HostUnavailable, "HostUnavailable", "cif-host cannot be started or reached, or it stopped during the call"},
	{Timeout, "Timeout", "no reply in time (9 s in the background, 10 s in the page)"},
	{ProtocolMismatch, "ProtocolMismatch", "the extension and cif-host speak different protocol versions"},
	{OriginNotAllowed, "OriginNotAllowed", "the page's origin is not on the allowlist, or it is a cross-origin frame"},
	{NotSupported, "NotSupported", "a CIF method that needs Dynamics itself or its own services (notes, knowledge base, dialogs, Omnichannel conversations, analytics)"},
	{AgentOnly, "AgentOnly", "one of the agent's own operations, called by a web page"},
	{ExtensionUnavailable, "ExtensionUnavailable", "the page's script got no answer from the extension"},
	{ProfileBusy, "ProfileBusy", "another cif-host holds this browser profile's state"},
	{TabNotClosable, "TabNotClosable", "an anchor tab, or a tab whose template cannot be closed"},
	{NoFocusedSession, "NoFocusedSession", "a tab method while the agent is on the home session, which has no tabs"},
	{HandshakeRequired, "HandshakeRequired", "a call before hello"},
	{StateUnavailable, "StateUnavailable", "the state cannot be read or saved; the message names the folder"},
	{EntityNotFound, "EntityNotFound", "the organisation has no entity by that logical name"},
	{RecordNotFound, "RecordNotFound", "no record of that entity has that id"},
	{InvalidQuery, "InvalidQuery", "OData query options that are malformed, or name an option, function or attribute cif-host does not support"},
	{RecordConflict, "RecordConflict", "the record changed since the version the update was based on (If-Match)"},
	{RecordsUnavailable, "RecordsUnavailable", "the organisation's database cannot be opened or reached; the message says why"},
	{RecordsNotAllowed, "RecordsNotAllowed", "the user has not allowed this site to read or write records"},
	{TabLimit, "TabLimit", "the focused session already has its maximum of application tabs"},
	{NotificationNotFound, "NotificationNotFound", "cancelEvent: no notification of this provider waits with that cancellation token"},
}

// Defs returns every code, in documentation order.
func Defs() []Def { return append([]Def(nil), defs...) }

func (c Code) String() string {
	for _, d := range defs {
		if d.Code == c {
			return d.Name
		}
	}
	return fmt.Sprintf("Code(%d)", int(c))
}

// Error is an error with a stable code. Message is written for the
// developer reading error.message in a page: it says what went wrong and
// what to do.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// As finds the *Error in err's chain, or wraps err as an internal error
// whose message still says what failed.
func As(err error) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	return &Error{Code: Internal, Message: "cif-host failed: " + err.Error() + " (see the host log; `cif-host doctor` prints where it is)"}
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
