package config

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/internal/lazyre"
)

// What getEnvironment reports and which channel providers the panel
// hosts: settings.json's organization, user and channelProviders. A fault
// in one of them costs only that section (or that provider); the rest of
// the file stays.

// Organization is the organisation getEnvironment reports, as Dynamics
// reports the one the agent is signed in to.
type Organization struct {
	// ID is the organisation's id, a GUID (getEnvironment's orgId).
	ID string `json:"id,omitempty"`
	// UniqueName is its unique name (orgUniqueName).
	UniqueName string `json:"uniqueName,omitempty"`
	// LCID is its base language (orgLcid); 1033 when 0.
	LCID int `json:"lcid,omitempty"`
	// AppID is the model-driven app's id, a GUID (appid, and appUrl's).
	AppID string `json:"appId,omitempty"`
	// Version is the organisation's version (crmVersion), such as
	// 9.2.23055.00200.
	Version string `json:"version,omitempty"`
}

// User is the agent getEnvironment reports.
type User struct {
	// ID is the user's id, a GUID (userId, which getEnvironment braces).
	ID string `json:"id,omitempty"`
	// Name is the user's full name (username).
	Name string `json:"name,omitempty"`
	// LCID is the user's language (userLcid); 1033 when 0.
	LCID int `json:"lcid,omitempty"`
}

// ChannelProvider is one channel provider the administrator configured,
// with the fields of Dynamics' channel provider record
// (msdyn_channelprovider): the panel hosts its landing page.
type ChannelProvider struct {
	// Name identifies the provider, as msdyn_uniquename does.
	Name string `json:"name"`
	// Label is what the panel's switcher shows (msdyn_label).
	Label string `json:"label"`
	// LandingURL is the page the panel loads (msdyn_channelurl).
	LandingURL string `json:"landingUrl"`
	// TrustedDomain is one more origin the provider's page may move to
	// and call from (msdyn_trusteddomain): https://host, or
	// https://*.example.com for example.com's subdomains.
	TrustedDomain string `json:"trustedDomain,omitempty"`
	// CustomParams is free text the provider reads from getEnvironment's
	// customParams (msdyn_customparams).
	CustomParams string `json:"customParams,omitempty"`
	// Order places the provider in the switcher: 0 first (msdyn_sortorder).
	Order int `json:"order"`
	// Enabled hosts the provider; true when left out (statecode Active).
	Enabled *bool `json:"enabled,omitempty"`
}

// The bounds of the provider fields, Dynamics' own where it has them.
const (
	MaxProviders          = 20
	maxProviderName       = 100
	maxProviderLabel      = 100
	maxLandingURL         = 1024
	maxTrustedDomain      = 2000
	MaxCustomParams       = 2000
	maxProviderOrder      = 1000
	maxIdentityTextLength = 200
)

// DefaultLCID is English (United States), Dynamics' usual base language.
const DefaultLCID = 1033

var (
	guidPattern         = lazyre.New(`^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$`)
	providerNamePattern = lazyre.New(`^[A-Za-z0-9_.-]+$`)
	uniqueNamePattern   = lazyre.New(`^[A-Za-z0-9_]+$`)
	versionPattern      = lazyre.New(`^[0-9]+(\.[0-9]+){0,3}$`)
	// originEntry is an origin, optionally with *. before the host: the
	// extension's allowlist entries take the same form.
	originEntry = lazyre.New(`^(https?)://(\*\.)?(\[[0-9a-fA-F:.]+\]|[^/:*\[\]\s]+)(:[0-9]{1,5})?/?$`)
)

// ValidGUID reports whether s is a GUID, with or without braces.
func ValidGUID(s string) bool {
	return guidPattern().MatchString(s) && strings.HasPrefix(s, "{") == strings.HasSuffix(s, "}")
}

// BareGUID is a GUID in lower case without braces, as Dynamics writes
// record ids in its addresses.
func BareGUID(s string) string { return strings.ToLower(strings.Trim(s, "{}")) }

// BracedGUID is a GUID in upper case within braces, as Dynamics writes
// the user's id.
func BracedGUID(s string) string {
	if s == "" {
		return ""
	}
	return "{" + strings.ToUpper(strings.Trim(s, "{}")) + "}"
}

// checkOrganization returns the problems of settings.json's organization.
func checkOrganization(o Organization) []fieldProblem {
	var out []fieldProblem
	if o.ID != "" && !ValidGUID(o.ID) {
		out = append(out, fieldProblem{"organization.id", fmt.Sprintf("is %q; use the organisation's id, a GUID such as 5f2b2d1e-7a8c-4e8e-9c61-0c1f0b1d9e2a (Settings > Customizations > Developer resources)", o.ID)})
	}
	if o.AppID != "" && !ValidGUID(o.AppID) {
		out = append(out, fieldProblem{"organization.appId", fmt.Sprintf("is %q; use the app's id, a GUID such as the appid in a Dynamics address", o.AppID)})
	}
	if o.UniqueName != "" && (len(o.UniqueName) > maxIdentityTextLength || !uniqueNamePattern().MatchString(o.UniqueName)) {
		out = append(out, fieldProblem{"organization.uniqueName", fmt.Sprintf("is %q; use the organisation's unique name: letters, digits and underscores, at most %d", o.UniqueName, maxIdentityTextLength)})
	}
	if o.Version != "" && !versionPattern().MatchString(o.Version) {
		out = append(out, fieldProblem{"organization.version", fmt.Sprintf("is %q; use a version such as 9.2.23055.00200", o.Version)})
	}
	out = append(out, checkLCID("organization.lcid", o.LCID)...)
	return out
}

