package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

// Bulk runs fn in one transaction holding the write lock. Each Upsert batch
// is COPYed into a temporary staging table and merged set-based: one UPDATE
// … FROM staging for the keys that exist (which also moves a place to
// another state partition, or a contact to another place) and one INSERT …
// SELECT for the new ones. The change_log triggers log every row of both
// statements; nothing is applied or logged when fn or a batch fails.
//
// Bulk rows carry their keys (EINVALID when a key is 0). Within a batch a
// key given twice keeps its last row. CreatedAt and UpdatedAt are kept as
// given, or set to now when zero.
func (db *DB) Bulk(ctx context.Context, fn func(pursuit.BulkWriter) error) error {
	now := db.now()
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return dbErr(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := lockWrites(ctx, tx, now); err != nil {
		return err
	}
	// The merge below decides new against existing ids by place_id and
	// contact_id alone, so it cannot create cross-partition duplicates; the
	// per-statement uniqueness triggers would only repeat that work.
	if _, err := tx.Exec(ctx, `SELECT set_config('pursuit.ids_checked', 'on', true),
		set_config('work_mem', '64MB', true), set_config('synchronous_commit', 'off', true)`); err != nil {
		return dbErr(err)
	}
	w := &bulkWriter{tx: tx, now: now, maxID: map[string]int64{}, staged: map[string]bool{}}
	if err := fn(w); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return dbErr(err)
	}
	return nil
}

// bulkWriter is the pursuit.BulkWriter of one Bulk transaction.
type bulkWriter struct {
	tx  pgx.Tx
	now time.Time
	// states maps every place_id to its state_abbr, the second column of
	// the foreign keys to places; loaded on first use and kept current by
	// UpsertPlaces. The transaction holds the write lock, so no other
	// writer changes places meanwhile.
	states map[int64]string
	// maxID is the highest id of a table, loaded on first use: a batch
	// whose ids are all above it is all new, which skips the lookup of
	// existing rows on the fresh loads imports mostly are.
	maxID  map[string]int64
	staged map[string]bool
	// replica reports whether the role may set session_replication_role,
	// nil until asked.
	replica *bool
}

// insertChecked runs an INSERT whose rows' parents in places the caller
// has checked exist: it locks those parents FOR KEY SHARE in one
// set-based statement (what the per-row foreign-key triggers would do),
// then runs the INSERT with session_replication_role = replica, which
// skips those triggers. On PostgreSQL 15 each per-row check of a key of
// the 57-partition places costs ~25µs, most of a bulk load. The change_log
// and uniqueness triggers are ENABLE ALWAYS and still fire. When the role
// may not set session_replication_role, the INSERT runs with the triggers.
// parents is the number of distinct (place_id, state_abbr) pairs in stage.
func (w *bulkWriter) insertChecked(ctx context.Context, table, stage string, parents int, sql string) error {
	if w.replica == nil {
		var ok bool
		err := w.tx.QueryRow(ctx, `SELECT current_setting('is_superuser') = 'on'
			OR has_parameter_privilege('session_replication_role', 'SET')`).Scan(&ok)
		if err != nil {
			return err
		}
		w.replica = &ok
	}
	if !*w.replica {
		_, err := w.tx.Exec(ctx, sql)
		return err
	}
	var n int
	err := w.tx.QueryRow(ctx, `SELECT count(*) FROM (
		SELECT 1 FROM places p JOIN (SELECT DISTINCT place_id, state_abbr FROM `+stage+`) s
			ON p.place_id = s.place_id AND p.state_abbr = s.state_abbr
		FOR KEY SHARE OF p) x`).Scan(&n)
	if err != nil {
		return err
	}
	if n != parents {
		var missing int64
		err := w.tx.QueryRow(ctx, `SELECT s.place_id FROM `+stage+` s WHERE NOT EXISTS (
			SELECT 1 FROM places p WHERE p.place_id = s.place_id AND p.state_abbr = s.state_abbr) LIMIT 1`).Scan(&missing)
		if err != nil {
			return err
		}
		return fkErr(table, "place_id", "place", missing)
	}
	if _, err := w.tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		return err
	}
	if _, err := w.tx.Exec(ctx, sql); err != nil {
		return err
	}
	_, err = w.tx.Exec(ctx, `SET LOCAL session_replication_role = origin`)
	return err
}

// distinctPlaces counts the distinct place_ids of a batch.
func distinctPlaces(n int, placeID func(i int) int64) int {
	seen := make(map[int64]struct{}, 1024)
	for i := 0; i < n; i++ {
		seen[placeID(i)] = struct{}{}
	}
	return len(seen)
}

// stage (re)creates the temporary table name with the columns ddl and
// COPYs n rows into it. The table is dropped at commit.
func (w *bulkWriter) stage(ctx context.Context, name, ddl string, cols []string, n int, row func(i int) []any) error {
	if w.staged[name] {
		if _, err := w.tx.Exec(ctx, `TRUNCATE `+name); err != nil {
			return err
		}
	} else {
		if _, err := w.tx.Exec(ctx, `CREATE TEMP TABLE `+name+` (`+ddl+`) ON COMMIT DROP`); err != nil {
			return err
		}
		w.staged[name] = true
	}
	_, err := w.tx.CopyFrom(ctx, pgx.Identifier{name}, cols, pgx.CopyFromSlice(n, func(i int) ([]any, error) {
		return row(i), nil
	}))
	if err != nil {
		return err
	}
	_, err = w.tx.Exec(ctx, `ANALYZE `+name)
	return err
}

