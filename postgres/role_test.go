package postgres_test

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/postgres"
)

// TestBulkAsPlainRole loads through Bulk as a role that is neither
// superuser nor owner of the tables: it may not set
// session_replication_role nor drop indexes, so Bulk keeps the per-row
// foreign-key triggers and the indexes, and must still load, log and
// reject missing parents.
func TestBulkAsPlainRole(t *testing.T) {
	owner := openDB(t)
	var b [4]byte
	rand.Read(b[:])
	role := "pursuit_test_role_" + hex.EncodeToString(b[:])
	_, err := owner.Pool().Exec(ctx, `CREATE ROLE `+role+` LOGIN;
		GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO `+role+`;
		GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO `+role)
	must(t, err, "create role")
	t.Cleanup(func() {
		owner.Pool().Exec(ctx, `DROP OWNED BY `+role+`; DROP ROLE `+role)
	})
	u, err := url.Parse(sharedDSN)
	must(t, err, "parse DSN")
	u.User = url.User(role)
	db, err := postgres.Open(ctx, u.String())
	must(t, err, "open as "+role)
	defer db.Close()

	cu := pursuit.Customer{CustomerID: 1, Name: "acme"}
	places := []pursuit.Place{place(1, "A", "NY"), place(2, "B", "TX")}
	contacts := []pursuit.Contact{contact(1, 1, "Jane"), contact(2, 2, "John"), contact(3, 2, "Joan")}
	err = db.Bulk(ctx, func(w pursuit.BulkWriter) error {
		if err := w.UpsertCustomers(ctx, []pursuit.Customer{cu}); err != nil {
			return err
		}
		if err := w.UpsertPlaces(ctx, places); err != nil {
			return err
		}
		if err := w.UpsertContacts(ctx, contacts); err != nil {
			return err
		}
		return w.UpsertPlaceGrants(ctx, []pursuit.CustomerPlaceRelation{{CustomerID: 1, PlaceID: 2, AccessType: pursuit.AccessFull}})
	})
	must(t, err, "Bulk as a plain role")
	for table, want := range map[string]int64{pursuit.TableContacts: 3, pursuit.TableCustomerPlaceRelation: 1, "change_log": 7} {
		n, err := db.Count(ctx, table)
		must(t, err, "Count")
		if n != want {
			t.Errorf("Count(%s) = %d, want %d", table, n, want)
		}
	}
	access, err := db.ContactAccess(ctx, 1, 3)
	must(t, err, "ContactAccess")
	if access != pursuit.AccessFull {
		t.Errorf("ContactAccess = %q, want full", access)
	}

	err = db.Bulk(ctx, func(w pursuit.BulkWriter) error {
		return w.UpsertPlaceGrants(ctx, []pursuit.CustomerPlaceRelation{{CustomerID: 99, PlaceID: 1, AccessType: pursuit.AccessFull}})
	})
	wantCode(t, err, pursuit.EFOREIGNKEY, "customer_id")
	err = db.Bulk(ctx, func(w pursuit.BulkWriter) error {
		return w.UpsertContactGrants(ctx, []pursuit.CustomerContactRelation{{CustomerID: 1, ContactID: 99, AccessType: pursuit.AccessFull}})
	})
	wantCode(t, err, pursuit.EFOREIGNKEY, "contact_id")
}
