package templates

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/cifbridge/cif-bridge/internal/lazyre"
	"github.com/cifbridge/cif-bridge/internal/strictjson"
)

//go:embed defaults.json
var defaultsJSON []byte

// File is the templates file's schema: docs/templates.md documents it with
// an example. It is read strictly: member names in their exact letter
// case, each once, and no member the schema does not have.
type File struct {
	SessionTemplates        []json.RawMessage `json:"sessionTemplates"`
	ApplicationTabTemplates []json.RawMessage `json:"applicationTabTemplates"`
	NotificationTemplates   []json.RawMessage `json:"notificationTemplates"`
}

// Problem is one thing wrong in a templates file, precise enough to fix
// without reading the code.
type Problem struct {
	File     string `json:"file"`
	Template string `json:"template,omitempty"`
	Field    string `json:"field,omitempty"`
	Message  string `json:"message"`
}

func (p Problem) String() string {
	s := p.File
	if p.Template != "" {
		s += fmt.Sprintf(": template %q", p.Template)
	}
	if p.Field != "" {
		s += fmt.Sprintf(": field %q", p.Field)
	}
	return s + ": " + p.Message
}

const (
	maxNameLen  = 128
	maxTitleLen = 200
)

var uniqueNamePattern = lazyre.New(`^[A-Za-z0-9_]+$`)

// Defaults returns the embedded templates, modelled on Dynamics'
// out-of-box ones, so that everything works with no file at all.
func Defaults() *Catalog {
	c, problems := parse("(embedded defaults)", defaultsJSON, nil)
	if len(problems) > 0 {
		panic(fmt.Sprintf("embedded default templates are invalid: %v", problems))
	}
	return c
}

// Load returns the defaults overlaid with the templates in the file at
// path: a template in the file replaces the default of the same unique
// name, others are added. A missing file is no problem. Every other fault
// is reported as a Problem and costs only the templates it touches: an
// unreadable or malformed file leaves the defaults in place.
func Load(path string) (*Catalog, []Problem) {
	base := Defaults()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return base, nil
	}
	if err != nil {
		return base, []Problem{{File: path, Message: fmt.Sprintf("cannot be read (%v); fix its permissions or remove it", err)}}
	}
	return parse(path, data, base)
}

// parse decodes a templates document and merges it over base (nil for
// none), reporting what it had to leave out.
func parse(file string, data []byte, base *Catalog) (*Catalog, []Problem) {
	var doc File
	if err := strictjson.Unmarshal(data, &doc); err != nil {
		return orEmpty(base), []Problem{{File: file, Message: fmt.Sprintf("is not a valid templates file (%v); see docs/templates.md for the format", err)}}
	}
	v := validator{file: file}
	sessions, tabs, notifications := map[string]Session{}, map[string]Tab{}, map[string]Notification{}
	if base != nil {
		for n, s := range base.sessions {
			sessions[n] = *s
		}
		for n, t := range base.tabs {
			tabs[n] = *t
		}
		for n, t := range base.notifications {
			notifications[n] = *t
		}
	}
	seen := map[string]bool{}
	for i, raw := range doc.ApplicationTabTemplates {
		var t Tab
		if !v.decode(raw, &t, "applicationTabTemplates", i) || !v.unique(seen, "tab:"+t.UniqueName, t.UniqueName) || !v.tab(&t) {
			continue
		}
		tabs[t.UniqueName] = t
	}
	for i, raw := range doc.SessionTemplates {
		var s Session
		if !v.decode(raw, &s, "sessionTemplates", i) || !v.unique(seen, "session:"+s.UniqueName, s.UniqueName) || !v.session(&s) {
			continue
		}
		sessions[s.UniqueName] = s
	}
	for i, raw := range doc.NotificationTemplates {
		var n Notification
		if !v.decode(raw, &n, "notificationTemplates", i) || !v.unique(seen, "notification:"+n.UniqueName, n.UniqueName) || !v.notification(&n) {
			continue
		}
		notifications[n.UniqueName] = n
	}
	// Tab references are checked last, against the merged set, and in a
	// stable order so that problems read the same every time.
	for _, name := range slices.Sorted(maps.Keys(sessions)) {
		if !v.references(sessions[name], tabs) {
			delete(sessions, name)
		}
	}
	c := NewCatalog(slices.Collect(maps.Values(sessions)), slices.Collect(maps.Values(tabs)))
	return c.withNotifications(slices.Collect(maps.Values(notifications))), v.problems
}

func orEmpty(c *Catalog) *Catalog {
	if c == nil {
		return NewCatalog(nil, nil)
	}
	return c
}

type validator struct {
	file     string
	problems []Problem
}

