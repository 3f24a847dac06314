package server

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeCommonReadsWhatDecodeReads(t *testing.T) {
	for _, raw := range []string{
		`{"provider":"http://localhost:3000","sessionId":"s-1","correlationId":"c-1"}`,
		`{"sessionId":"s-1","input":{"provider":"nested, not this one"}}`,
		`{"Provider":"http://a.example"}`,
		`{"provider":"http://a.example","provider":"http://b.example"}`,
		`{"provider":"http:\/\/a.example"}`,
		`{"provider":7}`,
		`{"correlationId":null}`,
		`null`,
		``,
	} {
		got, gotErr := decodeCommon("m", json.RawMessage(raw))
		want, wantErr := decode[common]("m", json.RawMessage(raw))
		assert.Equal(t, want, got, raw)
		assert.Equal(t, wantErr, gotErr, raw)
	}
	got, err := decodeCommon("m", json.RawMessage(`{"provider":7}`))
	assert.Equal(t, "m: parameter provider must be a string, not a number", err.Error(), "the error names the parameter; got %+v", got)
}

// FuzzDecodeCommon checks that the fast reading of the common parameters
// agrees with encoding/json's on every JSON object.
func FuzzDecodeCommon(f *testing.F) {
	f.Add([]byte(`{"provider":"http://localhost:3000","correlationId":"c"}`))
	f.Add([]byte(`{"PROVIDER":"x","provider":"y"}`))
	f.Add([]byte(`{"correlationid":"x"}`))
	f.Add([]byte(`{"provider":"\u0068"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return
		}
		got, gotErr := decodeCommon("m", raw)
		want, wantErr := decode[common]("m", raw)
		require.Equal(t, wantErr, gotErr)
		assert.Equal(t, want, got)
	})
}
