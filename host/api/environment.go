package api

import (
	"strings"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/session"
	"github.com/cifbridge/cif-bridge/host/templates"
)

// Environment is getEnvironment's result: every key Dynamics gives, in
// its order. The organisation and the user come from settings.json; the
// page from the caller's focused tab. CustomParams is always null here:
// the extension sets it from the calling provider's configuration, which
// it keeps (the agent's providers are the extension's, not cif-host's),
// and hands the page CIF's JSON string.
type Environment struct {
	AppURL        string  `json:"appUrl"`
	AppID         string  `json:"appid"`
	CIFVersion    string  `json:"cifVersion"`
	ClientURL     string  `json:"clientUrl"`
	CRMVersion    string  `json:"crmVersion"`
	CustomParams  *string `json:"customParams"`
	EntityName    string  `json:"etn"`
	ID            string  `json:"id"`
	IsDirty       *bool   `json:"isDirty"`
	OrgID         string  `json:"orgId"`
	OrgLCID       int     `json:"orgLcid"`
	OrgUniqueName string  `json:"orgUniqueName"`
	PageType      string  `json:"pagetype"`
	UserID        string  `json:"userId"`
	UserLCID      int     `json:"userLcid"`
	Username      string  `json:"username"`
}

func getEnvironment(c call) (any, error) {
	if _, err := decode[correlated](c.method, c.args); err != nil {
		return nil, err
	}
	page, ok := c.sessions.FocusedPage(c.provider)
	return environment(c.settings, c.hostVersion, page, ok), nil
}

// environment computes getEnvironment's result. Without a page of the
// caller's in focus, pagetype, etn and id are empty strings and isDirty
// is null: Dynamics leaves them out then, but clients read them without
// checking, so every key is always there.
func environment(s config.Settings, hostVersion string, page session.FocusedPage, ok bool) Environment {
	org, user := s.Organization, s.User
	env := Environment{
		AppID:         config.BareGUID(org.AppID),
		CIFVersion:    hostVersion,
		ClientURL:     strings.TrimRight(s.OrganizationURL, "/"),
		CRMVersion:    org.Version,
		OrgID:         config.BareGUID(org.ID),
		OrgLCID:       lcid(org.LCID),
		OrgUniqueName: org.UniqueName,
		UserID:        config.BracedGUID(user.ID),
		UserLCID:      lcid(user.LCID),
		Username:      user.Name,
	}
	if env.ClientURL != "" && env.AppID != "" {
		env.AppURL = env.ClientURL + "/main.aspx?appid=" + env.AppID
	}
	if ok {
		env.PageType, env.EntityName, env.ID, env.IsDirty = pageKeys(page)
	}
	return env
}

// pageKeys are the keys Dynamics copies from the address of the page a
// tab shows: its page type in lower case, the entity and the record's or
// dashboard's id; isDirty is false on a record's form, null elsewhere.
func pageKeys(page session.FocusedPage) (pageType, entity, id string, isDirty *bool) {
	text := func(name string) string {
		v, _ := page.Params[name].(string)
		return v
	}
	pageType = strings.ToLower(string(page.PageType))
	switch page.PageType {
	case templates.EntityRecord:
		clean := false
		return pageType, text("entityName"), recordID(text("entityId")), &clean
	case templates.EntityList, templates.Search:
		return pageType, text("entityName"), "", nil
	case templates.Dashboard:
		return pageType, "", recordID(text("dashboardId")), nil
	}
	return pageType, "", "", nil
}

// recordID writes a GUID as Dynamics' addresses do (lower case, no
// braces), and anything else as it is.
func recordID(id string) string {
	if config.ValidGUID(id) {
		return config.BareGUID(id)
	}
	return id
}

func lcid(v int) int {
	if v == 0 {
		return config.DefaultLCID
	}
	return v
}
