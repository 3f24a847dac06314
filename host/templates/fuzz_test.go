package templates

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzResolve feeds a page's strings to the slug resolver: format is a
// templateParameters string that may hold slugs, key and value one
// parameter, org the organisation URL. Resolving must never panic, never
// resolve a slug inside an inserted value, never grow past MaxResolved,
// and a tab's address must be http(s) or nothing.
func FuzzResolve(f *testing.F) {
	f.Add("Chat with {customer}", "customer", "Contoso", "")
	f.Add("{customer}{customer}", "customer", "{customer}", "")
	f.Add("https://www.bing.com/search?q={q}", "q", "{$odata.account.name.?$filter=x eq '{q}'}", "https://org.crm.dynamics.com")
	f.Add("{anchor.entityId} { customer } {$session.x.customer} {$oc.customer}", "customer", "x", "https://org/")
	f.Add(`{"name":"{customer}","tags":{}}`, "customer", `"}{`, "http://[::1]:8080")
	f.Add("{$odata.a.{b}}{b}", "b", "javascript:alert(1)", "javascript:alert(1)")
	f.Add("{url}", "url", "https://example.com/{url}", "")
	f.Add("", "", "", "")
	f.Fuzz(func(t *testing.T, format, key, value, org string) {
		v := Values{Params: map[string]any{key: value}}
		got := v.Resolve(format, "")
		assert.LessOrEqual(t, len(got), max(len(format), MaxResolved))

		// One pass: resolving with a marker in place of the value, then
		// putting the value where the marker landed, gives the same text.
		const marker = "\x00"
		if !strings.Contains(format, marker) {
			marked := Values{Params: map[string]any{key: marker}}.Resolve(format, "")
			if want := strings.ReplaceAll(marked, marker, value); len(want) <= MaxResolved {
				assert.Equal(t, want, got, "an inserted value must not be resolved again")
			}
		}

		for _, pt := range []PageType{ThirdPartyWebsite, EntityRecord, Search, Custom} {
			specs, _ := pt.Params()
			tab := &Tab{UniqueName: "t", PageType: pt, Parameters: map[string]any{}}
			for _, spec := range specs {
				tab.Parameters[spec.Name] = format
			}
			params, err := v.TabParams(tab)
			if err != nil {
				continue
			}
			if !ValidOrgURL(org) {
				org = ""
			}
			addr, err := URL(tab, params, org)
			if err != nil {
				var ue *URLError
				require.ErrorAs(t, err, &ue)
				continue
			}
			if addr != "" {
				u, err := url.Parse(addr)
				require.NoError(t, err, "address %q", addr)
				assert.Contains(t, []string{"http", "https"}, u.Scheme, "address %q", addr)
				assert.NotEmpty(t, u.Host, "address %q", addr)
			}
		}
	})
}

func TestResolveStopsGrowingAtTheBound(t *testing.T) {
	big := strings.Repeat("x", 100<<10)
	v := Values{Params: map[string]any{"x": big}}
	format := strings.Repeat("{x}", 1000) // 100 MB if each were inserted
	got := v.Resolve(format, "")
	assert.Equal(t, strings.Repeat(big, MaxResolved/len(big)), got, "whole values up to the bound, then nothing")

	tab := &Tab{UniqueName: "w", PageType: ThirdPartyWebsite, Parameters: map[string]any{"url": "https://example.com/" + format}}
	_, err := v.TabParams(tab)
	assert.EqualError(t, err, `parameter "url" of tab template "w" resolves to more than 1048576 bytes; pass shorter values in templateParameters (each {slug} inserts its value again)`)
}
