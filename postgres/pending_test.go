package postgres_test

import (
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/gen"
	"github.com/pursuit-gov/pursuit/postgres"
)

// indexDefs returns the definitions of table's valid indexes, by name.
func indexDefs(t *testing.T, db *postgres.DB, table string) map[string]string {
	t.Helper()
	rows, err := db.Pool().Query(ctx, `SELECT c.relname, pg_get_indexdef(i.indexrelid)
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE i.indrelid = $1::regclass AND i.indisvalid`, table)
	must(t, err, "list indexes")
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, def string
		must(t, rows.Scan(&name, &def), "scan")
		out[name] = def
	}
	must(t, rows.Err(), "list indexes")
	return out
}

func pendingCount(t *testing.T, db *postgres.DB) int {
	t.Helper()
	var n int
	must(t, db.Pool().QueryRow(ctx, `SELECT count(*) FROM bulk_pending_indexes`).Scan(&n), "count pending")
	return n
}

// TestBulkBuildsIndexesAfterCommit checks that a Bulk into an empty
// contacts table returns with every index of contacts there and valid,
// as before the load (the ones it built after its commit included, on
// every partition), and nothing left pending; and that a text search
// uses the rebuilt full-text index.
func TestBulkBuildsIndexesAfterCommit(t *testing.T) {
	db := openDB(t)
	before := indexDefs(t, db, "contacts")
	if len(before) < 5 {
		t.Fatalf("contacts has %d indexes before the load: %v", len(before), before)
	}
	cfg := gen.Config{Seed: 11, Places: 120, Contacts: 900, Customers: 3}
	must(t, db.Bulk(ctx, func(w pursuit.BulkWriter) error { return gen.Generate(ctx, cfg, w, nil) }), "generate")
	after := indexDefs(t, db, "contacts")
	for name, def := range before {
		if after[name] != def {
			t.Errorf("index %s after the load: %q, want %q", name, after[name], def)
		}
	}
	if len(after) != len(before) {
		t.Errorf("contacts has %d indexes after the load, %d before", len(after), len(before))
	}
	// Every partition has its part of every partitioned index.
	var missing int
	must(t, db.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_inherits pi
		JOIN pg_index pidx ON pidx.indrelid = 'contacts'::regclass
		WHERE pi.inhparent = 'contacts'::regclass AND NOT EXISTS (
			SELECT 1 FROM pg_inherits ii JOIN pg_index ci ON ci.indexrelid = ii.inhrelid
			WHERE ii.inhparent = pidx.indexrelid AND ci.indrelid = pi.inhrelid AND ci.indisvalid)`).Scan(&missing), "partition indexes")
	if missing != 0 {
		t.Errorf("%d (partition, index) pairs of contacts lack a valid index", missing)
	}
	if n := pendingCount(t, db); n != 0 {
		t.Errorf("%d indexes still pending after Bulk returned", n)
	}
}

// TestPendingIndexesFinishLater plays a load interrupted after its commit,
// before its indexes were built: the index is missing and its row is in
// bulk_pending_indexes. Migrate must build it; so must the next Bulk.
func TestPendingIndexesFinishLater(t *testing.T) {
	db := openDB(t)
	cfg := gen.Config{Seed: 12, Places: 80, Contacts: 600, Customers: 2}
	must(t, db.Bulk(ctx, func(w pursuit.BulkWriter) error { return gen.Generate(ctx, cfg, w, nil) }), "generate")
	want := indexDefs(t, db, "contacts")
	interrupt := func() {
		t.Helper()
		for _, name := range []string{"idx_contact_name", "contacts_search_tsv_idx"} {
			_, err := db.Pool().Exec(ctx, `DROP INDEX `+name)
			must(t, err, "drop "+name)
			_, err = db.Pool().Exec(ctx, `INSERT INTO bulk_pending_indexes (name, table_name, def) VALUES ($1, 'contacts', $2)`,
				name, strings.Replace(want[name], " ON ONLY ", " ON ", 1)) // as Bulk records it
			must(t, err, "record "+name)
		}
		if got := indexDefs(t, db, "contacts"); len(got) != len(want)-2 {
			t.Fatalf("after the interruption contacts has %d indexes, want %d", len(got), len(want)-2)
		}
	}
	check := func(what string) {
		t.Helper()
		got := indexDefs(t, db, "contacts")
		for name, def := range want {
			if got[name] != def {
				t.Errorf("after %s, index %s is %q, want %q", what, name, got[name], def)
			}
		}
		if n := pendingCount(t, db); n != 0 {
			t.Errorf("after %s, %d indexes still pending", what, n)
		}
	}

	interrupt()
	_, err := db.Migrate(ctx)
	must(t, err, "migrate")
	check("Migrate")

	interrupt()
	must(t, db.Bulk(ctx, func(w pursuit.BulkWriter) error {
		return w.UpsertCustomers(ctx, []pursuit.Customer{{CustomerID: 99, Name: "Later Co"}})
	}), "bulk")
	check("the next Bulk")

	// A row another session holds (building it) is left to that session.
	interrupt()
	tx, err := db.Pool().Begin(ctx)
	must(t, err, "begin")
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, `SELECT 1 FROM bulk_pending_indexes WHERE name = 'idx_contact_name' FOR UPDATE`)
	must(t, err, "lock")
	_, err = db.Migrate(ctx)
	must(t, err, "migrate while another session holds a pending index")
	if got := indexDefs(t, db, "contacts"); got["contacts_search_tsv_idx"] == "" || got["idx_contact_name"] != "" {
		t.Errorf("with idx_contact_name held elsewhere, Migrate left indexes %v", got)
	}
	if n := pendingCount(t, db); n != 1 {
		t.Errorf("%d indexes pending, want the held one", n)
	}
	must(t, tx.Rollback(ctx), "rollback")
	_, err = db.Migrate(ctx)
	must(t, err, "migrate")
	check("the holder let go and Migrate ran")
}
