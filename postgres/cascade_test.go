package postgres_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/postgres"
)

// internal reads the store-internal foreign-key columns that must follow a
// place or contact when it moves: the partitions and carried keys.
type internal struct {
	PlacePartition, ContactPartition              string
	ContactState, TechState, GrantState, MapState string
	GrantPlace, ContactMapPlace                   int64
}

func readInternal(t *testing.T, db *postgres.DB, placeID, contactID int64) internal {
	t.Helper()
	var in internal
	err := db.Pool().QueryRow(ctx, `SELECT
		(SELECT tableoid::regclass::text FROM places WHERE place_id = $1),
		(SELECT tableoid::regclass::text FROM contacts WHERE contact_id = $2),
		(SELECT state_abbr FROM contacts WHERE contact_id = $2),
		(SELECT state_abbr FROM tech_stack WHERE place_id = $1),
		(SELECT state_abbr FROM customer_place_relation WHERE place_id = $1),
		(SELECT place_state_abbr FROM customer_mapping WHERE place_id = $1),
		(SELECT place_id FROM customer_contact_relation WHERE contact_id = $2),
		(SELECT contact_place_id FROM customer_mapping WHERE contact_id = $2)`,
		placeID, contactID).Scan(&in.PlacePartition, &in.ContactPartition, &in.ContactState, &in.TechState,
		&in.GrantState, &in.MapState, &in.GrantPlace, &in.ContactMapPlace)
	must(t, err, "read internal columns")
	return in
}

func changesAfter(t *testing.T, db *postgres.DB, seq int64) []pursuit.Change {
	t.Helper()
	cs, err := db.Changes(ctx, seq, 1000)
	must(t, err, "Changes")
	return cs
}

