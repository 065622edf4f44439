package postgres

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

// Bulk runs fn in one transaction holding the write lock. Upserts are
// checked at once (Validate, keys present, places exist); contacts, tech
// stack, grants and mappings are then collected up to flushRows rows per
// table and written by a goroutine while the next rows are checked (one
// write at a time; see flush): COPYed into a temporary staging table and
// merged set-based: an INSERT … SELECT for new keys, an UPDATE … FROM
// staging or ON CONFLICT DO UPDATE for existing ones (which also moves a
// place to another state partition, or a contact to another place, and
// cascades). Parents are
// locked set-based and the INSERTs skip the per-row foreign-key triggers;
// the change_log triggers log every row. Secondary indexes of tables that
// were empty are dropped at the first write and rebuilt before the commit.
// Nothing is applied or logged when fn, a batch or the commit fails.
//
// Bulk rows carry their keys (EINVALID when a key is 0). A key given twice
// keeps its last row. CreatedAt, UpdatedAt and GrantedAt are kept as given,
// or set to now when zero. docs/schema.md explains the choices.
func (db *DB) Bulk(ctx context.Context, fn func(pursuit.BulkWriter) error) error {
	// An earlier load interrupted after its commit left indexes to build.
	if err := db.buildPendingIndexes(ctx); err != nil {
		return fmt.Errorf("bulk: indexes an earlier load left to build: %w", err)
	}
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
		set_config('work_mem', '64MB', true)`); err != nil {
		return dbErr(err)
	}
	flushRows := db.flushRows
	if flushRows <= 0 {
		flushRows = defaultFlushRows
	}
	w := &bulkWriter{ctx: ctx, flushRows: flushRows, tx: tx, now: now, maxID: map[string]int64{}, staged: map[string]bool{}, seen: map[string]bool{}, debug: db.debug}
	// A failed fn still waits for the write in flight: the transaction
	// is rolled back only once nothing uses its connection.
	defer w.wait()
	start := time.Now()
	if err := fn(w); err != nil {
		return err
	}
	if w.err != nil {
		return w.err
	}
	if err := w.drain(); err != nil {
		return err
	}
	db.debug("bulk: load", "took", time.Since(start).Round(time.Millisecond),
		"writes", w.writeTime.Round(time.Millisecond), "waited_for_writes", w.waitTime.Round(time.Millisecond))
	if err := w.rebuildIndexes(ctx); err != nil {
		return err
	}
	start = time.Now()
	if err := w.analyze(ctx); err != nil {
		return err
	}
	db.debug("bulk: analyze", "took", time.Since(start).Round(time.Millisecond))
	if err := w.recordPending(ctx); err != nil {
		return err
	}
	start = time.Now()
	if err := tx.Commit(ctx); err != nil {
		return dbErr(err)
	}
	db.debug("bulk: commit", "took", time.Since(start).Round(time.Millisecond))
	if err := db.buildPendingIndexes(ctx); err != nil {
		return fmt.Errorf("bulk: the load is committed, but an index of it is not built yet (the next load or pursuit migrate builds it): %w", err)
	}
	return nil
}

// bulkWriter is the pursuit.BulkWriter of one Bulk transaction.
type bulkWriter struct {
	// mu serializes the Upsert calls: they share one connection.
	mu  sync.Mutex
	ctx context.Context // the Bulk's, for the writes flush starts
	tx  pgx.Tx
	now time.Time

	// writing is closed when the write flush started in the background
	// ends, nil when none runs; writeErr is the first such write's error.
	// While a write runs, it alone uses tx and the fields below it
	// touches (maxID, staged, seen, dropped, newContacts, replica); the
	// Upserts only check rows against states, which is loaded before the
	// first background write and changed only by UpsertPlaces after
	// drain. See flush.
	writing  chan struct{}
	writeErr error
	// writeTime is how long the background writes took, waitTime how
	// long the Upserts waited for them: the load's debug record shows
	// whether the checks or the database held it up.
	writeTime, waitTime time.Duration
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
	// seen records the tables this Bulk has written; dropped holds the
	// CREATE INDEX statements of the indexes deferIndexes dropped.
	seen    map[string]bool
	dropped []string
	// later holds the dropped indexes of the tables afterCommit names:
	// built after the commit, in parallel (buildPendingIndexes).
	later []pendingIndex
	// newContacts records the places of the contacts this Bulk inserted
	// as new, for the grants and mappings that reference them.
	newContacts contactPlaces

	// pending names the table whose checked rows wait in the slice below
	// for flush: Upserts of contacts, tech stack, grants and mappings
	// collect up to flushRows rows, so a generator's 10,000-row batches are
	// merged in fewer, larger statements. Upserts of customers and places,
	// which later rows' checks depend on, write at once.
	pending       string
	flushRows     int
	rows          int // rows collected, for analyze
	contacts      []pursuit.Contact
	tech          []pursuit.TechStack
	placeGrants   []pursuit.CustomerPlaceRelation
	contactGrants []pursuit.CustomerContactRelation
	mappings      []pursuit.CustomerMapping

	// debug logs the phases (DB.debug).
	debug func(msg string, args ...any)

	// err is the first error an Upsert returned: Bulk fails with it even
	// when fn went on and returned nil (a failed statement would doom the
	// transaction anyway; a failed check would not), as on SQLite.
	err error
}

// record notes the first error of an Upsert.
func (w *bulkWriter) record(err *error) {
	if *err != nil && w.err == nil {
		w.err = *err
	}
}

// defaultFlushRows is how many rows of one table Bulk collects before it
// writes them.
const defaultFlushRows = 50_000

// add appends a checked batch of table to the pending rows, writing the
// pending rows of another table first, and writes when flushRows are
// pending. Database errors (a taken unique key, a missing contact) of
// collected rows thus surface at a later Upsert call or from Bulk.
func (w *bulkWriter) add(table string, n int, appendRows func()) error {
	if w.pending != table {
		if err := w.flush(); err != nil {
			return err
		}
	}
	w.pending = table
	w.rows += n
	appendRows()
	if len(w.contacts)+len(w.tech)+len(w.placeGrants)+len(w.contactGrants)+len(w.mappings) >= w.flushRows {
		return w.flush()
	}
	return nil
}

// flush starts writing the pending rows in the background, once the
// previous write has ended, and returns the error of any earlier write.
// While PostgreSQL works on one batch, the Upserts go on checking and
// collecting the next: the checks and the database no longer take turns
// (a seed-scale load spent a third of its time with the server idle).
// The write uses the Bulk's context.
func (w *bulkWriter) flush() error {
	if err := w.wait(); err != nil {
		return err
	}
	if w.pending == "" {
		return nil
	}
	// Every write reads the states; loaded here, with no write running,
	// the writes never change the map while an Upsert reads it.
	if err := w.loadStates(w.ctx); err != nil {
		return fail(w.pending, err)
	}
	var write func(ctx context.Context) error
	switch w.pending {
	case pursuit.TableContacts:
		rows := w.contacts
		write = func(ctx context.Context) error { return w.writeContacts(ctx, rows) }
		w.contacts = nil
	case pursuit.TableTechStack:
		rows := w.tech
		write = func(ctx context.Context) error { return writeRows(ctx, w, techStackBulk, rows) }
		w.tech = nil
	case pursuit.TableCustomerPlaceRelation:
		rows := w.placeGrants
		write = func(ctx context.Context) error { return writeRows(ctx, w, placeGrantsBulk, rows) }
		w.placeGrants = nil
	case pursuit.TableCustomerContactRelation:
		rows := w.contactGrants
		write = func(ctx context.Context) error { return writeRows(ctx, w, contactGrantsBulk, rows) }
		w.contactGrants = nil
	case pursuit.TableCustomerMapping:
		rows := w.mappings
		write = func(ctx context.Context) error { return writeRows(ctx, w, mappingsBulk, rows) }
		w.mappings = nil
	}
	w.pending = ""
	done := make(chan struct{})
	w.writing = done
	go func() {
		defer close(done)
		t0 := time.Now()
		w.writeErr = write(w.ctx)
		w.writeTime += time.Since(t0)
	}()
	return nil
}

// wait waits for the background write, if one runs, and returns the
// error of the first write that failed (the transaction is then doomed).
func (w *bulkWriter) wait() error {
	if w.writing != nil {
		t0 := time.Now()
		<-w.writing
		w.waitTime += time.Since(t0)
		w.writing = nil
	}
	return w.writeErr
}

// drain writes the pending rows and waits for them: what an Upsert that
// uses the transaction itself does first.
func (w *bulkWriter) drain() error {
	if err := w.flush(); err != nil {
		return err
	}
	return w.wait()
}

// deferIndexes drops the secondary indexes (neither primary key nor
// unique) of table when this is the Bulk's first write to it and the
// table is empty; rebuildIndexes creates them again before the commit.
// Building an index from a loaded table is a sort, several times faster
// than maintaining it row by row, and a random-order index (contacts'
// name, full text) larger than shared_buffers thrashes when maintained
// row by row. DDL is transactional: a failed Bulk rolls back to the
// original indexes. The DROP holds an ACCESS EXCLUSIVE lock on the
// (empty) table until the commit, so readers of it wait for the load.
func (w *bulkWriter) deferIndexes(ctx context.Context, table string) error {
	if w.seen[table] {
		return nil
	}
	w.seen[table] = true
	// Only the table's owner may drop its indexes; other roles load with
	// the indexes in place.
	var empty bool
	err := w.tx.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM `+table+`)
		AND pg_has_role(relowner, 'MEMBER') FROM pg_class WHERE oid = $1::regclass`, table).Scan(&empty)
	if err != nil {
		return err
	}
	if !empty {
		return nil
	}
	rows, err := w.tx.Query(ctx, `SELECT c.relname, pg_get_indexdef(i.indexrelid)
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE i.indrelid = $1::regclass AND NOT i.indisunique AND NOT i.indisprimary
		ORDER BY c.relname`, table)
	if err != nil {
		return err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return err
		}
		names, defs = append(names, name), append(defs, strings.Replace(def, " ON ONLY ", " ON ", 1))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for i, name := range names {
		if _, err := w.tx.Exec(ctx, `DROP INDEX `+pgx.Identifier{name}.Sanitize()); err != nil {
			return err
		}
		if afterCommit(table) {
			w.later = append(w.later, pendingIndex{name: name, table: table, def: defs[i]})
			continue
		}
		w.dropped = append(w.dropped, defs[i])
	}
	return nil
}

