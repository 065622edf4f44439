package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/pursuit-gov/pursuit"
)

//go:embed migration/*.sql
var migrationFS embed.FS

// migration is one numbered schema change: migration/NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations are the embedded migrations in version order; Open fails
// loudly (at init) on a misnamed or misnumbered file.
var migrations = mustLoadMigrations()

func mustLoadMigrations() []migration {
	ms, err := loadMigrations(migrationFS)
	if err != nil {
		panic(err) // a build defect, caught by every test
	}
	return ms
}

func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migration/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names {
		base := strings.TrimPrefix(name, "migration/")
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("sqlite migration %s: the name must start with a positive number and _", name)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("sqlite migration %s: version %d, want %d (versions are dense from 1)", m.name, m.version, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion returns the schema version this binary migrates to: the
// number of its newest embedded migration.
func SchemaVersion() int { return len(migrations) }

// Migrate applies the migrations the database lacks, each in its own
// transaction together with its schema_migrations row, and returns their
// versions. A current schema is left alone; a database whose recorded
// version is newer than SchemaVersion is refused with ESCHEMA.
func (db *DB) Migrate(ctx context.Context) ([]int, error) {
	return db.migrate(ctx, migrations)
}

// migrate applies the missing ones of ms, which must be dense from 1.
func (db *DB) migrate(ctx context.Context, ms []migration) ([]int, error) {
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return nil, dbErr(fmt.Errorf("migrate: %w", err))
	}
	var applied []int
	for _, m := range ms {
		done := false
		err := db.write(ctx, func(tx *sql.Tx) error {
			var current int
			if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&current); err != nil {
				return dbErr(fmt.Errorf("migrate: read schema version: %w", err))
			}
			if current > len(ms) {
				return &pursuit.Error{Code: pursuit.ESCHEMA, Message: fmt.Sprintf(
					"the database %s has schema version %d, newer than this binary's %d: upgrade pursuit", db.path, current, len(ms))}
			}
			if current >= m.version {
				done = true
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return dbErr(fmt.Errorf("migrate: apply %s: %w", m.name, err))
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", m.version, db.now().UnixMicro()); err != nil {
				return dbErr(fmt.Errorf("migrate: record %s: %w", m.name, err))
			}
			return nil
		})
		if err != nil {
			return applied, err
		}
		if !done {
			applied = append(applied, m.version)
		}
	}
	if len(applied) > 0 {
		// Let the query planner know the shape of the new schema.
		if _, err := db.w.ExecContext(ctx, "PRAGMA optimize"); err != nil {
			return applied, dbErr(fmt.Errorf("migrate: optimize: %w", err))
		}
	}
	return applied, nil
}

// Version returns the schema version recorded in the database, 0 for a
// database never migrated.
func (db *DB) Version(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").Scan(&n)
	if err != nil || n == 0 {
		return 0, dbErr(err)
	}
	err = db.r.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&n)
	if err != nil {
		return 0, dbErr(fmt.Errorf("schema version: %w", err))
	}
	return n, nil
}
