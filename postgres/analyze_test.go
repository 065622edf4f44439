package postgres_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/gen"
)

// TestBulkAnalyzes loads a generated dataset into empty tables through
// Bulk, as generate and import do, and checks that the planner has
// statistics at once: every partition holding rows has reltuples (-1
// means never analysed) equal to its row count, and every partitioned
// table has statistics of the whole hierarchy (pg_statistic rows with
// stainherit). Without the ANALYZE none of this holds until autovacuum
// comes by, and a partitioned parent never gets it.
func TestBulkAnalyzes(t *testing.T) {
	db := openDB(t)
	cfg := gen.Config{Seed: 3, Places: 300, Contacts: 2000, Customers: 4}
	must(t, db.Bulk(ctx, func(w pursuit.BulkWriter) error { return gen.Generate(ctx, cfg, w, nil) }), "generate")

	rows, err := db.Pool().Query(ctx, `SELECT p.relname, c.relname, c.reltuples
		FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_class c ON c.oid = i.inhrelid
		WHERE p.relname = ANY($1) AND c.relkind = 'r' ORDER BY 1, 2`, pursuit.DataTables)
	must(t, err, "list partitions")
	type part struct {
		parent, name string
		reltuples    float64
	}
	var parts []part
	for rows.Next() {
		var p part
		must(t, rows.Scan(&p.parent, &p.name, &p.reltuples), "scan")
		parts = append(parts, p)
	}
	must(t, rows.Err(), "list partitions")
	if len(parts) < 10 {
		t.Fatalf("only %d partitions of the data tables: %v", len(parts), parts)
	}
	withRows := 0
	for _, p := range parts {
		var n int64
		must(t, db.Pool().QueryRow(ctx, `SELECT count(*) FROM `+p.name).Scan(&n), "count "+p.name)
		if n == 0 {
			continue
		}
		withRows++
		if p.reltuples != float64(n) {
			t.Errorf("partition %s of %s: reltuples %v, %d rows: not analysed", p.name, p.parent, p.reltuples, n)
		}
	}
	if withRows < 10 {
		t.Fatalf("only %d partitions hold rows", withRows)
	}
	for _, table := range []string{pursuit.TablePlaces, pursuit.TableContacts} {
		var n int
		must(t, db.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_statistic WHERE starelid = $1::regclass AND stainherit`, table).Scan(&n), "pg_statistic")
		if n == 0 {
			t.Errorf("%s: no statistics of the partitioned table as a whole", table)
		}
	}
}

// TestBulkLogsPhases checks that a Bulk into empty tables reports its
// phases at debug level when the store has a logger, as `bench load`
// shows them: the load, each index it rebuilt (by its definition), the
// analyze and the commit, then the contacts' indexes built after the
// commit and their analyze.
func TestBulkLogsPhases(t *testing.T) {
	db := openDB(t)
	var buf bytes.Buffer
	db.Log = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := gen.Config{Seed: 5, Places: 100, Contacts: 500, Customers: 2}
	must(t, db.Bulk(ctx, func(w pursuit.BulkWriter) error { return gen.Generate(ctx, cfg, w, nil) }), "generate")
	log := buf.String()
	for _, want := range []string{`msg="bulk: load"`, `msg="bulk: rebuild index" index="CREATE INDEX places_account_owner_idx ON`,
		`msg="bulk: analyze"`, `msg="bulk: commit"`, `msg="bulk: build index after commit" index="CREATE INDEX idx_contact_name ON`,
		`msg="bulk: analyze after commit" tables=1`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
}
