package protocol

import (
	"bytes"
	"unicode/utf8"
)

// Reading the envelope of every request with encoding/json costs more
// than everything else cif-host does for a read-only call. These read the
// plain case directly: valid JSON whose keys and strings are UTF-8 without
// escapes.
// Anything else is reported as not plain and takes encoding/json's path,
// so that both paths always agree (fuzz tests check it).

// ObjectFields calls fn with each member of a JSON object, in order: its
// key and its value's text. obj must be valid JSON (json.Valid). It stops
// and reports false when obj is not an object, when a key is written
// with escapes, or when fn returns false.
func ObjectFields(obj []byte, fn func(key, value []byte) bool) bool {
	i := skipSpace(obj, 0)
	if i == len(obj) || obj[i] != '{' {
		return false
	}
	i = skipSpace(obj, i+1)
	if i < len(obj) && obj[i] == '}' {
		return true
	}
	// The bounds checks only keep input that is not JSON from panicking.
	for i < len(obj) {
		end := skipValue(obj, i)
		key, ok := PlainString(obj[i:end])
		if !ok {
			return false
		}
		if i = skipSpace(obj, end); i == len(obj) || obj[i] != ':' {
			return false
		}
		i = skipSpace(obj, i+1)
		end = skipValue(obj, i)
		if !fn(key, obj[i:end]) {
			return false
		}
		switch i = skipSpace(obj, end); {
		case i == len(obj):
			return false
		case obj[i] == '}':
			return true
		}
		i = skipSpace(obj, i+1) // past the comma
	}
	return false
}

// PlainString returns the text of a JSON string written in UTF-8 without
// escapes; it reports false for any other value.
func PlainString(v []byte) ([]byte, bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return nil, false
	}
	s := v[1 : len(v)-1]
	if bytes.IndexByte(s, '\\') >= 0 || !utf8.Valid(s) {
		return nil, false
	}
	return s, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the valid JSON value starting at i.
func skipValue(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			i = skipString(b, i)
			if depth == 0 {
				return min(i+1, len(b))
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return i + 1
			}
			if depth < 0 {
				return i // the end of the object holding a literal
			}
		case ',', ' ', '\t', '\n', '\r', ':':
			if depth == 0 {
				return i // the end of a number or literal
			}
		}
	}
	return min(i, len(b))
}

// skipString returns the index of the quote that closes the string
// opening at i.
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return i
}
