package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// This file reads whole tables for scanTable through SQLite's C API (as
// modernc.org/sqlite translates it to Go) on a read-only connection of its
// own, opened SQLITE_OPEN_NOMUTEX, instead of through database/sql.
//
// Why: the driver opens every connection SQLITE_OPEN_FULLMUTEX, so every
// sqlite3_column_* call enters and leaves the connection's mutex, which
// libc emulates with a sharded map and a Go mutex; with database/sql's
// per-row locking and conversions on top, reading the seed's 4.5 M
// contacts cost ~15 s of CPU, over half of it in those mutexes (CPU
// profile of `pursuit bench search --build-cpuprofile`). A scan uses its
// connection from one goroutine, so it needs no mutex at all. Only full
// scans (the index build, the lake export, imports' key scans) go this
// way; every other query stays on database/sql.

// rawPool keeps the idle raw connections for reuse: opening one parses the
// schema, which costs more than scanning a small table.
//
// Idle connections are closed after rawIdleTimeout: a build's four scans
// interleave their allocations in the process-wide allocator that
// modernc's libc gives SQLite, so four idle connections kept ~40 MB of
// its pages resident in a server that had finished its build (the pages
// are freed only when every allocation in them is).
type rawPool struct {
	mu     sync.Mutex
	idle   []*rawConn // the longest idle first
	closed bool
	// sweep closes connections idle for idleTimeout (rawIdleTimeout when
	// zero); it is set while there are idle connections.
	sweep       *time.Timer
	idleTimeout time.Duration
}

// maxIdleRaw is how many idle raw connections a pool keeps (an index
// build scans on four at once).
const maxIdleRaw = 4

// rawIdleTimeout is how long an idle raw connection is kept: long enough
// for one build's scans to reuse them, short enough that a server's
// memory settles soon after.
const rawIdleTimeout = 3 * time.Second

// get returns an idle connection or opens one on uri, its page cache
// shrunk for scans (scanCacheKiB), its mmap_size set to mmap.
func (p *rawPool) get(uri string, mmap int64) (*rawConn, error) {
	c, err := p.conn(uri)
	if err != nil || c.mmap == mmap {
		return c, err
	}
	if err := c.exec(context.Background(), fmt.Sprintf("PRAGMA mmap_size = %d", mmap)); err != nil {
		c.close()
		return nil, err
	}
	c.mmap = mmap
	return c, nil
}

// conn returns an idle connection or opens one on uri.
func (p *rawPool) conn(uri string) (*rawConn, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, errRawClosed
	}
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return c, nil
	}
	p.mu.Unlock()
	c, err := openRaw(uri)
	if err != nil {
		return nil, err
	}
	if err := c.exec(context.Background(), fmt.Sprintf("PRAGMA cache_size = -%d", scanCacheKiB)); err != nil {
		c.close()
		return nil, err
	}

	return c, nil
}

// errRawClosed is the error of a scan after the store was closed.
var errRawClosed = errors.New("sqlite: scan: the database is closed")

// put returns c to the pool, or closes it.
func (p *rawPool) put(c *rawConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || len(p.idle) >= maxIdleRaw {
		c.close()
		return
	}
	c.idleSince = time.Now()
	p.idle = append(p.idle, c)
	if p.sweep == nil {
		p.sweep = time.AfterFunc(p.timeout(), p.closeIdle)
	}
}

func (p *rawPool) timeout() time.Duration {
	if p.idleTimeout > 0 {
		return p.idleTimeout
	}
	return rawIdleTimeout
}

// closeIdle closes the connections idle for the pool's timeout and, while
// others are idle, runs again when the next of them times out.
func (p *rawPool) closeIdle() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sweep = nil
	if p.closed {
		return
	}
	now, timeout := time.Now(), p.timeout()
	n := 0
	for n < len(p.idle) && now.Sub(p.idle[n].idleSince) >= timeout {
		n++
	}
	// Closed under the lock, as close does: once a connection is out of
	// the pool it is closed (closing is quick).
	for _, c := range p.idle[:n] {
		c.close()
	}
	p.idle = append(p.idle[:0], p.idle[n:]...)
	if len(p.idle) > 0 {
		p.sweep = time.AfterFunc(timeout-now.Sub(p.idle[0].idleSince), p.closeIdle)
	}
}

// dropIdle closes the idle connections now; the pool stays open.
func (p *rawPool) dropIdle() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closeIdleLocked()
}

