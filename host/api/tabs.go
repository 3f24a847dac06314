package api

import (
	"github.com/cifbridge/cif-bridge/host/session"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// The tab methods: CIF's, on the focused session's application tabs.

// tabInput is createTab's input, an object CIF leaves open.
type tabInput struct {
	TemplateName       string `json:"templateName"`
	TemplateParameters object `json:"templateParameters"`
	IsFocused          bool   `json:"isFocused"`
}

func createTab(c call) (any, error) {
	p, err := decode[struct {
		Input      openObject `json:"input"`
		correlated `json:",inline"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	var in tabInput
	if ok, err := p.Input.into(c.method, "input", &in); err != nil {
		return nil, err
	} else if !ok {
		return nil, errcode.Errorf(errcode.InvalidParams, "Some of the required parameters are Null: createTab needs an input object such as {templateName: \"msdyn_website_tab\"}")
	}
	return c.sessions.CreateTab(c.provider, session.TabInput{
		TemplateName:       in.TemplateName,
		TemplateParameters: in.TemplateParameters,
		IsFocused:          in.IsFocused,
	})
}

func getTabs(c call) (any, error) {
	p, err := decode[struct {
		TemplateName string     `json:"templateName"`
		Tags         stringList `json:"tags"`
		correlated   `json:",inline"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	return c.sessions.GetTabs(c.provider, p.TemplateName, p.Tags)
}

func getFocusedTab(c call) (any, error) {
	if _, err := decode[correlated](c.method, c.args); err != nil {
		return nil, err
	}
	return c.sessions.GetFocusedTab(c.provider), nil
}

type tabArgs struct {
	TabID      string `json:"tabId"`
	correlated `json:",inline"`
}

func focusTab(c call) (any, error) {
	p, err := decode[tabArgs](c.method, c.args)
	if err != nil {
		return nil, err
	}
	return nil, c.sessions.FocusTab(c.provider, p.TabID)
}

func refreshTab(c call) (any, error) {
	p, err := decode[tabArgs](c.method, c.args)
	if err != nil {
		return nil, err
	}
	return true, c.sessions.RefreshTab(c.provider, p.TabID)
}

func closeTab(c call) (any, error) {
	p, err := decode[tabArgs](c.method, c.args)
	if err != nil {
		return nil, err
	}
	return true, c.sessions.CloseTab(c.provider, p.TabID)
}

func setTabTitle(c call) (any, error) {
	p, err := decode[struct {
		tabArgs `json:",inline"`
		Input   object `json:"input"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	return c.sessions.SetTabTitle(c.provider, p.TabID, p.Input)
}
