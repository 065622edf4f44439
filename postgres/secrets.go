package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pursuit-gov/pursuit"
)

// Secret returns the secret called name, creating it from size random
// bytes the first time: see pursuit.Store. Several servers asking first at
// once all get the bytes of the one insert that won: ON CONFLICT DO
// NOTHING waits for a concurrent insert of the same name to commit.
func (db *DB) Secret(ctx context.Context, name string, size int) ([]byte, error) {
	if err := pursuit.ValidateSecret(name, size); err != nil {
		return nil, err
	}
	var v []byte
	err := db.pool.QueryRow(ctx, `SELECT value FROM secrets WHERE name = $1`, name).Scan(&v)
	if err == nil {
		return checkSecret(name, v, size)
	}
	if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table
		return nil, pursuit.FieldErrorf(pursuit.EINVALID, "db",
			"the database's schema is older than this binary's (it has no secrets table): run pursuit migrate on it first")
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("read secret %s: %w", name, dbErr(err))
	}
	fresh := make([]byte, size)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, name, fresh); err != nil {
		return nil, fmt.Errorf("create secret %s: %w", name, dbErr(err))
	}
	if err := db.pool.QueryRow(ctx, `SELECT value FROM secrets WHERE name = $1`, name).Scan(&v); err != nil {
		return nil, fmt.Errorf("read secret %s: %w", name, dbErr(err))
	}
	return checkSecret(name, v, size)
}

// checkSecret refuses a stored secret of the wrong size.
func checkSecret(name string, v []byte, size int) ([]byte, error) {
	if len(v) != size {
		return nil, pursuit.Errorf(pursuit.EINTERNAL, "the stored secret %s is %d bytes, want %d", name, len(v), size)
	}
	return v, nil
}
