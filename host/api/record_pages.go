package api

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/odata"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// The agent's operations on records: what the extension's record pages
// show (a record with its entity's metadata and its related records,
// search results, an entity's list) and what the agent does there (save
// an edit, create a record). Like every agent operation, only the
// extension's own views reach them.

// Bounds of what one record page shows.
const (
	// relatedPerList is how many records of one related list a page
	// shows, newest first; More says there are others.
	relatedPerList = 20
	// maxResults is how many search results or list rows a page shows.
	maxResults = 50
	// maxColumns is how many attributes a results page shows besides the
	// primary name and the modification time.
	maxColumns = 3
)

// EntityView is an entity as a record page lays it out: its names and its
// attributes in the order forms show them.
type EntityView struct {
	LogicalName           string          `json:"logicalName"`
	EntitySetName         string          `json:"entitySetName"`
	DisplayName           string          `json:"displayName"`
	DisplayCollectionName string          `json:"displayCollectionName"`
	PrimaryIDAttribute    string          `json:"primaryIdAttribute"`
	PrimaryNameAttribute  string          `json:"primaryNameAttribute"`
	Attributes            []AttributeView `json:"attributes"`
}

// AttributeView is one attribute as a record page edits it.
type AttributeView struct {
	LogicalName string   `json:"logicalName"`
	DisplayName string   `json:"displayName"`
	Type        string   `json:"type"`
	Format      string   `json:"format,omitempty"`
	MaxLength   int      `json:"maxLength,omitempty"`
	MinValue    *float64 `json:"minValue,omitempty"`
	MaxValue    *float64 `json:"maxValue,omitempty"`
	Precision   *int     `json:"precision,omitempty"`
	// Required is true for an attribute a record must have
	// (ApplicationRequired or SystemRequired).
	Required bool `json:"required,omitempty"`
	// ReadOnly attributes are the organisation's: the page shows them.
	ReadOnly bool              `json:"readOnly,omitempty"`
	Options  []metadata.Option `json:"options,omitempty"`
	Default  *int              `json:"default,omitempty"`
	Targets  []TargetView      `json:"targets,omitempty"`
}

// TargetView is an entity a lookup can point at, with what the page needs
// to link to it and to bind to it.
type TargetView struct {
	Entity        string `json:"entity"`
	DisplayName   string `json:"displayName"`
	EntitySetName string `json:"entitySetName"`
	Navigation    string `json:"navigation"`
}

// RecordPage is what records.page answers: the entity, and the record
// with its related records (both left out without an id, for a
// new-record form).
type RecordPage struct {
	Entity  EntityView      `json:"entity"`
	Record  *records.Record `json:"record,omitempty"`
	Related []RelatedList   `json:"related,omitempty"`
}

// RelatedList is the records of one entity whose lookup points at the
// record: a contact's cases by their customer.
type RelatedList struct {
	Entity    string       `json:"entity"`
	Title     string       `json:"title"`
	Attribute string       `json:"attribute"`
	Records   []RecordLink `json:"records"`
	More      bool         `json:"more,omitempty"`
}

// RecordLink is a record as a link shows it.
type RecordLink struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Detail string `json:"detail,omitempty"`
}

// SearchPage is what records.search answers: the matching records (each
// with the primary id, the primary name and the columns, in the Web API's
// shape), best matches or newest first.
type SearchPage struct {
	Entity  EntityView        `json:"entity"`
	Columns []string          `json:"columns"`
	Records []*records.Record `json:"records"`
	More    bool              `json:"more,omitempty"`
}

// viewOf lays an entity out for its pages.
func viewOf(c *metadata.Catalog, e *metadata.Entity) EntityView {
	v := EntityView{
		LogicalName: e.LogicalName, EntitySetName: e.EntitySetName, DisplayName: e.DisplayName,
		DisplayCollectionName: e.DisplayCollectionName, PrimaryIDAttribute: e.PrimaryIDAttribute,
		PrimaryNameAttribute: e.PrimaryNameAttribute, Attributes: make([]AttributeView, 0, len(e.Attributes)),
	}
	for _, a := range e.Attributes {
		av := AttributeView{
			LogicalName: a.LogicalName, DisplayName: a.DisplayName, Type: string(a.Type), Format: a.Format,
			MaxLength: a.MaxLength, Required: a.RequiredLevel != "" && a.RequiredLevel != metadata.RequiredNone,
			ReadOnly: a.ReadOnly || a.LogicalName == e.PrimaryIDAttribute, Options: a.Options, Default: a.Default,
		}
		if a.Type.IsNumber() && a.Type != metadata.BigInt {
			lo, hi := a.MinValue, a.MaxValue
			av.MinValue, av.MaxValue = &lo, &hi
		}
		if a.Type == metadata.Decimal || a.Type == metadata.Money {
			p := a.Precision
			av.Precision = &p
		}
		for _, t := range a.Targets {
			tv := TargetView{Entity: t.Entity, Navigation: t.Navigation, DisplayName: t.Entity}
			if te, ok := c.Entity(t.Entity); ok {
				tv.DisplayName, tv.EntitySetName = te.DisplayName, te.EntitySetName
			}
			av.Targets = append(av.Targets, tv)
		}
		v.Attributes = append(v.Attributes, av)
	}
	return v
}

// pageEntity reads the entity an agent operation names.
func (c call) pageEntity(name string) (*metadata.Entity, error) {
	if strings.TrimSpace(name) == "" {
		return nil, errcode.Errorf(errcode.InvalidParams, "%s: entityName is required, such as \"contact\"", c.method)
	}
	return records.Entity(c.records.Catalog(), name)
}

