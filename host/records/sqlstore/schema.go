package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/cifbridge/cif-bridge/host/records/metadata"
)

// role is what a physical column holds for its attribute.
type role int

const (
	roleValue  role = iota // the value itself (a lookup's target id)
	roleType               // a lookup's target entity
	roleDigits             // a phone number's digits, reversed
)

// Suffixes of the store's own columns; logical names cannot hold "__".
const (
	typeSuffix   = "__type"
	digitsSuffix = "__rdigits"
)

type column struct {
	name    string
	storage Storage
	attr    *metadata.Attribute
	role    role
}

// table is an entity's physical table.
type table struct {
	entity  *metadata.Entity
	columns []column
	indexes []index
}

type index struct {
	name    string
	columns []string
}

func storageOf(a *metadata.Attribute) Storage {
	switch t := a.Type; {
	case t.IsText():
		return StoreCIText
	case t == metadata.Integer || t == metadata.BigInt || t.IsOptionSet():
		return StoreInteger
	case t == metadata.Decimal || t == metadata.Money:
		return StoreReal
	case t == metadata.Boolean:
		return StoreBool
	case t == metadata.DateTime && a.Format == metadata.FormatDateOnly:
		return StoreDate
	case t == metadata.DateTime:
		return StoreDateTime
	}
	return StoreText // Uniqueidentifier, Lookup, Customer
}

func planTable(e *metadata.Entity) *table {
	t := &table{entity: e}
	ix := func(cols ...string) {
		t.indexes = append(t.indexes, index{name: "ix_" + e.LogicalName + "_" + strings.Join(cols, "_"), columns: cols})
	}
	for _, a := range e.Attributes {
		t.columns = append(t.columns, column{name: a.LogicalName, storage: storageOf(a), attr: a, role: roleValue})
		switch {
		case a.Type.IsLookup():
			t.columns = append(t.columns, column{name: a.LogicalName + typeSuffix, storage: StoreText, attr: a, role: roleType})
			ix(a.LogicalName)
		case a.IsPhone():
			t.columns = append(t.columns, column{name: a.LogicalName + digitsSuffix, storage: StoreText, attr: a, role: roleDigits})
			ix(a.LogicalName + digitsSuffix)
		case a.LogicalName == e.PrimaryNameAttribute,
			a.Searchable && a.Type == metadata.String && a.Format == metadata.FormatEmail,
			a.LogicalName == "createdon":
			ix(a.LogicalName)
		}
	}
	return t
}

// storage is how a column of the table stores its values.
func (t *table) storage(name string) Storage {
	for _, c := range t.columns {
		if c.name == name {
			return c.storage
		}
	}
	return StoreText
}

// migration is one versioned step of the store's own schema. Entity
// tables are not migrations: they follow the catalog (syncTables).
type migration struct {
	version     int
	description string
	// statements are every dialect's; Dialect.Migration adds each
	// dialect's own.
	statements []string
}

var migrations = []migration{
	{1, "counters, column registry, schema fingerprint", []string{
		`CREATE TABLE IF NOT EXISTS cifbridge_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS cifbridge_columns (entity TEXT NOT NULL, column_name TEXT NOT NULL, storage TEXT NOT NULL, PRIMARY KEY (entity, column_name))`,
		`CREATE TABLE IF NOT EXISTS cifbridge_schema (id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL)`,
		`INSERT INTO cifbridge_counters (name, value) VALUES ('version', 1000) ON CONFLICT (name) DO NOTHING`,
		`INSERT INTO cifbridge_counters (name, value) VALUES ('ticketnumber', 1000) ON CONFLICT (name) DO NOTHING`,
	}},
	{2, "live changes: SQLite's change log, PostgreSQL's counters as sequences", nil},
}

