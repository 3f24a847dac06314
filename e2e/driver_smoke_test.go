package e2e

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTheAgentsPopupShowsTheWorkspace(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			w := newWorld(t)
			r := start(t, w, b.launch(t, w, b.extensionURL(t, "popup/popup.html")))
			popup := b.extensionTab(t, r, "popup/popup.html")
			d := r.driver(t)
			until(t, d, popup, `document.body.dataset.ready === "true"`)
			raw, err := d.eval(popup, `document.getElementById("summary").textContent`)
			require.NoError(t, err)
			assert.JSONEq(t, `"0 of 10 sessions"`, string(raw))
		})
	}
}
