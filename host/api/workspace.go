package api

import (
	"github.com/cifbridge/cif-bridge/host/session"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// The agent's own operations on the workspace: what the extension's views
// show, and what the agent does there.

// WorkspaceView is one page of what the agent's views show: while Next
// is set, they ask for the page from there; if Version differs between
// pages, the workspace changed and they start again.
type WorkspaceView struct {
	session.Page
	MaxSessions int `json:"maxSessions"`
}

func workspaceGet(c call) (any, error) {
	p, err := decode[struct {
		From int `json:"from"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	page, err := c.sessions.View(p.From)
	if err != nil {
		return nil, err
	}
	return WorkspaceView{Page: page, MaxSessions: c.sessions.MaxSessions()}, nil
}

// TabView is one tab as the page showing it needs it, parameters included.
type TabView struct {
	*session.Tab
	SessionID string `json:"sessionId"`
}

// agentTab reads the tab id of an agent operation.
func agentTab(c call) (string, error) {
	p, err := decode[struct {
		TabID string `json:"tabId"`
	}](c.method, c.args)
	if err == nil && p.TabID == "" {
		err = errcode.Errorf(errcode.InvalidParams, "%s: tabId is required", c.method)
	}
	return p.TabID, err
}

// agentSession reads the session id of an agent operation.
func agentSession(c call) (string, error) {
	p, err := decode[struct {
		SessionID string `json:"sessionId"`
	}](c.method, c.args)
	return p.SessionID, err
}

func workspaceTab(c call) (any, error) {
	id, err := agentTab(c)
	if err != nil {
		return nil, err
	}
	tab, sessionID, err := c.sessions.TabDetail(id)
	if err != nil {
		return nil, err
	}
	return TabView{Tab: tab, SessionID: sessionID}, nil
}

// switchSession focuses a session, or with "" the home session.
func switchSession(c call) (any, error) {
	id, err := agentSession(c)
	if err != nil {
		return nil, err
	}
	return nil, c.sessions.SwitchSession(id)
}

func closeSession(c call) (any, error) {
	id, err := agentSession(c)
	if err == nil && id == "" {
		err = errcode.Errorf(errcode.InvalidParams, "%s: sessionId is required", c.method)
	}
	if err != nil {
		return nil, err
	}
	return nil, c.sessions.CloseSession(id)
}

func closeAgentTab(c call) (any, error) {
	id, err := agentTab(c)
	if err != nil {
		return nil, err
	}
	return nil, c.sessions.CloseAgentTab(id)
}

func focusAgentTab(c call) (any, error) {
	id, err := agentTab(c)
	if err != nil {
		return nil, err
	}
	return nil, c.sessions.FocusAgentTab(id)
}