// loadStates loads the place_id → state_abbr map.
func (w *bulkWriter) loadStates(ctx context.Context) error {
	if w.states != nil {
		return nil
	}
	w.states = map[int64]string{}
	rows, err := w.tx.Query(ctx, `SELECT place_id, state_abbr FROM places`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var id int64
	var state string
	for rows.Next() {
		if err := rows.Scan(&id, &state); err != nil {
			return err
		}
		w.states[id] = state
	}
	return rows.Err()
}

// placeState returns the state of a place for the row'th row of a batch of
// table, or EFOREIGNKEY.
func (w *bulkWriter) placeState(table string, row int, placeID int64) (string, error) {
	s, ok := w.states[placeID]
	if !ok {
		return "", pursuit.FieldErrorf(pursuit.EFOREIGNKEY, "place_id",
			"place %d does not exist (referenced by %s.place_id, row %d of the batch)", placeID, table, row+1)
	}
	return s, nil
}

// allNew reports whether every id in ids is above the table's highest id,
// and raises the recorded highest id to the batch's.
func (w *bulkWriter) allNew(ctx context.Context, table, key string, ids []int64) (bool, error) {
	max, ok := w.maxID[table]
	if !ok {
		if err := w.tx.QueryRow(ctx, `SELECT coalesce(max(`+key+`), 0) FROM `+table).Scan(&max); err != nil {
			return false, err
		}
	}
	lo, hi := ids[0], ids[0]
	for _, id := range ids {
		lo, hi = min(lo, id), max2(hi, id)
	}
	w.maxID[table] = max2(max, hi)
	return lo > max, nil
}

func max2(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// rowErr prefixes a validation error with the batch row it is about.
func rowErr(table string, row int, err error) error {
	if e, ok := err.(*pursuit.Error); ok {
		return &pursuit.Error{Code: e.Code, Field: e.Field, Message: fmt.Sprintf("%s (%s, row %d of the batch)", e.Message, table, row+1)}
	}
	return err
}

// requireID is the EINVALID of a bulk row without its key.
func requireID(table, field string, row int, id int64) error {
	if id <= 0 {
		return pursuit.FieldErrorf(pursuit.EINVALID, field, "is required in a bulk upsert, not %d (%s, row %d of the batch)", id, table, row+1)
	}
	return nil
}

// dedupe returns the indexes of rows to keep: the last row of each key, in
// first-appearance order.
func dedupe[K comparable](n int, key func(i int) K) []int {
	last := make(map[K]int, n)
	for i := 0; i < n; i++ {
		last[key(i)] = i
	}
	if len(last) == n {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := make([]int, 0, len(last))
	for i := 0; i < n; i++ {
		if last[key(i)] == i {
			idx = append(idx, i)
		}
	}
	return idx
}

// orNow returns t normalized, or now when t is zero.
func (w *bulkWriter) orNow(t time.Time) time.Time {
	if t.IsZero() {
		return w.now
	}
	return norm(t)
}

// setList returns "c = s.c, …" for an UPDATE … FROM staging s.
func setList(cols []string) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s = s.%s", c, c)
	}
	return b.String()
}

// merge updates the rows of table whose key is in staging and inserts the
// others, for tables whose key index is not partitioned. key is the
// condition joining table t to staging s.
func (w *bulkWriter) merge(ctx context.Context, table, stage string, cols, keyCols []string, allNew bool) error {
	list := strings.Join(cols, ", ")
	var on []string
	for _, k := range keyCols {
		on = append(on, "t."+k+" = s."+k)
	}
	cond := strings.Join(on, " AND ")
	if !allNew {
		if _, err := w.tx.Exec(ctx, `UPDATE `+table+` t SET `+setList(cols)+` FROM `+stage+` s WHERE `+cond); err != nil {
			return err
		}
		_, err := w.tx.Exec(ctx, `INSERT INTO `+table+` (`+list+`) SELECT `+list+` FROM `+stage+` s
			WHERE NOT EXISTS (SELECT 1 FROM `+table+` t WHERE `+cond+`) ORDER BY `+strings.Join(keyCols, ", "))
		return err
	}
	_, err := w.tx.Exec(ctx, `INSERT INTO `+table+` (`+list+`) SELECT `+list+` FROM `+stage+` s ORDER BY `+strings.Join(keyCols, ", "))
	return err
}

// bumpSequence keeps an id sequence ahead of the ids a batch inserted.
func (w *bulkWriter) bumpSequence(ctx context.Context, table, seq string) error {
	return bumpSequence(ctx, w.tx, seq, w.maxID[table])
}

// fail translates a database error of a batch of table.
func fail(table string, err error) error {
	return fmt.Errorf("upsert %s: %w", table, dbErr(err))
}
