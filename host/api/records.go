package api

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/odata"
	"github.com/cifbridge/cif-bridge/host/session"
	"github.com/cifbridge/cif-bridge/protocol"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// The record methods: CIF's, on the organisation's records. Each resolves
// with the JSON string CIF resolves with. Where CIF opens a page (a
// record, a search), it opens as a tab of the caller's focused session;
// on the home session the extension opens it in a tab of its own
// (OpenPage); another provider's focused session refuses, as CIF refuses
// a provider that is not the active one.

// recordTimeout bounds one record call, below the extension's 9 s.
const recordTimeout = 8 * time.Second

// maxFormBytes bounds openForm's formParameters: they travel in the
// address of the page that shows the form.
const maxFormBytes = 64 << 10

// OpenPage asks the extension's views to open one of its own pages in a
// tab outside any session: a record, a new-record form, or search results.
const OpenPage = "cifbridge.openPage"

// PageToOpen is what OpenPage carries: the page and what it shows.
type PageToOpen struct {
	Page       string         `json:"page"` // "record" or "search"
	EntityName string         `json:"entityName"`
	EntityID   string         `json:"entityId,omitempty"`
	Data       map[string]any `json:"data,omitempty"` // a new record's form parameters
	SearchText string         `json:"searchText,omitempty"`
}

// RecordChanged tells the extension's own views that a record changed,
// by this agent or another one sharing the organisation, so that an open
// record page shows the change without a reload. Its params are a
// records.Changed: {entityName, id, version}, {entityName, id, deleted:
// true}, {entityName} (many of that entity changed: refresh), or {}
// (changes may have been missed: refresh what is shown). It is never
// delivered to web pages.
const RecordChanged = "cifbridge.recordChanged"

// subscriber is an organisation whose changes can be followed
// (records.Lazy).
type subscriber interface {
	Subscribe(deliver func([]records.Changed)) (unsubscribe func())
}

// watchRecords starts sending RecordChanged, once the profile is known.
func (c *Conn) watchRecords() {
	sub, ok := c.cfg.Records.(subscriber)
	if !ok || c.notifier == nil || c.unwatch != nil {
		return
	}
	log := c.log
	c.unwatch = sub.Subscribe(func(changes []records.Changed) {
		for _, ch := range changes {
			err := c.notifier.Notify(protocol.Notification{JSONRPC: protocol.Version, Method: RecordChanged, Params: ch})
			if err != nil {
				log.Debug("a record change was not sent to the browser", "entity", ch.Entity, "id", ch.ID, "reason", err)
				return
			}
		}
	})
}

// Texts CIF rejects blank record parameters with.
const (
	blankEntity       = "The EntityName parameter is blank. Provide a value to the parameter."
	blankEntityNoDot  = "The EntityName parameter is blank. Provide a value to the parameter"
	blankEntityNoSpan = "The EntityName parameter is blank.Provide a value to the parameter." // sic, retrieveRecord's
	blankID           = "The EntityId parameter is blank. Provide a value to the parameter."
)

// recordArgs are the record methods' arguments, by the names page.js
// gives CIF's positional ones.
type recordArgs struct {
	EntityName string         `json:"entityName"`
	ID         string         `json:"id"`
	Data       jsontext.Value `json:"data"`
	Query      *string        `json:"query"`
	correlated `json:",inline"`
}

// updateArgs are updateRecord's: CIF's, and ifMatch, the extension's own
// (CIF's updateRecord has none): the @odata.etag the change is based on.
// With it the update is refused with RecordConflict if the record
// changed since, so that one agent's save never silently overwrites
// another's.
type updateArgs struct {
	recordArgs `json:",inline"`
	IfMatch    string `json:"ifMatch"`
}

func (c call) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), recordTimeout)
}

