package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pursuit-gov/pursuit"
)

var _ pursuit.Store = (*DB)(nil)

// DB is the PostgreSQL store. Create it with Open; it is safe for
// concurrent use.
type DB struct {
	pool *pgxpool.Pool
	// Now returns the current time; tests replace it. Times are stored
	// with microsecond precision in UTC.
	Now func() time.Time
}

// Open connects to the PostgreSQL database dsn names. It does not migrate:
// call Migrate.
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
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return &DB{pool: pool, Now: time.Now}, nil
}

// Pool returns the connection pool, for raw SQL in benchmarks and tools.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Kind returns "postgres".
func (db *DB) Kind() string { return "postgres" }

// Close closes every connection of the pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}