// checkUser returns the problems of settings.json's user.
func checkUser(u User) []fieldProblem {
	var out []fieldProblem
	if u.ID != "" && !ValidGUID(u.ID) {
		out = append(out, fieldProblem{"user.id", fmt.Sprintf("is %q; use the user's id, a GUID such as 5f2b2d1e-7a8c-4e8e-9c61-0c1f0b1d9e2a", u.ID)})
	}
	if utf8.RuneCountInString(u.Name) > maxIdentityTextLength {
		out = append(out, fieldProblem{"user.name", fmt.Sprintf("is %d characters long; shorten it to at most %d", utf8.RuneCountInString(u.Name), maxIdentityTextLength)})
	}
	out = append(out, checkLCID("user.lcid", u.LCID)...)
	return out
}

func checkLCID(field string, lcid int) []fieldProblem {
	if lcid < 0 || lcid > 0xFFFF {
		return []fieldProblem{{field, fmt.Sprintf("is %d; use a Windows language id such as 1033 (English) or 1031 (German), or leave it out for 1033", lcid)}}
	}
	return nil
}

// fieldProblem is one fault of a settings field, before it names the file.
type fieldProblem struct{ field, message string }

// checkProviders keeps the channel providers without faults and reports
// the others, each left out on its own.
func checkProviders(list []ChannelProvider) ([]ChannelProvider, []fieldProblem) {
	var kept []ChannelProvider
	var out []fieldProblem
	seen := map[string]bool{}
	for i, p := range list {
		where := fmt.Sprintf("channelProviders[%d]", i)
		problems := checkProvider(where, p)
		switch {
		case len(problems) > 0:
			out = append(out, problems...)
		case seen[p.Name]:
			out = append(out, fieldProblem{where + ".name", "is given to an earlier provider too; this one is left out: give each provider its own name"})
		case len(kept) == MaxProviders:
			out = append(out, fieldProblem{where, fmt.Sprintf("is left out: the panel hosts at most %d channel providers; remove or disable the ones you do not use", MaxProviders)})
		default:
			seen[p.Name] = true
			if p.Enabled == nil {
				enabled := true
				p.Enabled = &enabled
			}
			kept = append(kept, p)
		}
	}
	return kept, out
}

// checkProvider returns the faults of one provider; where names it.
func checkProvider(where string, p ChannelProvider) []fieldProblem {
	var out []fieldProblem
	add := func(field, format string, args ...any) {
		out = append(out, fieldProblem{where + "." + field, fmt.Sprintf(format, args...)})
	}
	switch {
	case p.Name == "":
		add("name", "is missing; name each provider, such as contoso_softphone")
	case len(p.Name) > maxProviderName || !providerNamePattern().MatchString(p.Name):
		add("name", "is %q; use letters, digits, '_', '-' and '.', at most %d", p.Name, maxProviderName)
	}
	switch n := utf8.RuneCountInString(p.Label); {
	case strings.TrimSpace(p.Label) == "":
		add("label", "is missing; give the name the panel shows, such as Contoso softphone")
	case n > maxProviderLabel:
		add("label", "is %d characters long; shorten it to at most %d", n, maxProviderLabel)
	}
	if msg := landingURLFault(p.LandingURL); msg != "" {
		add("landingUrl", "%s", msg)
	}
	if p.TrustedDomain != "" && (len(p.TrustedDomain) > maxTrustedDomain || !originEntry().MatchString(p.TrustedDomain)) {
		add("trustedDomain", "is %q; give one origin such as https://login.contoso.com, or https://*.contoso.com for its subdomains", p.TrustedDomain)
	}
	if n := utf8.RuneCountInString(p.CustomParams); n > MaxCustomParams {
		add("customParams", "is %d characters long; Dynamics keeps at most %d: shorten it", n, MaxCustomParams)
	}
	if p.Order < 0 || p.Order > maxProviderOrder {
		add("order", "is %d; use a number from 0 (first) to %d", p.Order, maxProviderOrder)
	}
	return out
}

// landingURLFault says what is wrong with a landing URL, or "".
func landingURLFault(s string) string {
	u, err := url.Parse(s)
	switch {
	case s == "":
		return "is missing; give the address of the provider's page, such as https://softphone.contoso.com/"
	case len(s) > maxLandingURL:
		return fmt.Sprintf("is %d characters long; Dynamics takes at most %d", len(s), maxLandingURL)
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Sprintf("is %q; give an absolute http or https address, such as https://softphone.contoso.com/", s)
	case u.User != nil:
		return fmt.Sprintf("is %q, which holds a user name or password; leave them out (the page signs in by itself)", s)
	case u.Fragment != "":
		return fmt.Sprintf("is %q; leave out the part after #", s)
	}
	return ""
}

// checkIdentity applies the faults of the organisation, user and providers
// to s, each costing only its own section or provider, and returns them
// as problems of the file at path.
func checkIdentity(path string, s *Settings) []templates.Problem {
	var faults []fieldProblem
	if f := checkOrganization(s.Organization); len(f) > 0 {
		faults = append(faults, f...)
		s.Organization = Organization{}
	}
	if f := checkUser(s.User); len(f) > 0 {
		faults = append(faults, f...)
		s.User = User{}
	}
	kept, f := checkProviders(s.ChannelProviders)
	s.ChannelProviders = kept
	faults = append(faults, f...)
	out := make([]templates.Problem, len(faults))
	for i, f := range faults {
		out[i] = templates.Problem{File: path, Field: f.field, Message: f.message}
	}
	return out
}
