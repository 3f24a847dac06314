package protocol

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTheUsualRequestTakesThePlainPath(t *testing.T) {
	req, ok := plainRequest([]byte(` {"jsonrpc":"2.0", "id":7,"method":"getSession","params":{"provider":"http://localhost:3000","sessionId":"s-1","input":{"a":[1,"}"]}}} `))
	require.True(t, ok, "the extension's requests must not need encoding/json's slower path")
	assert.Equal(t, Request{JSONRPC: "2.0", ID: json.RawMessage(`7`), Method: "getSession",
		Params: json.RawMessage(`{"provider":"http://localhost:3000","sessionId":"s-1","input":{"a":[1,"}"]}}`)}, req)

	for _, body := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"get\u0053ession"}`, // an escape
		`{"jsonrpc":"2.0","ID":1,"method":"x"}`,               // another case
		`{"jsonrpc":"2.0","id":1,"id":2,"method":"x"}`,        // twice
		`{"jsonrpc":"2.0","id":null,"method":"x"}`,            // a null id
		`{"jsonrpc":"2.0","id":1,"method":"x","params":null}`, // null params
		`{"jsonrpc":"2.0","id":1,"method":"x","extra":true}`,  // another member
		`{"jsonrpc":2,"id":1,"method":"x"}`,                   // a number for a string
		`{"jsonrpc":"2.0","id":1,"method":"x"`,                // not JSON
		`["jsonrpc"]`,
	} {
		_, ok := plainRequest([]byte(body))
		assert.False(t, ok, "%s must take encoding/json's path", body)
	}
}

// FuzzPlainRequest checks that whatever the plain path accepts, it reads
// exactly as encoding/json does.
func FuzzPlainRequest(f *testing.F) {
	for _, seed := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"hello","params":{"protocolVersion":1}}`,
		`{"method":"m","id":"a\"b","params":{"k":"v\\"},"jsonrpc":"2.0"}`,
		` { "id" : -1.5e3 , "method" : "é" } `,
		`{"jsonrpc":"2.0","id":1,"Method":"x","method":"y"}`,
		`{"jsonrpc":"2.0","id":{},"method":"x"}`,
		`{"params":{"a":{"b":[{"c":"]"}]}},"id":0}`,
		`{}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		plain, ok := plainRequest(body)
		if !ok {
			return
		}
		var want Request
		require.NoError(t, json.Unmarshal(body, &want), "the plain path accepted what encoding/json refuses")
		assert.Equal(t, want.JSONRPC, plain.JSONRPC)
		assert.Equal(t, want.Method, plain.Method)
		assert.Equal(t, string(want.ID), string(plain.ID))
		assert.Equal(t, string(want.Params), string(plain.Params))
	})
}

// FuzzObjectFields checks the members ObjectFields finds against
// encoding/json's reading of the same object, and that input which is not
// JSON at all makes it report false, not panic.
func FuzzObjectFields(f *testing.F) {
	for _, seed := range []string{
		`{"a":1,"b":"x","c":{"d":[1,2,{"e":null}]},"f":true,"g":-0.5e-3}`,
		` { "a" : [ ] , "b" : { } } `,
		`{"a":"\"}","b":"\\"}`,
		`{"a":1,"a":2}`,
		`{}`,
		`[1]`,
		`"{}"`,
		`{"a`,
		`{"a":"b`,
		`{"a" "b"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, obj []byte) {
		if !json.Valid(obj) {
			ObjectFields(obj, func(_, _ []byte) bool { return true })
			return
		}
		got := map[string]string{}
		if !ObjectFields(obj, func(key, value []byte) bool {
			require.True(t, json.Valid(value), "member %s has a value that is not JSON: %q", key, value)
			got[string(key)] = string(value)
			return true
		}) {
			return
		}
		var want map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(obj, &want), "ObjectFields read a non-object")
		require.Len(t, got, len(want))
		for k, v := range want {
			assert.Equal(t, string(v), got[k], "member %s", k)
		}
	})
}
