package templates

import (
	"fmt"
	"net/url"
	"strings"
)

// URLError says why a tab's address was refused.
type URLError struct {
	Tab, URL string
}

func (e *URLError) Error() string {
	return fmt.Sprintf("tab template %q resolves to the address %q, which is not an absolute http or https URL; pass a full URL such as https://example.com/ in templateParameters", e.Tab, e.URL)
}

// URL returns the address a tab opens, or "" when it has none:
//   - a third-party website opens its url with data appended, as CIF does;
//   - Dynamics pages (entity record and list, dashboard, search, web
//     resource, custom page) open Dynamics' own addressable main.aspx forms
//     when an organisation URL is configured, and have no address otherwise;
//   - a control has no address of its own.
//
// Only http and https addresses are ever returned.
func URL(t *Tab, params map[string]any, orgURL string) (string, error) {
	if t.PageType == ThirdPartyWebsite {
		raw := Text(params["url"]) + Text(params["data"])
		if raw == "" {
			return "", nil
		}
		if !isWebURL(raw) {
			return "", &URLError{Tab: t.UniqueName, URL: raw}
		}
		return raw, nil
	}
	if orgURL == "" || t.PageType == Control {
		return "", nil
	}
	q := dynamicsQuery(t.PageType, params)
	return strings.TrimRight(orgURL, "/") + "/main.aspx?" + q.Encode(), nil
}

// dynamicsQuery builds the main.aspx query for a Dynamics page.
func dynamicsQuery(pt PageType, params map[string]any) url.Values {
	q := url.Values{}
	set := func(key, param string) {
		if s := Text(params[param]); s != "" {
			q.Set(key, s)
		}
	}
	switch pt {
	case EntityRecord:
		q.Set("pagetype", "entityrecord")
		set("etn", "entityName")
		set("id", "entityId")
		set("formid", "formId")
		if extra := extraQS(params["data"]); extra != "" {
			q.Set("extraqs", extra)
		}
	case EntityList:
		q.Set("pagetype", "entitylist")
		set("etn", "entityName")
		if Text(params["viewId"]) != "" {
			set("viewid", "viewId")
			q.Set("viewtype", "1039") // a system view, Dynamics' default
		}
	case Dashboard:
		q.Set("pagetype", "dashboard")
		set("id", "dashboardId")
	case Search:
		q.Set("pagetype", "search")
		set("searchText", "searchText")
		set("searchType", "searchType")
	case WebResource:
		q.Set("pagetype", "webresource")
		set("webresourceName", "webresourceName")
		set("data", "data")
	case Custom:
		q.Set("pagetype", "custom")
		set("name", "name")
		set("entityName", "entityName")
		set("recordId", "recordId")
	}
	return q
}

// extraQS turns an entity record's data (field values for a new record)
// into main.aspx's extraqs: an object becomes field=value pairs; text is
// taken as already in that form.
func extraQS(data any) string {
	fields, ok := data.(map[string]any)
	if !ok {
		return Text(data)
	}
	q := url.Values{}
	for k, v := range fields {
		q.Set(k, Text(v))
	}
	return q.Encode()
}

// isWebURL reports whether s is an absolute http(s) URL with a host.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// ValidOrgURL reports whether s can serve as an organisation URL.
func ValidOrgURL(s string) bool { return s == "" || isWebURL(s) }
