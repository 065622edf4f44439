package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
)

// TestBulkChecksInGo: a Bulk lets SQLite skip the tables' CHECK
// constraints (every row passes its Validate, which checks the same), so
// a row that breaks one is refused by Validate, naming the field; and
// after a Bulk, committed or failed, the writer enforces the constraints
// again for every other statement.
func TestBulkChecksInGo(t *testing.T) {
	ctx := context.Background()
	db := openMigrated(t)
	place := pursuit.Place{PlaceID: 1, Name: "Springfield", PlaceType: pursuit.PlaceTypeCounty, StateAbbr: "IL"}
	err := db.Bulk(ctx, func(w pursuit.BulkWriter) error {
		if err := w.UpsertPlaces(ctx, []pursuit.Place{place}); err != nil {
			return err
		}
		return w.UpsertContacts(ctx, []pursuit.Contact{{ContactID: 1, PlaceID: 1, Name: "Pat Doe", EmailStatus: "maybe"}})
	})
	if pursuit.ErrorCode(err) != pursuit.EINVALID || pursuit.ErrorField(err) != "email_status" {
		t.Fatalf("Bulk of a contact with email_status maybe: %v, want invalid email_status", err)
	}
	enforced := func(when string) {
		t.Helper()
		var on int
		if err := db.w.QueryRowContext(ctx, "PRAGMA ignore_check_constraints").Scan(&on); err != nil || on != 0 {
			t.Fatalf("%s: ignore_check_constraints = %d, %v; want 0", when, on, err)
		}
		_, err := db.w.ExecContext(ctx, `INSERT INTO customers (name, reveal_credits, created_at, updated_at) VALUES ('X', -1, 0, 0)`)
		if err == nil {
			t.Fatalf("%s: a customer with -1 reveal credits was stored", when)
		}
	}
	enforced("after a failed Bulk")
	if err := db.Bulk(ctx, func(w pursuit.BulkWriter) error {
		return w.UpsertPlaces(ctx, []pursuit.Place{place})
	}); err != nil {
		t.Fatal(err)
	}
	enforced("after a committed Bulk")
	if err := db.Bulk(ctx, func(w pursuit.BulkWriter) error { return errors.New("stop") }); err == nil {
		t.Fatal("a Bulk whose fn failed succeeded")
	}
	enforced("after a Bulk whose fn failed")
}

// TestBulkSortedRuns: a Bulk into empty tables builds their indexes with
// temp_store = FILE and the sorter's helper threads; with a 1 MiB cache
// the contacts' name index is sorted in several runs, merged from
// temporary files. The built indexes pass integrity_check and give every
// row in order, and after the Bulk the writer is back to temp_store =
// MEMORY with no helper threads.
func TestBulkSortedRuns(t *testing.T) {
	ctx := context.Background()
	db := openMigrated(t)
	db.BulkCacheKiB = 1024
	const n = 5_000
	contacts := make([]pursuit.Contact, n)
	for i := range contacts {
		// Names in an order unrelated to the ids: (i*7919) mod n is a
		// permutation of 0..n-1, since 7919 is prime and does not divide n.
		// About 300 bytes each (the longest name allowed): 1.5 MB of sort records against runs of 1 MiB.
		contacts[i] = pursuit.Contact{ContactID: int64(i + 1), PlaceID: 1, Name: contactName((i * 7919) % n)}
	}
	err := db.Bulk(ctx, func(w pursuit.BulkWriter) error {
		if err := w.UpsertPlaces(ctx, []pursuit.Place{{PlaceID: 1, Name: "Springfield", PlaceType: pursuit.PlaceTypeCounty, StateAbbr: "IL"}}); err != nil {
			return err
		}
		for lo := 0; lo < n; lo += 1000 {
			if err := w.UpsertContacts(ctx, contacts[lo:lo+1000]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := db.w.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
	rows, err := db.w.QueryContext(ctx, "SELECT name FROM contacts INDEXED BY idx_contact_name ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		if want := contactName(i); name != want {
			t.Fatalf("row %d of the name index: %q, want %q", i, name, want)
		}
		i++
	}
	if err := rows.Err(); err != nil || i != n {
		t.Fatalf("name index: %d rows, %v; want %d", i, err, n)
	}
	var store, threads int
	if err := db.w.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&store); err != nil || store != 2 {
		t.Fatalf("after the Bulk: temp_store = %d, %v; want 2 (MEMORY)", store, err)
	}
	if err := db.w.QueryRowContext(ctx, "PRAGMA threads").Scan(&threads); err != nil || threads != 0 {
		t.Fatalf("after the Bulk: threads = %d, %v; want 0", threads, err)
	}
}

// contactName is the i'th name of TestBulkSortedRuns in sort order: one
// long word, so that the FTS rebuild has little to tokenize.
func contactName(i int) string {
	return fmt.Sprintf("Contact %06d %s", i, strings.Repeat("x", 280))
}

// openMigrated opens a migrated store in a temporary directory, closed
// when the test ends.
func openMigrated(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}
