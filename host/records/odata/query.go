// Package odata reads the OData query options of Dataverse's Web API, as
// CIF's retrieveRecord and searchAndOpenRecords pass them:
//
//	?$select=fullname,telephone1&$filter=telephone1 eq '555' and (contains(fullname,'ann') or not startswith(lastname,'Z'))&$orderby=lastname desc,firstname&$top=5&$expand=parentcustomerid_account($select=name)
//
// Parse reads the syntax of $select, $filter, $orderby, $top, $expand (one
// level, of single-valued navigation properties, with a nested $select
// only) and $search; Resolve checks a parsed query against an entity's
// metadata and types every literal. Everything else — $skip, $count,
// $apply, functions other than contains, startswith and endswith, lambda
// any/all, arithmetic, the in operator — is refused by name, never
// ignored. Every input is bounded: the query's length, the filter's
// nesting depth and number of terms, the lists' lengths.
//
// Nothing here produces SQL: literals stay typed Go values, which the
// store binds as parameters.
package odata

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Bounds on a query.
const (
	MaxQueryLength = 8192 // bytes, before percent-decoding
	MaxDepth       = 16   // nested parentheses and not
	MaxTerms       = 64   // comparisons and function calls in $filter
	MaxSelect      = 200  // names in one $select
	MaxOrderBy     = 8
	MaxExpand      = 8
	MaxTop         = 5000 // Dataverse's page size
	MaxSearch      = 200  // characters of $search
	MaxString      = 4000 // characters of one string literal
)

// Query is a parsed query, names as written; Resolve checks them.
type Query struct {
	Select  []string
	Filter  Expr // nil when there is no $filter
	OrderBy []Order
	Top     int // 0 when there is no $top
	Expand  []Expand
	// Search is $search's text; HasSearch tells an empty one from none.
	Search    string
	HasSearch bool
}

// Order is one $orderby item.
type Order struct {
	Property string
	Desc     bool
}

// Expand is one $expand item: a single-valued navigation property and the
// target's attributes to select (all when empty).
type Expand struct {
	Navigation string
	Select     []string
}

// Error is a query that cannot be read or resolved. Option is the query
// option it concerns ($filter), Pos the 1-based character in that option's
// value where it went wrong (0 when it is about the whole option).
type Error struct {
	Option  string
	Pos     int
	Message string
}

func (e *Error) Error() string {
	switch {
	case e.Option == "":
		return e.Message
	case e.Pos > 0:
		return fmt.Sprintf("%s, at character %d: %s", e.Option, e.Pos, e.Message)
	}
	return e.Option + ": " + e.Message
}

func errorf(option string, pos int, format string, args ...any) *Error {
	return &Error{Option: option, Pos: pos, Message: fmt.Sprintf(format, args...)}
}

// supported are the options cif-host reads.
var supported = []string{"$select", "$filter", "$orderby", "$top", "$expand", "$search"}

// refused are options Dataverse knows and cif-host does not support, with
// what to do instead.
var refused = map[string]string{
	"$skip":          "Dataverse does not support $skip either; narrow the query with $filter, or raise $top (at most 5000)",
	"$count":         "counting is not supported; read the records' number from the result's length",
	"$apply":         "aggregation ($apply) is not supported; query the records and aggregate them yourself",
	"$skiptoken":     "paging is not supported; narrow the query with $filter, or raise $top (at most 5000)",
	"$format":        "results are always JSON; leave $format out",
	"$levels":        "hierarchy levels are not supported; leave $levels out",
	"$compute":       "computed properties are not supported; leave $compute out",
	"$index":         "$index is not supported; leave it out",
	"$schemaversion": "$schemaversion is not supported; leave it out",
	"$deltatoken":    "change tracking is not supported; leave $deltatoken out",
	"$id":            "$id is not supported; retrieve the record by its id",
	"fetchXml":       "FetchXML queries are not supported; use $filter, $orderby and $top",
	"savedQuery":     "saved queries (system views) are not supported; use $filter, $orderby and $top",
	"userQuery":      "saved user queries are not supported; use $filter, $orderby and $top",
}