// rebuildIndexes creates the indexes deferIndexes dropped.
func (w *bulkWriter) rebuildIndexes(ctx context.Context) error {
	if len(w.dropped) == 0 {
		return nil
	}
	if _, err := w.tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '256MB'`); err != nil {
		return dbErr(err)
	}
	for _, def := range w.dropped {
		start := time.Now()
		if _, err := w.tx.Exec(ctx, def); err != nil {
			return fmt.Errorf("rebuild index: %w", dbErr(err))
		}
		w.debug("bulk: rebuild index", "index", def, "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// parent is a foreign key of a staged table: the referenced table and key
// columns, the staging columns holding the key, and the domain field and
// row name for messages.
type parent struct {
	table     string
	cols      []string
	stageCols []string
	field     string
	name      string
	// probe locks each parent through a LATERAL index probe rather than a
	// join: for contacts, where a hash join would scan millions of rows per
	// batch. For the small places and customers the join is faster (a
	// probe of the 57 place partitions per key is not pruned).
	probe bool
}

var (
	placeParent      = parent{"places", []string{"place_id", "state_abbr"}, []string{"place_id", "state_abbr"}, "place_id", "place", false}
	customerParent   = parent{"customers", []string{"customer_id"}, []string{"customer_id"}, "customer_id", "customer", false}
	contactParent    = parent{"contacts", []string{"contact_id", "place_id"}, []string{"contact_id", "place_id"}, "contact_id", "contact", true}
	mapPlaceParent   = parent{"places", []string{"place_id", "state_abbr"}, []string{"place_id", "place_state_abbr"}, "place_id", "place", false}
	mapContactParent = parent{"contacts", []string{"contact_id", "place_id"}, []string{"contact_id", "contact_place_id"}, "contact_id", "contact", true}
)

// lockParents checks that every parent row the staged rows reference
// exists and locks it FOR KEY SHARE, set-based: what the per-row
// foreign-key triggers would do, in one statement per parent table. A
// missing parent is EFOREIGNKEY naming the first missing key.
func (w *bulkWriter) lockParents(ctx context.Context, table, stage string, p parent) error {
	var on []string
	for i, c := range p.cols {
		on = append(on, "p."+c+" = s."+p.stageCols[i])
	}
	keys := strings.Join(p.stageCols, ", ")
	distinct := `SELECT DISTINCT ` + keys + ` FROM ` + stage + ` WHERE ` + p.stageCols[0] + ` IS NOT NULL`
	locked := `SELECT 1 FROM ` + p.table + ` p JOIN d s ON ` + strings.Join(on, " AND ") + ` FOR KEY SHARE OF p`
	if p.probe {
		locked = `SELECT 1 FROM d s CROSS JOIN LATERAL (
			SELECT 1 FROM ` + p.table + ` p WHERE ` + strings.Join(on, " AND ") + ` FOR KEY SHARE) x`
	}
	var want, got int64
	err := w.tx.QueryRow(ctx, `WITH d AS MATERIALIZED (`+distinct+`), locked AS (`+locked+`)
		SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM locked)`).Scan(&want, &got)
	if err != nil {
		return err
	}
	if want == got {
		return nil
	}
	var missing int64
	err = w.tx.QueryRow(ctx, `SELECT s.`+p.stageCols[0]+` FROM `+stage+` s WHERE s.`+p.stageCols[0]+` IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM `+p.table+` p WHERE `+strings.Join(on, " AND ")+`)
		ORDER BY 1 LIMIT 1`).Scan(&missing)
	if err != nil {
		return err
	}
	return pursuit.FieldErrorf(pursuit.EFOREIGNKEY, p.field, "%s %d does not exist (referenced by %s.%s)", p.name, missing, table, p.field)
}

// insertChecked runs an INSERT … SELECT from stage after lockParents has
// checked and locked the rows' parents, with session_replication_role =
// replica, which skips the per-row foreign-key triggers. On PostgreSQL 15
// each per-row check of a key of the 57-partition places costs ~25µs, most
// of a bulk load. The change_log and uniqueness triggers are ENABLE ALWAYS
// and still fire, and so do the indexes' unique checks. When the role may
// not set session_replication_role, the INSERT runs with the triggers.
func (w *bulkWriter) insertChecked(ctx context.Context, table, stage string, parents []parent, sql string) error {
	for _, p := range parents {
		if err := w.lockParents(ctx, table, stage, p); err != nil {
			return err
		}
	}
	if len(parents) == 0 {
		_, err := w.tx.Exec(ctx, sql)
		return err
	}
	return w.withoutFKTriggers(ctx, func() error {
		_, err := w.tx.Exec(ctx, sql)
		return err
	})
}

// withoutFKTriggers runs fn with session_replication_role = replica when
// the role may set it, and as is otherwise.
func (w *bulkWriter) withoutFKTriggers(ctx context.Context, fn func() error) error {
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
		return fn()
	}
	if _, err := w.tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		return err
	}
	if err := fn(); err != nil {
		return err
	}
	_, err := w.tx.Exec(ctx, `SET LOCAL session_replication_role = origin`)
	return err
}

// copyNew COPYs n rows whose ids are all new straight into table, without
// a staging table: the fresh-load path. It locks the rows' places FOR KEY
// SHARE (lockKeys, from placeIDs and states, which the caller has checked
// against the states map), and COPYs without the per-row foreign-key
// triggers, like insertChecked. COPY fires the statement triggers, so
// change_log is written as for an INSERT.
func (w *bulkWriter) copyNew(ctx context.Context, table string, cols []string, n int, row func(j int) []any, placeIDs []int64, states []string) error {
	err := w.lockKeys(ctx, table, placeParent, n, func(j int) (int64, string, bool) { return placeIDs[j], states[j], true })
	if err != nil {
		return err
	}
	return w.withoutFKTriggers(ctx, func() error {
		return copyBinary(ctx, w.tx.Conn(), table, cols, n, row)
	})
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
	return copyBinary(ctx, w.tx.Conn(), name, cols, n, row)
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
		return &pursuit.Error{Code: e.Code, Field: e.Field, Message: fmt.Sprintf("%s (%s, row %d of the batch)", e.Message, table, row+1), Err: e}
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

// checkRows validates a batch: each row must pass Validate and, in a
// table with a single-column key, have its key (requireID).
func checkRows[T any, P interface {
	*T
	Validate() error
}](desc *pursuit.Table[T], rows []T) error {
	for i := range rows {
		if len(desc.Key) == 1 {
			if err := requireID(desc.Name, desc.Key[0], i, desc.KeyOf(&rows[i])[0]); err != nil {
				return err
			}
		}
		if err := P(&rows[i]).Validate(); err != nil {
			return rowErr(desc.Name, i, err)
		}
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

// merge inserts the staged rows into table and, unless allNew, replaces
// the rows whose key (keyCols, the first columns of cols) exists, with one
// INSERT … ON CONFLICT DO UPDATE: one index probe per row. It is for
// tables whose primary key is not partitioned. Parents are checked
// set-based (see insertChecked).
func (w *bulkWriter) merge(ctx context.Context, table, stage string, cols, keyCols []string, allNew bool, parents ...parent) error {
	list := strings.Join(cols, ", ")
	order := strings.Join(keyCols, ", ")
	sql := `INSERT INTO ` + table + ` (` + list + `) SELECT ` + list + ` FROM ` + stage + ` s ORDER BY ` + order
	if !allNew {
		var set []string
		for _, c := range cols[len(keyCols):] {
			set = append(set, c+" = excluded."+c)
		}
		sql += ` ON CONFLICT (` + order + `) DO UPDATE SET ` + strings.Join(set, ", ")
	}
	return w.insertChecked(ctx, table, stage, parents, sql)
}

// bumpSequence keeps an id sequence ahead of the ids a batch inserted.
func (w *bulkWriter) bumpSequence(ctx context.Context, table, seq string) error {
	return bumpSequence(ctx, w.tx, seq, w.maxID[table])
}

// probeJoin runs an UPDATE … FROM staging with hash and merge joins off,
// so the planner probes the target's primary key (and the one partition
// it prunes to) per staged row rather than scanning the whole table for
// every batch; the staging tables have no statistics to plan by.
func (w *bulkWriter) probeJoin(ctx context.Context, sql string) error {
	if _, err := w.tx.Exec(ctx, `SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`); err != nil {
		return err
	}
	if _, err := w.tx.Exec(ctx, sql); err != nil {
		return err
	}
	_, err := w.tx.Exec(ctx, `SELECT set_config('enable_hashjoin', 'on', true), set_config('enable_mergejoin', 'on', true)`)
	return err
}

// fail translates a database error of a batch of table.
func fail(table string, err error) error {
	return fmt.Errorf("upsert %s: %w", table, dbErr(err))
}

// lockKeys checks that the parent p of every row of a batch exists and
// locks it FOR KEY SHARE, from the rows' own values rather than a staging
// table: the direct-COPY paths. key returns row j's key in p (the id,
// and the text second column when p's key has two) and whether the row
// has a parent (false: NULL). The distinct keys go to PostgreSQL as
// arrays; a missing parent is EFOREIGNKEY naming the first missing key,
// as lockParents says it.
func (w *bulkWriter) lockKeys(ctx context.Context, table string, p parent, n int, key func(j int) (id int64, s string, ok bool)) error {
	if len(p.cols) > 2 {
		return fmt.Errorf("lockKeys: %d key columns for %s", len(p.cols), p.table)
	}
	type pair struct {
		id int64
		s  string
	}
	seen := make(map[pair]bool, 1024)
	var ids []int64
	var strs []string
	for j := range n {
		id, s, ok := key(j)
		if !ok {
			continue
		}
		if k := (pair{id, s}); !seen[k] {
			seen[k] = true
			ids, strs = append(ids, id), append(strs, s)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	keys := `SELECT unnest($1::bigint[]) AS k1`
	on := `p.` + p.cols[0] + ` = s.k1`
	args := []any{ids}
	if len(p.cols) == 2 {
		keys = `SELECT * FROM unnest($1::bigint[], $2::text[]) AS s (k1, k2)`
		on += ` AND p.` + p.cols[1] + ` = s.k2`
		args = append(args, strs)
	}
	var locked int
	if err := w.tx.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM `+p.table+` p JOIN (`+keys+`) s ON `+on+`
		FOR KEY SHARE OF p) x`, args...).Scan(&locked); err != nil {
		return err
	}
	if locked == len(ids) {
		return nil
	}
	var missing int64
	if err := w.tx.QueryRow(ctx, `SELECT s.k1 FROM (`+keys+`) s
		WHERE NOT EXISTS (SELECT 1 FROM `+p.table+` p WHERE `+on+`) ORDER BY 1 LIMIT 1`, args...).Scan(&missing); err != nil {
		return err
	}
	return pursuit.FieldErrorf(pursuit.EFOREIGNKEY, p.field, "%s %d does not exist (referenced by %s.%s)", p.name, missing, table, p.field)
}
