package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cifbridge/cif-bridge/internal/lazyre"
)

// Presence is one of the agent's presences, with the members CIF passes
// to setAgentPresence and sends in onPresenceChange.
type Presence struct {
	PresenceID   string `json:"presenceId"`
	PresenceText string `json:"presenceText"`
	// PresenceColor is a CSS colour in #rgb or #rrggbb form.
	PresenceColor string `json:"presenceColor"`
	// BasePresenceStatus is one of BaseStatuses.
	BasePresenceStatus string `json:"basePresenceStatus"`
}

// BaseStatuses are Dynamics' base presence statuses (msdyn_basepresencestatus).
var BaseStatuses = []string{"AVAILABLE", "BUSY", "BUSY_DO_NOT_DISTURB", "AWAY", "OFFLINE"}

// DefaultPresences are Dynamics' out-of-box presences. Dynamics keeps
// their ids as GUIDs of its own; CIF Bridge names them. The colours are
// those agents know from Teams, since Dynamics does not document its own.
var DefaultPresences = []Presence{
	{"available", "Available", "#92c353", "AVAILABLE"},
	{"busy", "Busy", "#c4314b", "BUSY"},
	{"busy_dnd", "Busy - DND", "#c4314b", "BUSY_DO_NOT_DISTURB"},
	{"away", "Away", "#fcd116", "AWAY"},
	{"offline", "Offline", "#8c8c8c", "OFFLINE"},
}

// The bounds of a presence and of a list of them.
const (
	MaxPresences       = 50
	maxPresenceText    = 100
	maxPresenceIDChars = 100
)

var (
	presenceIDPattern = lazyre.New(`^[A-Za-z0-9_.{}-]+$`)
	colorPattern      = lazyre.New(`^#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$`)
)

// PresenceFault says which member of a presence is wrong and how to fix
// it; Field is empty when none is.
type PresenceFault struct{ Field, Message string }

// Check finds the first fault of a presence.
func (p Presence) Check() PresenceFault {
	switch {
	case p.PresenceID == "":
		return PresenceFault{"presenceId", "is missing; give each presence an id such as \"in_a_meeting\""}
	case len(p.PresenceID) > maxPresenceIDChars || !presenceIDPattern().MatchString(p.PresenceID):
		return PresenceFault{"presenceId", fmt.Sprintf("is %q; use at most %d letters, digits, '-', '_', '.' or braces (a GUID works)", clip(p.PresenceID), maxPresenceIDChars)}
	case strings.TrimSpace(p.PresenceText) == "":
		return PresenceFault{"presenceText", "is missing; give the text the agent and setPresence use, such as \"In a meeting\""}
	case len([]rune(p.PresenceText)) > maxPresenceText:
		return PresenceFault{"presenceText", fmt.Sprintf("is longer than %d characters; shorten it", maxPresenceText)}
	case !colorPattern().MatchString(p.PresenceColor):
		return PresenceFault{"presenceColor", fmt.Sprintf("is %q; use a colour such as #c4314b", clip(p.PresenceColor))}
	case !slices.Contains(BaseStatuses, p.BasePresenceStatus):
		return PresenceFault{"basePresenceStatus", fmt.Sprintf("is %q; use one of %s", clip(p.BasePresenceStatus), strings.Join(BaseStatuses, ", "))}
	}
	return PresenceFault{}
}

// CheckPresences finds the first fault of a list of presences: too many,
// a fault in one (its field prefixed with its index in prefix), or an id
// or text given twice (setPresence finds a presence by its text).
func CheckPresences(prefix string, list []Presence) PresenceFault {
	if len(list) > MaxPresences {
		return PresenceFault{prefix, fmt.Sprintf("has %d presences; keep at most %d", len(list), MaxPresences)}
	}
	ids, texts := map[string]bool{}, map[string]bool{}
	for i, p := range list {
		at := fmt.Sprintf("%s[%d]", prefix, i)
		if f := p.Check(); f.Field != "" {
			return PresenceFault{at + "." + f.Field, f.Message}
		}
		if ids[p.PresenceID] {
			return PresenceFault{at + ".presenceId", fmt.Sprintf("is %q, which an earlier presence has; give each its own", p.PresenceID)}
		}
		if texts[p.PresenceText] {
			return PresenceFault{at + ".presenceText", fmt.Sprintf("is %q, which an earlier presence has; setPresence finds a presence by its text, so give each its own", p.PresenceText)}
		}
		ids[p.PresenceID], texts[p.PresenceText] = true, true
	}
	return PresenceFault{}
}

// PresenceList is the agent's list of presences: Dynamics' five, each
// replaced by the settings' presence of the same id, then the settings'
// others, in their order.
func (s Settings) PresenceList() []Presence {
	out := slices.Clone(DefaultPresences)
	for _, p := range s.Presences {
		if i := slices.IndexFunc(out, func(d Presence) bool { return d.PresenceID == p.PresenceID }); i >= 0 {
			out[i] = p
		} else {
			out = append(out, p)
		}
	}
	return out
}

// clip shortens a configured or sent value for quoting in a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}
