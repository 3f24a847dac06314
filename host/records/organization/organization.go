// Package organization opens the user's organisation as cif-host is
// configured: the entities (built-in ones plus entities.json), the
// embedded SQLite file in the data folder (or settings.json's
// records.database: another file, or a team's PostgreSQL database with
// its password from records.passwordFile or the environment), and, when settings.json's records.sample is true,
// the sample organisation loaded into it on first use if it is empty.
// It is the one call the host needs:
//
//	org, problems := organization.Open(dirs, settings, logger)
//	defer org.Close()
//
// Nothing is read or opened until the first record call, except
// entities.json (a small file, read once so that problems reach hello).
package organization

import (
	"context"
	"log/slog"
	"os"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/postgres"
	"github.com/cifbridge/cif-bridge/host/records/sample"
	"github.com/cifbridge/cif-bridge/host/records/sqlite"
)

// Open returns the organisation, opened lazily, and the problems found in
// the entities file.
func Open(dirs config.Dirs, settings config.Settings, logger *slog.Logger) (*records.Lazy, []metadata.Problem) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	catalog, problems := metadata.Load(settings.EntitiesFile(dirs))
	if settings.Records.IsPostgres() {
		return openPostgres(catalog, settings, logger), problems
	}
	path := settings.DatabaseFile(dirs)
	opts := sqlite.Options{Path: path, Catalog: catalog, Logger: logger}
	return records.NewLazy(catalog, func(ctx context.Context) (records.Store, error) {
		if path == "" {
			return nil, records.Unavailable("cannot tell where to keep the organisation's database: set $HOME or $XDG_DATA_HOME, or records.database in settings.json")
		}
		s, err := sqlite.OpenNow(ctx, opts)
		if err != nil {
			logger.Error("cannot open the organisation's database", "path", path, "error", err)
			return nil, err
		}
		logger.Info("opened the organisation's database", "path", path)
		if settings.Records.Sample {
			loadSample(ctx, s, logger)
		}
		return s, nil
	}), problems
}

// openPostgres opens a team's organisation. The password is read at each
// attempt to open, so fixing its file heals the store without a restart.
func openPostgres(catalog *metadata.Catalog, settings config.Settings, logger *slog.Logger) *records.Lazy {
	where := postgres.Where(settings.Records.Database)
	return records.NewLazy(catalog, func(ctx context.Context) (records.Store, error) {
		password, err := settings.Records.Password(os.Getenv)
		if err != nil {
			logger.Error("cannot open the organisation's database", "database", where, "error", err)
			return nil, records.Unavailable("cannot connect to the organisation's database %s: %v", where, err)
		}
		s, err := postgres.OpenNow(ctx, postgres.Options{URL: settings.Records.Database, Password: password, Catalog: catalog, Logger: logger})
		if err != nil {
			logger.Error("cannot open the organisation's database", "database", where, "error", err)
			return nil, err
		}
		logger.Info("opened the organisation's database", "database", where)
		if settings.Records.Sample {
			loadSample(ctx, s, logger)
		}
		return s, nil
	})
}

// loadSample loads the sample organisation into an empty organisation.
// Another host may be doing the same at the same moment: the first import
// wins, the second finds records and leaves them.
func loadSample(ctx context.Context, s records.Store, logger *slog.Logger) {
	n, err := s.Count(ctx, "contact")
	if err != nil || n > 0 {
		return
	}
	stats, err := sample.Load(ctx, s)
	if err != nil {
		logger.Info("did not load the sample organisation", "reason", err)
		return
	}
	logger.Info("loaded the sample organisation, as settings.json's records.sample asks", "created", stats.Created)
}
