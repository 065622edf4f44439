package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// batchParams bounds the bound parameters of one multi-row statement;
// with 13 columns a contacts batch is 250 rows. SQLite allows 32,766.
const batchParams = 3300

// tableDef describes a table for the bulk path.
type tableDef struct {
	name     string
	cols     []string
	conflict string // the primary key, the ON CONFLICT target
	key      string // change_log key, and key2 ("NULL" if none)
	key2     string
	fts      string // the FTS5 table kept in sync with this one, if any
	rowDesc  func(args []any) string
}

// newTableDef derives the bulk definition of a table from its
// description; fts names its FTS5 table, if any.
func newTableDef[T any](desc *pursuit.Table[T], fts string) tableDef {
	def := tableDef{name: desc.Name, cols: desc.Names(), conflict: strings.Join(desc.Key, ", "), key: desc.Key[0], key2: "NULL", fts: fts}
	if len(desc.Key) == 2 {
		c1, c2 := desc.Key[0], desc.Key[1]
		def.key2 = c2
		def.rowDesc = func(a []any) string { return fmt.Sprintf("(%s=%v, %s=%v)", c1, a[0], c2, a[1]) }
	} else {
		def.rowDesc = func(a []any) string { return fmt.Sprintf("%s=%v", def.key, a[0]) }
	}
	return def
}

var (
	customersDef     = newTableDef(pursuit.Customers, "")
	placesDef        = newTableDef(pursuit.Places, "places_fts")
	contactsDef      = newTableDef(pursuit.Contacts, "contacts_fts")
	techStackDef     = newTableDef(pursuit.TechStacks, "")
	placeGrantsDef   = newTableDef(pursuit.PlaceGrants, "")
	contactGrantsDef = newTableDef(pursuit.ContactGrants, "")
	mappingsDef      = newTableDef(pursuit.Mappings, "")
)

// upsertSQL returns the statement that upserts n rows of def.
func (def *tableDef) upsertSQL(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", def.name, strings.Join(def.cols, ", "))
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(def.cols)), ", ") + ")"
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	fmt.Fprintf(&b, " ON CONFLICT (%s) DO UPDATE SET ", def.conflict)
	first := true
	key := map[string]bool{}
	for _, c := range strings.Split(def.conflict, ", ") {
		key[c] = true
	}
	for _, c := range def.cols {
		if key[c] {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		fmt.Fprintf(&b, "%s = excluded.%s", c, c)
	}
	return b.String()
}

// bulkTable is the state of one table within a Bulk call.
type bulkTable struct {
	def *tableDef
	// fast is set when the table was empty at its first upsert: its
	// secondary indexes and triggers are dropped, to be rebuilt (and the
	// change_log filled set-wise) before commit.
	fast     bool
	indexes  []string // CREATE INDEX statements to restore
	triggers []string // CREATE TRIGGER statements to restore
	stmts    map[int]*sql.Stmt
}

// bulk is the pursuit.BulkWriter of one Bulk transaction. It is not safe
// for concurrent use: fn calls its methods from one goroutine at a time.
type bulk struct {
	db *DB
	// tx is the writer's connection, pinned for the Bulk and inside its
	// transaction.
	tx  *sql.Conn
	now time.Time
	// cacheKiB is the writer's page cache during the Bulk.
	cacheKiB int
	tables   map[string]*bulkTable
	order    []*bulkTable
	args     []any
	// err is the first error an Upsert returned: Bulk fails with it even
	// when fn went on and returned nil, as on PostgreSQL, where a failed
	// statement dooms the transaction.
	err error
}

// record notes the first error of an Upsert and returns err.
func (b *bulk) record(err error) error {
	if err != nil && b.err == nil {
		b.err = err
	}
	return err
}

