package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

func scanChange(row pgx.Row) (pursuit.Change, error) {
	var c pursuit.Change
	var key2 *int64
	err := row.Scan(&c.Seq, &c.Table, &c.Op, &c.Key, &key2, &c.ChangedAt)
	c.Key2, c.ChangedAt = id(key2), c.ChangedAt.UTC()
	return c, err
}

// Changes returns up to limit change_log rows with seq > after, in seq
// order. limit 0 means pursuit.DefaultListLimit; it is capped at
// pursuit.MaxListLimit. Because writers are serialized by the write lock,
// a row with a smaller seq never commits after one with a larger seq.
func (db *DB) Changes(ctx context.Context, after int64, limit int) ([]pursuit.Change, error) {
	switch {
	case limit < 0:
		return nil, pursuit.FieldErrorf(pursuit.EINVALID, "limit", "must not be negative")
	case limit == 0:
		limit = pursuit.DefaultListLimit
	case limit > pursuit.MaxListLimit:
		limit = pursuit.MaxListLimit
	}
	return collect(ctx, db, scanChange, `SELECT seq, table_name, op, key, key2, changed_at
		FROM change_log WHERE seq > $1 ORDER BY seq LIMIT $2`, after, limit)
}

// LastSeq returns the highest committed change_log seq, 0 if none.
func (db *DB) LastSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := db.pool.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM change_log`).Scan(&seq)
	return seq, dbErr(err)
}

// tableKeys names each countable table's key columns, in order.
var tableKeys = map[string]string{
	pursuit.TableCustomers:               "customer_id",
	pursuit.TablePlaces:                  "place_id",
	pursuit.TableContacts:                "contact_id",
	pursuit.TableTechStack:               "tech_stack_id",
	pursuit.TableCustomerPlaceRelation:   "customer_id, place_id",
	pursuit.TableCustomerContactRelation: "customer_id, contact_id",
	pursuit.TableCustomerMapping:         "customer_mapping_id",
	pursuit.TableAPIKeys:                 "api_key_id",
	pursuit.TableReveals:                 "reveal_id",
	"change_log":                         "seq",
}

func checkTable(table string) (string, error) {
	keys, ok := tableKeys[table]
	if !ok {
		return "", pursuit.FieldErrorf(pursuit.EINVALID, "table", "%q is not a table of the store", table)
	}
	return keys, nil
}

// ScanKeys streams the primary keys of a table (the first key column of
// the relation tables) in key order.
func (db *DB) ScanKeys(ctx context.Context, table string, fn func(int64) error) error {
	keys, err := checkTable(table)
	if err != nil {
		return err
	}
	first, _, _ := strings.Cut(keys, ",")
	return scan(ctx, db, func(row pgx.Row) (int64, error) {
		var k int64
		err := row.Scan(&k)
		return k, err
	}, fn, `SELECT `+first+` FROM `+table+` ORDER BY `+keys)
}

// ScanDeletedKeys streams the keys change_log records as deleted from the
// tables with a one-column key, in one pass over the log.
func (db *DB) ScanDeletedKeys(ctx context.Context, fn func(table string, key int64) error) error {
	type deleted struct {
		table string
		key   int64
	}
	return scan(ctx, db, func(row pgx.Row) (deleted, error) {
		var d deleted
		err := row.Scan(&d.table, &d.key)
		return d, err
	}, func(d deleted) error { return fn(d.table, d.key) },
		`SELECT table_name, key FROM change_log WHERE op = 'delete' AND key2 IS NULL`)
}

// Count returns the number of rows of a table.
func (db *DB) Count(ctx context.Context, table string) (int64, error) {
	if _, err := checkTable(table); err != nil {
		return 0, err
	}
	var n int64
	err := db.pool.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n)
	return n, dbErr(err)
}