// Parse reads a query string, with or without its leading "?". Option
// values may be percent-encoded; "+" is a plus sign, not a space, so a
// phone number such as +1 555 0100 arrives whole. An "&" inside a quoted
// string literal belongs to the literal.
func Parse(query string) (*Query, error) {
	if len(query) > MaxQueryLength {
		return nil, errorf("", 0, "the query is %d characters long; at most %d are accepted: select fewer attributes or simplify the $filter", len(query), MaxQueryLength)
	}
	query = strings.TrimPrefix(query, "?")
	q := &Query{}
	seen := map[string]bool{}
	for _, part := range splitOptions(query) {
		if strings.TrimSpace(part) == "" {
			continue
		}
		rawName, rawValue, hasValue := strings.Cut(part, "=")
		name, err := url.PathUnescape(rawName)
		if err != nil {
			return nil, errorf("", 0, "the query option name %q is not correctly percent-encoded; encode %% as %%25", clip(rawName))
		}
		name = strings.TrimSpace(name)
		if err := checkOptionName(name); err != nil {
			return nil, err
		}
		if !hasValue {
			return nil, errorf(name, 0, "has no value; write %s=…", name)
		}
		value, err := url.PathUnescape(rawValue)
		if err != nil {
			return nil, errorf(name, 0, "is not correctly percent-encoded (%v); encode %% as %%25", err)
		}
		if strings.ContainsRune(value, 0) {
			return nil, errorf(name, 0, "holds a NUL character (%%00), which no record holds: remove it")
		}
		if seen[name] {
			return nil, errorf(name, 0, "is given twice; give each query option once")
		}
		seen[name] = true
		switch name {
		case "$select":
			q.Select, err = parseNames(name, value)
		case "$filter":
			q.Filter, err = parseFilter(value)
		case "$orderby":
			q.OrderBy, err = parseOrderBy(value)
		case "$top":
			q.Top, err = parseTop(value)
		case "$expand":
			q.Expand, err = parseExpand(value)
		case "$search":
			q.Search, err = parseSearch(value)
			q.HasSearch = true
		}
		if err != nil {
			return nil, err
		}
	}
	return q, nil
}

func checkOptionName(name string) error {
	switch {
	case slices.Contains(supported, name):
		return nil
	case refused[name] != "":
		return errorf(name, 0, "is not supported: %s", refused[name])
	}
	lower := strings.ToLower(name)
	if slices.Contains(supported, lower) || slices.Contains(supported, "$"+lower) {
		want := lower
		if !strings.HasPrefix(want, "$") {
			want = "$" + want
		}
		return errorf("", 0, "the query option %q must be written %s, as Dataverse reads it", clip(name), want)
	}
	for r := range refused {
		if strings.EqualFold(r, name) || strings.EqualFold(r, "$"+name) {
			return errorf(r, 0, "is not supported: %s", refused[r])
		}
	}
	return errorf("", 0, "%q is not a query option cif-host reads; the options are %s", clip(name), strings.Join(supported, ", "))
}

// splitOptions splits a query at "&", except inside the single-quoted
// string literals of $filter, where an "&" belongs to the literal (a
// doubled quote, which escapes a quote, toggles twice and so needs no
// special case). Quotes in other
// options, such as $search=O'Brien, are plain characters.
func splitOptions(s string) []string {
	var parts []string
	start, quoted := 0, false
	filter := isFilterPart(s)
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\'' && filter:
			quoted = !quoted
		case s[i] == '&' && !quoted:
			parts = append(parts, s[start:i])
			start = i + 1
			filter = isFilterPart(s[start:])
		}
	}
	return append(parts, s[start:])
}

func isFilterPart(s string) bool {
	name, _, ok := strings.Cut(s, "=")
	if !ok || strings.Contains(name, "&") {
		return false
	}
	name, err := url.PathUnescape(name)
	return err == nil && strings.TrimSpace(name) == "$filter"
}

