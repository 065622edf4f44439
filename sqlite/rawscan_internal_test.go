package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
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
	if n := len(db.raw.idle); n < 1 || n > maxIdleRaw {
		t.Fatalf("%d idle raw connections after the scans, want 1 to %d", n, maxIdleRaw)
	}
	db.Close()
	if err := scanTable(ctx, db, scan, func(row) error { return nil }, q, int64(0), ""); !errors.Is(err, errRawClosed) {
		t.Fatalf("scan of a closed store: %v", err)
	}
	if len(db.raw.idle) != 0 {
		t.Fatalf("%d raw connections left open after Close", len(db.raw.idle))
	}
}
