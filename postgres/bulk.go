package postgres

import (
	"context"

	"github.com/pursuit-gov/pursuit"
)

// Bulk is not implemented yet.
func (db *DB) Bulk(ctx context.Context, fn func(pursuit.BulkWriter) error) error {
	return pursuit.Errorf(pursuit.ENOTIMPL, "bulk: not implemented yet")
}
