// Package cli is `cif-host records`: import and export records as JSON or
// CSV, load the sample organisation, query records, and say where the
// organisation is.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/odata"
	"github.com/cifbridge/cif-bridge/host/records/organization"
	"github.com/cifbridge/cif-bridge/host/records/sample"
	"github.com/cifbridge/cif-bridge/host/records/transfer"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// Usage is the subcommand's help.
const Usage = `Usage: cif-host records COMMAND

  import FILE [--entity E] [--format json|csv]
        create or update the records in FILE, all or none: JSON {"contact": [...], ...},
        or CSV with a header row (one entity, from --entity or the file's name)
  export [--entity E]... [--format json|csv] [FILE]
        write the records (all entities, or those named) to FILE or standard output;
        CSV takes one --entity
  sample
        load the sample organisation (30 accounts, 300 contacts, 200 cases, …) into an empty one
  query ENTITY [QUERY]
        print the records a query selects, as the Web API returns them, such as
        cif-host records query contact '?$select=fullname&$search=+1 206 555 0143'
  info
        say where the organisation and the entities file are, and how many records there are
  migrate --to postgres://USER@HOST:5432/DATABASE [--password-file FILE]
  migrate --to FILE
        copy the organisation (settings.json's records.database) into a team's PostgreSQL
        database, or into an embedded file; run again, it changes nothing. The password
        comes from --password-file or PGPASSWORD, never from the address. Then point
        records.database in settings.json at the copy.
`

// Env is what the commands work in.
type Env struct {
	Dirs     config.Dirs
	Settings config.Settings
	Stdin    io.Reader
	Stdout   io.Writer
	Stderr   io.Writer
}

// Run runs `cif-host records ARGS` and returns the exit status.
func Run(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(env.Stdout, Usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c := &command{env: env, name: args[0]}
	switch args[0] {
	case "import":
		return c.run(ctx, args[1:], c.importFile)
	case "export":
		return c.run(ctx, args[1:], c.export)
	case "sample":
		return c.run(ctx, args[1:], c.sample)
	case "query":
		return c.run(ctx, args[1:], c.query)
	case "info":
		return c.run(ctx, args[1:], c.info)
	case "migrate":
		return c.run(ctx, args[1:], c.migrate)
	}
	fmt.Fprintf(env.Stderr, "cif-host records: unknown command %q\n\n%s", args[0], Usage)
	return 2
}

type command struct {
	env  Env
	name string
	// flags
	entities     []string
	format       string
	to           string
	passwordFile string
	args         []string
}

// usageError is a mistake in the command line (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func (c *command) run(ctx context.Context, args []string, fn func(context.Context, records.Store) error) int {
	if err := c.parse(args); err != nil {
		fmt.Fprintf(c.env.Stderr, "cif-host records %s: %v\n", c.name, err)
		return 2
	}
	org, problems := organization.Open(c.env.Dirs, c.env.Settings, nil)
	defer org.Close()
	for _, p := range problems {
		fmt.Fprintf(c.env.Stderr, "warning: %s\n", p)
	}
	err := fn(ctx, org)
	var ue *usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(c.env.Stderr, "cif-host records %s: %v\n", c.name, err)
		return 2
	case err != nil:
		msg := err.Error()
		if e, ok := errors.AsType[*errcode.Error](err); ok {
			msg = e.Message
		}
		fmt.Fprintf(c.env.Stderr, "cif-host records %s: %s\n", c.name, msg)
		return 1
	}
	return 0
}

