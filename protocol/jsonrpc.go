package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// Version is the JSON-RPC version every envelope carries.
const Version = "2.0"

// ProtocolVersion is the version of CIF Bridge's protocol on top of
// JSON-RPC: the methods, their parameters and results, and the events.
// The extension and the host must speak the same one; hello checks it.
const ProtocolVersion = 2

// Request is a JSON-RPC request as the extension sends it: an id it made,
// a CIF method name and an object of named parameters.
type Request struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params,omitempty"`
}

// IsNotification reports whether the request has no id and so gets no
// reply.
func (r *Request) IsNotification() bool { return len(r.ID) == 0 }

// Response answers one request: exactly one of Result and Error is set.
type Response struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *errcode.Error  `json:"error,omitempty"`
}

// Notification is a message the host sends on its own: an event.
type Notification struct {
	JSONRPC string `json:"jsonrpc"`
	Method  string `json:"method"`
	Params  any    `json:"params"`
}

var nullID = json.RawMessage("null")

// MaxNesting is how many levels of objects and arrays a request may nest.
// CIF's contexts and template parameters are a few levels deep. The limit
// keeps what a page sends readable wherever it is stored or echoed: the
// state file wraps it in a few more levels, and encoding/json refuses to
// read more than 10000, which would make the whole state unreadable.
const MaxNesting = 64

// DecodeRequest parses one frame body strictly: exactly the members of a
// JSON-RPC 2.0 request, each once, in their exact letter case; the
// request may share the body's memory. On failure it returns the error to
// send back and the request id when one could be read (else JSON null),
// so that even a bad request is answered where JSON-RPC says it should be.
func DecodeRequest(body []byte) (*Request, json.RawMessage, *errcode.Error) {
	if !utf8.Valid(body) {
		return nil, nullID, errcode.Errorf(errcode.ParseError, "request is not valid UTF-8; send JSON text encoded as UTF-8")
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		return nil, nullID, errcode.Errorf(errcode.InvalidRequest, "batch requests are not supported; send one JSON-RPC request per frame")
	}
	if tooDeep(body, MaxNesting) {
		return nil, envelopeID(body), errcode.Errorf(errcode.InvalidParams, "request nests objects and arrays more than %d levels deep, which cif-host does not accept; send flatter parameters", MaxNesting)
	}
	var env struct {
		JSONRPC string         `json:"jsonrpc"`
		ID      jsontext.Value `json:"id"`
		Method  string         `json:"method"`
		Params  jsontext.Value `json:"params"`
	}
	if err := jsonv2.Unmarshal(body, &env, jsonv2.RejectUnknownMembers(true)); err != nil {
		return nil, envelopeID(body), envelopeError(err)
	}
	req := Request{JSONRPC: env.JSONRPC, ID: json.RawMessage(env.ID), Method: env.Method, Params: json.RawMessage(env.Params)}
	id, ok := validID(req.ID)
	if !ok {
		return nil, nullID, errcode.Errorf(errcode.InvalidRequest, "request id must be a string or a number")
	}
	switch {
	case req.JSONRPC != Version:
		return nil, id, errcode.Errorf(errcode.InvalidRequest, `request must have "jsonrpc": "2.0"`)
	case req.Method == "":
		return nil, id, errcode.Errorf(errcode.InvalidRequest, "request has no method; name the CIF method to call")
	}
	if p := bytes.TrimSpace(req.Params); len(p) > 0 && p[0] != '{' && !bytes.Equal(p, []byte("null")) {
		return nil, id, errcode.Errorf(errcode.InvalidParams, "params of %s must be an object of named parameters", errcode.Clip(req.Method))
	}
	return &req, id, nil
}

