package templates

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Notification is a notification template (Dynamics'
// msdyn_notificationtemplate): what the agent sees when a provider calls
// notifyEvent, and how long they have to answer.
type Notification struct {
	UniqueName string `json:"uniqueName"`
	Name       string `json:"name"`
	// Title may hold slugs, for example "Incoming chat from {customerName}".
	Title string `json:"title"`
	// Icon is one of NotificationIcons; "chat" when empty, as Dynamics'
	// default icon is its chat icon.
	Icon string `json:"icon,omitempty"`
	// Fields are the lines shown under the title, in order (Dynamics'
	// msdyn_notificationfield records).
	Fields []NotificationField `json:"fields,omitempty"`
	// ShowTimeout shows the countdown; true when absent.
	ShowTimeout *bool `json:"showTimeout,omitempty"`
	// Timeout is how many seconds the agent has to answer; 120 when absent.
	Timeout *int `json:"timeout,omitempty"`
	// AcceptButtonText is "Accept" when empty, "Open" for an auto-accept
	// notification.
	AcceptButtonText string `json:"acceptButtonText,omitempty"`
	// ShowRejectButton is true when absent, except for auto-accept
	// notifications, which have none.
	ShowRejectButton *bool  `json:"showRejectButton,omitempty"`
	RejectButtonText string `json:"rejectButtonText,omitempty"`
	// AutoAccept accepts the notification when its time is up.
	AutoAccept bool `json:"autoAccept,omitempty"`
}

// NotificationField is one line of a notification: a label and a value
// that may hold slugs.
type NotificationField struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// The bounds of a notification template, Dynamics' where it has them.
const (
	DefaultNotificationTimeout = 120 // seconds, Dynamics' default
	MaxNotificationTimeout     = 500 // seconds, Dynamics' msdyn_timeout range
	maxNotificationTitle       = 100 // characters, msdyn_title
	maxButtonText              = 100 // characters, msdyn_acceptbuttontext
	maxNotificationFields      = 10
	maxFieldLabel              = 100
	maxFieldValue              = 1024

	// What a resolved title and field value may grow to: the agent reads
	// them at a glance, and a page controls the values they insert.
	maxResolvedTitle = 200
	maxResolvedValue = 500
)

// NotificationIcons are the icons the extension draws.
var NotificationIcons = []string{"chat", "voice", "sms", "message", "entity"}

// ResolvedNotification is a notification template with its slugs resolved
// against a notifyEvent call's templateParameters: what the extension
// shows the agent.
type ResolvedNotification struct {
	TemplateName string          `json:"templateName"`
	Title        string          `json:"title"`
	Icon         string          `json:"icon"`
	Fields       []ResolvedField `json:"fields"`
	ShowTimeout  bool            `json:"showTimeout"`
	// Timeout is in seconds.
	Timeout          int    `json:"timeout"`
	AcceptButtonText string `json:"acceptButtonText"`
	// RejectButtonText is empty when the notification has no reject button.
	RejectButtonText string `json:"rejectButtonText,omitempty"`
	AutoAccept       bool   `json:"autoAccept"`
}

// ResolvedField is one line of a resolved notification.
type ResolvedField struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Notification returns the notification template with that unique name.
func (c *Catalog) Notification(uniqueName string) (*Notification, bool) {
	n, ok := c.notifications[uniqueName]
	return n, ok
}

// NotificationNames lists the notification templates' unique names, sorted.
func (c *Catalog) NotificationNames() []string { return slices.Sorted(maps.Keys(c.notifications)) }

// Resolve fills the template's slugs from params (notifyEvent's
// templateParameters) and applies the defaults. A line whose value
// resolves to nothing is left out; a title or value longer than the agent
// can read at a glance is cut short with an ellipsis.
func (n *Notification) Resolve(params map[string]any) ResolvedNotification {
	v := Values{Params: params}
	out := ResolvedNotification{
		TemplateName:     n.UniqueName,
		Title:            clip(v.Resolve(n.Title, ""), maxResolvedTitle),
		Icon:             cmpOr(n.Icon, "chat"),
		Fields:           []ResolvedField{},
		ShowTimeout:      n.ShowTimeout == nil || *n.ShowTimeout,
		Timeout:          DefaultNotificationTimeout,
		AcceptButtonText: n.AcceptButtonText,
		AutoAccept:       n.AutoAccept,
	}
	if n.Timeout != nil {
		out.Timeout = *n.Timeout
	}
	if out.AcceptButtonText == "" {
		out.AcceptButtonText = "Accept"
		if n.AutoAccept {
			out.AcceptButtonText = "Open"
		}
	}
	if n.rejectButton() {
		out.RejectButtonText = cmpOr(n.RejectButtonText, "Reject")
	}
	for _, f := range n.Fields {
		if value := clip(strings.TrimSpace(v.Resolve(f.Value, "")), maxResolvedValue); value != "" {
			out.Fields = append(out.Fields, ResolvedField{Label: f.Label, Value: value})
		}
	}
	return out
}

func (n *Notification) rejectButton() bool {
	if n.ShowRejectButton != nil {
		return *n.ShowRejectButton
	}
	return !n.AutoAccept
}

// clip cuts s to at most limit characters, ending it with an ellipsis
// when it was longer.
func clip(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	r := []rune(s)
	if len(r) <= limit {
		return s
	}
	return string(r[:limit-1]) + "…"
}

func cmpOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// notification checks a notification template and fills in its name.
func (v *validator) notification(n *Notification) bool {
	if !v.name(n.UniqueName) {
		return false
	}
	if n.Name == "" {
		n.Name = n.UniqueName
	}
	ok := true
	check := func(bad bool, field, format string, args ...any) {
		if bad {
			v.add(n.UniqueName, field, format, args...)
			ok = false
		}
	}
	check(strings.TrimSpace(n.Title) == "", "title", "is missing; a notification needs a title the agent reads first, such as \"Incoming chat from {customerName}\"")
	check(runes(n.Title) > maxNotificationTitle, "title", "is longer than %d characters (Dynamics' limit); shorten it", maxNotificationTitle)
	check(n.Icon != "" && !slices.Contains(NotificationIcons, n.Icon), "icon", "is %q; use one of %s, or leave it out for chat", n.Icon, strings.Join(NotificationIcons, ", "))
	check(n.Timeout != nil && (*n.Timeout < 1 || *n.Timeout > MaxNotificationTimeout), "timeout",
		"is %d; use a whole number of seconds from 1 to %d, or leave it out for %d", deref(n.Timeout), MaxNotificationTimeout, DefaultNotificationTimeout)
	check(runes(n.AcceptButtonText) > maxButtonText, "acceptButtonText", "is longer than %d characters; shorten it", maxButtonText)
	check(runes(n.RejectButtonText) > maxButtonText, "rejectButtonText", "is longer than %d characters; shorten it", maxButtonText)
	check(n.AutoAccept && n.ShowRejectButton != nil && *n.ShowRejectButton, "showRejectButton",
		"is true, but an auto-accept notification is accepted whatever the agent does and has no reject button; remove showRejectButton or autoAccept")
	check(len(n.Fields) > maxNotificationFields, "fields", "has %d lines; show at most %d, the ones the agent needs to decide", len(n.Fields), maxNotificationFields)
	for i, f := range n.Fields {
		check(strings.TrimSpace(f.Label) == "", fieldPath(i, "label"), "is missing; give the line a label such as \"Customer\"")
		check(runes(f.Label) > maxFieldLabel, fieldPath(i, "label"), "is longer than %d characters; shorten it", maxFieldLabel)
		check(runes(f.Value) > maxFieldValue, fieldPath(i, "value"), "is longer than %d characters; shorten it", maxFieldValue)
	}
	return ok
}

func fieldPath(i int, name string) string { return "fields[" + strconv.Itoa(i) + "]." + name }

func runes(s string) int { return len([]rune(s)) }

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
