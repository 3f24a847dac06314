package protocol

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// EncodeResult writes the envelope itself, to encode the result only once;
// its bytes must be exactly those json.Marshal writes for a Response.
func TestEncodeResultWritesWhatMarshalWould(t *testing.T) {
	ids := []string{`1`, `-2.5e3`, `"r1"`, `"<a & b>"`, "\"\u2028\"", `"\u00e9\n"`, `null`}
	results := []any{nil, "session-<1>", true, map[string]any{"a": []int{1, 2}, "b": "&"}, json.RawMessage(`{"x": 1}`)}
	for _, id := range ids {
		for _, result := range results {
			got, err := EncodeResult(json.RawMessage(id), result)
			require.NoError(t, err)
			raw, err := json.Marshal(result)
			require.NoError(t, err)
			want, err := json.Marshal(Response{JSONRPC: Version, ID: json.RawMessage(id), Result: raw})
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got), "id %s, result %v", id, result)
		}
	}
}

func TestEncodeResultRefusesWhatIsNotJSON(t *testing.T) {
	_, err := EncodeResult(json.RawMessage(`{`), nil)
	assert.Error(t, err, "an id that is not JSON")
	_, err = EncodeResult(json.RawMessage(`1`), func() {})
	assert.Error(t, err, "a result that cannot be encoded")

	got, err := EncodeResult(nil, 1)
	require.NoError(t, err)
	assert.JSONEq(t, `{"jsonrpc":"2.0","id":null,"result":1}`, string(got), "no id is a null id")
}