// envelopeError says what is wrong with a request that could not be read.
func envelopeError(err error) *errcode.Error {
	if se, ok := errors.AsType[*jsonv2.SemanticError](err); ok {
		member := strings.TrimPrefix(string(se.JSONPointer), "/")
		switch {
		case member == "":
			return errcode.Errorf(errcode.InvalidRequest, "request must be a JSON-RPC 2.0 object, not %s", kindName(se.JSONKind))
		case errors.Is(se.Err, jsonv2.ErrUnknownName):
			return errcode.Errorf(errcode.InvalidRequest, "request has a member %q, which JSON-RPC 2.0 does not define; send only jsonrpc, id, method and params", errcode.Clip(member))
		}
		return errcode.Errorf(errcode.InvalidRequest, "request member %q must be a string, not %s", errcode.Clip(member), kindName(se.JSONKind))
	}
	if se, ok := errors.AsType[*jsontext.SyntacticError](err); ok && errors.Is(se.Err, jsontext.ErrDuplicateName) {
		return errcode.Errorf(errcode.InvalidRequest, "request member %q is given twice; give each once", errcode.Clip(strings.TrimPrefix(string(se.JSONPointer), "/")))
	}
	return errcode.Errorf(errcode.ParseError, "request is not valid JSON (%v); send one JSON object per frame", err)
}

// kindName names the kind of a JSON value.
func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '[':
		return "an array"
	}
	return "an object"
}

// tooDeep reports whether body nests objects and arrays more than limit
// levels deep, not counting brackets inside strings. It reads no further
// than it must.
func tooDeep(body []byte, limit int) bool {
	depth, inString := 0, false
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case inString && c == '\\':
			i++
		case inString:
			inString = c != '"'
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			if depth++; depth > limit {
				return true
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return false
}

// envelopeID returns the id of a request refused before it was read, when
// it can still be found, so that the refusal reaches the caller; else null.
func envelopeID(body []byte) json.RawMessage {
	var env struct {
		ID jsontext.Value `json:"id"`
	}
	if jsonv2.Unmarshal(body, &env) != nil {
		return nullID
	}
	if id, ok := validID(json.RawMessage(env.ID)); ok && id != nil {
		return id
	}
	return nullID
}

// validID accepts a missing id (a notification), a string or a number.
func validID(id json.RawMessage) (json.RawMessage, bool) {
	id = bytes.TrimSpace(id)
	if len(id) == 0 {
		return nil, true
	}
	switch c := id[0]; {
	case c == '"', c == '-', c >= '0' && c <= '9':
		return id, true
	}
	return nullID, false
}

// EncodeResult builds a success response. A result that cannot be encoded
// becomes an internal error response instead.
func EncodeResult(id json.RawMessage, result any) ([]byte, error) {
	raw, err := json.Marshal(result)
	if err != nil {
		return nil, err
	}
	if len(id) == 0 {
		id = nullID
	}
	if !json.Valid(id) {
		return json.Marshal(Response{JSONRPC: Version, ID: id, Result: raw}) // says why
	}
	// The envelope as json.Marshal writes a Response, without encoding
	// the result a second time: a request's id is compact already.
	var b bytes.Buffer
	b.Grow(len(`{"jsonrpc":"2.0","id":,"result":}`) + len(id) + len(raw))
	b.WriteString(`{"jsonrpc":"2.0","id":`)
	json.HTMLEscape(&b, id)
	b.WriteString(`,"result":`)
	b.Write(raw)
	b.WriteByte('}')
	return b.Bytes(), nil
}

// EncodeError builds an error response.
func EncodeError(id json.RawMessage, e *errcode.Error) []byte {
	if len(id) == 0 {
		id = nullID
	}
	b, err := json.Marshal(Response{JSONRPC: Version, ID: id, Error: e})
	if err != nil { // an id that is not JSON: answer as to an unreadable one
		b, _ = json.Marshal(Response{JSONRPC: Version, ID: nullID, Error: e})
	}
	return b
}

// EncodeNotification builds an event message.
func EncodeNotification(method string, params any) ([]byte, error) {
	return json.Marshal(Notification{JSONRPC: Version, Method: method, Params: params})
}