// jsonString returns v encoded, as the string CIF resolves with.
func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// recordData reads a record's data: the JSON string CIF passes, or an
// object, which some integrations pass.
func recordData(method string, v jsontext.Value, blank string) (records.Data, error) {
	raw := []byte(present(v))
	if raw == nil {
		return nil, errcode.Errorf(errcode.InvalidParams, "%s: pass the record's attributes as a JSON string, such as JSON.stringify({firstname: \"Ann\"})", blank)
	}
	if v.Kind() == '"' {
		var s string
		if err := jsonv2.Unmarshal(v, &s); err != nil {
			return nil, paramsError(method, "data", err)
		}
		raw = []byte(s)
	}
	return records.DecodeData(raw)
}

// record lets decodeRecord check the record arguments of any method's.
func (p recordArgs) record() recordArgs { return p }

// decodeRecord reads a record method's arguments and refuses a blank
// entity name (with the method's CIF text) and, when it needs one, a
// blank id.
func decodeRecord[T interface{ record() recordArgs }](c call, blank string, needID bool) (T, error) {
	p, err := decode[T](c.method, c.args)
	if err != nil {
		return p, err
	}
	r := p.record()
	if err := requireEntity(r.EntityName, blank); err != nil {
		return p, err
	}
	if needID {
		err = requireID(r.ID)
	}
	return p, err
}

func requireEntity(name, blank string) error {
	if strings.TrimSpace(name) == "" {
		return errcode.Errorf(errcode.InvalidParams, "%s: pass an entity's logical name, such as \"contact\"", blank)
	}
	return nil
}

func requireID(id string) error {
	if strings.TrimSpace(id) == "" {
		return errcode.Errorf(errcode.InvalidParams, "%s: pass the record's id (a GUID)", blankID)
	}
	return nil
}

// reference is what createRecord, updateRecord and deleteRecord resolve
// with.
type reference struct {
	EntityType string `json:"entityType"`
	ID         string `json:"id"`
}

func createRecord(c call) (any, error) {
	p, err := decodeRecord[recordArgs](c, blankEntity, false)
	if err != nil {
		return nil, err
	}
	data, err := recordData(c.method, p.Data, "Provide a value to the data parameter to create record.")
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.ctx()
	defer cancel()
	id, err := c.records.Create(ctx, p.EntityName, data)
	if err != nil {
		return nil, err
	}
	return jsonString(reference{EntityType: p.EntityName, ID: id})
}

func retrieveRecord(c call) (any, error) {
	p, err := decodeRecord[recordArgs](c, blankEntityNoSpan, true)
	if err != nil {
		return nil, err
	}
	q, err := query(p.Query)
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.ctx()
	defer cancel()
	rec, err := c.records.Retrieve(ctx, p.EntityName, p.ID, q)
	if err != nil {
		return nil, err
	}
	return jsonString(rec)
}

// query parses OData query options; none is every attribute.
func query(s *string) (*odata.Query, error) {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil, nil
	}
	q, err := odata.Parse(*s)
	if err != nil {
		return nil, records.QueryError(err)
	}
	return q, nil
}

func updateRecord(c call) (any, error) {
	p, err := decodeRecord[updateArgs](c, blankEntity, true)
	if err != nil {
		return nil, err
	}
	data, err := recordData(c.method, p.Data, "The data parameter is blank. Provide a value to the parameter to update the record.")
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.ctx()
	defer cancel()
	if _, err := c.records.Update(ctx, p.EntityName, p.ID, data, p.IfMatch); err != nil {
		return nil, err
	}
	return jsonString(reference{EntityType: p.EntityName, ID: p.ID})
}

func deleteRecord(c call) (any, error) {
	p, err := decodeRecord[recordArgs](c, blankEntity, true)
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.ctx()
	defer cancel()
	if err := c.records.Delete(ctx, p.EntityName, p.ID); err != nil {
		return nil, err
	}
	return jsonString(reference{EntityType: p.EntityName, ID: p.ID})
}

