package api

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/protocol"
)

// separator splits one fuzz input into the bodies of several frames, so
// that a call can act on what an earlier one made.
const separator = "\x1e"

// FuzzDispatch sends arbitrary frame bodies to a server after hello. It
// must never panic, must answer every request exactly once, in order, with
// the request's id (or null when there is none to read), and must end
// cleanly when its input does.
func FuzzDispatch(f *testing.F) {
	const p = `"provider":"http://localhost:8080"`
	seeds := [][]string{
		{`{"jsonrpc":"2.0","id":1,"method":"createSession","params":{` + p + `,"args":{"input":{"templateName":"msdyn_chat_session","templateParameters":{"customer":"Contoso"},"context":{"a":[1,{"b":null}]}}}}}`,
			`{"jsonrpc":"2.0","id":2,"method":"createTab","params":{` + p + `,"args":{"input":{"templateName":"msdyn_website_tab","templateParameters":{"url":"https://example.com/{customer}"}}}}}`,
			`{"jsonrpc":"2.0","id":3,"method":"getTabs","params":{` + p + `,"args":{"tags":"x"}}}`},
		{`{"jsonrpc":"2.0","id":"a","method":"workspace.closeSession","params":{"provider":"","args":{"sessionId":"session-1"}}}`},
		{`{"jsonrpc":"2.0","id":1,"method":"workspace.get","params":{"provider":"","args":{}}}`, `{"jsonrpc":"2.0","id":2,"method":"workspace.switchSession","params":{"provider":"","args":{"sessionId":""}}}`},
		{`{"jsonrpc":"2.0","id":1,"method":"updateContext","params":{` + p + `,"args":{"input":["k"],"isDelete":true}}}`},
		{`{"jsonrpc":"2.0","id":1,"method":"notifyNewActivity","params":{` + p + `,"args":{"sessionId":"s","count":-1e300}}}`},
		{`{"jsonrpc":"2.0","id":1,"method":"setSessionTitle","params":{` + p + `,"args":{"input":"{\"sessionId\":\"s\"}"}}}`},
		{`{"jsonrpc":"2.0","id":1,"method":"hello","params":{"protocolVersion":2,"profileId":"other"}}`},
		{`{"jsonrpc":"2.0","method":"createSession","params":{}}`, `[]`, ``, `null`, `{"id":1}`},
		{`{"jsonrpc":"2.0","id":1,"method":"getSession","params":{"provider":["x"]}}`},
		{`{"jsonrpc":"2.0","id":1,"method":"getSession","params":{` + p + `,"Provider":"http://evil.example","args":{}}}`},
		{`{"jsonrpc":"2.0","id":1,"method":"getSession","params":{` + p + `,"args":{"sessionId":"a","sessionId":"b"}}}`},
		{`{"jsonrpc":"2.0","id":1e999,"method":"getAllSessions","params":{` + p + `,"args":{}}}`},
	}
	for _, s := range seeds {
		f.Add([]byte(join(s)))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		bodies := bytes.Split(input, []byte(separator))
		if len(bodies) > 8 {
			bodies = bodies[:8]
		}
		c := serve(t, testConfig(t))
		c.Hello("fuzz")
		var want []string // the ids of the responses due, in order
		for _, body := range bodies {
			c.SendRaw(body)
			req, id, perr := protocol.DecodeRequest(body)
			switch {
			case perr != nil && len(id) == 0:
				want = append(want, "null")
			case perr != nil:
				want = append(want, string(id))
			case !req.IsNotification():
				want = append(want, string(id))
			}
		}
		last := c.Send("getAllSessions", with("http://localhost:8080", nil))
		for _, id := range want {
			c.ResponseTo(id)
		}
		require.Nil(t, c.Response(last).Error)
		c.Stop()
		for {
			m, err := c.TryRead(0)
			if err != nil {
				break
			}
			require.Nil(t, m.ID, "a response nobody asked for: %+v", m)
		}
	})
}

func join(bodies []string) string {
	var b bytes.Buffer
	for i, s := range bodies {
		if i > 0 {
			b.WriteString(separator)
		}
		b.WriteString(s)
	}
	return b.String()
}