// Bulk runs fn in one write transaction and commits what it wrote, or
// rolls everything back when fn (or the commit) fails.
//
// A table that is empty when fn first writes it is loaded the fast way:
// its non-unique secondary indexes and its triggers (FTS sync and
// change_log) are dropped inside the transaction, the rows go in with
// batched multi-row upserts, and before commit the indexes are rebuilt,
// the FTS5 index is rebuilt from the table, and change_log gets one
// insert row per loaded row in key order. Tables with rows are written
// with the same batched upserts, their triggers logging each row.
// Foreign keys are enforced on both paths.
//
// Bulk holds the store's single writer connection until it returns, so fn
// must write only through the BulkWriter: a call to another write method
// of the same DB from inside fn would wait for the connection forever.
// Reads through the DB work, and see the data as it was before Bulk,
// except during a load into a fresh store that had the file to itself
// (bulkjournal.go): they fail with EUNAVAILABLE.
func (db *DB) Bulk(ctx context.Context, fn func(pursuit.BulkWriter) error) error {
	// The Bulk pins the writer's one connection and runs its pragmas and
	// its transaction on it by hand: a load into a fresh store begins
	// with BEGIN EXCLUSIVE (bulkjournal.go), which database/sql's BeginTx
	// cannot ask for, and the pragmas set around the transaction must be
	// set back on the same connection.
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return dbErr(fmt.Errorf("bulk: %w", err))
	}
	// discard drops the connection instead of returning it to the pool,
	// when a setting could not be put back: the next one opens with the
	// defaults.
	var discard bool
	defer func() {
		if discard {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}()
	bg := context.WithoutCancel(ctx)
	// Temporary storage in files, not memory, for the Bulk: with
	// temp_store = MEMORY SQLite's external sorter, which CREATE INDEX
	// uses, keeps every record in its own allocation and never writes a
	// sorted run (sqlite3VdbeSorterInit skips its memory budget when
	// temp is in memory), and a statement's sub-journal grows in 1 KiB
	// chunks that are freed one by one when the statement ends. With
	// files, the sorter fills one contiguous buffer of up to the cache
	// size per run and the sub-journal spills to a temporary file past
	// 64 KiB. The pragma cannot change inside a transaction, so it is
	// set before BEGIN and set back after.
	if _, err := conn.ExecContext(ctx, "PRAGMA temp_store = FILE"); err != nil {
		return dbErr(fmt.Errorf("bulk: temp_store: %w", err))
	}
	defer conn.ExecContext(bg, "PRAGMA temp_store = MEMORY")
	// Helper threads for the sorter (modernc.org/sqlite allows up to 8 and
	// the pragma answers the number it accepted): an index build hands
	// each full run to a helper, which sorts it and writes it to a
	// temporary file while the writer goes on scanning the table. They
	// only exist with temp_store = FILE.
	var threads int
	if err := conn.QueryRowContext(ctx, fmt.Sprintf("PRAGMA threads = %d", runtime.NumCPU())).Scan(&threads); err != nil {
		return dbErr(fmt.Errorf("bulk: threads: %w", err))
	}
	defer conn.ExecContext(bg, "PRAGMA threads = 0")
	db.debug("bulk: sorter helper threads", "threads", threads)
	begin := "BEGIN IMMEDIATE"
	if restore := db.freshJournal(ctx, conn); restore != nil {
		// From BEGIN on, the file is the load's alone: with a
		// rollback journal, BEGIN IMMEDIATE would let readers in
		// until the first cache spill, and a reader holding its lock
		// at COMMIT would fail the whole load.
		begin = "BEGIN EXCLUSIVE"
		defer func() {
			if err := restore(); err != nil {
				if db.Log != nil {
					db.Log.Error("bulk: switching back to WAL failed; dropping the writer's connection", "err", err)
				}
				discard = true
			}
		}()
	}
	if _, err := conn.ExecContext(ctx, begin); err != nil {
		return dbErr(fmt.Errorf("bulk: begin: %w", err))
	}
	done := false
	defer func() {
		if !done {
			conn.ExecContext(bg, "ROLLBACK")
		}
	}()
	cache := cmp.Or(max(db.BulkCacheKiB, 0), bulkCacheKiB)
	if cache != writerCacheKiB {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", cache)); err != nil {
			return dbErr(fmt.Errorf("bulk: cache size: %w", err))
		}
		// Give the memory back; the writer is idle again.
		defer conn.ExecContext(bg, fmt.Sprintf("PRAGMA cache_size = -%d", writerCacheKiB))
	}
	// Every row of a Bulk passes its Validate (upsert), which checks all
	// that the tables' CHECK constraints do (enums, ranges, one mapping
	// target) and more, so SQLite need not check them again row by row:
	// the email_status IN (…) check alone cost 0.5 µs a contact, about
	// 2 s of a seed-scale load. Foreign keys stay enforced.
	if _, err := conn.ExecContext(ctx, "PRAGMA ignore_check_constraints = ON"); err != nil {
		return dbErr(fmt.Errorf("bulk: check constraints: %w", err))
	}
	defer func() {
		// The writer's other statements rely on the constraints again.
		// Should that fail, the connection is dropped.
		if _, err := conn.ExecContext(bg, "PRAGMA ignore_check_constraints = OFF"); err != nil {
			if db.Log != nil {
				db.Log.Error("bulk: turning CHECK constraints back on failed; dropping the writer's connection", "err", err)
			}
			discard = true
		}
	}()
	b := &bulk{db: db, tx: conn, now: db.now(), cacheKiB: cache, tables: map[string]*bulkTable{}}
	defer b.closeStmts()
	start := time.Now()
	if err := fn(b); err != nil {
		return err
	}
	if b.err != nil {
		return b.err
	}
	db.debug("bulk: load", "took", time.Since(start).Round(time.Millisecond))
	if err := b.finish(ctx); err != nil {
		return err
	}
	b.closeStmts()
	start = time.Now()
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		// A COMMIT that failed (SQLITE_BUSY, say) leaves the
		// transaction open; the deferred ROLLBACK ends it.
		return dbErr(fmt.Errorf("bulk: commit: %w", err))
	}
	done = true
	db.debug("bulk: commit", "took", time.Since(start).Round(time.Millisecond))
	return nil
}

