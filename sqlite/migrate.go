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
		done, err := db.apply(ctx, m, len(ms))
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

// apply applies one migration unless the database has it (done), in one
// transaction on the writer connection with foreign keys off, the way
// SQLite's documentation says to change a schema
// (https://sqlite.org/lang_altertable.html, "Making Other Kinds Of Table
// Schema Changes"): a migration may then rebuild a table that others
// reference, whose DROP would otherwise cascade to their rows. Before the
// commit, PRAGMA foreign_key_check must find no broken reference, so a
// migration cannot leave one behind. PRAGMA foreign_keys is a no-op inside
// a transaction, so it is set on the pinned connection around it, and set
// back on even when the migration fails.
func (db *DB) apply(ctx context.Context, m migration, newest int) (done bool, err error) {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return false, dbErr(fmt.Errorf("migrate: %w", err))
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return false, dbErr(fmt.Errorf("migrate: foreign keys off: %w", err))
	}
	defer func() {
		var on int
		_, rerr := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON")
		if rerr == nil {
			rerr = conn.QueryRowContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys").Scan(&on)
		}
		if rerr == nil && on != 1 {
			rerr = fmt.Errorf("PRAGMA foreign_keys is %d after setting it on", on)
		}
		if rerr != nil && err == nil {
			err = dbErr(fmt.Errorf("migrate: foreign keys back on: %w", rerr))
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, dbErr(fmt.Errorf("migrate: begin: %w", err))
	}
	defer tx.Rollback()
	var current int
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return false, dbErr(fmt.Errorf("migrate: read schema version: %w", err))
	}
	if current > newest {
		return false, &pursuit.Error{Code: pursuit.ESCHEMA, Message: fmt.Sprintf(
			"the database %s has schema version %d, newer than this binary's %d: upgrade pursuit", db.path, current, newest)}
	}
	if current >= m.version {
		return true, nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return false, dbErr(fmt.Errorf("migrate: apply %s: %w", m.name, err))
	}
	if err := foreignKeyCheck(ctx, tx); err != nil {
		return false, fmt.Errorf("migrate: apply %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", m.version, db.now().UnixMicro()); err != nil {
		return false, dbErr(fmt.Errorf("migrate: record %s: %w", m.name, err))
	}
	if err := tx.Commit(); err != nil {
		return false, dbErr(fmt.Errorf("migrate: commit %s: %w", m.name, err))
	}
	return false, nil
}

// foreignKeyCheck fails when PRAGMA foreign_key_check finds a row whose
// reference does not resolve, naming the first few.
func foreignKeyCheck(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return dbErr(fmt.Errorf("foreign_key_check: %w", err))
	}
	defer rows.Close()
	var bad []string
	n := 0
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return dbErr(fmt.Errorf("foreign_key_check: %w", err))
		}
		n++
		if len(bad) < 5 {
			bad = append(bad, fmt.Sprintf("%s row %d → %s", table, rowid.Int64, parent))
		}
	}
	if err := rows.Err(); err != nil {
		return dbErr(fmt.Errorf("foreign_key_check: %w", err))
	}
	if n > 0 {
		return &pursuit.Error{Code: pursuit.ESCHEMA, Message: fmt.Sprintf(
			"the migration leaves %d rows whose foreign key does not resolve: %s", n, strings.Join(bad, ", "))}
	}
	return nil
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