func (v *validator) add(template, field, format string, args ...any) {
	v.problems = append(v.problems, Problem{File: v.file, Template: template, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) decode(raw json.RawMessage, into any, list string, index int) bool {
	if err := strictjson.Unmarshal(raw, into); err != nil {
		v.add(fmt.Sprintf("%s[%d]", list, index), "", "is not a valid template (%v); see docs/templates.md for the fields", err)
		return false
	}
	return true
}

func (v *validator) unique(seen map[string]bool, key, name string) bool {
	if seen[key] {
		v.add(name, "uniqueName", "is defined twice in this file; the later definition is ignored: rename or remove one")
		return false
	}
	seen[key] = true
	return true
}

func (v *validator) name(uniqueName string) bool {
	switch {
	case uniqueName == "":
		v.add("(unnamed)", "uniqueName", "is missing; every template needs a unique name such as contoso_chat")
	case len(uniqueName) > maxNameLen:
		v.add(uniqueName, "uniqueName", "is longer than %d characters; shorten it", maxNameLen)
	case !uniqueNamePattern().MatchString(uniqueName):
		v.add(uniqueName, "uniqueName", "may hold only letters, digits and underscores, as Dynamics' unique names do")
	default:
		return true
	}
	return false
}

func (v *validator) title(uniqueName, title string) bool {
	if len([]rune(title)) > maxTitleLen {
		v.add(uniqueName, "title", "is longer than %d characters; shorten it", maxTitleLen)
		return false
	}
	return true
}

func (v *validator) session(s *Session) bool {
	if !v.name(s.UniqueName) || !v.title(s.UniqueName, s.Title) {
		return false
	}
	if s.Name == "" {
		s.Name = s.UniqueName
	}
	switch s.Type {
	case "":
		s.Type = Generic
	case Generic, Entity:
	default:
		v.add(s.UniqueName, "type", "is %q; use \"generic\" or \"entity\"", s.Type)
		return false
	}
	switch s.PanelMode {
	case "":
		s.PanelMode = PanelDocked
	case PanelDocked, PanelMinimized, PanelHidden:
	default:
		v.add(s.UniqueName, "panelMode", "is %q; use \"docked\", \"minimized\" or \"hidden\"", s.PanelMode)
		return false
	}
	return true
}

func (v *validator) tab(t *Tab) bool {
	if !v.name(t.UniqueName) || !v.title(t.UniqueName, t.Title) {
		return false
	}
	if t.Name == "" {
		t.Name = t.UniqueName
	}
	specs, ok := t.PageType.Params()
	if !ok {
		v.add(t.UniqueName, "pageType", "is %q; use one of dashboard, entityList, entityRecord, search, thirdPartyWebsite, webResource, control, custom", t.PageType)
		return false
	}
	ok = true
	for name, value := range t.Parameters {
		spec, found := findSpec(specs, name)
		switch {
		case !found:
			v.add(t.UniqueName, "parameters."+name, "is not a parameter of page type %s; it takes %s", t.PageType, specNames(specs))
			ok = false
		case !spec.accepts(value):
			v.add(t.UniqueName, "parameters."+name, "must be a %s or a string with slugs, not %s", spec.Type, describe(value))
			ok = false
		}
	}
	for _, spec := range specs {
		if _, set := t.Parameters[spec.Name]; spec.Required && !set {
			v.add(t.UniqueName, "parameters."+spec.Name, "is required for page type %s; give a value or a slug such as \"{%s}\"", t.PageType, spec.Name)
			ok = false
		}
	}
	if url, isText := t.Parameters["url"].(string); t.PageType == ThirdPartyWebsite && isText && !plausibleWebURL(url) {
		v.add(t.UniqueName, "parameters.url", "is %q, which cannot become an http or https address; write a full URL such as https://example.com/{q}, or a slug that holds one, such as {url}", url)
		ok = false
	}
	return ok
}

// plausibleWebURL reports whether a configured address can resolve to an
// http(s) one: its text before the first slug is empty (a slug gives the
// whole address) or starts an absolute http(s) URL. The resolved address
// is checked again when a tab opens.
func plausibleWebURL(s string) bool {
	prefix, _, slugged := strings.Cut(s, "{")
	if !slugged {
		return isWebURL(s)
	}
	lower := strings.ToLower(prefix)
	return prefix == "" || strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://")
}

func (v *validator) references(s Session, tabs map[string]Tab) bool {
	ok := true
	check := func(field, name string) {
		if _, found := tabs[name]; !found {
			v.add(s.UniqueName, field, "names tab template %q, which does not exist; add it to applicationTabTemplates or fix the name", name)
			ok = false
		}
	}
	if s.AnchorTab != "" {
		check("anchorTab", s.AnchorTab)
	}
	for _, name := range s.AdditionalTabs {
		check("additionalTabs", name)
	}
	return ok
}

func findSpec(specs []ParamSpec, name string) (ParamSpec, bool) {
	i := slices.IndexFunc(specs, func(s ParamSpec) bool { return s.Name == name })
	if i < 0 {
		return ParamSpec{}, false
	}
	return specs[i], true
}

func specNames(specs []ParamSpec) string {
	var b bytes.Buffer
	for i, s := range specs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s.Name)
	}
	return b.String()
}

// accepts reports whether a configured value can become this parameter:
// strings always can, since they may hold slugs resolved at run time.
func (s ParamSpec) accepts(value any) bool {
	switch value.(type) {
	case string:
		return true
	case float64:
		return s.Type == Number || s.Type == JSON
	case bool:
		return s.Type == Boolean || s.Type == JSON
	}
	return s.Type == JSON
}

func describe(value any) string {
	switch value.(type) {
	case nil:
		return "null"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", value)
}
