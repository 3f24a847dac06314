package e2e

import "encoding/json"

// js renders a Go value as a JavaScript literal.
func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func jsonUnmarshal(raw []byte, into any) error { return json.Unmarshal(raw, into) }