func getEntityMetadata(c call) (any, error) {
	p, err := decode[struct {
		EntityName string     `json:"entityName"`
		Attributes stringList `json:"attributes"`
		correlated `json:",inline"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	if err := requireEntity(p.EntityName, blankEntityNoDot); err != nil {
		return nil, err
	}
	e, err := records.Entity(c.records.Catalog(), p.EntityName)
	if err != nil {
		return nil, err
	}
	m, err := e.Describe(p.Attributes)
	if err != nil {
		return nil, errcode.Errorf(errcode.InvalidParams, "getEntityMetadata: %v", err)
	}
	return jsonString(m)
}

func searchAndOpenRecords(c call) (any, error) {
	p, err := decode[struct {
		EntityName string   `json:"entityName"`
		Query      *string  `json:"query"`
		SearchOnly *bool    `json:"searchOnly"`
		SearchType *float64 `json:"searchType"`
		correlated `json:",inline"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	switch {
	case strings.TrimSpace(p.EntityName) == "":
		return nil, errcode.Errorf(errcode.InvalidParams, "%s: pass an entity's logical name, such as \"contact\"", blankEntity)
	case p.Query == nil:
		return nil, errcode.Errorf(errcode.InvalidParams, "The queryParmeters parameter is blank. Provide a value to the parameter: OData query options, such as \"?$select=fullname&$filter=telephone1 eq '555 0100'\" or \"$search=555 0100\"")
	case p.SearchOnly == nil:
		return nil, errcode.Errorf(errcode.InvalidParams, "The searchOnly parameter is blank. Provide a value to the parameter: true to only search, false to also open what was found")
	}
	q, err := query(p.Query)
	if err != nil {
		return nil, err
	}
	if q == nil {
		if *p.SearchOnly {
			return nil, errcode.Errorf(errcode.InvalidQuery, "Error. Either the seach query is empty or searchOnly is true for search query: give $filter or $search to search by")
		}
		return "{}", c.openSearch(p.EntityName, "")
	}
	ctx, cancel := c.ctx()
	defer cancel()
	found, err := c.records.Query(ctx, p.EntityName, q)
	if err != nil {
		return nil, err
	}
	result, err := jsonString(records.Indexed(found))
	if err != nil || *p.SearchOnly {
		return result, err
	}
	if len(found) == 1 {
		err = c.openRecord(p.EntityName, found[0].ID, nil)
	} else {
		err = c.openSearch(p.EntityName, q.Search)
	}
	return result, err
}

func openForm(c call) (any, error) {
	p, err := decode[struct {
		EntityFormOptions jsontext.Value `json:"entityFormOptions"`
		FormParameters    jsontext.Value `json:"formParameters"`
		correlated        `json:",inline"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	var opts struct {
		EntityName string `json:"entityName"`
		EntityID   string `json:"entityId"`
	}
	if ok, err := stringOrObject(c.method, "entityFormOptions", p.EntityFormOptions, &opts); err != nil {
		return nil, err
	} else if !ok {
		return nil, errcode.Errorf(errcode.InvalidParams, "The EntityFormOptions parameter is blank. Provide a value to the parameter: such as JSON.stringify({entityName: \"contact\", entityId: \"<id>\"})")
	}
	if err := requireEntity(opts.EntityName, blankEntity); err != nil {
		return nil, err
	}
	if n := len(p.FormParameters); n > maxFormBytes {
		return nil, errcode.Errorf(errcode.InvalidParams, "openForm: formParameters are %d bytes; a new-record form takes at most %d bytes of values: pass only the fields to fill in", n, maxFormBytes)
	}
	var params map[string]any
	if _, err := stringOrObject(c.method, "formParameters", p.FormParameters, &params); err != nil {
		return nil, err
	}
	e, err := records.Entity(c.records.Catalog(), opts.EntityName)
	if err != nil {
		return nil, err
	}
	saved := []map[string]string{}
	if opts.EntityID != "" {
		ctx, cancel := c.ctx()
		defer cancel()
		rec, err := c.records.Retrieve(ctx, e.LogicalName, opts.EntityID, &odata.Query{Select: []string{e.PrimaryNameAttribute}})
		if err != nil {
			return nil, err
		}
		saved = append(saved, map[string]string{"entityType": e.LogicalName, "id": rec.ID, "name": rec.Name()})
		opts.EntityID = rec.ID
	}
	if err := c.openRecord(e.LogicalName, opts.EntityID, params); err != nil {
		return nil, err
	}
	return jsonString(map[string]any{"savedEntityReference": saved})
}

// stringOrObject decodes a parameter CIF passes as a JSON string, which
// some integrations pass as an object, into v; ok is false for none.
func stringOrObject(method, name string, raw jsontext.Value, v any) (bool, error) {
	if present(raw) == nil {
		return false, nil
	}
	text := []byte(raw)
	if raw.Kind() == '"' {
		var s string
		if err := jsonv2.Unmarshal(raw, &s); err != nil {
			return false, paramsError(method, name, err)
		}
		if strings.TrimSpace(s) == "" {
			return false, nil
		}
		text = []byte(s)
	}
	if err := jsonv2.Unmarshal(text, v); err != nil {
		return false, paramsError(method, name, err)
	}
	return true, nil
}

func renderSearchPage(c call) (any, error) {
	p, err := decode[struct {
		EntityName   string   `json:"entityName"`
		SearchString *string  `json:"searchString"`
		SearchType   *float64 `json:"searchType"`
		correlated   `json:",inline"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(p.EntityName) == "" {
		return nil, errcode.Errorf(errcode.InvalidParams, "The EntityName Parameter is blank. Provide a value to the parameter: an entity's logical name, such as \"contact\"")
	}
	if p.SearchString == nil {
		return nil, errcode.Errorf(errcode.InvalidParams, "The SearchString Parameter cannot be NULL: pass the text to search for (\"\" for none)")
	}
	if _, err := records.Entity(c.records.Catalog(), p.EntityName); err != nil {
		return nil, err
	}
	return nil, c.openSearch(p.EntityName, *p.SearchString)
}

func refreshForm(c call) (any, error) {
	if _, err := decode[struct {
		Save       *bool `json:"save"`
		correlated `json:",inline"`
	}](c.method, c.args); err != nil {
		return nil, err
	}
	tab := c.sessions.GetFocusedTab(c.provider)
	if tab == nil {
		return nil, errcode.Errorf(errcode.NoFocusedSession, "refreshForm refreshes the record in the focused tab of your focused session, and none of yours is focused")
	}
	return "null", c.sessions.RefreshTab(c.provider, *tab)
}

// openRecord opens a record's page, or a new-record form (no id) with
// data: as a tab of the caller's focused session, else on the home
// session in a tab of the extension's own.
func (c call) openRecord(entity, id string, data map[string]any) error {
	params := map[string]any{"entityName": entity, "entityId": id}
	if len(data) > 0 {
		params["data"] = data
	}
	return c.open("msdyn_entityrecord_tab", params, PageToOpen{Page: "record", EntityName: entity, EntityID: id, Data: data})
}

// openSearch opens search results for an entity.
func (c call) openSearch(entity, text string) error {
	return c.open("msdyn_records_search_tab", map[string]any{"entityName": entity, "searchText": text},
		PageToOpen{Page: "search", EntityName: entity, SearchText: text})
}

func (c call) open(template string, params map[string]any, page PageToOpen) error {
	switch c.sessions.FocusedProvider() {
	case c.provider:
		_, err := c.sessions.CreateTab(c.provider, session.TabInput{TemplateName: template, TemplateParameters: params, IsFocused: true})
		return err
	case "":
		c.notify(protocol.Notification{JSONRPC: protocol.Version, Method: OpenPage, Params: page})
		return nil
	}
	return errcode.Errorf(errcode.NotOwner, "This operation can be performed from the active provider: %s opens a page in the focused session, which is another provider's", c.method)
}
