// Package organization opens the user's organisation as cif-host is
// configured: the entities (built-in ones plus entities.json), the
// embedded SQLite file in the data folder (or settings.json's
// records.database), and, when settings.json's records.sample is true,
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

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
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
