package e2e

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestValuesThatCannotBeSent: parameters JSON cannot carry, and calls over
// cif-host's limit, fail with what is wrong and what to do, not as an
// extension that cannot be reached; the page's next call goes through.
// (Over the browsers' own 64 MiB takes the same path as over 1 MiB, and
// only makes the test slow.)
func TestValuesThatCannotBeSent(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			r, srv := startWithPages(t, b)
			p := openProvider(t, r, srv.URL)
			create := func(context string) string {
				return `Microsoft.CIFramework.createSession({templateName: "msdyn_chat_session", context: ` + context + `})`
			}
			for _, c := range []struct {
				name, context string
				want          cifError
			}{
				{"a BigInt", `{amount: 10n}`, cifError{
					Message:   `createSession: the parameters cannot be encoded as JSON: they hold a BigInt ("amount"); pass it as a number or a string`,
					MsdynName: "createSession", ErrorCode: -32602,
				}},
				{"a cycle", `(() => { const c = {}; c.self = c; return c; })()`, cifError{
					Message:   "createSession: the parameters cannot be encoded as JSON: they hold an object that contains itself (a cycle); pass plain data without cycles",
					MsdynName: "createSession", ErrorCode: -32602,
				}},
				{"over 1 MiB", `"é".repeat(600000)`, cifError{
					Message:   "createSession: the parameters are 1200060 bytes as JSON, over cif-host's limit of 1048576 for one call; send less data (a smaller context or fewer template parameters)",
					MsdynName: "createSession", ErrorCode: 1007,
				}},
			} {
				assert.Equal(t, c.want, p.failure(create(c.context)), c.name)
			}
			var can bool
			p.result(`Microsoft.CIFramework.canCreateSession()`, &can)
			assert.True(t, can)
		})
	}
}

// TestASandboxedFrameIsToldAtOnce: a frame sandboxed without
// allow-same-origin has no origin to be a provider by; its call fails with
// OriginNotAllowed and how to fix it, instead of waiting for an extension
// that does not answer.
func TestASandboxedFrameIsToldAtOnce(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			r, srv := startWithPages(t, b)
			d := r.driver(t)
			page, err := d.open(srv.URL + "/sandboxed.html")
			require.NoError(t, err)
			until(t, d, page, `"sandboxed" in window.frameResults`)
			var results map[string]settled
			require.NoError(t, json.Unmarshal((&tab{t: t, d: d, id: page}).eval(`window.frameResults`), &results))
			assert.Equal(t, &cifError{
				Message:   "getAllSessions: this frame is sandboxed (its origin is opaque), and a sandboxed frame cannot call CIF; add allow-same-origin to the iframe's sandbox attribute, or call Microsoft.CIFramework from the top-level page",
				MsdynName: "getAllSessions",
				ErrorCode: 1011,
			}, results["sandboxed"].Error)
		})
	}
}