func recordsPage(c call) (any, error) {
	p, err := decode[struct {
		EntityName string `json:"entityName"`
		ID         string `json:"id"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	e, err := c.pageEntity(p.EntityName)
	if err != nil {
		return nil, err
	}
	page := RecordPage{Entity: viewOf(c.records.Catalog(), e)}
	if p.ID == "" {
		return page, nil
	}
	ctx, cancel := c.ctx()
	defer cancel()
	if page.Record, err = c.records.Retrieve(ctx, e.LogicalName, p.ID, nil); err != nil {
		return nil, err
	}
	related, err := c.records.Related(ctx, e.LogicalName, page.Record.ID, relatedPerList+1)
	if err != nil {
		return nil, err
	}
	for _, r := range related {
		page.Related = append(page.Related, relatedList(r))
	}
	return page, nil
}

// relatedList shows one list of related records.
func relatedList(r records.Related) RelatedList {
	list := RelatedList{
		Entity: r.Entity.LogicalName, Attribute: r.Attribute.LogicalName,
		Title:   r.Entity.DisplayCollectionName + " (" + r.Attribute.DisplayName + ")",
		Records: []RecordLink{},
	}
	for i, rec := range r.Records {
		if i == relatedPerList {
			list.More = true
			break
		}
		list.Records = append(list.Records, RecordLink{ID: rec.ID, Name: rec.Name(), Detail: detail(rec)})
	}
	return list
}

// detail says a related record's status and when it last changed:
// "Active · 3/15/2026 4:00 PM".
func detail(rec *records.Record) string {
	var parts []string
	for _, name := range []string{"statecode", "modifiedon"} {
		if a, ok := rec.Entity.Attribute(name); ok {
			if f, ok := records.Formatted(a, rec.Values[name]); ok {
				parts = append(parts, f)
			}
		}
	}
	return strings.Join(parts, " · ")
}

// recordChange reads an agent operation's data: a JSON object of
// attributes in the Web API's shape.
func (c call) recordChange(raw jsontext.Value) (records.Data, error) {
	if raw.Kind() != '{' {
		return nil, errcode.Errorf(errcode.InvalidParams, "%s: data must be an object of attributes by logical name, not %s", c.method, kindOf(raw))
	}
	return records.DecodeData(raw)
}

func recordsSave(c call) (any, error) {
	p, err := decode[struct {
		EntityName string         `json:"entityName"`
		ID         string         `json:"id"`
		Data       jsontext.Value `json:"data"`
		ETag       string         `json:"etag"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	e, err := c.pageEntity(p.EntityName)
	if err != nil {
		return nil, err
	}
	if p.ETag == "" {
		return nil, errcode.Errorf(errcode.InvalidParams, "%s: etag is required: pass the @odata.etag of the record as the agent saw it, so that a change made since is refused rather than overwritten", c.method)
	}
	data, err := c.recordChange(p.Data)
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.ctx()
	defer cancel()
	etag, err := c.records.Update(ctx, e.LogicalName, p.ID, data, p.ETag)
	if err != nil {
		return nil, err
	}
	return map[string]string{"etag": etag}, nil
}

func recordsCreate(c call) (any, error) {
	p, err := decode[struct {
		EntityName string         `json:"entityName"`
		Data       jsontext.Value `json:"data"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	e, err := c.pageEntity(p.EntityName)
	if err != nil {
		return nil, err
	}
	data, err := c.recordChange(p.Data)
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.ctx()
	defer cancel()
	id, err := c.records.Create(ctx, e.LogicalName, data)
	if err != nil {
		return nil, err
	}
	return map[string]string{"id": id}, nil
}

// recordsSearch finds an entity's records by relevance (searchText, with
// phone numbers matched by their digits), or without text lists them,
// most recently changed first (the version grows with every change).
func recordsSearch(c call) (any, error) {
	p, err := decode[struct {
		EntityName string `json:"entityName"`
		SearchText string `json:"searchText"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	e, err := c.pageEntity(p.EntityName)
	if err != nil {
		return nil, err
	}
	columns := searchColumns(e)
	options := "$top=" + strconv.Itoa(maxResults+1) + "&$select=" + strings.Join(append([]string{e.PrimaryNameAttribute}, columns...), ",")
	if text := strings.TrimSpace(p.SearchText); text != "" {
		options += "&$search=" + strings.ReplaceAll(url.QueryEscape(text), "+", "%20")
	} else {
		options += "&$orderby=versionnumber desc"
	}
	q, err := odata.Parse(options)
	if err != nil {
		return nil, records.QueryError(err)
	}
	ctx, cancel := c.ctx()
	defer cancel()
	found, err := c.records.Query(ctx, e.LogicalName, q)
	if err != nil {
		return nil, err
	}
	page := SearchPage{Entity: viewOf(c.records.Catalog(), e), Columns: columns, Records: found}
	if len(found) > maxResults {
		page.Records, page.More = found[:maxResults], true
	}
	return page, nil
}

// searchColumns are the attributes a results page shows besides the
// primary name: the entity's searchable phone and email attributes (up to
// maxColumns), or else its other searchable text, then when each record
// last changed.
func searchColumns(e *metadata.Entity) []string {
	var contact, other []string
	for _, a := range e.Attributes {
		switch {
		case !a.Searchable || a.LogicalName == e.PrimaryNameAttribute:
		case a.Format == metadata.FormatPhone || a.Format == metadata.FormatEmail:
			contact = append(contact, a.LogicalName)
		default:
			other = append(other, a.LogicalName)
		}
	}
	if len(contact) == 0 {
		contact = other
	}
	columns := contact[:min(len(contact), maxColumns)]
	if _, ok := e.Attribute("modifiedon"); ok {
		columns = append(columns, "modifiedon")
	}
	return columns
}
