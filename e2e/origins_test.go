package e2e

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFramesAndTheAllowlist checks who may call: a same-origin frame may, a
// cross-origin frame may not, and an origin the user removes in the options
// page is refused until it is added back.
func TestFramesAndTheAllowlist(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			r, srv := startWithPages(t, b)
			d := r.driver(t)
			other := otherOrigin(srv.URL)

			frames, err := d.open(srv.URL + "/frames.html?other=" + other)
			require.NoError(t, err)
			until(t, d, frames, `"same" in window.frameResults && "cross" in window.frameResults`)
			var results map[string]settled
			require.NoError(t, json.Unmarshal((&tab{t: t, d: d, id: frames}).eval(`window.frameResults`), &results))
			assert.True(t, results["same"].OK, "a same-origin frame may call: %+v", results["same"].Error)
			assert.Equal(t, &cifError{
				Message:   "the frame " + other + " is not of the same origin as its top-level page; CIF Bridge serves top-level pages and their same-origin frames only, and the channel providers its own panel hosts",
				MsdynName: "getAllSessions",
				ErrorCode: 1011,
			}, results["cross"].Error)

			page := openProvider(t, r, srv.URL)
			options := &tab{t: t, d: d, id: b.extensionTab(t, r, "views/options/options.html")}
			until(t, d, options.id, `document.querySelector('button[data-origin="http://127.0.0.1"]') !== null`)
			options.eval(`document.querySelector('button[data-origin="http://127.0.0.1"]').click()`)
			until(t, d, options.id, `document.getElementById("status").textContent === "Removed http://127.0.0.1."`)
			// The background hears of the change a moment after the page saved it.
			until(t, d, page.id, `settle(Microsoft.CIFramework.getAllSessions()).then((s) => !s.ok && s.error.errorCode === 1011)`)
			assert.Equal(t, cifError{
				Message:   "the origin " + srv.URL + " is not allowed to use CIF Bridge; add it in the extension's options (allowed now: http://localhost)",
				MsdynName: "getAllSessions",
				ErrorCode: 1011,
			}, page.failure(`Microsoft.CIFramework.getAllSessions()`))
			localhost := openProvider(t, r, other)
			localhost.result(`Microsoft.CIFramework.getAllSessions()`, nil)

			options.eval(`(document.getElementById("origin").value = "http://127.0.0.1", document.querySelector("#add button").click())`)
			until(t, d, options.id, `document.getElementById("status").textContent === "Added http://127.0.0.1. Reload its pages to give them the API."`)
			until(t, d, page.id, `settle(Microsoft.CIFramework.getAllSessions()).then((s) => s.ok)`)
		})
	}
}