// TestRowMovement moves a place to another state (another LIST partition)
// and a contact to another place (another HASH partition), through Update
// and through Bulk, and checks that ON UPDATE CASCADE carried the new keys
// to every referencing row, that reads still join, and that change_log
// logged each cascaded row as an update.
func TestRowMovement(t *testing.T) {
	db := openDB(t)
	cu := pursuit.Customer{Name: "acme", RevealCredits: 1}
	must(t, db.CreateCustomer(ctx, &cu), "CreateCustomer")
	a, b := hashPair(t, db)
	p, q := place(a, "Albany County", "NY"), place(b, "Boise", "ID")
	must(t, db.CreatePlace(ctx, &p), "CreatePlace")
	must(t, db.CreatePlace(ctx, &q), "CreatePlace")
	c := contact(0, a, "Jane Doe")
	must(t, db.CreateContact(ctx, &c), "CreateContact")
	ts := pursuit.TechStack{PlaceID: a, Vendor: "Tyler", Category: "erp"}
	must(t, db.CreateTechStack(ctx, &ts), "CreateTechStack")
	must(t, db.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: cu.CustomerID, PlaceID: a, AccessType: pursuit.AccessMasked}), "PutPlaceGrant")
	must(t, db.PutContactGrant(ctx, &pursuit.CustomerContactRelation{CustomerID: cu.CustomerID, ContactID: c.ContactID, AccessType: pursuit.AccessFull}), "PutContactGrant")
	mp := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "acct-1", PlaceID: a}
	must(t, db.CreateCustomerMapping(ctx, &mp), "CreateCustomerMapping place")
	mc := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "lead-1", ContactID: c.ContactID}
	must(t, db.CreateCustomerMapping(ctx, &mc), "CreateCustomerMapping contact")
	before := readInternal(t, db, a, c.ContactID)

	// Move the place from NY to NJ.
	seq, err := db.LastSeq(ctx)
	must(t, err, "LastSeq")
	p.StateAbbr = "NJ"
	must(t, db.UpdatePlace(ctx, &p), "UpdatePlace to NJ")
	got := readInternal(t, db, a, c.ContactID)
	want := before
	want.PlacePartition, want.ContactState, want.TechState, want.GrantState, want.MapState = "places_nj", "NJ", "NJ", "NJ", "NJ"
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("after moving the place to NJ (-want +got):\n%s", d)
	}
	logged := func(seq int64) []ch {
		var out []ch
		for _, c := range changesAfter(t, db, seq) {
			out = append(out, ch{c.Table, c.Op, c.Key, c.Key2})
		}
		return out
	}
	wantLog := []ch{
		{pursuit.TablePlaces, pursuit.OpUpdate, a, 0},
		{pursuit.TableContacts, pursuit.OpUpdate, c.ContactID, 0},
		{pursuit.TableTechStack, pursuit.OpUpdate, ts.TechStackID, 0},
		{pursuit.TableCustomerPlaceRelation, pursuit.OpUpdate, cu.CustomerID, a},
		{pursuit.TableCustomerMapping, pursuit.OpUpdate, mp.CustomerMappingID, 0},
	}
	if d := cmp.Diff(wantLog, logged(seq), sortChanges); d != "" {
		t.Errorf("change_log of the move (-want +got):\n%s", d)
	}
	access, err := db.ContactAccess(ctx, cu.CustomerID, c.ContactID)
	must(t, err, "ContactAccess")
	if access != pursuit.AccessFull {
		t.Errorf("ContactAccess after the move = %q, want full", access)
	}

	// Move the contact to place b, in another hash partition.
	seq, _ = db.LastSeq(ctx)
	c.PlaceID = b
	must(t, db.UpdateContact(ctx, &c), "UpdateContact to place b")
	got = readInternal(t, db, a, c.ContactID)
	if got.ContactPartition == before.ContactPartition || got.ContactState != "ID" || got.GrantPlace != b || got.ContactMapPlace != b {
		t.Fatalf("after moving the contact to place %d: %+v (was %+v)", b, got, before)
	}
	wantLog = []ch{
		{pursuit.TableContacts, pursuit.OpUpdate, c.ContactID, 0},
		{pursuit.TableCustomerContactRelation, pursuit.OpUpdate, cu.CustomerID, c.ContactID},
		{pursuit.TableCustomerMapping, pursuit.OpUpdate, mc.CustomerMappingID, 0},
	}
	if d := cmp.Diff(wantLog, logged(seq), sortChanges); d != "" {
		t.Errorf("change_log of the contact move (-want +got):\n%s", d)
	}
	gotC, err := db.GetContact(ctx, c.ContactID)
	must(t, err, "GetContact")
	if d := cmp.Diff(c, gotC); d != "" {
		t.Errorf("GetContact after the move (-want +got):\n%s", d)
	}

	// Bulk moves place b from ID to WA, and the contact back to place a.
	q.StateAbbr = "WA"
	c.PlaceID = a
	must(t, db.Bulk(ctx, func(w pursuit.BulkWriter) error {
		if err := w.UpsertPlaces(ctx, []pursuit.Place{q}); err != nil {
			return err
		}
		return w.UpsertContacts(ctx, []pursuit.Contact{c})
	}), "Bulk move")
	got = readInternal(t, db, a, c.ContactID)
	if got.ContactPartition != before.ContactPartition || got.ContactState != "NJ" || got.GrantPlace != a || got.ContactMapPlace != a {
		t.Fatalf("after the Bulk move: %+v", got)
	}
	gotQ, err := db.GetPlace(ctx, b)
	must(t, err, "GetPlace")
	if gotQ.StateAbbr != "WA" {
		t.Fatalf("place %d state = %s after Bulk, want WA", b, gotQ.StateAbbr)
	}

	// Deleting the place cascades through the carried keys.
	seq, _ = db.LastSeq(ctx)
	must(t, db.DeletePlace(ctx, a), "DeletePlace")
	for _, table := range []string{pursuit.TableContacts, pursuit.TableTechStack, pursuit.TableCustomerPlaceRelation,
		pursuit.TableCustomerContactRelation, pursuit.TableCustomerMapping} {
		n, err := db.Count(ctx, table)
		must(t, err, "Count")
		if n != 0 {
			t.Errorf("%s has %d rows after deleting the only place with rows", table, n)
		}
	}
	if n := len(logged(seq)); n != 7 {
		t.Errorf("deleting the place logged %d changes, want 7: %v", n, logged(seq))
	}
}

// ch is a change_log row without its seq and time.
type ch struct {
	Table, Op string
	Key, Key2 int64
}

// sortChanges compares change lists as sets: the order of the cascaded
// rows among tables is PostgreSQL's trigger order, not a contract.
var sortChanges = cmpopts.SortSlices(func(a, b ch) bool {
	if a.Table != b.Table {
		return a.Table < b.Table
	}
	if a.Op != b.Op {
		return a.Op < b.Op
	}
	if a.Key != b.Key {
		return a.Key < b.Key
	}
	return a.Key2 < b.Key2
})
