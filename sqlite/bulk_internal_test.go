package sqlite

import (
	"context"
	"errors"
	"path/filepath"
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
	db, err := Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	place := pursuit.Place{PlaceID: 1, Name: "Springfield", PlaceType: pursuit.PlaceTypeCounty, StateAbbr: "IL"}
	err = db.Bulk(ctx, func(w pursuit.BulkWriter) error {
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
