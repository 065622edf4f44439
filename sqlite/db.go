package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/pursuit-gov/pursuit"
)

// Connection settings. The writer gets a large page cache while it runs a
// bulk load and its index builds (bulkCacheKiB, unless DB.BulkCacheKiB
// says otherwise), and otherwise a small one: a server's ordinary writes
// (engagement events on every search, single rows) fill the cache page by
// page with pages written once, memory outside the Go heap that stays
// resident (160 MB after 10 s of search traffic at the seed's scale with
// 256 MiB; 43 MB more with 32 MiB than with 4 MiB, docs/benchmarks.md).
// What the writer reads again (the b-trees' upper levels, the right edges
// they append at) fits 4 MiB, and a miss is a read from the operating
// system's page cache.
const (
	busyTimeout    = 10 * time.Second
	writerCacheKiB = 4 << 10
	bulkCacheKiB   = 256 << 10
	readerCacheKiB = 32 << 10
	maxReaders     = 4
	pageSize       = 16 << 10
)

var _ pursuit.Store = (*DB)(nil)

// DB is a pursuit.Store on one SQLite file. It holds two connection pools:
// a single writer connection, since SQLite admits one writer at a time and
// queueing writers in Go is cheaper than letting them spin on SQLITE_BUSY,
// and a pool of readers, which WAL mode lets run alongside the writer.
type DB struct {
	w    *sql.DB
	r    *sql.DB
	path string
	// scanURI opens the read-only connections of scanTable (rawscan.go);
	// raw pools them.
	scanURI string
	raw     rawPool

	// Now is the clock that sets created_at, updated_at, granted_at and
	// the other times the store fills in. It defaults to time.Now; tests
	// may replace it right after Open.
	Now func() time.Time
	// BulkCacheKiB is the page cache of the writer connection during a
	// Bulk call. A load that fits in the cache never spills dirty pages to
	// the WAL mid-transaction; spilled pages must be found again through
	// the WAL index, which gets slow as the WAL grows to gigabytes. Memory
	// is only taken as pages are touched: about 3.4 GiB of RSS for the
	// seed scale (4.5M contacts). Open leaves it 0 (256 MiB, bulkCacheKiB),
	// because at the seed scale a 4 GiB cache did not lower the CPU time of
	// a load and made its commit one long flush.
	BulkCacheKiB int
	// Log receives debug records of the bulk path's phases (how long each
	// index rebuild took, …); nil means no logging.
	Log *slog.Logger
	// ScanMmapBytes, when positive, is the mmap_size of the connections
	// whole-table scans take from then on (SQLite caps it at 2 GiB here):
	// they read pages straight from the mapped file instead of one pread
	// and copy each. A seed-scale index build spent ~1.5 s of CPU getting
	// pages, and took 0.87-0.98 of its time with mmap. The mapped pages
	// count in the process's resident size while a scan runs, so only
	// `pursuit index` (a process of its own, serve's build child among
	// them) sets it; a server's lake export keeps its memory goal.
	ScanMmapBytes int64

	// bulkKeepWAL keeps a Bulk into a fresh store in WAL mode
	// (bulkjournal.go), for tests of that path.
	bulkKeepWAL bool
}

// Open opens (creating it and its parent directory if needed) the SQLite
// database at path, in WAL mode with foreign keys enforced. It does not
// migrate: call Migrate.
func Open(ctx context.Context, path string) (*DB, error) {
	return open(ctx, path, true)
}

// OpenExisting opens the SQLite database at path like Open, but never
// creates it: a missing file (or parent directory) is ENOTFOUND with Field
// "db", and nothing is left on disk. It opens the file with SQLite's
// mode=rw, so not even a race with a concurrent delete creates it. A file
// without Pursuit's schema (an empty file, another application's
// database) is ENOTFOUND wrapping ErrNoSchema, and is left as it was.
func OpenExisting(ctx context.Context, path string) (*DB, error) {
	return open(ctx, path, false)
}

