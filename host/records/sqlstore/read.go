package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/odata"
)

// builder writes SQL in text order, so that arguments line up with their
// placeholders in every dialect.
type builder struct {
	d    Dialect
	b    strings.Builder
	args []any
}

func (b *builder) w(parts ...string) {
	for _, p := range parts {
		b.b.WriteString(p)
	}
}

// arg adds an argument and returns its placeholder.
func (b *builder) arg(v any) string {
	b.args = append(b.args, v)
	return b.d.Placeholder(len(b.args))
}

func (b *builder) String() string { return b.b.String() }

// col names a column of the main table.
func (s *Store) col(name string) string { return "r." + s.dialect.Quote(name) }

// selectList writes the columns that read a record: its id, its version
// and each attribute (a lookup adds its target entity and the target's
// primary name). It returns how many columns it wrote.
func (s *Store) selectList(b *builder, e *metadata.Entity, attrs []*metadata.Attribute, alias string) int {
	q := s.dialect.Quote
	c := func(name string) string { return alias + "." + q(name) }
	b.w(c(e.PrimaryIDAttribute), ", ", c("versionnumber"))
	n := 2
	for _, a := range attrs {
		if a.LogicalName == e.PrimaryIDAttribute || a.LogicalName == "versionnumber" {
			continue
		}
		b.w(", ", c(a.LogicalName))
		n++
		if !a.Type.IsLookup() {
			continue
		}
		b.w(", ", c(a.LogicalName+typeSuffix), ", CASE ", c(a.LogicalName+typeSuffix))
		for _, t := range a.Targets {
			te, ok := s.catalog.Entity(t.Entity)
			if !ok {
				continue
			}
			b.w(" WHEN ", b.arg(te.LogicalName), " THEN (SELECT n.", q(te.PrimaryNameAttribute), " FROM ", q(te.LogicalName),
				" n WHERE n.", q(te.PrimaryIDAttribute), " = ", c(a.LogicalName), ")")
		}
		b.w(" END")
		n += 2
	}
	return n
}