// parse reads flags anywhere among the arguments.
func (c *command) parse(args []string) error {
	fs := flag.NewFlagSet("cif-host records "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Func("entity", "an entity's logical name", func(v string) error { c.entities = append(c.entities, v); return nil })
	fs.StringVar(&c.format, "format", "", "json or csv")
	if c.name == "migrate" {
		fs.StringVar(&c.to, "to", "", "the target: a PostgreSQL connection string or a file")
		fs.StringVar(&c.passwordFile, "password-file", "", "a file holding the target's password")
	}
	for {
		if err := fs.Parse(args); err != nil {
			return usagef("%v; see `cif-host records help`", err)
		}
		if fs.NArg() == 0 {
			break
		}
		c.args = append(c.args, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch c.format {
	case "", "json", "csv":
	default:
		return usagef("--format %q: use json or csv", c.format)
	}
	return nil
}

func (c *command) formatOf(path string) string {
	if c.format != "" {
		return c.format
	}
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		return "csv"
	}
	return "json"
}

func (c *command) importFile(ctx context.Context, s records.Store) error {
	if len(c.args) != 1 {
		return usagef("give one FILE to import, such as contacts.csv or organisation.json")
	}
	path := c.args[0]
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot open %s: %w", path, err)
	}
	defer f.Close()
	var items []records.Item
	switch c.formatOf(path) {
	case "csv":
		entity := ""
		switch {
		case len(c.entities) > 1:
			return usagef("a CSV file holds one entity; give one --entity")
		case len(c.entities) == 1:
			entity = c.entities[0]
		default:
			var ok bool
			if entity, ok = transfer.EntityFromFileName(s.Catalog(), path); !ok {
				return usagef("cannot tell the entity of %s from its name; give --entity, such as --entity contact", path)
			}
		}
		items, err = transfer.ReadCSV(f, s.Catalog(), entity)
	default:
		if len(c.entities) > 0 {
			return usagef("--entity is for CSV files; a JSON file names its entities itself")
		}
		items, err = transfer.ReadJSON(f, s.Catalog())
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	stats, err := s.Import(ctx, items)
	if err != nil {
		return fmt.Errorf("%s: nothing was imported: %s", path, errcode.As(err).Message)
	}
	fmt.Fprintf(c.env.Stdout, "imported %d records from %s into %s: %s\n", len(items), path, c.where(), summary(stats))
	return nil
}

func summary(stats records.ImportStats) string {
	var parts []string
	for _, e := range slices.Sorted(keys(stats.Created, stats.Updated, stats.Unchanged)) {
		part := fmt.Sprintf("%s %d created, %d updated", e, stats.Created[e], stats.Updated[e])
		if n := stats.Unchanged[e]; n > 0 {
			part += fmt.Sprintf(", %d unchanged", n)
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "; ")
}

func keys(maps ...map[string]int) func(func(string) bool) {
	return func(yield func(string) bool) {
		seen := map[string]bool{}
		for _, m := range maps {
			for k := range m {
				if !seen[k] {
					seen[k] = true
					if !yield(k) {
						return
					}
				}
			}
		}
	}
}

func (c *command) where() string { return c.env.Settings.DatabaseFile(c.env.Dirs) }

func (c *command) export(ctx context.Context, s records.Store) error {
	if len(c.args) > 1 {
		return usagef("give at most one FILE; without one the records go to standard output")
	}
	out, path := c.env.Stdout, ""
	if len(c.args) == 1 {
		path = c.args[0]
	}
	format := c.formatOf(path)
	if format == "csv" && len(c.entities) != 1 {
		return usagef("CSV holds one entity; give one --entity, such as --entity contact")
	}
	if path != "" {
		tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
		if err != nil {
			return fmt.Errorf("cannot write next to %s: %w", path, err)
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		out = tmp
		if err := c.write(ctx, s, out, format); err != nil {
			return err
		}
		if err := tmp.Close(); err != nil {
			return fmt.Errorf("cannot write %s: %w", path, err)
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return fmt.Errorf("cannot write %s: %w", path, err)
		}
		return nil
	}
	return c.write(ctx, s, out, format)
}

func (c *command) write(ctx context.Context, s records.Store, out io.Writer, format string) error {
	if format == "csv" {
		n, err := transfer.WriteCSV(ctx, out, s, c.entities[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(c.env.Stderr, "exported %d %s records\n", n, c.entities[0])
		return nil
	}
	counts, err := transfer.WriteJSON(ctx, out, s, c.entities)
	if err != nil {
		return err
	}
	var parts []string
	for _, e := range slices.Sorted(keys(counts)) {
		parts = append(parts, fmt.Sprintf("%d %s", counts[e], e))
	}
	fmt.Fprintf(c.env.Stderr, "exported %s\n", strings.Join(parts, ", "))
	return nil
}

func (c *command) sample(ctx context.Context, s records.Store) error {
	if len(c.args) > 0 || len(c.entities) > 0 || c.format != "" {
		return usagef("sample takes no arguments")
	}
	stats, err := sample.Load(ctx, s)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "loaded the sample organisation into %s: %s\n", c.where(), summary(stats))
	return nil
}

func (c *command) query(ctx context.Context, s records.Store) error {
	if len(c.args) < 1 || len(c.args) > 2 {
		return usagef("give an entity and optionally a query, such as: query contact '?$select=fullname&$filter=lastname eq '\\''Lee'\\'''")
	}
	raw := ""
	if len(c.args) == 2 {
		raw = c.args[1]
	}
	q, err := odata.Parse(raw)
	if err != nil {
		return records.QueryError(err)
	}
	found, err := s.Query(ctx, c.args[0], q)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(found, "", "  ")
	if err != nil {
		return err
	}
	if found == nil {
		b = []byte("[]")
	}
	fmt.Fprintf(c.env.Stdout, "%s\n", b)
	fmt.Fprintf(c.env.Stderr, "%d records\n", len(found))
	return nil
}

func (c *command) info(ctx context.Context, s records.Store) error {
	fmt.Fprintf(c.env.Stdout, "database: %s\n", c.where())
	fmt.Fprintf(c.env.Stdout, "entities: %s", c.env.Settings.EntitiesFile(c.env.Dirs))
	if _, err := os.Stat(c.env.Settings.EntitiesFile(c.env.Dirs)); err != nil {
		fmt.Fprint(c.env.Stdout, " (none: the built-in entities only)")
	}
	fmt.Fprintln(c.env.Stdout)
	for _, name := range s.Catalog().Names() {
		n, err := s.Count(ctx, name)
		if err != nil {
			return err
		}
		e, _ := s.Catalog().Entity(name)
		fmt.Fprintf(c.env.Stdout, "  %-24s %8d  (%s, %d attributes)\n", name, n, e.DisplayCollectionName, len(e.Attributes))
	}
	return nil
}