// close closes the idle connections; those in use close when put back.
func (p *rawPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	p.closeIdleLocked()
}

// closeIdleLocked closes every idle connection and stops the sweep; p.mu
// is held.
func (p *rawPool) closeIdleLocked() {
	if p.sweep != nil {
		p.sweep.Stop()
		p.sweep = nil
	}
	for _, c := range p.idle {
		c.close()
	}
	p.idle = nil
}

// rawConn is a read-only SQLite connection used by one goroutine at a
// time.
type rawConn struct {
	tls *libc.TLS
	db  uintptr
	// idleSince is when it was last put back in the pool.
	idleSince time.Time
	// mmap is its mmap_size (DB.ScanMmapBytes when it was taken).
	mmap int64
}

// openRaw opens uri (a file: URI) read-only, without SQLite's mutexes.
func openRaw(uri string) (*rawConn, error) {
	c := &rawConn{tls: libc.NewTLS()}
	name, err := libc.CString(uri)
	if err != nil {
		c.tls.Close()
		return nil, err
	}
	defer libc.Xfree(c.tls, name)
	pdb := libc.Xcalloc(c.tls, 1, uint64(unsafe.Sizeof(uintptr(0))))
	if pdb == 0 {
		c.tls.Close()
		return nil, fmt.Errorf("sqlite: out of memory")
	}
	defer libc.Xfree(c.tls, pdb)
	rc := sqlite3.Xsqlite3_open_v2(c.tls, name, pdb,
		sqlite3.SQLITE_OPEN_READONLY|sqlite3.SQLITE_OPEN_NOMUTEX|sqlite3.SQLITE_OPEN_URI, 0)
	c.db = libc.AtomicLoadPUintptr(pdb)
	if rc != sqlite3.SQLITE_OK {
		err := c.errorf(rc, "open")
		c.close()
		return nil, err
	}
	sqlite3.Xsqlite3_busy_timeout(c.tls, c.db, int32(busyTimeout.Milliseconds()))
	return c, nil
}

// close closes the connection and frees its TLS.
func (c *rawConn) close() {
	if c.db != 0 {
		sqlite3.Xsqlite3_close_v2(c.tls, c.db)
		c.db = 0
	}
	c.tls.Close()
}

// rawError is an error of a raw connection with its SQLite result code,
// which sqliteCode reads as it reads the driver's, so dbErr maps both
// alike (SQLITE_BUSY to EUNAVAILABLE, …).
type rawError struct {
	code      int32
	what, msg string
}

func (e *rawError) Error() string { return fmt.Sprintf("sqlite %s: %s (%d)", e.what, e.msg, e.code) }

// errorf returns the error of result code rc.
func (c *rawConn) errorf(rc int32, what string) error {
	msg := libc.GoString(sqlite3.Xsqlite3_errstr(c.tls, rc))
	if c.db != 0 {
		msg = libc.GoString(sqlite3.Xsqlite3_errmsg(c.tls, c.db))
	}
	return &rawError{code: rc, what: what, msg: msg}
}

// exec runs a statement that returns no rows of interest (a PRAGMA).
func (c *rawConn) exec(ctx context.Context, query string) error {
	return c.query(ctx, query, nil, func(*rawRow) error { return nil })
}