func open(ctx context.Context, path string, create bool) (*DB, error) {
	if path == "" {
		return nil, pursuit.FieldErrorf(pursuit.EINVALID, "db", "the SQLite path is empty")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, pursuit.FieldErrorf(pursuit.EINVALID, "db", "the SQLite path %q contains ? or #", path)
	}
	mode := "rwc"
	if create {
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("open sqlite %s: %w", path, err)
			}
		}
	} else {
		mode = "rw"
		fi, err := os.Stat(path)
		if errors.Is(err, os.ErrNotExist) {
			return nil, &pursuit.Error{Code: pursuit.ENOTFOUND, Field: "db", Message: fmt.Sprintf("%s: no such database", path), Err: err}
		}
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		if fi.IsDir() {
			return nil, pursuit.FieldErrorf(pursuit.EINVALID, "db", "%s is a directory, not a SQLite database", path)
		}
	}
	// A file: URI, so that SQLite applies mode= (a plain name would be
	// opened with SQLITE_OPEN_CREATE whatever its query says). In a URI
	// '%' starts an escape and a leading "//" an authority; ? and # are
	// refused above.
	uri := "file:" + strings.ReplaceAll(filepath.Clean(path), "%", "%25")
	if !create {
		if err := probeSchema(ctx, path, uri); err != nil {
			return nil, err
		}
	}
	pragmas := func(cacheKiB int, txlock string) string {
		q := url.Values{}
		q.Set("mode", mode)
		q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
		// New files get 16 KiB pages: a seed-scale bulk load took 0.72
		// of its time with them (78 s against 108 s, a quarter fewer
		// page reads and writes through the WAL and the sorter's
		// temporary files, each a system call), 32 KiB gained nothing
		// more, and a small write copies four times less into the WAL
		// than with 64 KiB. The pragma only shapes a file before its
		// first page is written, so it must run before journal_mode:
		// the driver runs the _pragma list in lexical order, and the
		// _journal_mode key after it. Existing files keep their size.
		q.Add("_pragma", fmt.Sprintf("page_size(%d)", pageSize))
		q.Set("_journal_mode", "WAL")
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_pragma", "temp_store(MEMORY)")
		q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", cacheKiB))
		if txlock != "" {
			q.Set("_txlock", txlock)
		}
		return uri + "?" + q.Encode()
	}
	db := &DB{path: path, scanURI: uri + "?mode=ro", Now: time.Now, BulkCacheKiB: 0}

	w, err := sql.Open("sqlite", pragmas(writerCacheKiB, "immediate"))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	var journal string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal); err != nil {
		w.Close()
		if err := lockedErr(path, err); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if !strings.EqualFold(journal, "wal") {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: journal_mode is %q, want wal", path, journal)
	}
	db.w = w

	r, err := sql.Open("sqlite", pragmas(readerCacheKiB, ""))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r.SetMaxOpenConns(maxReaders)
	r.SetMaxIdleConns(maxReaders)
	r.SetConnMaxIdleTime(5 * time.Minute)
	db.r = r
	return db, nil
}

// lockedErr returns EUNAVAILABLE naming path when err says another
// process holds the file (SQLITE_BUSY or SQLITE_LOCKED), as a Bulk into a
// fresh store does for the length of its load (bulkjournal.go); nil
// otherwise. It does not say how long it waited: a read waits the busy
// timeout, a change of journal mode not at all.
func lockedErr(path string, err error) error {
	if c := sqliteCode(err); c&0xff != sqlite3.SQLITE_BUSY && c&0xff != sqlite3.SQLITE_LOCKED {
		return nil
	}
	return &pursuit.Error{Code: pursuit.EUNAVAILABLE, Field: "db", Message: fmt.Sprintf(
		"%s is locked by another process (a bulk load into a new store holds the file until it commits); try again when it is done",
		path), Err: err}
}

// probeBusyTimeout is how long probeSchema waits for a file another
// process holds; a variable for tests.
var probeBusyTimeout = busyTimeout

// ErrNoSchema is the cause of OpenExisting's error for a file that is not
// a Pursuit database: empty, or another application's SQLite database.
var ErrNoSchema = errors.New("no Pursuit schema (schema_migrations)")

// probeSchema checks, on a connection with no pragmas (so a foreign
// database is neither converted to WAL nor otherwise written), that the
// file at uri holds a schema_migrations table.
func probeSchema(ctx context.Context, path, uri string) error {
	// busy_timeout only sets the connection's wait; it writes nothing.
	probe, err := sql.Open("sqlite", fmt.Sprintf("%s?mode=rw&_pragma=busy_timeout(%d)", uri, probeBusyTimeout.Milliseconds()))
	if err != nil {
		return fmt.Errorf("open sqlite %s: %w", path, err)
	}
	defer probe.Close()
	var n int
	err = probe.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").Scan(&n)
	if err := lockedErr(path, err); err != nil {
		return err
	}
	if err != nil {
		return &pursuit.Error{Code: pursuit.EINVALID, Field: "db", Message: fmt.Sprintf("%s is not a SQLite database: %v", path, err), Err: err}
	}
	if n == 0 {
		return &pursuit.Error{Code: pursuit.ENOTFOUND, Field: "db", Message: fmt.Sprintf("%s: not a Pursuit database (it has no schema)", path), Err: ErrNoSchema}
	}
	return nil
}

