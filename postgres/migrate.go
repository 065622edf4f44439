package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

// migrationFS holds the numbered migrations, NNNN_name.sql.
//
//go:embed migration/*.sql
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order. Versions
// must be 1, 2, 3, … without gaps.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migration/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, name := range names {
		base := strings.TrimPrefix(name, "migration/")
		num, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", base)
		}
		b, err := migrationFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: version %d, want %d", m.name, m.version, i+1)
		}
	}
	return out, nil
}

// SchemaVersion returns the schema version this binary migrates to: the
// number of its last migration.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil {
		panic(err) // the embedded files are fixed at build time; tests catch this
	}
	return len(ms)
}

// Migrate applies the migrations the database lacks, each in its own
// transaction and recorded in schema_migrations, and returns their
// versions. It holds an advisory lock meanwhile, so concurrent Migrate
// calls from several processes apply each migration once. A database whose
// schema is newer than this binary's is refused with ESCHEMA.
func (db *DB) Migrate(ctx context.Context) ([]int, error) {
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", dbErr(err))
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrateLockKey); err != nil {
		return nil, fmt.Errorf("migrate: lock: %w", dbErr(err))
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrateLockKey)

	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, fmt.Errorf("migrate: create schema_migrations: %w", dbErr(err))
	}
	var current int
	if err := conn.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return nil, fmt.Errorf("migrate: read schema_migrations: %w", dbErr(err))
	}
	if current > len(ms) {
		return nil, pursuit.Errorf(pursuit.ESCHEMA,
			"the database schema is at version %d, newer than this binary's %d: upgrade pursuit", current, len(ms))
	}
	var applied []int
	for _, m := range ms[current:] {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name)
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migrate: apply %s: %w", m.name, err)
		}
		applied = append(applied, m.version)
	}
	// A load interrupted after its commit left indexes to build.
	if err := db.buildPendingIndexes(ctx); err != nil {
		return applied, fmt.Errorf("migrate: indexes a load left to build: %w", err)
	}
	return applied, nil
}

// Version returns the schema version recorded in the database, 0 for a
// database never migrated (no schema_migrations table on the search path).
func (db *DB) Version(ctx context.Context) (int, error) {
	var exists bool
	if err := db.pool.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, fmt.Errorf("schema version: %w", dbErr(err))
	}
	if !exists {
		return 0, nil
	}
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&n); err != nil {
		return 0, fmt.Errorf("schema version: %w", dbErr(err))
	}
	return n, nil
}