// query runs query with args (int64 or string) and calls fn on every row.
func (c *rawConn) query(ctx context.Context, query string, args []any, fn func(*rawRow) error) error {
	zsql, err := libc.CString(query)
	if err != nil {
		return err
	}
	defer libc.Xfree(c.tls, zsql)
	pstmt := libc.Xcalloc(c.tls, 1, uint64(unsafe.Sizeof(uintptr(0))))
	if pstmt == 0 {
		return fmt.Errorf("sqlite: out of memory")
	}
	defer libc.Xfree(c.tls, pstmt)
	if rc := sqlite3.Xsqlite3_prepare_v2(c.tls, c.db, zsql, -1, pstmt, 0); rc != sqlite3.SQLITE_OK {
		return c.errorf(rc, "prepare")
	}
	stmt := libc.AtomicLoadPUintptr(pstmt)
	if stmt == 0 { // an empty statement
		return nil
	}
	defer sqlite3.Xsqlite3_finalize(c.tls, stmt)
	var texts []uintptr
	defer func() {
		for _, p := range texts {
			libc.Xfree(c.tls, p)
		}
	}()
	for i, a := range args {
		var rc int32
		switch v := a.(type) {
		case int64:
			rc = sqlite3.Xsqlite3_bind_int64(c.tls, stmt, int32(i+1), v)
		case int:
			rc = sqlite3.Xsqlite3_bind_int64(c.tls, stmt, int32(i+1), int64(v))
		case string:
			p, err := libc.CString(v)
			if err != nil {
				return err
			}
			texts = append(texts, p)
			rc = sqlite3.Xsqlite3_bind_text(c.tls, stmt, int32(i+1), p, int32(len(v)), 0)
		default:
			return fmt.Errorf("sqlite: scan argument %d: unsupported type %T", i+1, a)
		}
		if rc != sqlite3.SQLITE_OK {
			return c.errorf(rc, "bind")
		}
	}
	row := &rawRow{c: c, stmt: stmt, cols: int(sqlite3.Xsqlite3_column_count(c.tls, stmt))}
	for n := 0; ; n++ {
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		switch rc := sqlite3.Xsqlite3_step(c.tls, stmt); rc {
		case sqlite3.SQLITE_ROW:
			if err := fn(row); err != nil {
				return err
			}
		case sqlite3.SQLITE_DONE:
			return nil
		default:
			return c.errorf(rc, "step")
		}
	}
}

// rawRow is the current row of a rawConn query; it implements scanner for
// the destination types the store's scans use.
type rawRow struct {
	c    *rawConn
	stmt uintptr
	cols int
}

func (r *rawRow) null(i int) bool {
	return sqlite3.Xsqlite3_column_type(r.c.tls, r.stmt, int32(i)) == sqlite3.SQLITE_NULL
}

func (r *rawRow) int64(i int) int64 {
	return sqlite3.Xsqlite3_column_int64(r.c.tls, r.stmt, int32(i))
}

// Scan copies the row's columns into dest, as database/sql would for the
// types below. The row's texts are copied into one allocation, which the
// strings share (a kept string keeps its row's texts alive: a few hundred
// bytes).
func (r *rawRow) Scan(dest ...any) error {
	if len(dest) != r.cols {
		return fmt.Errorf("sqlite: scan: %d destinations for %d columns", len(dest), r.cols)
	}
	if len(dest) > maxColumns {
		return fmt.Errorf("sqlite: scan: more than %d columns", maxColumns)
	}
	var texts [maxColumns]struct {
		p uintptr
		n int32
	}
	size := 0
	for i, d := range dest {
		switch d := d.(type) {
		case *int64:
			if r.null(i) {
				return fmt.Errorf("sqlite: scan column %d: NULL into int64", i)
			}
			*d = r.int64(i)
		case *string:
			if r.null(i) {
				return fmt.Errorf("sqlite: scan column %d: NULL into string", i)
			}
			texts[i].p, texts[i].n = r.textPtr(i)
		case *sql.NullInt64:
			d.Valid = !r.null(i)
			d.Int64 = 0
			if d.Valid {
				d.Int64 = r.int64(i)
			}
		case *sql.NullString:
			d.Valid = !r.null(i)
			d.String = ""
			if d.Valid {
				texts[i].p, texts[i].n = r.textPtr(i)
			}
		case *bool:
			*d = r.int64(i) != 0
		default:
			return fmt.Errorf("sqlite: scan column %d: unsupported destination %T", i, d)
		}
		size += int(texts[i].n)
	}
	buf := make([]byte, 0, size)
	for i, d := range dest {
		t := texts[i]
		if t.n == 0 {
			if d, ok := d.(*string); ok {
				*d = ""
			}
			continue
		}
		from := len(buf)
		buf = append(buf, libc.GoBytes(t.p, int(t.n))...) // GoBytes is a view of SQLite's buffer
		v := unsafe.String(&buf[from], int(t.n))
		switch d := d.(type) {
		case *string:
			*d = v
		case *sql.NullString:
			d.String = v
		}
	}
	return nil
}

// textPtr returns column i's text as SQLite holds it, valid until the
// next step.
func (r *rawRow) textPtr(i int) (uintptr, int32) {
	p := sqlite3.Xsqlite3_column_text(r.c.tls, r.stmt, int32(i))
	n := sqlite3.Xsqlite3_column_bytes(r.c.tls, r.stmt, int32(i))
	if p == 0 || n <= 0 {
		return 0, 0
	}
	return p, n
}
