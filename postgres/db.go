package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pursuit-gov/pursuit"
)

var _ pursuit.Store = (*DB)(nil)

// writeLockKey is the transaction-scoped advisory lock every writing
// transaction holds from its start to its commit ("pursuit" + 1). It
// serializes writers so that change_log seq values commit in order; the
// triggers of migration 1 take the same lock for raw-SQL writers.
const writeLockKey int64 = 7075727375697401

// migrateLockKey is the session advisory lock Migrate holds, so two
// processes migrating at once apply each migration once.
const migrateLockKey int64 = 7075727375697402

// DB is the PostgreSQL store. Create it with Open; it is safe for
// concurrent use.
type DB struct {
	pool *pgxpool.Pool
	// Now returns the current time; tests replace it before use. Times are
	// stored in UTC with microsecond precision, and change_log.changed_at
	// is taken from it too.
	Now func() time.Time
	// Log receives debug records of the bulk path's phases (the load,
	// each index rebuild, the analyze and the commit, with how long each
	// took); nil means no logging.
	Log *slog.Logger

	// flushRows is how many rows of one table Bulk collects before it
	// writes them; 0 means defaultFlushRows. Tests lower it to run many
	// writes on small data.
	flushRows int
}

// debug logs a debug record when the store has a logger.
func (db *DB) debug(msg string, args ...any) {
	if db.Log != nil {
		db.Log.Debug(msg, args...)
	}
}

// Open connects to the PostgreSQL database dsn names (a postgres:// URL or
// a key=value DSN) and checks that it answers. It does not migrate: call
// Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, pursuit.FieldErrorf(pursuit.EINVALID, "db", "bad PostgreSQL URL: %v", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		var pg *pgconn.PgError
		if errors.As(err, &pg) && pg.Code == "3D000" { // invalid_catalog_name
			return nil, &pursuit.Error{Code: pursuit.ENOTFOUND, Err: err, Message: fmt.Sprintf(
				"database %q does not exist on the server: create it (createdb %s), then run pursuit migrate", cfg.ConnConfig.Database, cfg.ConnConfig.Database)}
		}
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return &DB{pool: pool, Now: time.Now}, nil
}

// Pool returns the connection pool, for raw SQL in benchmarks and tools.
// Writers using it directly should take the write lock
// (SELECT pg_advisory_xact_lock(7075727375697401)) first; the triggers take
// it otherwise.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Kind returns "postgres".
func (db *DB) Kind() string { return "postgres" }

// Close closes every connection of the pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// now returns the store clock's time in UTC, truncated to microseconds.
func (db *DB) now() time.Time {
	return db.Now().UTC().Truncate(time.Microsecond)
}

// write runs fn in a read-committed transaction that holds the write lock
// and has pursuit.now set for the change_log triggers. now is the
// transaction's time.
func (db *DB) write(ctx context.Context, fn func(tx pgx.Tx, now time.Time) error) error {
	now := db.now()
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return dbErr(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := lockWrites(ctx, tx, now); err != nil {
		return err
	}
	if err := fn(tx, now); err != nil {
		return dbErr(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return dbErr(err)
	}
	return nil
}

// lockWrites takes the write lock and sets pursuit.now for the rest of the
// transaction.
func lockWrites(ctx context.Context, tx pgx.Tx, now time.Time) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1), set_config('pursuit.now', $2, true)`,
		writeLockKey, now.Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("take write lock: %w", dbErr(err))
	}
	return nil
}

// utc returns t in UTC, or the zero time for a NULL.
func utc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// nullTime returns nil for the zero time, so it is stored as NULL, and t in
// UTC truncated to microseconds otherwise.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = norm(t)
	return &t
}

// norm returns t in UTC truncated to microseconds, the zero time as is.
func norm(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

// nullID returns nil for 0, so it is stored as NULL.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// id returns 0 for a NULL.
func id(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// limit checks a ListOptions page size and returns the one to use.
func limit(opt pursuit.ListOptions) (int, error) {
	switch {
	case opt.Limit < 0 || opt.Limit > pursuit.MaxListLimit:
		return 0, pursuit.FieldErrorf(pursuit.EINVALID, "limit", "must be between 0 and %d, not %d", pursuit.MaxListLimit, opt.Limit)
	case opt.Limit == 0:
		return pursuit.DefaultListLimit, nil
	}
	return opt.Limit, nil
}

// bumpSequence moves the id sequence seq past id, after a row was inserted
// with an explicit id, so later generated ids do not collide with it.
func bumpSequence(ctx context.Context, tx pgx.Tx, seq string, id int64) error {
	_, err := tx.Exec(ctx, `SELECT setval($1::regclass, $2) FROM `+seq+
		` WHERE $2 > CASE WHEN is_called THEN last_value ELSE last_value - 1 END`, seq, id)
	return err
}

// notFound returns err as ENOTFOUND when it is pgx.ErrNoRows.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return pursuit.Errorf(pursuit.ENOTFOUND, format, args...)
	}
	return dbErr(err)
}