// scanRecord reads a row written by selectList.
func (s *Store) scanRecord(rows *sql.Rows, e *metadata.Entity, attrs []*metadata.Attribute, width int) (*records.Record, error) {
	dest := make([]any, width)
	ptrs := make([]any, width)
	for i := range dest {
		ptrs[i] = &dest[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	r := &records.Record{Entity: e, Values: make(map[string]any, len(attrs))}
	id, _ := text(dest[0])
	r.ID = id
	r.Version, _ = integer(dest[1])
	i := 2
	for _, a := range attrs {
		if a.LogicalName == e.PrimaryIDAttribute || a.LogicalName == "versionnumber" {
			if a.LogicalName == "versionnumber" {
				r.Values[a.LogicalName] = r.Version
			}
			continue
		}
		if a.Type.IsLookup() {
			target, _ := text(dest[i+1])
			lid, ok := text(dest[i])
			if !ok || target == "" {
				r.Values[a.LogicalName] = nil
			} else {
				name, _ := text(dest[i+2])
				r.Values[a.LogicalName] = records.Lookup{Entity: target, ID: lid, Name: name}
			}
			i += 3
			continue
		}
		v, err := s.decode(a, dest[i])
		if err != nil {
			return nil, fmt.Errorf("reading %s.%s: %w", e.LogicalName, a.LogicalName, err)
		}
		r.Values[a.LogicalName] = v
		i++
	}
	return r, nil
}

func text(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case []byte:
		return string(v), true
	}
	return "", false
}

func integer(v any) (int64, bool) {
	switch v := v.(type) {
	case int64:
		return v, true
	case float64:
		return int64(v), true
	}
	return 0, false
}

// decode turns a stored value into the attribute's Go type.
func (s *Store) decode(a *metadata.Attribute, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch t := a.Type; {
	case t.IsText() || t == metadata.Uniqueidentifier:
		if str, ok := text(v); ok {
			return str, nil
		}
	case t == metadata.Integer || t == metadata.BigInt || t.IsOptionSet():
		if n, ok := integer(v); ok {
			return n, nil
		}
	case t == metadata.Decimal || t == metadata.Money:
		switch f := v.(type) {
		case float64:
			return f, nil
		case int64:
			return float64(f), nil
		}
	case t == metadata.Boolean:
		switch b := v.(type) {
		case bool:
			return b, nil
		case int64:
			return b != 0, nil
		}
	case t == metadata.DateTime:
		return s.dialect.ScanTime(v, a.Format == metadata.FormatDateOnly)
	}
	return nil, fmt.Errorf("a %s holds %T", a.Type, v)
}

// allAttributes is every attribute of an entity.
func allAttributes(e *metadata.Entity) []*metadata.Attribute { return e.Attributes }

// readAttributes is what a query must read: the selected attributes (all
// when none are), plus the lookups it expands.
func readAttributes(r *odata.Resolved) (attrs []*metadata.Attribute, extra []*metadata.Attribute) {
	if r.Select == nil {
		return allAttributes(r.Entity), nil
	}
	attrs = slices.Clone(r.Select)
	for _, x := range r.Expand {
		if !slices.Contains(attrs, x.Attribute) {
			attrs = append(attrs, x.Attribute)
			extra = append(extra, x.Attribute)
		}
	}
	return attrs, extra
}

// Retrieve implements records.Store.
func (s *Store) Retrieve(ctx context.Context, entity, id string, q *odata.Query) (*records.Record, error) {
	t, err := s.entity(entity)
	if err != nil {
		return nil, err
	}
	e := t.entity
	if id, err = records.ID(e.LogicalName, id); err != nil {
		return nil, err
	}
	if q == nil {
		q = &odata.Query{}
	}
	if q.Filter != nil || q.OrderBy != nil || q.Top != 0 || q.HasSearch {
		return nil, records.QueryError(&odata.Error{Message: "retrieveRecord reads $select and $expand only; to filter, order or search records use searchAndOpenRecords"})
	}
	r, err := odata.Resolve(q, e, s.catalog)
	if err != nil {
		return nil, records.QueryError(err)
	}
	var rec *records.Record
	err = s.read(ctx, func(tx *sql.Tx) error {
		found, err := s.selectRecords(ctx, tx, r, func(b *builder) {
			b.w(" WHERE ", s.col(e.PrimaryIDAttribute), " = ", b.arg(id))
		}, 1)
		if err != nil {
			return err
		}
		if len(found) == 0 {
			return records.RecordNotFound(e.LogicalName, id)
		}
		rec = found[0]
		return nil
	})
	return rec, err
}

// Query implements records.Store.
func (s *Store) Query(ctx context.Context, entity string, q *odata.Query) ([]*records.Record, error) {
	t, err := s.entity(entity)
	if err != nil {
		return nil, err
	}
	if q == nil {
		q = &odata.Query{}
	}
	r, err := odata.Resolve(q, t.entity, s.catalog)
	if err != nil {
		return nil, records.QueryError(err)
	}
	limit := records.MaxRows
	if r.Top > 0 {
		limit = r.Top
	}
	var found []*records.Record
	err = s.read(ctx, func(tx *sql.Tx) error {
		var err error
		found, err = s.selectRecords(ctx, tx, r, func(b *builder) { s.whereOrder(b, r) }, limit)
		return err
	})
	return found, err
}

// selectRecords reads the records a resolved query selects, with where
// writing the WHERE and ORDER BY clauses, and expands their lookups.
func (s *Store) selectRecords(ctx context.Context, tx *sql.Tx, r *odata.Resolved, where func(*builder), limit int) ([]*records.Record, error) {
	e := r.Entity
	attrs, extra := readAttributes(r)
	b := &builder{d: s.dialect}
	b.w("SELECT ")
	width := s.selectList(b, e, attrs, "r")
	b.w(" FROM ", s.dialect.Quote(e.LogicalName), " r")
	where(b)
	b.w(" LIMIT ", b.arg(int64(limit)))
	if s.trace != nil {
		s.trace(b.String(), b.args)
	}
	rows, err := s.stmts.query(ctx, tx, b.String(), b.args...)
	if err != nil {
		return nil, s.unavailable("reading "+e.DisplayCollectionName, err)
	}
	defer rows.Close()
	var found []*records.Record
	for rows.Next() {
		rec, err := s.scanRecord(rows, e, attrs, width)
		if err != nil {
			return nil, s.unavailable("reading "+e.DisplayCollectionName, err)
		}
		found = append(found, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, s.unavailable("reading "+e.DisplayCollectionName, err)
	}
	rows.Close()
	if err := s.expand(ctx, tx, r, found); err != nil {
		return nil, err
	}
	for _, rec := range found {
		for _, a := range extra {
			delete(rec.Values, a.LogicalName)
		}
	}
	return found, nil
}

// whereOrder writes a query's WHERE and ORDER BY clauses. With a WHERE,
// the ordering uses no index, so that the WHERE's own indexes choose the
// rows (a screen pop's phone digits find one contact among 100,000; an
// index on the name would have the planner read them all in name order).
func (s *Store) whereOrder(b *builder, r *odata.Resolved) {
	e := r.Entity
	search := r.HasSearch && r.Search != ""
	order := func(expr string) string { return expr }
	if r.Filter != nil || search {
		b.w(" WHERE ")
		order = s.dialect.NoIndex
	}
	if r.Filter != nil {
		b.w("(")
		s.cond(b, r.Filter)
		b.w(")")
	}
	var score func()
	if search {
		if r.Filter != nil {
			b.w(" AND ")
		}
		score = s.searchCond(b, e, r.Search)
	}
	b.w(" ORDER BY ")
	for _, o := range r.OrderBy {
		b.w(s.dialect.OrderBy(order(s.col(o.Attribute.LogicalName)), o.Desc), ", ")
	}
	if search && len(r.OrderBy) == 0 {
		if score != nil {
			score()
			b.w(", ")
		}
		b.w(s.dialect.OrderBy(order(s.col(e.PrimaryNameAttribute)), false), ", ")
	}
	b.w(order(s.dialect.RowOrder("r", s.dialect.Quote(e.PrimaryIDAttribute))))
}

// cond writes a resolved filter.
func (s *Store) cond(b *builder, c odata.Cond) {
	switch c := c.(type) {
	case *odata.Junction:
		b.w("(")
		s.cond(b, c.Left)
		if c.Op == "and" {
			b.w(" AND ")
		} else {
			b.w(" OR ")
		}
		s.cond(b, c.Right)
		b.w(")")
	case *odata.Negation:
		b.w("NOT (")
		s.cond(b, c.X)
		b.w(")")
	case *odata.Match:
		p := escapeLike(c.Value)
		switch c.Func {
		case "contains":
			p = "%" + p + "%"
		case "startswith":
			p += "%"
		case "endswith":
			p = "%" + p
		}
		b.w(s.dialect.LikeText(s.col(c.Attribute.LogicalName), b.arg(p)))
	case *odata.Compare:
		s.compare(b, c)
	}
}

func (s *Store) compare(b *builder, c *odata.Compare) {
	a := c.Attribute
	col := s.col(a.LogicalName)
	if c.Value == nil {
		if c.Op == "eq" {
			b.w(col, " IS NULL")
		} else {
			b.w(col, " IS NOT NULL")
		}
		return
	}
	op := sqlOp(c.Op)
	switch v := c.Value.(type) {
	case string:
		if a.IsPhone() && (c.Op == "eq" || c.Op == "ne") && records.PhoneDigits(v) != "" {
			if c.Op == "ne" {
				b.w("NOT ")
			}
			s.phoneMatch(b, s.col(a.LogicalName+digitsSuffix), records.PhoneDigits(v))
			return
		}
		if a.Type.IsText() {
			b.w(s.dialect.CompareText(col, op, b.arg(v)))
			return
		}
		b.w(col, " ", op, " ", b.arg(v))
	case bool:
		b.w(col, " ", op, " ", b.arg(s.dialect.Bool(v)))
	default:
		b.w(col, " ", op, " ", b.arg(s.encodeScalar(a, v)))
	}
}

// phoneMatch writes a match of stored phone digits (reversed) against a
// caller's digits: the same number written any way. Two numbers match when
// their last ten digits agree, or all of the shorter one's when it has
// fewer (but at least MinPhoneDigits): +1 206 555 0143 finds
// (206) 555-0143 and 555-0143; +44 20 7946 0958 finds 020 7946 0958.
// Fewer digits than that must be equal. Every branch is an index lookup.
func (s *Store) phoneMatch(b *builder, col, digits string) {
	rev := reverse(digits)
	if len(digits) < records.MinPhoneDigits {
		b.w(col, " = ", b.arg(rev))
		return
	}
	key := rev[:min(len(rev), records.PhoneMatchDigits)]
	b.w("((", col, " >= ", b.arg(key), " AND ", col, " < ", b.arg(key+":"), ")")
	if len(key) > records.MinPhoneDigits {
		b.w(" OR ", col, " IN (")
		for n := records.MinPhoneDigits; n < len(key); n++ {
			if n > records.MinPhoneDigits {
				b.w(", ")
			}
			b.w(b.arg(key[:n]))
		}
		b.w(")")
	}
	b.w(")")
}

func reverse(s string) string {
	r := []byte(s)
	slices.Reverse(r)
	return string(r)
}

// escapeLike escapes LIKE's wildcards with a backslash.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// maxSearchTerms bounds the words of a relevance search.
const maxSearchTerms = 8

// searchTerms splits $search text into words, without Dataverse's search
// operators (+ | - * " ( )), which are not supported and read as spaces.
func searchTerms(text string) []string {
	words := strings.FieldsFunc(text, func(r rune) bool {
		return r == ' ' || r == '\t' || strings.ContainsRune(`+|-*"()~`, r)
	})
	if len(words) > maxSearchTerms {
		words = words[:maxSearchTerms]
	}
	return words
}

// searchCond writes a relevance search's condition and returns what
// writes its score for ORDER BY (nil when there is no ranking beyond the
// primary name). A phone number searches the phone attributes by digits;
// other text searches every searchable attribute for each word.
func (s *Store) searchCond(b *builder, e *metadata.Entity, text string) func() {
	var phones, texts []*metadata.Attribute
	for _, a := range e.Attributes {
		if !a.Searchable || !a.Type.IsText() {
			continue
		}
		texts = append(texts, a)
		if a.IsPhone() {
			phones = append(phones, a)
		}
	}
	if len(texts) == 0 {
		texts = []*metadata.Attribute{e.PrimaryName()}
	}
	if records.LooksLikePhone(text) && len(phones) > 0 {
		digits := records.PhoneDigits(text)
		b.w("(")
		for i, a := range phones {
			if i > 0 {
				b.w(" OR ")
			}
			s.phoneMatch(b, s.col(a.LogicalName+digitsSuffix), digits)
		}
		b.w(")")
		return nil
	}
	terms := searchTerms(text)
	if len(terms) == 0 {
		b.w("1 = 0")
		return nil
	}
	for i, term := range terms {
		if i > 0 {
			b.w(" AND ")
		}
		b.w("(")
		for j, a := range texts {
			if j > 0 {
				b.w(" OR ")
			}
			b.w(s.dialect.LikeText(s.col(a.LogicalName), b.arg("%"+escapeLike(term)+"%")))
		}
		b.w(")")
	}
	return func() {
		// Best first: a whole value equal to a word, then a value or a
		// word in it starting with the word, then anywhere; the primary
		// name counts double.
		b.w("(")
		for i, term := range terms {
			for j, a := range texts {
				if i > 0 || j > 0 {
					b.w(" + ")
				}
				w := 1
				if a.LogicalName == e.PrimaryNameAttribute {
					w = 2
				}
				col := s.col(a.LogicalName)
				p := escapeLike(term)
				b.w("CASE WHEN ", s.dialect.CompareText(col, "=", b.arg(term)), fmt.Sprintf(" THEN %d", 100*w),
					" WHEN ", s.dialect.LikeText(col, b.arg(p+"%")), fmt.Sprintf(" THEN %d", 10*w),
					" WHEN ", s.dialect.LikeText(col, b.arg("% "+p+"%")), fmt.Sprintf(" THEN %d", 5*w),
					" ELSE 0 END")
			}
		}
		b.w(") DESC")
	}
}

// expand reads the records $expand names and hangs them on their records.
func (s *Store) expand(ctx context.Context, tx *sql.Tx, r *odata.Resolved, found []*records.Record) error {
	for _, x := range r.Expand {
		var ids []string
		for _, rec := range found {
			if l, ok := rec.Values[x.Attribute.LogicalName].(records.Lookup); ok && l.Entity == x.Target.LogicalName && !slices.Contains(ids, l.ID) {
				ids = append(ids, l.ID)
			}
		}
		targets := map[string]*records.Record{}
		tr := &odata.Resolved{Entity: x.Target, Select: x.Select}
		for start := 0; start < len(ids); start += 500 {
			chunk := ids[start:min(start+500, len(ids))]
			got, err := s.selectRecords(ctx, tx, tr, func(b *builder) {
				b.w(" WHERE ", s.col(x.Target.PrimaryIDAttribute), " IN (")
				for i, id := range chunk {
					if i > 0 {
						b.w(", ")
					}
					b.w(b.arg(id))
				}
				b.w(") ORDER BY ", s.col(x.Target.PrimaryIDAttribute))
			}, len(chunk))
			if err != nil {
				return err
			}
			for _, t := range got {
				targets[t.ID] = t
			}
		}
		for _, rec := range found {
			if rec.Expanded == nil {
				rec.Expanded = map[string]*records.Record{}
			}
			var target *records.Record
			if l, ok := rec.Values[x.Attribute.LogicalName].(records.Lookup); ok && l.Entity == x.Target.LogicalName {
				target = targets[l.ID]
			}
			rec.Expanded[x.Navigation] = target
		}
	}
	return nil
}

// Related implements records.Store.
func (s *Store) Related(ctx context.Context, entity, id string, limit int) ([]records.Related, error) {
	t, err := s.entity(entity)
	if err != nil {
		return nil, err
	}
	e := t.entity
	if id, err = records.ID(e.LogicalName, id); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > records.MaxRows {
		limit = records.MaxRows
	}
	var out []records.Related
	err = s.read(ctx, func(tx *sql.Tx) error {
		if ok, err := s.exists(ctx, tx, e, id); err != nil {
			return err
		} else if !ok {
			return records.RecordNotFound(e.LogicalName, id)
		}
		for _, ref := range s.catalog.ReferencesTo(e.LogicalName) {
			r := &odata.Resolved{Entity: ref.Entity}
			got, err := s.selectRecords(ctx, tx, r, func(b *builder) {
				b.w(" WHERE ", s.col(ref.Attribute.LogicalName), " = ", b.arg(id), " AND ",
					s.col(ref.Attribute.LogicalName+typeSuffix), " = ", b.arg(e.LogicalName),
					" ORDER BY ", s.dialect.OrderBy(s.col("modifiedon"), true), ", ", s.col(ref.Entity.PrimaryIDAttribute))
			}, limit)
			if err != nil {
				return err
			}
			if len(got) > 0 {
				out = append(out, records.Related{Entity: ref.Entity, Attribute: ref.Attribute, Records: got})
			}
		}
		return nil
	})
	return out, err
}

// Count implements records.Store.
func (s *Store) Count(ctx context.Context, entity string) (int, error) {
	t, err := s.entity(entity)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+s.dialect.Quote(t.entity.LogicalName)).Scan(&n)
		return s.unavailable("counting "+t.entity.DisplayCollectionName, err)
	})
	return n, err
}