func isIdent(s string) bool {
	if s == "" || len(s) > 2*maxNameLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

const maxNameLen = 64

// parseNames reads a comma-separated list of property names ($select).
func parseNames(option, value string) ([]string, error) {
	if strings.TrimSpace(value) == "" {
		return nil, errorf(option, 0, "is empty; name the attributes to return, such as %s=fullname,telephone1, or leave it out for all", option)
	}
	var names []string
	for item := range strings.SplitSeq(value, ",") {
		name := strings.TrimSpace(item)
		switch {
		case name == "*":
			return nil, errorf(option, 0, "* is not supported; leave %s out to return every attribute", option)
		case strings.Contains(name, "/"):
			return nil, errorf(option, 0, "%q is a path; select the navigation property's attributes with $expand=nav($select=…)", clip(name))
		case !isIdent(name):
			return nil, errorf(option, 0, "%q is not an attribute name; write names separated by commas, such as fullname,telephone1", clip(name))
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
		if len(names) > MaxSelect {
			return nil, errorf(option, 0, "names more than %d attributes; select fewer", MaxSelect)
		}
	}
	return names, nil
}

func parseOrderBy(value string) ([]Order, error) {
	if strings.TrimSpace(value) == "" {
		return nil, errorf("$orderby", 0, "is empty; write for example $orderby=lastname desc,firstname, or leave it out")
	}
	var orders []Order
	for item := range strings.SplitSeq(value, ",") {
		fields := strings.Fields(item)
		if len(fields) == 0 || len(fields) > 2 || !isIdent(fields[0]) {
			return nil, errorf("$orderby", 0, "%q is not an ordering; write an attribute name, optionally followed by asc or desc", clip(strings.TrimSpace(item)))
		}
		o := Order{Property: fields[0]}
		if len(fields) == 2 {
			switch fields[1] {
			case "asc":
			case "desc":
				o.Desc = true
			default:
				return nil, errorf("$orderby", 0, "%q after %s is not a direction; write asc or desc", clip(fields[1]), fields[0])
			}
		}
		orders = append(orders, o)
		if len(orders) > MaxOrderBy {
			return nil, errorf("$orderby", 0, "orders by more than %d attributes; use fewer", MaxOrderBy)
		}
	}
	return orders, nil
}

func parseTop(value string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil || n < 1 || n > MaxTop {
		return 0, errorf("$top", 0, "is %q; give a whole number from 1 to %d", clip(value), MaxTop)
	}
	return n, nil
}

func parseSearch(value string) (string, error) {
	text := strings.TrimSpace(value)
	switch {
	case text == "":
		return "", errorf("$search", 0, "is empty; give the text to search for, such as a name or a phone number")
	case len([]rune(text)) > MaxSearch:
		return "", errorf("$search", 0, "is longer than %d characters; search for fewer words", MaxSearch)
	case strings.ContainsFunc(text, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return "", errorf("$search", 0, "holds a control character; search for plain text")
	}
	return text, nil
}

// parseExpand reads nav, nav($select=a,b), … .
func parseExpand(value string) ([]Expand, error) {
	if strings.TrimSpace(value) == "" {
		return nil, errorf("$expand", 0, "is empty; write for example $expand=parentcustomerid_account($select=name), or leave it out")
	}
	var expands []Expand
	depth, start := 0, 0
	var items []string
	for i := 0; i < len(value); i++ {
		switch value[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return nil, errorf("$expand", i+1, "has a ) without its (")
			}
		case ',':
			if depth == 0 {
				items = append(items, value[start:i])
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, errorf("$expand", 0, "has a ( without its ); write nav($select=a,b)")
	}
	items = append(items, value[start:])
	for _, item := range items {
		item = strings.TrimSpace(item)
		nav, options, hasOptions := strings.Cut(item, "(")
		nav = strings.TrimSpace(nav)
		switch {
		case strings.Contains(nav, "/"):
			return nil, errorf("$expand", 0, "%q is a path; $expand reaches one level: expand the lookup's navigation property itself", clip(nav))
		case !isIdent(nav):
			return nil, errorf("$expand", 0, "%q is not a navigation property; write for example parentcustomerid_account($select=name)", clip(nav))
		}
		e := Expand{Navigation: nav}
		if hasOptions {
			if !strings.HasSuffix(options, ")") {
				return nil, errorf("$expand", 0, "text follows the ) of %s; separate expanded properties with commas", nav)
			}
			options = strings.TrimSuffix(options, ")")
			for opt := range strings.SplitSeq(options, ";") {
				name, v, _ := strings.Cut(strings.TrimSpace(opt), "=")
				switch name = strings.TrimSpace(name); name {
				case "$select":
					if e.Select != nil {
						return nil, errorf("$expand", 0, "gives $select twice for %s", nav)
					}
					sel, err := parseNames("$select in $expand", v)
					if err != nil {
						return nil, err
					}
					e.Select = sel
				case "$expand":
					return nil, errorf("$expand", 0, "nests $expand in %s; cif-host expands one level only", nav)
				case "$filter", "$orderby", "$top", "$skip", "$count", "$search", "$levels":
					return nil, errorf("$expand", 0, "%s inside $expand (of %s) is not supported; only $select is", name, nav)
				default:
					return nil, errorf("$expand", 0, "%q inside $expand (of %s) is not an option; write %s($select=a,b)", clip(name), nav, nav)
				}
			}
		}
		if slices.ContainsFunc(expands, func(x Expand) bool { return x.Navigation == nav }) {
			return nil, errorf("$expand", 0, "expands %s twice; expand it once", nav)
		}
		expands = append(expands, e)
		if len(expands) > MaxExpand {
			return nil, errorf("$expand", 0, "expands more than %d navigation properties; expand fewer", MaxExpand)
		}
	}
	return expands, nil
}

func clip(s string) string {
	const n = 60
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
