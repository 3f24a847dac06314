package api

import (
	"bytes"
	"errors"
	"reflect"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// Everything a page sends crosses a trust boundary here, so it is decoded
// strictly: member names match exactly (no other letter case), a name
// given twice is refused, and so is a member the method does not take.
// Only the objects CIF itself defines as open (createSession's and
// createTab's input) may carry members cif-host does not read, which CIF
// ignores too; even there names match exactly and are never repeated.

// strict is how every request is read.
var strict = json.JoinOptions(json.RejectUnknownMembers(true))

// envelope is a call's params as the extension sends them: who calls,
// which the extension read from the browser, apart from what the caller
// passed, so that nothing a page passes can change who it is.
type envelope struct {
	// Provider is the calling page's origin, or "" for the extension's
	// own views.
	Provider string         `json:"provider"`
	Args     jsontext.Value `json:"args"`
}

// readEnvelope decodes a call's params.
func readEnvelope(method string, params []byte) (envelope, error) {
	var e envelope
	if len(params) == 0 || bytes.Equal(bytes.TrimSpace(params), []byte("null")) {
		return e, errcode.Errorf(errcode.InvalidParams, "%s: params must be {provider, args}; the extension sends them", method)
	}
	if err := json.Unmarshal(params, &e, strict); err != nil {
		return e, paramsError(method, "", err)
	}
	return e, nil
}

// decode reads a method's arguments. Missing ones stay zero; a value of
// the wrong type, a repeated or unknown name is an InvalidParams error
// naming the argument.
func decode[T any](method string, args []byte) (T, error) {
	var v T
	if len(bytes.TrimSpace(args)) == 0 || bytes.Equal(bytes.TrimSpace(args), []byte("null")) {
		return v, nil
	}
	if err := json.Unmarshal(args, &v, strict); err != nil {
		return v, paramsError(method, "", err)
	}
	return v, nil
}

// paramsError turns a decoding error into a message a page's developer
// can act on; prefix is the path of the value that was being decoded.
func paramsError(method, prefix string, err error) *errcode.Error {
	if e, ok := errors.AsType[*errcode.Error](err); ok {
		return e
	}
	if se, ok := errors.AsType[*json.SemanticError](err); ok {
		name := joinPath(prefix, pointerPath(se.JSONPointer))
		switch {
		case errors.Is(se.Err, json.ErrUnknownName):
			return errcode.Errorf(errcode.InvalidParams, "%s: there is no parameter %s; check its spelling and letter case (see docs/api.md)", method, errcode.Clip(name))
		case se.Err != nil:
			return errcode.Errorf(errcode.InvalidParams, "%s: parameter %s %v", method, errcode.Clip(name), se.Err)
		}
		return errcode.Errorf(errcode.InvalidParams, "%s: parameter %s must be %s, not %s", method, errcode.Clip(name), goKind(se.GoType), jsonKind(se.JSONKind))
	}
	if se, ok := errors.AsType[*jsontext.SyntacticError](err); ok {
		name := joinPath(prefix, pointerPath(se.JSONPointer))
		if errors.Is(se.Err, jsontext.ErrDuplicateName) {
			return errcode.Errorf(errcode.InvalidParams, "%s: parameter %s is given twice; give each once", method, errcode.Clip(name))
		}
		return errcode.Errorf(errcode.InvalidParams, "%s: parameter %s is not valid JSON (%v)", method, errcode.Clip(name), se.Err)
	}
	return errcode.Errorf(errcode.InvalidParams, "%s: %v", method, err)
}

// pointerPath writes a JSON pointer as a JavaScript developer names the
// value: /input/templateName is input.templateName.
func pointerPath(p jsontext.Pointer) string {
	var parts []string
	for tok := range p.Tokens() {
		parts = append(parts, tok)
	}
	return strings.Join(parts, ".")
}

func joinPath(prefix, name string) string {
	switch {
	case prefix == "":
		return name
	case name == "":
		return prefix
	}
	return prefix + "." + name
}

// goKind names a Go type the way a JavaScript developer would.
func goKind(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeFor[object](), reflect.TypeFor[openObject]():
		return "an object"
	case reflect.TypeFor[stringList]():
		return "an array of strings"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Float64, reflect.Int, reflect.Int64:
		return "a number"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return "an array of strings"
		}
		return "an array"
	}
	return "an object"
}

// jsonKind names the kind of JSON value that was found.
func jsonKind(k jsontext.Kind) string {
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
	case '{':
		return "an object"
	}
	return "nothing"
}

// kindOf names the kind of a JSON value.
func kindOf(b []byte) string {
	if t := bytes.TrimSpace(b); len(t) > 0 {
		return jsonKind(jsontext.Value(t).Kind())
	}
	return "nothing"
}

// present returns a JSON value, or nil for a missing or null one.
func present(v jsontext.Value) []byte {
	if t := bytes.TrimSpace(v); len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return nil
	}
	return v
}

// errNotAnObjectString completes "parameter X …".
var errNotAnObjectString = errors.New("must be an object, not a string that does not hold a JSON object")

// object is a JSON object argument of arbitrary values (template
// parameters, slug values). It also accepts a JSON string that encodes an
// object, which some integrations send.
type object map[string]any

func (o *object) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	switch v.Kind() {
	case 'n':
		*o = nil
		return nil
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return err
		}
		if s := bytes.TrimSpace([]byte(s)); len(s) == 0 || s[0] != '{' || json.Unmarshal(s, (*map[string]any)(o)) != nil {
			return errNotAnObjectString
		}
		return nil
	case '{':
		return json.Unmarshal(v, (*map[string]any)(o))
	}
	return &json.SemanticError{JSONKind: v.Kind(), GoType: reflect.TypeFor[object]()}
}

// openObject decodes one of the objects CIF defines as open into T: the
// members T names must match exactly and appear once; others are ignored,
// as CIF ignores them.
type openObject struct{ raw jsontext.Value }

func (o *openObject) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	if k := v.Kind(); k != '{' && k != 'n' {
		return &json.SemanticError{JSONKind: k, GoType: reflect.TypeFor[openObject]()}
	}
	o.raw = v.Clone()
	return nil
}

// into decodes the object into v; ok is false when it was null or missing.
func (o openObject) into(method, name string, v any) (bool, error) {
	if present(o.raw) == nil {
		return false, nil
	}
	if err := json.Unmarshal(o.raw, v); err != nil {
		return true, paramsError(method, name, err)
	}
	return true, nil
}

// stringList is a list of strings that also accepts a single string (CIF
// documents getTabs' tag as one string; its host keeps several).
type stringList []string

func (l *stringList) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	switch v.Kind() {
	case 'n':
		*l = nil
		return nil
	case '"':
		var one string
		if err := json.Unmarshal(v, &one); err != nil {
			return err
		}
		*l = []string{one}
		return nil
	}
	if json.Unmarshal(v, (*[]string)(l)) != nil {
		return &json.SemanticError{JSONKind: v.Kind(), GoType: reflect.TypeFor[stringList]()}
	}
	return nil
}