// Export implements records.Store.
func (s *Store) Export(ctx context.Context, entity string, each func(*records.Record) error) error {
	t, err := s.entity(entity)
	if err != nil {
		return err
	}
	e := t.entity
	return s.read(ctx, func(tx *sql.Tx) error {
		b := &builder{d: s.dialect}
		b.w("SELECT ")
		width := s.selectList(b, e, e.Attributes, "r")
		b.w(" FROM ", s.dialect.Quote(e.LogicalName), " r ORDER BY ", s.col("createdon"), ", ", s.dialect.RowOrder("r", s.dialect.Quote(e.PrimaryIDAttribute)))
		rows, err := tx.QueryContext(ctx, b.String(), b.args...)
		if err != nil {
			return s.unavailable("exporting "+e.DisplayCollectionName, err)
		}
		defer rows.Close()
		for rows.Next() {
			rec, err := s.scanRecord(rows, e, e.Attributes, width)
			if err != nil {
				return s.unavailable("exporting "+e.DisplayCollectionName, err)
			}
			if err := each(rec); err != nil {
				return err
			}
		}
		return s.unavailable("exporting "+e.DisplayCollectionName, rows.Err())
	})
}

// exists reports whether a record exists.
func (s *Store) exists(ctx context.Context, tx *sql.Tx, e *metadata.Entity, id string) (bool, error) {
	var one int
	q := s.dialect.Quote
	b := &builder{d: s.dialect}
	b.w("SELECT 1 FROM ", q(e.LogicalName), " WHERE ", q(e.PrimaryIDAttribute), " = ", b.arg(id))
	err := s.stmts.queryRow(ctx, tx, b.String(), b.args...).Scan(&one)
	switch {
	case err == sql.ErrNoRows:
		return false, nil
	case err != nil:
		return false, s.unavailable("looking up a "+e.LogicalName, err)
	}
	return true, nil
}
