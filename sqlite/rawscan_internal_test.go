package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRawScan checks scanTable's own reader against what database/sql
// reads from the same rows: NULL against empty texts, NULL integers,
// multi-byte text, texts of many rows sharing no bytes, bound arguments,
// the errors of a NULL read into a non-null destination, and
// cancellation.
func TestRawScan(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE raw (id INTEGER PRIMARY KEY, a TEXT, b TEXT NOT NULL, n INTEGER)`); err != nil {
		t.Fatal(err)
	}
	const rows = 3000
	for i := 1; i <= rows; i++ {
		var a any
		switch i % 3 {
		case 0:
			a = nil
		case 1:
			a = ""
		default:
			a = strings.Repeat("é", i%7) + "x"
		}
		var n any = int64(i * 1000)
		if i%5 == 0 {
			n = nil
		}
		if _, err := db.w.ExecContext(ctx, `INSERT INTO raw VALUES (?, ?, ?, ?)`, i, a, strings.Repeat("b", i%11), n); err != nil {
			t.Fatal(err)
		}
	}
	type row struct {
		id int64
		a  sql.NullString
		b  string
		n  sql.NullInt64
	}
	scan := func(s scanner) (row, error) {
		var r row
		return r, s.Scan(&r.id, &r.a, &r.b, &r.n)
	}
	const q = `SELECT id, a, b, n FROM raw WHERE id >= ? AND b >= ? ORDER BY id`
	want, err := all(ctx, db.r, scan, q, int64(2), "")
	if err != nil {
		t.Fatal(err)
	}
	var got []row
	if err := scanTable(ctx, db, scan, func(r row) error { got = append(got, r); return nil }, q, int64(2), ""); err != nil {
		t.Fatal(err)
	}
	if len(got) != rows-1 || len(got) != len(want) {
		t.Fatalf("raw scan read %d rows, database/sql %d, want %d", len(got), len(want), rows-1)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("row %d: raw scan %+v, database/sql %+v", i, got[i], want[i])
		}
	}
	// With ScanMmapBytes the scans map the file (a pooled connection
	// taken again is switched) and read the same rows; back to 0, not.
	for _, mmap := range []int64{1 << 30, 0} {
		db.ScanMmapBytes = mmap
		got = got[:0]
		if err := scanTable(ctx, db, scan, func(r row) error { got = append(got, r); return nil }, q, int64(2), ""); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("mmap_size %d: the raw scan read %d rows that differ from database/sql's %d", mmap, len(got), len(want))
		}
		var size int64 = -1
		if err := scanTable(ctx, db, scanInt64, func(n int64) error { size = n; return nil }, `PRAGMA mmap_size`); err != nil {
			t.Fatal(err)
		}
		if (size > 0) != (mmap > 0) {
			t.Fatalf("ScanMmapBytes %d: a scan connection's mmap_size is %d", mmap, size)
		}
	}

	// A NULL into a string is an error, as in database/sql.
	strict := func(s scanner) (string, error) {
		var a string
		return a, s.Scan(&a)
	}
	err = scanTable(ctx, db, strict, func(string) error { return nil }, `SELECT a FROM raw ORDER BY id`)
	if err == nil || !strings.Contains(err.Error(), "NULL into string") {
		t.Fatalf("NULL into a string: %v", err)
	}
	// fn's error comes back as it is; a canceled context stops the scan.
	stop := errors.New("stop")
	if err := scanTable(ctx, db, scan, func(row) error { return stop }, q, int64(0), ""); err != stop {
		t.Fatalf("fn's error: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := scanTable(cctx, db, scan, func(row) error { return nil }, q, int64(0), ""); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled scan: %v", err)
	}
	// A bad query names itself an error, not a panic.
	if err := scanTable(ctx, db, scan, func(row) error { return nil }, `SELECT nope FROM raw`); err == nil {
		t.Fatal("a bad query scanned")
	}
	// The connections are pooled: scans reuse them, a closed store scans
	// nothing.
	if n := db.raw.idleCount(); n < 1 || n > maxIdleRaw {
		t.Fatalf("%d idle raw connections after the scans, want 1 to %d", n, maxIdleRaw)
	}
	db.Close()
	if err := scanTable(ctx, db, scan, func(row) error { return nil }, q, int64(0), ""); !errors.Is(err, errRawClosed) {
		t.Fatalf("scan of a closed store: %v", err)
	}
	if n := db.raw.idleCount(); n != 0 {
		t.Fatalf("%d raw connections left open after Close", n)
	}
}

func (p *rawPool) idleCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.idle)
}

// TestRawIdleTimeout: idle raw connections are closed after the pool's
// idle timeout (their memory with them), concurrent scans leave several
// idle, and a scan after the sweep opens a connection again.
func TestRawIdleTimeout(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const timeout = 200 * time.Millisecond
	db.raw.idleTimeout = timeout
	scan := func() {
		t.Helper()
		var got int64 = -1
		if err := scanTable(ctx, db, scanInt64, func(n int64) error { got = n; return nil }, `SELECT 7`); err != nil || got != 7 {
			t.Fatalf("scan: %d, %v", got, err)
		}
	}
	// Three scans at once: each holds a connection, so three go idle.
	var wg sync.WaitGroup
	hold, started := make(chan struct{}), make(chan struct{})
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := scanTable(ctx, db, scanInt64, func(int64) error { started <- struct{}{}; <-hold; return nil }, `SELECT 7`); err != nil {
				t.Error(err)
				started <- struct{}{}
			}
		}()
	}
	for range 3 {
		<-started
	}
	close(hold)
	wg.Wait()
	if n := db.raw.idleCount(); n != 3 {
		t.Fatalf("%d idle connections after three concurrent scans, want 3", n)
	}
	db.raw.mu.Lock()
	conns := slices.Clone(db.raw.idle)
	db.raw.mu.Unlock()
	// A connection reused before the timeout goes back to the pool.
	scan()
	if n := db.raw.idleCount(); n != 3 {
		t.Fatalf("%d idle connections after a reuse, want 3", n)
	}
	deadline := time.Now().Add(20 * timeout)
	for db.raw.idleCount() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d idle connections still open %s after the timeout", db.raw.idleCount(), 20*timeout)
		}
		time.Sleep(timeout / 10)
	}
	// Each was closed, not only dropped from the pool (under the pool's
	// lock, which idleCount took since).
	for i, c := range conns {
		if c.db != 0 {
			t.Errorf("idle connection %d left the pool open", i)
		}
	}
	scan()
	if n := db.raw.idleCount(); n != 1 {
		t.Fatalf("%d idle connections after a scan following the sweep, want 1", n)
	}
}

// TestContactIDBoundsSeeks: the bounds query seeks both ends of the key
// instead of scanning the table (a query with min() and max() together
// reads every row, which at the seed's scale cost a second and 32 MiB of
// a reader's cache). The plan is the check: it holds at any size.
func TestContactIDBoundsSeeks(t *testing.T) {
	db := openMigrated(t)
	ctx := context.Background()
	rows, err := db.r.QueryContext(ctx, "EXPLAIN QUERY PLAN "+contactIDBoundsSQL)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
		if strings.HasPrefix(detail, "SCAN") && detail != "SCAN CONSTANT ROW" {
			t.Errorf("the bounds query scans: %q", detail)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(plan) == 0 {
		t.Fatal("no query plan")
	}
	lo, hi, err := db.ContactIDBounds(ctx)
	if err != nil || lo != 0 || hi != 0 {
		t.Fatalf("bounds of no contacts: %d, %d, %v; want 0, 0", lo, hi, err)
	}
}
