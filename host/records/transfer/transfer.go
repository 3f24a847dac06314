// Package transfer moves records in and out of an organisation as files:
// JSON ({"contact": [{…}], "account": [{…}]}, each record in the shape
// createRecord takes, lookups as "<nav>@odata.bind": "/<set>(<id>)") and
// CSV (one entity per file, a header row of attribute logical names and
// "<nav>@odata.bind" columns). Export writes the same shapes, so an export
// imports again as it was: ids and lookups kept. createdon, modifiedon,
// versionnumber, fullname and ticketnumber are the organisation's own and
// are made anew on import.
package transfer

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// ReadJSON reads {"<entity>": [records…], …}.
func ReadJSON(r io.Reader, cat *metadata.Catalog) ([]records.Item, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading the file: %w", err)
	}
	var doc map[string][]jsontext.Value
	if err := jsonv2.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("the file is not records as JSON (%v); write {\"contact\": [{\"firstname\": \"Ann\"}], \"account\": [...]}, the shape `cif-host records export` writes", err)
	}
	var items []records.Item
	for _, entity := range sortedKeys(doc) {
		e, err := records.Entity(cat, entity)
		if err != nil {
			return nil, fmt.Errorf("%q: %s", entity, errcode.As(err).Message)
		}
		for i, v := range doc[entity] {
			d, err := records.DecodeData(v)
			if err != nil {
				return nil, fmt.Errorf("%s record %d: %s", entity, i+1, errcode.As(err).Message)
			}
			items = append(items, records.Item{Entity: e.LogicalName, Data: d})
		}
	}
	return items, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// EntityFromFileName reads an entity from a CSV file's name: contact.csv,
