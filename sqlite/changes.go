package sqlite

import (
	"context"
	"database/sql"

	"github.com/pursuit-gov/pursuit"
)

// maxChanges bounds one Changes call, so a reader catching up from 0 on a
// freshly loaded database pages instead of holding millions of rows.
const maxChanges = 100000

func scanChange(s scanner) (pursuit.Change, error) {
	var c pursuit.Change
	var key2, at sql.NullInt64
	err := s.Scan(&c.Seq, &c.Table, &c.Op, &c.Key, &key2, &at)
	c.Key2, c.ChangedAt = key2.Int64, fromMicros(at)
	return c, err
}

// Changes returns up to limit change_log rows with seq > after, in seq
// order. A limit of 0 or less means pursuit.DefaultListLimit; limits above
// 100,000 are lowered to it.
func (db *DB) Changes(ctx context.Context, after int64, limit int) ([]pursuit.Change, error) {
	if limit <= 0 {
		limit = pursuit.DefaultListLimit
	}
	limit = min(limit, maxChanges)
	return all(ctx, db.r, scanChange, `SELECT seq, table_name, op, key, key2, changed_at FROM change_log
		WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
}

// LastSeq returns the highest committed change_log seq, 0 if none.
func (db *DB) LastSeq(ctx context.Context) (int64, error) {
	var n int64
	err := db.r.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM change_log`).Scan(&n)
	return n, dbErr(err)
}

// keyColumn is the (first) key column of each table ScanKeys and Count
// accept; the map doubles as the allow-list that keeps table names out of
// SQL injection's reach.
var keyColumn = map[string]string{
	pursuit.TableCustomers:               "customer_id",
	pursuit.TablePlaces:                  "place_id",
	pursuit.TableContacts:                "contact_id",
	pursuit.TableTechStack:               "tech_stack_id",
	pursuit.TableCustomerPlaceRelation:   "customer_id",
	pursuit.TableCustomerContactRelation: "customer_id",
	pursuit.TableCustomerMapping:         "customer_mapping_id",
	pursuit.TableAPIKeys:                 "api_key_id",
	pursuit.TableReveals:                 "reveal_id",
	"change_log":                         "seq",
}

// orderBy is the primary-key order of each table.
var orderBy = map[string]string{
	pursuit.TableCustomerPlaceRelation:   "customer_id, place_id",
	pursuit.TableCustomerContactRelation: "customer_id, contact_id",
}

func checkTable(table string, dataOnly bool) (string, error) {
	col, ok := keyColumn[table]
	if ok && dataOnly {
		ok = false
		for _, t := range pursuit.DataTables {
			ok = ok || t == table
		}
	}
	if !ok {
		return "", pursuit.FieldErrorf(pursuit.EINVALID, "table", "%q is not a table of the store", table)
	}
	return col, nil
}

// ScanKeys streams the primary keys of one of pursuit.DataTables in order;
// for the relation tables, the customer_id of each row in (customer_id,
// other id) order.
func (db *DB) ScanKeys(ctx context.Context, table string, fn func(int64) error) error {
	col, err := checkTable(table, true)
	if err != nil {
		return err
	}
	order := col
	if o, ok := orderBy[table]; ok {
		order = o
	}
	return scanTable(ctx, db, scanInt64, fn, `SELECT `+col+` FROM `+table+` ORDER BY `+order)
}

// ScanDeletedKeys streams the keys change_log records as deleted from the
// tables with a one-column key, in one pass over the log.
func (db *DB) ScanDeletedKeys(ctx context.Context, fn func(table string, key int64) error) error {
	type deleted struct {
		table string
		key   int64
	}
	scan := func(s scanner) (deleted, error) {
		var d deleted
		return d, s.Scan(&d.table, &d.key)
	}
	return scanTable(ctx, db, scan, func(d deleted) error { return fn(d.table, d.key) },
		`SELECT table_name, key FROM change_log WHERE op = 'delete' AND key2 IS NULL`)
}

// Count returns the number of rows of a table: one of pursuit.DataTables,
// api_keys, contact_reveals or change_log.
func (db *DB) Count(ctx context.Context, table string) (int64, error) {
	if _, err := checkTable(table, false); err != nil {
		return 0, err
	}
	// count(*) reads a whole index of the table: on a scan connection,
	// whose small page cache it leaves as it found it, not a pool
	// reader's 32 MiB one (an index build's counts of contacts and
	// customer_mapping once kept ~85 MB of cached pages in the readers
	// of a server that never read those pages again).
	var n int64
	err := scanTable(ctx, db, scanInt64, func(v int64) error { n = v; return nil }, `SELECT count(*) FROM `+table)
	return n, err
}

// scanInt64 scans a row of one integer column.
func scanInt64(s scanner) (int64, error) {
	var v int64
	return v, s.Scan(&v)
}
