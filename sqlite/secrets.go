package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/pursuit-gov/pursuit"
)

// Secret returns the secret called name, creating it from size random
// bytes the first time: see pursuit.Store. The common case, a secret that
// exists, is one read on the read pool; creating it takes the writer.
func (db *DB) Secret(ctx context.Context, name string, size int) ([]byte, error) {
	if err := pursuit.ValidateSecret(name, size); err != nil {
		return nil, err
	}
	v, err := readSecret(ctx, db.r, name)
	if err == nil {
		return checkSecret(name, v, size)
	}
	if err != nil && strings.Contains(err.Error(), "no such table: secrets") {
		return nil, errOldSchema
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, dbErr(fmt.Errorf("read secret %s: %w", name, err))
	}
	fresh := make([]byte, size)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO NOTHING`, name, fresh, db.now().UnixMicro()); err != nil {
			return dbErr(fmt.Errorf("create secret %s: %w", name, err))
		}
		v, err = readSecret(ctx, tx, name)
		return dbErr(err)
	})
	if err != nil {
		return nil, err
	}
	return checkSecret(name, v, size)
}

// errOldSchema is the error of a store migrated by an older binary, which
// has no secrets table.
var errOldSchema = pursuit.FieldErrorf(pursuit.EINVALID, "db",
	"the database's schema is older than this binary's (it has no secrets table): run pursuit migrate on it first")

func readSecret(ctx context.Context, q querier, name string) ([]byte, error) {
	var v []byte
	err := q.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&v)
	return v, err
}

// checkSecret refuses a stored secret of the wrong size.
func checkSecret(name string, v []byte, size int) ([]byte, error) {
	if len(v) != size {
		return nil, pursuit.Errorf(pursuit.EINTERNAL, "the stored secret %s is %d bytes, want %d", name, len(v), size)
	}
	return v, nil
}