func (b *bulk) closeStmts() {
	for _, t := range b.order {
		for n, st := range t.stmts {
			st.Close()
			delete(t.stmts, n)
		}
	}
}

// table returns the state of def's table, switching it to the fast path
// when it is empty.
func (b *bulk) table(ctx context.Context, def *tableDef) (*bulkTable, error) {
	if t, ok := b.tables[def.name]; ok {
		return t, nil
	}
	t := &bulkTable{def: def, stmts: map[int]*sql.Stmt{}}
	var nonEmpty bool
	if err := b.tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+def.name+")").Scan(&nonEmpty); err != nil {
		return nil, dbErr(fmt.Errorf("bulk %s: %w", def.name, err))
	}
	if !nonEmpty {
		if err := b.dropForLoad(ctx, t); err != nil {
			return nil, err
		}
	}
	b.tables[def.name] = t
	b.order = append(b.order, t)
	return t, nil
}

// dropForLoad drops the table's non-unique indexes and its triggers,
// remembering their definitions.
func (b *bulk) dropForLoad(ctx context.Context, t *bulkTable) error {
	rows, err := b.tx.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_master
		WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL
		ORDER BY type, name`, t.def.name)
	if err != nil {
		return dbErr(fmt.Errorf("bulk %s: list indexes: %w", t.def.name, err))
	}
	var drops []string
	for rows.Next() {
		var typ, name, def string
		if err := rows.Scan(&typ, &name, &def); err != nil {
			rows.Close()
			return dbErr(err)
		}
		switch {
		case typ == "trigger":
			t.triggers = append(t.triggers, def)
			drops = append(drops, "DROP TRIGGER "+name)
		case !strings.HasPrefix(strings.ToUpper(def), "CREATE UNIQUE"):
			t.indexes = append(t.indexes, def)
			drops = append(drops, "DROP INDEX "+name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbErr(err)
	}
	for _, d := range drops {
		if _, err := b.tx.ExecContext(ctx, d); err != nil {
			return dbErr(fmt.Errorf("bulk %s: %s: %w", t.def.name, d, err))
		}
	}
	t.fast = true
	return nil
}

// sortCacheKiB is the writer's page cache while finish builds indexes.
// SQLite's sorter sizes its runs by the page cache (one run per cache
// size of records): at 256 MiB the largest index of the seed's contacts
// (4.5 M names) is a single run that the writer sorts alone, at 64 MiB it
// is several, which the helper threads sort while the writer scans.
const sortCacheKiB = 64 << 10

// finish restores what dropForLoad dropped: for each table its indexes,
// the change_log rows of the loaded rows and its triggers, then the FTS
// indexes of all tables, then fresh statistics.
//
// The FTS rebuilds come last: an FTS5 'optimize' frees the pages of the
// segments it merged, and a later statement of the same transaction that
// took them from the free list (an index build, the change_log rows)
// would first copy each into its statement journal. Last, they stay on
// the free list for the writes after the load.
func (b *bulk) finish(ctx context.Context) error {
	exec := func(what, q string) error {
		start := time.Now()
		if _, err := b.tx.ExecContext(ctx, q); err != nil {
			return dbErr(fmt.Errorf("bulk: %s: %w", what, err))
		}
		b.db.debug("bulk: "+what, "took", time.Since(start).Round(time.Millisecond))
		return nil
	}
	b.closeStmts()
	analyze := false
	for _, t := range b.order {
		if !t.fast {
			continue
		}
		name := t.def.name
		if len(t.indexes) > 0 && b.cacheKiB > sortCacheKiB {
			if err := exec("sort cache", fmt.Sprintf("PRAGMA cache_size = -%d", sortCacheKiB)); err != nil {
				return err
			}
		}
		for _, q := range t.indexes {
			if err := exec("rebuild index of "+name, q); err != nil {
				return err
			}
		}
		if len(t.indexes) > 0 && b.cacheKiB > sortCacheKiB {
			if err := exec("bulk cache", fmt.Sprintf("PRAGMA cache_size = -%d", b.cacheKiB)); err != nil {
				return err
			}
		}
		if err := exec("change_log rows of "+name, `INSERT INTO change_log (table_name, op, key, key2, changed_at)
			SELECT '`+name+`', 'insert', `+t.def.key+`, `+t.def.key2+`, CAST(unixepoch('subsec') * 1000000 AS INTEGER)
			FROM `+name+` ORDER BY `+t.def.conflict); err != nil {
			return err
		}
		for _, q := range t.triggers {
			if err := exec("restore trigger of "+name, q); err != nil {
				return err
			}
		}
		analyze = true
	}
	for _, t := range b.order {
		fts := t.def.fts
		if !t.fast || fts == "" {
			continue
		}
		// With automerge off, the rebuild writes its segments without
		// merging them level by level as it goes; one 'optimize' then
		// merges them all in a single pass into one segment, the best
		// shape for queries. automerge is then set back to FTS5's
		// default of 4 for the writes that follow.
		for _, step := range []struct{ what, q string }{
			{"pause " + fts + " automerge", "INSERT INTO " + fts + " (" + fts + ", rank) VALUES ('automerge', 0)"},
			{"rebuild " + fts, "INSERT INTO " + fts + " (" + fts + ") VALUES ('rebuild')"},
			{"optimize " + fts, "INSERT INTO " + fts + " (" + fts + ") VALUES ('optimize')"},
			{"restore " + fts + " automerge", "INSERT INTO " + fts + " (" + fts + ", rank) VALUES ('automerge', 4)"},
		} {
			if err := exec(step.what, step.q); err != nil {
				return err
			}
		}
	}
	if analyze {
		// Fresh statistics for the planner, sampled so that this stays
		// cheap on millions of rows.
		if err := exec("analyze", "PRAGMA analysis_limit = 1000"); err != nil {
			return err
		}
		for _, t := range b.order {
			if t.fast {
				if err := exec("analyze", "ANALYZE "+t.def.name); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// stmt returns the prepared upsert of n rows.
func (b *bulk) stmt(ctx context.Context, t *bulkTable, n int) (*sql.Stmt, error) {
	if st, ok := t.stmts[n]; ok {
		return st, nil
	}
	st, err := b.tx.PrepareContext(ctx, t.def.upsertSQL(n))
	if err != nil {
		return nil, dbErr(fmt.Errorf("bulk %s: prepare: %w", t.def.name, err))
	}
	t.stmts[n] = st
	return st, nil
}

// upsert validates rows (keys required, zero stamped times set to the
// Bulk's start), turns each into its column values as the description
// says, and writes them in batches. The rows' foreign keys, also from the
// description, are checked one by one only when a batch fails its
// foreign-key constraint, to name the row and column at fault.
func upsert[T any, P interface {
	*T
	Validate() error
}](ctx context.Context, b *bulk, def *tableDef, desc *pursuit.Table[T], rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	prep := func(r *T) error {
		desc.Normalize(r)
		stampTimes(desc, r, b.now)
		if err := P(r).Validate(); err != nil {
			return err
		}
		if len(desc.Key) == 1 {
			return requireID(desc.Key[0], *desc.Columns[0].Int(r))
		}
		return nil
	}
	args := func(dst []any, r *T) []any { return appendArgs(desc, dst, r) }
	refs := func(r *T) []ref {
		var out []ref
		for i := range desc.Columns {
			if c := &desc.Columns[i]; c.Ref != "" {
				out = append(out, ref{c.Name, c.Ref, *c.Int(r)})
			}
		}
		return out
	}
	t, err := b.table(ctx, def)
	if err != nil {
		return err
	}
	ncol := len(def.cols)
	per := batchParams / ncol
	for lo := 0; lo < len(rows); lo += per {
		chunk := rows[lo:min(lo+per, len(rows))]
		a := b.args[:0]
		for i := range chunk {
			v := chunk[i]
			if err := prep(&v); err != nil {
				return rowErr(def, args(nil, &v), err)
			}
			a = args(a, &v)
		}
		b.args = a
		st, err := b.stmt(ctx, t, len(chunk))
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, a...); err != nil {
			if isForeignKey(err) {
				for i := range chunk {
					v := chunk[i]
					if e := missingRef(ctx, b.tx, def.name, def.rowDesc(a[i*ncol:]), refs(&v)...); e != nil {
						return e
					}
				}
			}
			if isUnique(err) {
				return &pursuit.Error{Code: pursuit.ECONFLICT, Message: def.name + ": a row repeats a unique key", Err: err}
			}
			return dbErr(fmt.Errorf("bulk %s: %w", def.name, err))
		}
	}
	return nil
}

// rowErr names the row in a validation error of the bulk path.
func rowErr(def *tableDef, args []any, err error) error {
	if e, ok := err.(*pursuit.Error); ok {
		return &pursuit.Error{Code: e.Code, Field: e.Field, Message: fmt.Sprintf("%s row %s: %s", def.name, def.rowDesc(args), e.Message), Err: e}
	}
	return err
}

// requireID rejects a bulk row without its key: upserts need the key to
// know which row to replace.
func requireID(field string, id int64) error {
	if id <= 0 {
		return pursuit.FieldErrorf(pursuit.EINVALID, field, "is required on the bulk path (got %d)", id)
	}
	return nil
}

// UpsertCustomers inserts or replaces customers.
func (b *bulk) UpsertCustomers(ctx context.Context, rows []pursuit.Customer) error {
	return b.record(upsert(ctx, b, &customersDef, pursuit.Customers, rows))
}

// UpsertPlaces inserts or replaces places.
func (b *bulk) UpsertPlaces(ctx context.Context, rows []pursuit.Place) error {
	return b.record(upsert(ctx, b, &placesDef, pursuit.Places, rows))
}

// UpsertContacts inserts or replaces contacts.
func (b *bulk) UpsertContacts(ctx context.Context, rows []pursuit.Contact) error {
	return b.record(upsert(ctx, b, &contactsDef, pursuit.Contacts, rows))
}

// UpsertTechStack inserts or replaces tech_stack rows.
func (b *bulk) UpsertTechStack(ctx context.Context, rows []pursuit.TechStack) error {
	return b.record(upsert(ctx, b, &techStackDef, pursuit.TechStacks, rows))
}

// UpsertPlaceGrants inserts or replaces customer_place_relation rows.
func (b *bulk) UpsertPlaceGrants(ctx context.Context, rows []pursuit.CustomerPlaceRelation) error {
	return b.record(upsert(ctx, b, &placeGrantsDef, pursuit.PlaceGrants, rows))
}

// UpsertContactGrants inserts or replaces customer_contact_relation rows.
func (b *bulk) UpsertContactGrants(ctx context.Context, rows []pursuit.CustomerContactRelation) error {
	return b.record(upsert(ctx, b, &contactGrantsDef, pursuit.ContactGrants, rows))
}

// UpsertCustomerMappings inserts or replaces customer_mapping rows.
func (b *bulk) UpsertCustomerMappings(ctx context.Context, rows []pursuit.CustomerMapping) error {
	return b.record(upsert(ctx, b, &mappingsDef, pursuit.Mappings, rows))
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
