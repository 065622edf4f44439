package main

import (
	"context"
	"strings"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/postgres"
	"github.com/pursuit-gov/pursuit/sqlite"
)

// openStore opens the store a --db value names: a postgres:// or
// postgresql:// URL opens PostgreSQL, anything else is a SQLite file path.
// It does not migrate.
func openStore(ctx context.Context, dsn string) (pursuit.Store, error) {
	if isPostgres(dsn) {
		return postgres.Open(ctx, dsn)
	}
	return sqlite.Open(ctx, dsn)
}

// openMigrated opens the store and brings its schema up to date, so that
// commands work on a fresh file with no separate migrate step.
func openMigrated(ctx context.Context, e *env, dsn string) (pursuit.Store, error) {
	s, err := openStore(ctx, dsn)
	if err != nil {
		return nil, err
	}
	applied, err := s.Migrate(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	if len(applied) > 0 {
		e.log.Info("migrated", "store", s.Kind(), "versions", applied)
	}
	return s, nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}
