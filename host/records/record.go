package records

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/cifbridge/cif-bridge/host/records/metadata"
)

// Record is one record as a store read it. Values holds the attributes
// that were read, by logical name, typed: string (String, Memo,
// Uniqueidentifier), int64 (Integer, BigInt, option sets), float64
// (Decimal, Money), bool, time.Time (UTC), Lookup, or nil for no value.
//
// json.Marshal writes it as the Web API returns it: "@odata.etag", the
// primary id, each value, formatted values as
// "<attr>@OData.Community.Display.V1.FormattedValue", lookups as
// "_<attr>_value" with their lookuplogicalname, associatednavigationproperty
// and formatted value (the target's primary name), and expanded
// navigation properties as nested records (or null).
type Record struct {
	Entity  *metadata.Entity
	ID      string
	Version int64
	Values  map[string]any
	// Expanded holds the $expand results by navigation property; a nil
	// record is a lookup that is empty or points at another target.
	Expanded map[string]*Record
}

// Lookup is a lookup's value as read: the target's entity, id and primary
// name.
type Lookup struct {
	Entity string
	ID     string
	Name   string
}

// ETag is the record's ETag, W/"<versionnumber>".
func (r *Record) ETag() string { return ETag(r.Version) }

// Name is the record's primary name, or "" when it has none.
func (r *Record) Name() string {
	s, _ := r.Values[r.Entity.PrimaryNameAttribute].(string)
	return s
}

// Annotations the Web API adds to values.
const (
	FormattedValue        = "@OData.Community.Display.V1.FormattedValue"
	LookupLogicalName     = "@Microsoft.Dynamics.CRM.lookuplogicalname"
	AssociatedNavProperty = "@Microsoft.Dynamics.CRM.associatednavigationproperty"
)

// MarshalJSON writes the record in the Web API's shape, attributes in the
// entity's order.
func (r *Record) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	field := func(key string, v any) error {
		if !first {
			b.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(key)
		b.Write(k)
		b.WriteByte(':')
		val, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(val)
		return nil
	}
	if err := field("@odata.etag", r.ETag()); err != nil {
		return nil, err
	}
	if err := field(r.Entity.PrimaryIDAttribute, r.ID); err != nil {
		return nil, err
	}
	for _, a := range r.Entity.Attributes {
		v, ok := r.Values[a.LogicalName]
		if !ok || a.LogicalName == r.Entity.PrimaryIDAttribute {
			continue
		}
		for _, kv := range WebAPIValues(a, v) {
			if err := field(kv.Key, kv.Value); err != nil {
				return nil, err
			}
		}
	}
	for _, a := range r.Entity.Attributes {
		for _, t := range a.Targets {
			x, ok := r.Expanded[t.Navigation]
			if !ok {
				continue
			}
			var v any
			if x != nil {
				v = x
			}
			if err := field(t.Navigation, v); err != nil {
				return nil, err
			}
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// KeyValue is one key of a record in the Web API's shape.
type KeyValue struct {
	Key   string
	Value any
}

// WebAPIValues returns the keys the Web API writes for one attribute's
// value: annotations first, then the value itself.
func WebAPIValues(a *metadata.Attribute, v any) []KeyValue {
	name := a.LogicalName
	if a.Type.IsLookup() {
		key := metadata.LookupValueName(name)
		l, ok := v.(Lookup)
		if !ok {
			return []KeyValue{{key, nil}}
		}
		nav := ""
		if t, found := a.Target(l.Entity); found {
			nav = t.Navigation
		}
		return []KeyValue{
			{key + FormattedValue, l.Name},
			{key + AssociatedNavProperty, nav},
			{key + LookupLogicalName, l.Entity},
			{key, l.ID},
		}
	}
	if v == nil {
		return []KeyValue{{name, nil}}
	}
	out := v
	if t, ok := v.(time.Time); ok {
		if a.Format == metadata.FormatDateOnly {
			out = t.Format(time.DateOnly)
		} else {
			out = t.UTC().Format(time.RFC3339)
		}
	}
	if f, ok := Formatted(a, v); ok {
		return []KeyValue{{name + FormattedValue, f}, {name, out}}
	}
	return []KeyValue{{name, out}}
}

// Indexed is the shape searchAndOpenRecords resolves with: an object keyed
// "0", "1", … (CIF builds it from an array), "{}" for none.
func Indexed(records []*Record) map[string]*Record {
	m := make(map[string]*Record, len(records))
	for i, r := range records {
		m[strconv.Itoa(i)] = r
	}
	return m
}
