package e2e

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// tab is a browser tab the test drives.
type tab struct {
	t  testing.TB
	d  driver
	id string
}

// openProvider opens a provider page (testdata/provider.html) at base and
// waits until it is subscribed to the CIF events.
func openProvider(t testing.TB, r *running, base string) *tab {
	t.Helper()
	d := r.driver(t)
	id, err := d.open(base + "/provider.html")
	require.NoError(t, err)
	p := &tab{t: t, d: d, id: id}
	until(t, d, id, `window.ready !== undefined`)
	p.eval(`window.ready`)
	return p
}

// eval runs an expression in the tab and returns its JSON value.
func (p *tab) eval(expr string) json.RawMessage {
	p.t.Helper()
	raw, err := p.d.eval(p.id, expr)
	require.NoError(p.t, err, "evaluating %s", expr)
	return raw
}

// settled is a CIF promise's outcome in the page.
type settled struct {
	OK    bool            `json:"ok"`
	Value json.RawMessage `json:"value"`
	Error *cifError       `json:"error"`
}

// call evaluates a CIF call (an expression yielding a promise) and returns
// how it settled.
func (p *tab) call(expr string) settled {
	p.t.Helper()
	var s settled
	require.NoError(p.t, json.Unmarshal(p.eval("settle("+expr+")"), &s))
	return s
}

// result evaluates a CIF call that must succeed and decodes its value.
func (p *tab) result(expr string, into any) {
	p.t.Helper()
	s := p.call(expr)
	require.Truef(p.t, s.OK, "%s failed: %+v", expr, s.Error)
	if into != nil {
		require.NoError(p.t, json.Unmarshal(s.Value, into))
	}
}

// failure evaluates a CIF call that must fail and returns its error.
func (p *tab) failure(expr string) cifError {
	p.t.Helper()
	s := p.call(expr)
	require.Falsef(p.t, s.OK, "%s succeeded with %s, but it must fail", expr, s.Value)
	require.NotNil(p.t, s.Error)
	return *s.Error
}

// event is one CIF event a provider page heard.
type event struct {
	Name    string         `json:"name"`
	Payload map[string]any `json:"payload"`
}

// events returns what the page has heard so far.
func (p *tab) events() []event {
	p.t.Helper()
	var evs []event
	require.NoError(p.t, json.Unmarshal(p.eval(`window.events`), &evs))
	return evs
}

// waitEvents waits, with a bound, until the page has heard n events, and
// returns them.
func (p *tab) waitEvents(n int) []event {
	p.t.Helper()
	until(p.t, p.d, p.id, "window.events.length >= "+strconv.Itoa(n))
	return p.events()
}
