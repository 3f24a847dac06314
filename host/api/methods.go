package api

import (
	"net/url"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/session"
	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/protocol"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// Caller says who may call a method.
type Caller int

const (
	// Page methods are CIF's: a web page calls them through the
	// extension, which passes the page's origin as the provider.
	Page Caller = iota
	// Agent methods are the agent's own operations: only the extension's
	// views call them, with no provider. In CIF providers cannot switch or
	// close sessions; only the agent can.
	Agent
)

// admits checks the provider the extension passed for a method.
func (c Caller) admits(method, provider string) error {
	switch {
	case c == Agent && provider != "":
		return errcode.Errorf(errcode.AgentOnly, "%s is one of the agent's own operations; web pages cannot call it (only the agent switches and closes sessions)", method)
	case c == Page && !validOrigin(provider):
		return errcode.Errorf(errcode.InvalidParams, "%s: provider %q is not a web origin such as https://example.com; the extension must pass the calling page's origin", method, errcode.Clip(provider))
	}
	return nil
}

// validOrigin reports whether s is an http(s) origin: scheme, host and
// optional port, nothing more.
func validOrigin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.Path == "" && u.RawQuery == "" && u.Fragment == "" && u.User == nil && !u.ForceQuery
}

// call is one method call as a handler sees it.
type call struct {
	method   string
	provider string // the page's origin; "" for the agent
	args     jsontext.Value
	sessions *session.Manager
	catalog  *templates.Catalog
	records  records.Store
	// settings and hostVersion are what getEnvironment reports.
	settings    config.Settings
	hostVersion string
	// notify sends a notification after the call's reply.
	notify func(protocol.Notification)
}

// method is one callable.
type method struct {
	name   string
	caller Caller
	run    func(call) (any, error)
}

// methods is every method cif-host has: this is where a method is named.
var methods = []method{
	{"canCreateSession", Page, canCreateSession},
	{"createSession", Page, createSession},
	{"getSession", Page, getSession},
	{"getFocusedSession", Page, getFocusedSession},
	{"getAllSessions", Page, getAllSessions},
	{"setSessionTitle", Page, setSessionTitle},
	{"requestFocusSession", Page, requestFocusSession},
	{"notifyNewActivity", Page, notifyNewActivity},
	{"notifyKpiBreach", Page, notifyKpiBreach},
	{"updateContext", Page, updateContext},
	{"getEnvironment", Page, getEnvironment},

	{"createTab", Page, createTab},
	{"getTabs", Page, getTabs},
	{"getFocusedTab", Page, getFocusedTab},
	{"focusTab", Page, focusTab},
	{"refreshTab", Page, refreshTab},
	{"setTabTitle", Page, setTabTitle},
	{"closeTab", Page, closeTab},

	{"createRecord", Page, createRecord},
	{"retrieveRecord", Page, retrieveRecord},
	{"updateRecord", Page, updateRecord},
	{"deleteRecord", Page, deleteRecord},
	{"searchAndOpenRecords", Page, searchAndOpenRecords},
	{"getEntityMetadata", Page, getEntityMetadata},
	{"openForm", Page, openForm},
	{"renderSearchPage", Page, renderSearchPage},
	{"refreshForm", Page, refreshForm},

	{"notifyEvent", Page, notifyEvent},
	{"setAgentPresence", Page, setAgentPresence},
	{"initializeAgentPresenceList", Page, initializeAgentPresenceList},

	{"workspace.get", Agent, workspaceGet},
	{"workspace.tab", Agent, workspaceTab},
	{"workspace.switchSession", Agent, switchSession},
	{"workspace.closeSession", Agent, closeSession},
	{"workspace.closeTab", Agent, closeAgentTab},
	{"workspace.focusTab", Agent, focusAgentTab},

	{"records.page", Agent, recordsPage},
	{"records.save", Agent, recordsSave},
	{"records.create", Agent, recordsCreate},
	{"records.search", Agent, recordsSearch},
}

// methodByName indexes methods; it is never written after initialisation.
var methodByName = func() map[string]method {
	out := make(map[string]method, len(methods))
	for _, m := range methods {
		if _, dup := out[m.name]; dup {
			panic("api: method " + m.name + " is named twice")
		}
		out[m.name] = m
	}
	return out
}()

// MethodNames lists every method.
func MethodNames() []string {
	out := make([]string, len(methods))
	for i, m := range methods {
		out[i] = m.name
	}
	return out
}

// MethodsFor lists the methods a caller may call, in table order.
func MethodsFor(c Caller) []string {
	var out []string
	for _, m := range methods {
		if m.caller == c {
			out = append(out, m.name)
		}
	}
	return out
}
