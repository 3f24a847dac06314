package api

import "github.com/cifbridge/cif-bridge/host/session"

// The CIF events the extension raises itself, from what the agent does in
// the browser; cif-host only names them, so that the extension's copy is
// generated from here with the rest.
const (
	// EventClickToAct: the agent clicked a phone number or address.
	EventClickToAct = "onclicktoact"
	// EventPageNavigate: the agent navigated the focused session's tab.
	EventPageNavigate = "onpagenavigate"
	// EventPresenceChange: the agent's presence changed.
	EventPresenceChange = "onPresenceChange"
	// EventModeChanged: the communication panel's mode changed.
	EventModeChanged = "onmodechanged"
	// EventSizeChanged: the communication panel's width changed.
	EventSizeChanged = "onsizechanged"
	// EventGlobalNotificationActionClick: the agent clicked a message
	// bar's action.
	EventGlobalNotificationActionClick = "onGlobalNotificationActionClick"
)

// PageEvent is a system event as pages hear it: Key names it in the
// extension's code, Name is how CIF spells it.
type PageEvent struct{ Key, Name string }

// PageEvents are CIF's system events that reach pages, whoever raises
// them. A page's handler hears one whatever the letter case it was added
// under; raiseEvent cannot raise one.
func PageEvents() []PageEvent {
	return []PageEvent{
		{"SessionSwitched", session.EventSessionSwitched},
		{"SessionClosed", session.EventSessionClosed},
		{"ClickToAct", EventClickToAct},
		{"PageNavigate", EventPageNavigate},
		{"PresenceChange", EventPresenceChange},
		{"ModeChanged", EventModeChanged},
		{"SizeChanged", EventSizeChanged},
		{"GlobalNotificationActionClick", EventGlobalNotificationActionClick},
	}
}