// contacts.csv (the entity set), new_project.csv.
func EntityFromFileName(cat *metadata.Catalog, path string) (string, bool) {
	base := strings.ToLower(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	if e, ok := cat.Entity(base); ok {
		return e.LogicalName, true
	}
	if e, ok := cat.EntityBySet(base); ok {
		return e.LogicalName, true
	}
	return "", false
}

// ReadCSV reads one entity's records from CSV with a header row. An empty
// cell leaves the attribute out; option sets take a value or a label,
// Booleans true/false (or their labels), dates ISO 8601.
func ReadCSV(r io.Reader, cat *metadata.Catalog, entity string) ([]records.Item, error) {
	e, err := records.Entity(cat, entity)
	if err != nil {
		return nil, errors.New(errcode.As(err).Message)
	}
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = 0
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("the CSV file is empty; its first row names the columns, such as firstname,lastname,telephone1")
	}
	if err != nil {
		return nil, fmt.Errorf("the CSV file cannot be read (%v); it must be comma-separated with a header row", err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // a spreadsheet's byte order mark
	}
	attrs := make([]*metadata.Attribute, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		header[i] = h
		if nav, ok := strings.CutSuffix(h, "@odata.bind"); ok {
			if _, _, found := e.Navigation(nav); !found {
				return nil, fmt.Errorf("column %d, %q, names no navigation property of %s; its lookups are written as %s", i+1, h, e.LogicalName, bindColumns(e))
			}
			continue
		}
		a, ok := e.Attribute(h)
		if !ok {
			hint := ""
			if close := metadata.Closest(h, e.AttributeNames(), 3); len(close) > 0 {
				hint = "; did you mean " + strings.Join(close, " or ") + "?"
			}
			return nil, fmt.Errorf("column %d, %q, is not an attribute of %s%s", i+1, h, e.LogicalName, hint)
		}
		if a.Type.IsLookup() {
			return nil, fmt.Errorf("column %d, %q, is a lookup; name its column %s and write \"/<set>(<id>)\" in it", i+1, h, strings.Join(navColumns(a), " or "))
		}
		attrs[i] = a
	}
	var items []records.Item
	for row := 2; ; row++ {
		cells, err := cr.Read()
		if err == io.EOF {
			return items, nil
		}
		if err != nil {
			return nil, fmt.Errorf("row %d cannot be read (%v)", row, err)
		}
		d := records.Data{}
		for i, cell := range cells {
			if i >= len(header) {
				return nil, fmt.Errorf("row %d has more cells than the header has columns; quote cells that hold commas", row)
			}
			if cell == "" {
				continue
			}
			v, err := cellValue(attrs[i], cell)
			if err != nil {
				return nil, fmt.Errorf("row %d, column %s: %v", row, header[i], err)
			}
			d[header[i]] = v
		}
		items = append(items, records.Item{Entity: e.LogicalName, Data: d})
	}
}

func bindColumns(e *metadata.Entity) string {
	var cols []string
	for _, n := range e.NavigationNames() {
		cols = append(cols, n+"@odata.bind")
	}
	if len(cols) == 0 {
		return "(it has none)"
	}
	return strings.Join(cols, ", ")
}

func navColumns(a *metadata.Attribute) []string {
	var cols []string
	for _, t := range a.Targets {
		cols = append(cols, t.Navigation+"@odata.bind")
	}
	return cols
}

// cellValue reads a CSV cell as the attribute's value, in DecodeData's
// terms (json.Number for numbers), so that the store checks it as it
// checks any caller's data.
func cellValue(a *metadata.Attribute, cell string) (any, error) {
	if a == nil { // an @odata.bind column
		return cell, nil
	}
	switch t := a.Type; {
	case t.IsNumber():
		if _, err := strconv.ParseFloat(cell, 64); err != nil {
			return nil, fmt.Errorf("%q is not a number", cell)
		}
		return json.Number(cell), nil
	case t.IsOptionSet():
		if _, err := strconv.Atoi(cell); err == nil {
			return json.Number(cell), nil
		}
		for _, o := range a.Options {
			if strings.EqualFold(o.Label, cell) {
				return json.Number(strconv.Itoa(o.Value)), nil
			}
		}
		return nil, fmt.Errorf("%q is neither a value nor a label of %s's options", cell, a.LogicalName)
	case t == metadata.Boolean:
		switch strings.ToLower(cell) {
		case "true", "1", "yes", strings.ToLower(a.BooleanLabel(true)):
			return true, nil
		case "false", "0", "no", strings.ToLower(a.BooleanLabel(false)):
			return false, nil
		}
		return nil, fmt.Errorf("%q is not true or false", cell)
	}
	return cell, nil
}

// writable lists what an export writes of an entity: the primary id, the
// attributes a caller may set, and one bind column per lookup target.
func writable(e *metadata.Entity) (attrs []*metadata.Attribute, binds []metadata.Target) {
	for _, a := range e.Attributes {
		switch {
		case a.LogicalName == e.PrimaryIDAttribute:
			attrs = append([]*metadata.Attribute{a}, attrs...)
		case a.Type.IsLookup():
			binds = append(binds, a.Targets...)
		case !a.ReadOnly:
			attrs = append(attrs, a)
		}
	}
	return attrs, binds
}

// exportValue is a value as an export writes it.
func exportValue(a *metadata.Attribute, v any) any {
	if t, ok := v.(time.Time); ok {
		if a.Format == metadata.FormatDateOnly {
			return t.Format(time.DateOnly)
		}
		return t.UTC().Format(time.RFC3339)
	}
	return v
}

// Data is a record in Create's shape, as an export writes it.
func Data(cat *metadata.Catalog, r *records.Record) records.Data {
	attrs, _ := writable(r.Entity)
	d := records.Data{r.Entity.PrimaryIDAttribute: r.ID}
	for _, a := range attrs {
		if v := r.Values[a.LogicalName]; v != nil {
			d[a.LogicalName] = exportValue(a, v)
		}
	}
	for _, a := range r.Entity.Attributes {
		l, ok := r.Values[a.LogicalName].(records.Lookup)
		if !ok {
			continue
		}
		t, found := a.Target(l.Entity)
		te, known := cat.Entity(l.Entity)
		if found && known {
			d[t.Navigation+"@odata.bind"] = "/" + te.EntitySetName + "(" + l.ID + ")"
		}
	}
	return d
}

// WriteJSON exports the entities (all when none are named) as one JSON
// document and returns how many records each had.
func WriteJSON(ctx context.Context, w io.Writer, s records.Store, entities []string) (map[string]int, error) {
	cat := s.Catalog()
	if len(entities) == 0 {
		entities = cat.Names()
	}
	counts := map[string]int{}
	bw := bufio.NewWriter(w)
	bw.WriteString("{")
	for i, entity := range entities {
		e, err := records.Entity(cat, entity)
		if err != nil {
			return nil, errors.New(errcode.As(err).Message)
		}
		if i > 0 {
			bw.WriteString(",")
		}
		fmt.Fprintf(bw, "\n%q: [", e.LogicalName)
		n := 0
		err = s.Export(ctx, e.LogicalName, func(r *records.Record) error {
			b, err := json.Marshal(Data(cat, r))
			if err != nil {
				return err
			}
			if n > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n  ")
			bw.Write(b)
			n++
			return nil
		})
		if err != nil {
			return nil, err
		}
		bw.WriteString("\n]")
		counts[e.LogicalName] = n
	}
	bw.WriteString("\n}\n")
	return counts, bw.Flush()
}

// WriteCSV exports one entity as CSV and returns how many records it had.
func WriteCSV(ctx context.Context, w io.Writer, s records.Store, entity string) (int, error) {
	cat := s.Catalog()
	e, err := records.Entity(cat, entity)
	if err != nil {
		return 0, errors.New(errcode.As(err).Message)
	}
	attrs, binds := writable(e)
	cw := csv.NewWriter(w)
	header := make([]string, 0, len(attrs)+len(binds))
	for _, a := range attrs {
		header = append(header, a.LogicalName)
	}
	for _, b := range binds {
		header = append(header, b.Navigation+"@odata.bind")
	}
	if err := cw.Write(header); err != nil {
		return 0, err
	}
	n := 0
	err = s.Export(ctx, e.LogicalName, func(r *records.Record) error {
		d := Data(cat, r)
		row := make([]string, len(header))
		for i, h := range header {
			switch v := d[h].(type) {
			case nil:
			case string:
				row[i] = v
			case float64:
				row[i] = strconv.FormatFloat(v, 'f', -1, 64)
			default:
				row[i] = fmt.Sprint(v)
			}
		}
		n++
		return cw.Write(row)
	})
	if err != nil {
		return 0, err
	}
	cw.Flush()
	return n, cw.Error()
}