// fingerprint identifies the schema the catalog needs, so that a host
// whose schema is in place skips the write transaction.
func (s *Store) fingerprint() string {
	h := sha256.New()
	fmt.Fprintf(h, "migrations %d\n", len(migrations))
	for _, name := range s.catalog.Names() {
		t := s.tables[name]
		fmt.Fprintf(h, "table %s\n", name)
		for _, c := range t.columns {
			fmt.Fprintf(h, "column %s %s\n", c.name, c.storage)
		}
		for _, x := range t.indexes {
			fmt.Fprintf(h, "index %s %s\n", x.name, strings.Join(x.columns, ","))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// migrate brings the database's schema to what the store needs: the
// versioned migrations each applied once, then a table per entity with a
// column per attribute and the indexes. Two hosts starting at once
// serialise on the write transaction; the second finds the work done.
func (s *Store) migrate(ctx context.Context) error {
	want := s.fingerprint()
	if s.schemaCurrent(ctx, want) {
		return nil
	}
	return s.write(ctx, func(tx *wtx) error {
		if err := s.dialect.LockSchema(ctx, tx.Tx); err != nil {
			return fmt.Errorf("locking the schema: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS cifbridge_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_on `+s.dialect.ColumnType(StoreDateTime)+` NOT NULL)`); err != nil {
			return fmt.Errorf("creating the migrations table: %w", err)
		}
		applied := map[int]bool{}
		rows, err := tx.QueryContext(ctx, `SELECT version FROM cifbridge_migrations`)
		if err != nil {
			return fmt.Errorf("reading the applied migrations: %w", err)
		}
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			applied[v] = true
		}
		rows.Close()
		for _, m := range migrations {
			if applied[m.version] {
				continue
			}
			for _, stmt := range append(slices.Clone(m.statements), s.dialect.Migration(m.version)...) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("migration %d (%s): %w", m.version, m.description, err)
				}
			}
			if _, err := tx.ExecContext(ctx, s.sql(`INSERT INTO cifbridge_migrations (version, description, applied_on) VALUES (?, ?, ?)`),
				m.version, m.description, s.dialect.Time(s.now(), false)); err != nil {
				return fmt.Errorf("recording migration %d: %w", m.version, err)
			}
			s.logger.Info("applied a migration to the organisation's database", "version", m.version, "description", m.description)
		}
		var have string
		err = tx.QueryRowContext(ctx, `SELECT fingerprint FROM cifbridge_schema WHERE id = 1`).Scan(&have)
		if err != nil && err != sql.ErrNoRows {
			return fmt.Errorf("reading the schema fingerprint: %w", err)
		}
		if have == want {
			return nil
		}
		if err := s.syncTables(ctx, tx.Tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.sql(`INSERT INTO cifbridge_schema (id, fingerprint) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint`), want); err != nil {
			return fmt.Errorf("recording the schema fingerprint: %w", err)
		}
		s.logger.Info("brought the organisation's tables up to date with the entities", "entities", len(s.tables))
		return nil
	})
}

// schemaCurrent reads, without taking the write lock, whether the schema
// is already the one wanted.
func (s *Store) schemaCurrent(ctx context.Context, want string) bool {
	var have string
	err := s.db.QueryRowContext(ctx, `SELECT fingerprint FROM cifbridge_schema WHERE id = 1`).Scan(&have)
	return err == nil && have == want
}

// sql rewrites ? placeholders into the dialect's.
func (s *Store) sql(query string) string {
	if s.dialect.Placeholder(1) == "?" {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString(s.dialect.Placeholder(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (s *Store) syncTables(ctx context.Context, tx *sql.Tx) error {
	q := s.dialect.Quote
	for _, name := range s.catalog.Names() {
		t := s.tables[name]
		e := t.entity
		have, err := s.dialect.Columns(ctx, tx, name)
		if err != nil {
			return fmt.Errorf("reading table %s's columns: %w", name, err)
		}
		if have == nil {
			stmt := fmt.Sprintf("CREATE TABLE %s (%s %s PRIMARY KEY NOT NULL)", q(name), q(e.PrimaryIDAttribute), s.dialect.ColumnType(StoreText))
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("creating table %s: %w", name, err)
			}
			have = map[string]bool{e.PrimaryIDAttribute: true}
		}
		registered := map[string]string{}
		rows, err := tx.QueryContext(ctx, s.sql(`SELECT column_name, storage FROM cifbridge_columns WHERE entity = ?`), name)
		if err != nil {
			return fmt.Errorf("reading table %s's column registry: %w", name, err)
		}
		for rows.Next() {
			var col, storage string
			if err := rows.Scan(&col, &storage); err != nil {
				rows.Close()
				return err
			}
			registered[col] = storage
		}
		rows.Close()
		for _, c := range t.columns {
			if prev, ok := registered[c.name]; ok && prev != c.storage.String() {
				return fmt.Errorf("the entities make %s.%s a %s column, but the organisation's database holds %s values there; give the attribute a new logical name in entities.json, or export the records, remove the database and import them",
					name, c.name, c.storage, prev)
			}
			if !have[c.name] {
				stmt := fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s", q(name), q(c.name), s.dialect.ColumnType(c.storage))
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("adding column %s.%s: %w", name, c.name, err)
				}
			}
			if _, ok := registered[c.name]; !ok {
				if _, err := tx.ExecContext(ctx, s.sql(`INSERT INTO cifbridge_columns (entity, column_name, storage) VALUES (?, ?, ?)`), name, c.name, c.storage.String()); err != nil {
					return fmt.Errorf("registering column %s.%s: %w", name, c.name, err)
				}
			}
		}
		for _, x := range t.indexes {
			cols := make([]string, len(x.columns))
			for i, c := range x.columns {
				cols[i] = q(c)
				if t.storage(c) == StoreCIText {
					cols[i] = s.dialect.FoldCase(cols[i])
				}
			}
			stmt := fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON %s (%s)", q(x.name), q(name), strings.Join(cols, ", "))
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("creating index %s: %w", x.name, err)
			}
		}
	}
	return nil
}
