package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/migrate"
	"github.com/cifbridge/cif-bridge/host/records/postgres"
	"github.com/cifbridge/cif-bridge/host/records/sqlite"
)

// migrate copies the configured organisation into --to.
func (c *command) migrate(ctx context.Context, from records.Store) error {
	switch {
	case len(c.args) > 0 || len(c.entities) > 0 || c.format != "":
		return usagef("migrate takes --to and, for PostgreSQL, --password-file; nothing else")
	case c.to == "":
		return usagef("give --to: a PostgreSQL connection string, such as --to postgres://agent@db.example.com:5432/organisation, or an organisation file, such as --to /home/you/organization.db")
	}
	target := config.RecordsSettings{Database: c.to, PasswordFile: c.passwordFile}
	if !target.IsPostgres() {
		abs, err := filepath.Abs(c.to)
		if err != nil {
			return usagef("--to %q: %v", c.to, err)
		}
		target.Database = abs
		if c.passwordFile != "" {
			return usagef("--password-file is for a PostgreSQL target; a file needs none")
		}
	}
	if field, msg := config.CheckDatabase(target); field != "" {
		flag := map[string]string{"records.database": "--to", "records.passwordFile": "--password-file"}[field]
		return usagef("%s %s", flag, strings.ReplaceAll(msg, "records.passwordFile", "--password-file"))
	}
	if target.Database == c.where() {
		return usagef("--to is the organisation itself (settings.json's records.database); give another database")
	}
	to, where, err := c.openTarget(ctx, from, target)
	if err != nil {
		return err
	}
	defer to.Close()
	bar := newProgress(c.env.Stderr)
	start := time.Now()
	stats, err := migrate.Copy(ctx, from, to, bar)
	bar.end()
	if err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "copied %d records from %s into %s in %s: %s", stats.Total(), c.where(), where, time.Since(start).Round(time.Millisecond), summary(stats.Records))
	if stats.LookupsSet+stats.LookupsUnchanged > 0 {
		fmt.Fprintf(c.env.Stdout, "; lookups to records copied later: %d set, %d unchanged", stats.LookupsSet, stats.LookupsUnchanged)
	}
	fmt.Fprintln(c.env.Stdout)
	fmt.Fprintf(c.env.Stdout, "to use the copy, set records.database in %s to %s\n", c.env.Dirs.SettingsFile(), where)
	return nil
}

// openTarget opens the organisation to copy into, with the source's
// entities.
func (c *command) openTarget(ctx context.Context, from records.Store, target config.RecordsSettings) (records.Store, string, error) {
	if !target.IsPostgres() {
		s, err := sqlite.OpenNow(ctx, sqlite.Options{Path: target.Database, Catalog: from.Catalog()})
		return s, target.Database, err
	}
	password, err := target.Password(os.Getenv)
	if err != nil {
		return nil, "", err
	}
	s, err := postgres.OpenNow(ctx, postgres.Options{URL: target.Database, Password: password, Catalog: from.Catalog()})
	return s, postgres.Where(target.Database), err
}

// progress draws a bar on a terminal, and writes plain lines (each
// entity, each tenth of the way) elsewhere.
type progress struct {
	w        io.Writer
	terminal bool
	last     int // the tenth (plain) or the width (terminal) last shown
	entity   string
	drawn    bool
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, terminal: ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())), last: -1}
}

const barWidth = 30

// Records implements migrate.Progress.
func (p *progress) Records(done, total int, entity string) {
	p.show("records", done, total, entity)
}

// Lookups implements migrate.Progress.
func (p *progress) Lookups(done, total int) {
	if total > 0 {
		p.show("lookups", done, total, "")
	}
}

func (p *progress) show(what string, done, total int, entity string) {
	frac := 1.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	if p.terminal {
		filled := int(frac * barWidth)
		fmt.Fprintf(p.w, "\r[%s%s] %3.0f%% %d/%d %s %-12s", strings.Repeat("#", filled), strings.Repeat("-", barWidth-filled), 100*frac, done, total, what, entity)
		p.drawn = true
		return
	}
	tenth := int(frac * 10)
	if tenth == p.last && entity == p.entity {
		return
	}
	p.last, p.entity = tenth, entity
	if entity != "" {
		entity = " (" + entity + ")"
	}
	fmt.Fprintf(p.w, "%s: %d of %d, %.0f%%%s\n", what, done, total, 100*frac, entity)
}

// end finishes the bar's line.
func (p *progress) end() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
