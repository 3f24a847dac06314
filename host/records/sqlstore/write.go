package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/odata"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

func randomID() string { return uuid.NewString() }

// encodeScalar converts a typed value to what the driver stores.
func (s *Store) encodeScalar(a *metadata.Attribute, v any) any {
	switch v := v.(type) {
	case bool:
		return s.dialect.Bool(v)
	case time.Time:
		return s.dialect.Time(v, a.Format == metadata.FormatDateOnly)
	}
	return v
}

// encode is the stored value of one physical column for an attribute's
// typed value.
func (s *Store) encode(c column, v any) any {
	switch c.role {
	case roleType:
		if r, ok := v.(records.Ref); ok {
			return r.Entity
		}
		return nil
	case roleDigits:
		if str, ok := v.(string); ok {
			if d := records.ReversedDigits(str); d != "" {
				return d
			}
		}
		return nil
	}
	switch v := v.(type) {
	case nil:
		return nil
	case records.Ref:
		return v.ID
	}
	return s.encodeScalar(c.attr, v)
}

// Create implements records.Store.
func (s *Store) Create(ctx context.Context, entity string, data records.Data) (string, error) {
	t, err := s.entity(entity)
	if err != nil {
		return "", err
	}
	ch, err := records.Prepare(s.catalog, t.entity, data, nil)
	if err != nil {
		return "", err
	}
	var id string
	err = s.write(ctx, func(tx *wtx) error {
		id, err = s.create(ctx, tx, t, ch)
		return err
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

func (s *Store) create(ctx context.Context, tx *wtx, t *table, ch *records.Change) (string, error) {
	e := t.entity
	id := ch.ID
	if id == "" {
		id = s.newID()
	} else if ok, err := s.exists(ctx, tx.Tx, e, id); err != nil {
		return "", err
	} else if ok {
		return "", records.Invalid("a %s with %s %s already exists; update it instead, or leave %s out to get a new id", e.LogicalName, e.PrimaryIDAttribute, id, e.PrimaryIDAttribute)
	}
	if err := s.checkLookups(ctx, tx.Tx, ch); err != nil {
		return "", err
	}
	version, err := s.nextCounter(ctx, tx, "version")
	if err != nil {
		return "", s.unavailable("creating a "+e.LogicalName, err)
	}
	now := s.clock()
	values := maps.Clone(ch.Values)
	values["createdon"], values["modifiedon"], values["versionnumber"] = now, now, version
	if a, ok := e.Attribute("ticketnumber"); ok && a.ReadOnly {
		n, err := s.nextCounter(ctx, tx, "ticketnumber")
		if err != nil {
			return "", s.unavailable("numbering a case", err)
		}
		values["ticketnumber"] = TicketNumber(n, id)
	}
	q := s.dialect.Quote
	b := &builder{d: s.dialect}
	b.w("INSERT INTO ", q(e.LogicalName), " (", q(e.PrimaryIDAttribute))
	var args []any
	args = append(args, id)
	for _, c := range t.columns {
		v, ok := values[c.attr.LogicalName]
		if !ok || c.attr.LogicalName == e.PrimaryIDAttribute {
			continue
		}
		b.w(", ", q(c.name))
		args = append(args, s.encode(c, v))
	}
	b.w(") VALUES (", placeholders(s.dialect, 1, len(args)), ")")
	if _, err := s.stmts.exec(ctx, tx.Tx, b.String(), args...); err != nil {
		return "", s.unavailable("creating a "+e.LogicalName, err)
	}
	tx.changed(e.LogicalName, id, version)
	return id, nil
}

// TicketNumber is a case's number in Dataverse's style: CAS-01001-X4K7QZ,
// a running number and six characters from the case's id.
func TicketNumber(n int64, id string) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	hex := strings.ReplaceAll(id, "-", "")
	var suffix [6]byte
	for i := range suffix {
		v, _ := strconv.ParseUint(hex[len(hex)-2*(i+1):len(hex)-2*i], 16, 8)
		suffix[i] = alphabet[int(v)%len(alphabet)]
	}
	return fmt.Sprintf("CAS-%05d-%s", n, suffix[:])
}

// checkLookups refuses a change whose lookups name records that do not
// exist.
func (s *Store) checkLookups(ctx context.Context, tx *sql.Tx, ch *records.Change) error {
	for _, a := range ch.Entity.Attributes {
		r, ok := ch.Values[a.LogicalName].(records.Ref)
		if !ok {
			continue
		}
		te, found := s.catalog.Entity(r.Entity)
		if !found {
			return records.EntityNotFound(s.catalog, r.Entity)
		}
		ok, err := s.exists(ctx, tx, te, r.ID)
		if err != nil {
			return err
		}
		if !ok {
			t, _ := a.Target(r.Entity)
			return errcode.Errorf(errcode.RecordNotFound,
				"Entity '%s' With Id = %s Does Not Exist, so %s@odata.bind cannot point at it; bind an existing %s (find one with searchAndOpenRecords) or create it first",
				te.LogicalName, r.ID, t.Navigation, te.LogicalName)
		}
	}
	return nil
}

// Update implements records.Store.
func (s *Store) Update(ctx context.Context, entity, id string, data records.Data, ifMatch string) (string, error) {
	t, err := s.entity(entity)
	if err != nil {
		return "", err
	}
	if id, err = records.ID(t.entity.LogicalName, id); err != nil {
		return "", err
	}
	want, err := parseIfMatch(ifMatch)
	if err != nil {
		return "", err
	}
	var etag string
	err = s.write(ctx, func(tx *wtx) error {
		etag, err = s.update(ctx, tx, t, id, data, ifMatch, want, false)
		return err
	})
	if err != nil {
		return "", err
	}
	return etag, nil
}

// parseIfMatch reads an If-Match ETag: -1 for none or *, else the version.
func parseIfMatch(ifMatch string) (int64, error) {
	s := strings.TrimSpace(ifMatch)
	if s == "" || s == "*" {
		return -1, nil
	}
	s = strings.Trim(strings.TrimPrefix(s, "W/"), `"`)
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, records.Invalid(`If-Match %q is not an ETag; pass the record's @odata.etag as it was read, such as W/"1234", or * for any version`, errcode.Clip(ifMatch))
	}
	return v, nil
}

func (s *Store) current(ctx context.Context, tx *sql.Tx, e *metadata.Entity, id string) (*records.Record, error) {
	found, err := s.selectRecords(ctx, tx, &odata.Resolved{Entity: e}, func(b *builder) {
		b.w(" WHERE ", s.col(e.PrimaryIDAttribute), " = ", b.arg(id))
	}, 1)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, records.RecordNotFound(e.LogicalName, id)
	}
	return found[0], nil
}

