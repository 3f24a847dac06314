package protocol

import (
	"encoding/json"
	"testing"

	"github.com/cifbridge/cif-bridge/protocol/errcode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeRequest(t *testing.T) {
	req, id, perr := DecodeRequest([]byte(`{"jsonrpc":"2.0","id":7,"method":"createSession","params":{"input":{"templateName":"x"}}}`))
	require.Nil(t, perr)
	assert.Equal(t, "createSession", req.Method)
	assert.JSONEq(t, `7`, string(id))
	assert.JSONEq(t, `{"input":{"templateName":"x"}}`, string(req.Params))
	assert.False(t, req.IsNotification())

	req, id, perr = DecodeRequest([]byte(`{"jsonrpc":"2.0","method":"ping"}`))
	require.Nil(t, perr)
	assert.True(t, req.IsNotification())
	assert.Nil(t, id)
}

func TestDecodeRequestRejectsBadInputWithTypedErrors(t *testing.T) {
	tests := []struct {
		name, body string
		code       errcode.Code
		id         string
		message    string
	}{
		{"invalid UTF-8", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\xff\"}", errcode.ParseError, "null", "request is not valid UTF-8; send JSON text encoded as UTF-8"},
		{"invalid JSON", `{"jsonrpc":`, errcode.ParseError, "null", `request is not valid JSON (jsontext: unexpected EOF within "/jsonrpc" after offset 11); send one JSON object per frame`},
		{"empty body", ``, errcode.ParseError, "null", "request is not valid JSON (jsontext: unexpected EOF); send one JSON object per frame"},
		{"not an object", `"hello"`, errcode.InvalidRequest, "null", "request must be a JSON-RPC 2.0 object, not a string"},
		{"batch", ` [{"jsonrpc":"2.0","id":1,"method":"a"}]`, errcode.InvalidRequest, "null", "batch requests are not supported; send one JSON-RPC request per frame"},
		{"method not a string", `{"jsonrpc":"2.0","id":1,"method":5}`, errcode.InvalidRequest, "1", `request member "method" must be a string, not a number`},
		{"a member twice", `{"jsonrpc":"2.0","id":1,"method":"a","method":"b"}`, errcode.InvalidRequest, "null", `request member "method" is given twice; give each once`},
		{"a member in another case", `{"jsonrpc":"2.0","id":1,"method":"a","Params":{}}`, errcode.InvalidRequest, "1", `request has a member "Params", which JSON-RPC 2.0 does not define; send only jsonrpc, id, method and params`},
		{"id an object", `{"jsonrpc":"2.0","id":{},"method":"a"}`, errcode.InvalidRequest, "null", "request id must be a string or a number"},
		{"wrong version", `{"jsonrpc":"1.0","id":"a","method":"a"}`, errcode.InvalidRequest, `"a"`, `request must have "jsonrpc": "2.0"`},
		{"no method", `{"jsonrpc":"2.0","id":2}`, errcode.InvalidRequest, "2", "request has no method; name the CIF method to call"},
		{"positional params", `{"jsonrpc":"2.0","id":3,"method":"getSession","params":["s"]}`, errcode.InvalidParams, "3", "params of getSession must be an object of named parameters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, id, perr := DecodeRequest([]byte(tt.body))
			assert.Nil(t, req)
			require.NotNil(t, perr)
			assert.Equal(t, tt.code, perr.Code)
			assert.Equal(t, tt.message, perr.Message)
			assert.JSONEq(t, tt.id, string(id))
		})
	}
}

func TestEncodeResponses(t *testing.T) {
	b, err := EncodeResult(json.RawMessage(`"r1"`), "session-1")
	require.NoError(t, err)
	assert.JSONEq(t, `{"jsonrpc":"2.0","id":"r1","result":"session-1"}`, string(b))

	b, err = EncodeResult(json.RawMessage(`1`), nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"jsonrpc":"2.0","id":1,"result":null}`, string(b), "a null result is still a result")

	b = EncodeError(nil, errcode.Errorf(errcode.SessionLimit, "limit %d", 10))
	assert.JSONEq(t, `{"jsonrpc":"2.0","id":null,"error":{"code":1003,"message":"limit 10"}}`, string(b))

	b, err = EncodeNotification("onSessionClosed", map[string]string{"sessionId": "s"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"jsonrpc":"2.0","method":"onSessionClosed","params":{"sessionId":"s"}}`, string(b))
}
