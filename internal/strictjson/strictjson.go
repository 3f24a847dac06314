// Package strictjson reads the files an administrator writes
// (templates.json, settings.json) strictly, with errors a person can act
// on: member names in their exact letter case, each once, no member the
// schema does not have, and nothing after the value.
package strictjson

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Unmarshal decodes data into v strictly.
func Unmarshal(data []byte, v any) error {
	err := json.Unmarshal(data, v, json.RejectUnknownMembers(true))
	if err == nil {
		return nil
	}
	if se, ok := errors.AsType[*json.SemanticError](err); ok {
		where := path(se.JSONPointer)
		switch {
		case errors.Is(se.Err, json.ErrUnknownName):
			return fmt.Errorf("%s is not a member this file takes; check its spelling and letter case", where)
		case se.Err != nil:
			return fmt.Errorf("%s: %v", where, se.Err)
		}
		return fmt.Errorf("%s must be %s, not %s", where, goKind(se.GoType), kind(se.JSONKind))
	}
	if se, ok := errors.AsType[*jsontext.SyntacticError](err); ok {
		if errors.Is(se.Err, jsontext.ErrDuplicateName) {
			return fmt.Errorf("%s appears twice; keep one", path(se.JSONPointer))
		}
		return fmt.Errorf("not valid JSON at byte %d: %v", se.ByteOffset, se.Err)
	}
	return err
}

// path names a member the way a person finds it in the file.
func path(p jsontext.Pointer) string {
	if p == "" {
		return "the file"
	}
	var parts []string
	for tok := range p.Tokens() {
		parts = append(parts, tok)
	}
	return fmt.Sprintf("%q", strings.Join(parts, "."))
}

func goKind(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "a value"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Float64, reflect.Uint64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return "an object"
}

func kind(k jsontext.Kind) string {
	switch k {
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "true or false"
	case 'n':
		return "null"
	case '[':
		return "a list"
	}
	return "an object"
}