// update changes a record. The UPDATE holds only while the record is at
// the version read (so that no concurrent change is ever lost, whatever
// the database's isolation); with keepSame, an update that changes no
// value writes nothing and keeps the version (an import run again).
func (s *Store) update(ctx context.Context, tx *wtx, t *table, id string, data records.Data, ifMatch string, want int64, keepSame bool) (string, error) {
	e := t.entity
	cur, err := s.current(ctx, tx.Tx, e, id)
	if err != nil {
		return "", err
	}
	if want >= 0 && cur.Version != want {
		return "", records.Conflict(e.LogicalName, id, ifMatch, cur.Version)
	}
	current := maps.Clone(cur.Values)
	current[e.PrimaryIDAttribute] = cur.ID
	ch, err := records.Prepare(s.catalog, e, data, current)
	if err != nil {
		return "", err
	}
	if len(ch.Values) == 0 || keepSame && unchanged(ch.Values, cur.Values) {
		return cur.ETag(), nil
	}
	if err := s.checkLookups(ctx, tx.Tx, ch); err != nil {
		return "", err
	}
	version, err := s.nextCounter(ctx, tx, "version")
	if err != nil {
		return "", s.unavailable("updating a "+e.LogicalName, err)
	}
	values := maps.Clone(ch.Values)
	values["modifiedon"], values["versionnumber"] = s.clock(), version
	q := s.dialect.Quote
	b := &builder{d: s.dialect}
	b.w("UPDATE ", q(e.LogicalName), " SET ")
	first := true
	for _, c := range t.columns {
		v, ok := values[c.attr.LogicalName]
		if !ok || c.attr.LogicalName == e.PrimaryIDAttribute {
			continue
		}
		if !first {
			b.w(", ")
		}
		first = false
		b.w(q(c.name), " = ", b.arg(s.encode(c, v)))
	}
	b.w(" WHERE ", q(e.PrimaryIDAttribute), " = ", b.arg(id), " AND ", q("versionnumber"), " = ", b.arg(cur.Version))
	res, err := s.stmts.exec(ctx, tx.Tx, b.String(), b.args...)
	if err != nil {
		return "", s.unavailable("updating a "+e.LogicalName, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return "", s.unavailable("updating a "+e.LogicalName, err)
	} else if n != 1 {
		// Changed or deleted since it was read, in this transaction.
		return "", records.Conflict(e.LogicalName, id, cmp.Or(ifMatch, cur.ETag()), cur.Version)
	}
	tx.changed(e.LogicalName, id, version)
	return records.ETag(version), nil
}

// unchanged reports whether every value of a prepared change is the
// record's current one.
func unchanged(values, current map[string]any) bool {
	for k, v := range values {
		if !sameValue(v, current[k]) {
			return false
		}
	}
	return true
}

func sameValue(v, cur any) bool {
	switch v := v.(type) {
	case records.Ref:
		l, ok := cur.(records.Lookup)
		return ok && l.Entity == v.Entity && l.ID == v.ID
	case time.Time:
		c, ok := cur.(time.Time)
		return ok && c.Equal(v)
	case int:
		c, ok := cur.(int64)
		return ok && c == int64(v)
	case float64:
		switch c := cur.(type) {
		case float64:
			return c == v
		case int64:
			return float64(c) == v
		}
		return false
	}
	return v == cur
}

// Delete implements records.Store.
func (s *Store) Delete(ctx context.Context, entity, id string) error {
	t, err := s.entity(entity)
	if err != nil {
		return err
	}
	e := t.entity
	if id, err = records.ID(e.LogicalName, id); err != nil {
		return err
	}
	q := s.dialect.Quote
	return s.write(ctx, func(tx *wtx) error {
		if ok, err := s.exists(ctx, tx.Tx, e, id); err != nil {
			return err
		} else if !ok {
			return records.RecordNotFound(e.LogicalName, id)
		}
		var version int64
		for _, ref := range s.catalog.ReferencesTo(e.LogicalName) {
			col, typ := q(ref.Attribute.LogicalName), q(ref.Attribute.LogicalName+typeSuffix)
			if ref.Attribute.RequiredLevel == metadata.RequiredSystem {
				var n int
				b := &builder{d: s.dialect}
				b.w("SELECT COUNT(*) FROM ", q(ref.Entity.LogicalName), " WHERE ", col, " = ", b.arg(id), " AND ", typ, " = ", b.arg(e.LogicalName))
				if err := tx.QueryRowContext(ctx, b.String(), b.args...).Scan(&n); err != nil {
					return s.unavailable("deleting a "+e.LogicalName, err)
				}
				if n > 0 {
					return records.Invalid("the %s %s is the %s (%s) of %d %s, which cannot be without one; delete those or point them at another record first",
						e.LogicalName, id, ref.Attribute.LogicalName, ref.Attribute.DisplayName, n, plural(n, ref.Entity))
				}
				continue
			}
			if version == 0 {
				v, err := s.nextCounter(ctx, tx, "version")
				if err != nil {
					return s.unavailable("deleting a "+e.LogicalName, err)
				}
				version = v
			}
			b := &builder{d: s.dialect}
			b.w("UPDATE ", q(ref.Entity.LogicalName), " SET ", col, " = NULL, ", typ, " = NULL, ",
				q("modifiedon"), " = ", b.arg(s.dialect.Time(s.clock(), false)), ", ", q("versionnumber"), " = ", b.arg(version),
				" WHERE ", col, " = ", b.arg(id), " AND ", typ, " = ", b.arg(e.LogicalName),
				" RETURNING ", q(ref.Entity.PrimaryIDAttribute))
			if err := s.noteEach(ctx, tx, b, ref.Entity.LogicalName, version); err != nil {
				return s.unavailable("clearing lookups to a "+e.LogicalName, err)
			}
		}
		b := &builder{d: s.dialect}
		b.w("DELETE FROM ", q(e.LogicalName), " WHERE ", q(e.PrimaryIDAttribute), " = ", b.arg(id))
		if _, err := s.stmts.exec(ctx, tx.Tx, b.String(), b.args...); err != nil {
			return s.unavailable("deleting a "+e.LogicalName, err)
		}
		tx.changed(e.LogicalName, id, 0)
		return nil
	})
}

// noteEach runs a statement that RETURNING the ids of the records it
// changed, and notes each change.
func (s *Store) noteEach(ctx context.Context, tx *wtx, b *builder, entity string, version int64) error {
	rows, err := tx.QueryContext(ctx, b.String(), b.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		tx.changed(entity, id, version)
	}
	return nil
}

func plural(n int, e *metadata.Entity) string {
	if n == 1 {
		return strings.ToLower(e.DisplayName)
	}
	return strings.ToLower(e.DisplayCollectionName)
}

// Import implements records.Store. Items of entities with required
// lookups (cases need their customer) go after the others; a lookup to a
// record the batch has not created yet is set once every record exists.
func (s *Store) Import(ctx context.Context, items []records.Item) (records.ImportStats, error) {
	stats := records.ImportStats{Created: map[string]int{}, Updated: map[string]int{}, Unchanged: map[string]int{}}
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	rank := func(entity string) int {
		e, ok := s.catalog.Entity(entity)
		if !ok {
			return 0
		}
		for _, a := range e.Attributes {
			if a.Type.IsLookup() && a.RequiredLevel == metadata.RequiredSystem {
				return 1
			}
		}
		return 0
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rank(items[a].Entity), rank(items[b].Entity)) })
	type deferred struct {
		index int
		t     *table
		id    string
		data  records.Data
	}
	err := s.write(ctx, func(tx *wtx) error {
		clear(stats.Created)
		clear(stats.Updated)
		clear(stats.Unchanged)
		var later []deferred
		for _, i := range order {
			it := items[i]
			t, err := s.entity(it.Entity)
			if err != nil {
				return itemError(i, it.Entity, err)
			}
			e := t.entity
			now, rest := records.Data{}, records.Data{}
			for k, v := range it.Data {
				if strings.HasSuffix(k, "@odata.bind") && v != nil && !s.bindReady(ctx, tx.Tx, e, k, v) {
					rest[k] = v
					continue
				}
				now[k] = v
			}
			id, _ := records.ParseGUID(fmt.Sprint(it.Data[e.PrimaryIDAttribute]))
			exists := false
			if id != "" {
				if exists, err = s.exists(ctx, tx.Tx, e, id); err != nil {
					return err
				}
			}
			if exists {
				delete(now, e.PrimaryIDAttribute)
				before := len(tx.changes)
				if _, err := s.update(ctx, tx, t, id, now, "", -1, true); err != nil {
					return itemError(i, it.Entity, err)
				}
				if len(tx.changes) > before || len(rest) > 0 {
					stats.Updated[e.LogicalName]++
				} else {
					stats.Unchanged[e.LogicalName]++
				}
			} else {
				ch, err := records.Prepare(s.catalog, e, now, nil)
				if err != nil {
					return itemError(i, it.Entity, err)
				}
				if id, err = s.create(ctx, tx, t, ch); err != nil {
					return itemError(i, it.Entity, err)
				}
				stats.Created[e.LogicalName]++
			}
			if len(rest) > 0 {
				later = append(later, deferred{i, t, id, rest})
			}
		}
		for _, d := range later {
			if _, err := s.update(ctx, tx, d.t, d.id, d.data, "", -1, true); err != nil {
				return itemError(d.index, d.t.entity.LogicalName, err)
			}
		}
		return nil
	})
	if err != nil {
		return records.ImportStats{}, err
	}
	return stats, nil
}

// bindReady reports whether a bind's target exists already (or the bind
// is faulty, which the write itself then reports).
func (s *Store) bindReady(ctx context.Context, tx *sql.Tx, e *metadata.Entity, key string, v any) bool {
	ch, err := records.Prepare(s.catalog, e, records.Data{key: v}, map[string]any{})
	if err != nil {
		return true
	}
	for _, val := range ch.Values {
		if r, ok := val.(records.Ref); ok {
			te, found := s.catalog.Entity(r.Entity)
			if !found {
				return true
			}
			ok, err := s.exists(ctx, tx, te, r.ID)
			return err != nil || ok
		}
	}
	return true
}

// itemError names the item a coded error is about, keeping its code (and
// a database failure's cause).
func itemError(i int, entity string, err error) error {
	e := errcode.As(err)
	coded := &errcode.Error{Code: e.Code, Message: fmt.Sprintf("record %d (%s): %s", i+1, entity, e.Message)}
	if f, ok := errors.AsType[*Failure](err); ok {
		return &Failure{Coded: coded, Cause: f.Cause}
	}
	return coded
}