// Close closes both pools, first letting SQLite refresh the planner
// statistics it finds stale (PRAGMA optimize, cheap when nothing changed).
func (db *DB) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	db.w.ExecContext(ctx, "PRAGMA optimize")
	db.raw.close()
	return errors.Join(db.r.Close(), db.w.Close())
}

// Kind returns "sqlite".
func (db *DB) Kind() string { return "sqlite" }

// Path returns the file the store was opened on.
func (db *DB) Path() string { return db.path }

// SQL returns the read pool, for raw SQL: benchmarks, `pursuit sql`, FTS5
// queries. Writes through it work (the busy timeout queues them behind the
// store's writer) but bypass the store's validation.
func (db *DB) SQL() *sql.DB { return db.r }

// debug logs a debug record when the store has a logger.
func (db *DB) debug(msg string, args ...any) {
	if db.Log != nil {
		db.Log.Debug(msg, args...)
	}
}

// now returns the store clock's time, in UTC and truncated to the
// microsecond precision the schema keeps.
func (db *DB) now() time.Time {
	return db.Now().UTC().Truncate(time.Microsecond)
}

// write runs fn in one IMMEDIATE transaction on the writer connection.
func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return dbErr(fmt.Errorf("begin: %w", err))
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return dbErr(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// micros converts a time to its stored form: microseconds since the Unix
// epoch, or NULL for the zero time.
func micros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// fromMicros converts a stored time back.
func fromMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

// normTime returns t as the store keeps it: UTC, microsecond precision.
func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// nullID maps the domain's 0 ("none") to NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// pageLimit returns the LIMIT of a List call.
func pageLimit(opt pursuit.ListOptions) (int, error) {
	switch {
	case opt.Limit < 0 || opt.Limit > pursuit.MaxListLimit:
		return 0, pursuit.FieldErrorf(pursuit.EINVALID, "limit", "must be between 0 and %d, not %d", pursuit.MaxListLimit, opt.Limit)
	case opt.Limit == 0:
		return pursuit.DefaultListLimit, nil
	}
	return opt.Limit, nil
}

// sqliteCode returns the extended result code of a SQLite error, 0 for
// other errors.
func sqliteCode(err error) int {
	var e *msqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	var re *rawError
	if errors.As(err, &re) {
		return int(re.code)
	}
	return 0
}

func isForeignKey(err error) bool { return sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY }

func isUnique(err error) bool {
	c := sqliteCode(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// dbErr turns an error of the driver into a domain error: cancellation is
// ECANCELED, a constraint the store did not anticipate EINVALID, the rest
// EINTERNAL. Errors that already are *pursuit.Error pass through.
func dbErr(err error) error {
	if err == nil {
		return nil
	}
	var pe *pursuit.Error
	if errors.As(err, &pe) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &pursuit.Error{Code: pursuit.ECANCELED, Message: "the operation was canceled", Err: err}
	}
	switch c := sqliteCode(err); {
	case c == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return &pursuit.Error{Code: pursuit.EFOREIGNKEY, Message: "a referenced row does not exist", Err: err}
	case c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return &pursuit.Error{Code: pursuit.ECONFLICT, Message: "the row already exists", Err: err}
	case c&0xff == sqlite3.SQLITE_CONSTRAINT:
		return &pursuit.Error{Code: pursuit.EINVALID, Message: "the row violates a constraint: " + err.Error(), Err: err}
	case c&0xff == sqlite3.SQLITE_BUSY || c&0xff == sqlite3.SQLITE_LOCKED:
		return &pursuit.Error{Code: pursuit.EUNAVAILABLE, Message: "the database is locked by another writer (or a bulk load into a new store); try again when it is done", Err: err}
	case c&0xff == sqlite3.SQLITE_INTERRUPT:
		return &pursuit.Error{Code: pursuit.ECANCELED, Message: "the operation was canceled", Err: err}
	}
	return &pursuit.Error{Code: pursuit.EINTERNAL, Message: "sqlite", Err: err}
}

// ref is one foreign key of a row being written: the column, the parent
// table and the referenced id (0 for a NULL reference).
type ref struct {
	col    string
	parent string
	id     int64
}

// singular names one row of a parent table in messages.
var singular = map[string]string{
	pursuit.TableCustomers: "customer",
	pursuit.TablePlaces:    "place",
	pursuit.TableContacts:  "contact",
	pursuit.TableUsers:     "user",
	pursuit.TableLists:     "list",
}

// parentKey is the primary key column of each parent table.
var parentKey = map[string]string{
	pursuit.TableCustomers: "customer_id",
	pursuit.TablePlaces:    "place_id",
	pursuit.TableContacts:  "contact_id",
	pursuit.TableUsers:     "user_id",
	pursuit.TableLists:     "list_id",
}

// missingRef finds which reference of a row failed its foreign key, since
// SQLite's error does not say, and returns an EFOREIGNKEY error naming the
// column and the missing id. row describes the row in bulk writes
// ("contact_id=7"); it is empty for single-row writes.
func missingRef(ctx context.Context, q querier, table, row string, refs ...ref) error {
	for _, r := range refs {
		if r.id == 0 {
			continue
		}
		var one int
		err := q.QueryRowContext(ctx, "SELECT 1 FROM "+r.parent+" WHERE "+parentKey[r.parent]+" = ?", r.id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			msg := fmt.Sprintf("%s %d does not exist (%s.%s)", singular[r.parent], r.id, table, r.col)
			if row != "" {
				msg = fmt.Sprintf("%s row %s: %s", table, row, msg)
			}
			return &pursuit.Error{Code: pursuit.EFOREIGNKEY, Field: r.col, Message: msg}
		}
		if err != nil {
			return dbErr(err)
		}
	}
	return nil
}

// writeErr maps the error of a single-row write: a foreign-key failure is
// traced to the column at fault, a unique violation is ECONFLICT with msg.
func writeErr(ctx context.Context, tx querier, err error, table string, conflictField, conflictMsg string, refs ...ref) error {
	switch {
	case isForeignKey(err):
		if e := missingRef(ctx, tx, table, "", refs...); e != nil {
			return e
		}
		return &pursuit.Error{Code: pursuit.EFOREIGNKEY, Message: table + ": a referenced row does not exist", Err: err}
	case isUnique(err):
		return &pursuit.Error{Code: pursuit.ECONFLICT, Field: conflictField, Message: conflictMsg, Err: err}
	}
	return dbErr(fmt.Errorf("write %s: %w", table, err))
}

// notFound returns the ENOTFOUND error of a missing row.
func notFound(what string, id int64) error {
	return pursuit.Errorf(pursuit.ENOTFOUND, "%s %d not found", what, id)
}

// getOne runs a single-row query and scans it, mapping no rows to
// ENOTFOUND.
func getOne[T any](ctx context.Context, q querier, scan func(scanner) (T, error), what string, id int64, query string, args ...any) (T, error) {
	v, err := scan(q.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return v, notFound(what, id)
	}
	if err != nil {
		return v, dbErr(fmt.Errorf("get %s %d: %w", what, id, err))
	}
	return v, nil
}

// each runs a query and calls fn on every row, stopping at its first
// error.
func each[T any](ctx context.Context, q querier, scan func(scanner) (T, error), fn func(T) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return dbErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return dbErr(err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return dbErr(rows.Err())
}

// scanCacheKiB is the page cache of a connection while it scans a table.
const scanCacheKiB = 2 << 10

// scanTable runs a scan of a whole table (or a range of one) and calls fn
// on every row, on a read-only connection of its own without mutexes
// (rawscan.go says why) whose page cache is shrunk for the scan. Like a
// reader of the pool, it sees the last commit before it started. A scan reads
// each page once, so the cache does not help it, and an index build scans
// on several connections at once: filling each one's 32 MiB cache is
// memory outside the Go heap (and its limit) at the build's peak.
func scanTable[T any](ctx context.Context, db *DB, scan func(scanner) (T, error), fn func(T) error, query string, args ...any) error {
	c, err := db.raw.get(db.scanURI, db.ScanMmapBytes)
	if err != nil {
		return dbErr(err)
	}
	defer db.raw.put(c)
	var fnErr error
	err = c.query(ctx, query, args, func(r *rawRow) error {
		v, err := scan(r)
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			fnErr = err
			return err
		}
		return nil
	})
	if fnErr != nil {
		return fnErr
	}
	return dbErr(err)
}

// all runs a query and returns every row, nil when there are none.
func all[T any](ctx context.Context, q querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	var out []T
	err := each(ctx, q, scan, func(v T) error { out = append(out, v); return nil }, query, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// affected returns ENOTFOUND when res touched no row.
func affected(res sql.Result, what string, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return dbErr(err)
	}
	if n == 0 {
		return notFound(what, id)
	}
	return nil
}

// deleteByID runs query, a DELETE of one row by its id, in a write
// transaction; ENOTFOUND names what when no row was deleted.
func (db *DB) deleteByID(ctx context.Context, query string, id int64, what string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, id)
		if err != nil {
			return dbErr(fmt.Errorf("delete %s %d: %w", what, id, err))
		}
		return affected(res, what, id)
	})
}
