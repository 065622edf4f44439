package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// dataset is a small, fully linked set of rows for the Bulk and Scan
// tests, with explicit keys and times.
type dataset struct {
	customers []pursuit.Customer
	places    []pursuit.Place
	contacts  []pursuit.Contact
	tech      []pursuit.TechStack
	pgrants   []pursuit.CustomerPlaceRelation
	cgrants   []pursuit.CustomerContactRelation
	mappings  []pursuit.CustomerMapping
}

// newDataset returns nPlaces places with perPlace contacts and two tech
// stack rows each, two customers granted every other place and contact,
// and a mapping per place of the first customer. Keys are dense from 1 in
// the order rows appear, except that places are emitted in reverse so the
// Scan test sees key order rather than insert order.
func newDataset(nPlaces, perPlace int) dataset {
	var d dataset
	ts := t0.UTC()
	for i := 1; i <= 2; i++ {
		d.customers = append(d.customers, pursuit.Customer{
			CustomerID: int64(i), Name: fmt.Sprintf("customer %d", i), Email: fmt.Sprintf("c%d@example.com", i),
			RevealCredits: int64(10 * i), CreatedAt: ts, UpdatedAt: ts.Add(time.Duration(i) * time.Microsecond),
		})
	}
	contactID, techID := int64(0), int64(0)
	for i := nPlaces; i >= 1; i-- {
		p := newPlace(fmt.Sprintf("Place %d", i))
		p.PlaceID, p.Population, p.StateAbbr = int64(i), int64(1000*i), []string{"NY", "IL", "TX"}[i%3]
		p.CreatedAt, p.UpdatedAt = ts.Add(time.Duration(i)*time.Second), ts.Add(time.Duration(i)*time.Minute)
		p.FiscalYearStart = int64(i % 13) // 0 (unknown) and every month
		d.places = append(d.places, p)
	}
	for i := 1; i <= nPlaces; i++ {
		for j := 0; j < perPlace; j++ {
			contactID++
			c := newContact(int64(i), fmt.Sprintf("First%d", contactID), fmt.Sprintf("Last%d", contactID))
			c.ContactID = contactID
			c.VerifiedAt = ts.Add(time.Duration(contactID) * time.Hour)
			if contactID%4 == 0 {
				c.VerifiedAt = time.Time{}
			}
			c.CreatedAt, c.UpdatedAt = ts, ts.Add(time.Duration(contactID)*time.Microsecond)
			c.EmailStatus = pursuit.EmailStatuses[contactID%3]
			d.contacts = append(d.contacts, c)
			if contactID%2 == 1 {
				d.cgrants = append(d.cgrants, pursuit.CustomerContactRelation{CustomerID: 2, ContactID: contactID, AccessType: pursuit.AccessMasked, GrantedAt: ts})
			}
		}
		for _, v := range []string{"Tyler", "Esri"} {
			techID++
			d.tech = append(d.tech, pursuit.TechStack{TechStackID: techID, PlaceID: int64(i), Vendor: v, Category: "erp", FirstSeen: ts, LastSeen: ts.Add(time.Duration(techID) * time.Hour)})
		}
		if i%2 == 0 {
			d.pgrants = append(d.pgrants, pursuit.CustomerPlaceRelation{CustomerID: 1, PlaceID: int64(i), AccessType: pursuit.AccessFull, GrantedAt: ts})
		}
		d.mappings = append(d.mappings, pursuit.CustomerMapping{CustomerMappingID: int64(i), CustomerID: 1, ExternalCRMID: fmt.Sprintf("acct-%d", i), PlaceID: int64(i), AccountOwner: "Bob", LastSyncedTime: ts})
	}
	return d
}

// write upserts the dataset in batches of at most batch rows.
func (d dataset) write(w pursuit.BulkWriter, batch int) error {
	var err error
	up := func(n int, f func(lo, hi int) error) {
		for lo := 0; lo < n && err == nil; lo += batch {
			err = f(lo, min(lo+batch, n))
		}
	}
	up(len(d.customers), func(lo, hi int) error { return w.UpsertCustomers(ctx, d.customers[lo:hi]) })
	up(len(d.places), func(lo, hi int) error { return w.UpsertPlaces(ctx, d.places[lo:hi]) })
	up(len(d.contacts), func(lo, hi int) error { return w.UpsertContacts(ctx, d.contacts[lo:hi]) })
	up(len(d.tech), func(lo, hi int) error { return w.UpsertTechStack(ctx, d.tech[lo:hi]) })
	up(len(d.pgrants), func(lo, hi int) error { return w.UpsertPlaceGrants(ctx, d.pgrants[lo:hi]) })
	up(len(d.cgrants), func(lo, hi int) error { return w.UpsertContactGrants(ctx, d.cgrants[lo:hi]) })
	up(len(d.mappings), func(lo, hi int) error { return w.UpsertCustomerMappings(ctx, d.mappings[lo:hi]) })
	return err
}

func testBulkInsertAndReplace(t *testing.T, s pursuit.Store) {
	d := newDataset(30, 7)
	ok(t, s.Bulk(ctx, func(w pursuit.BulkWriter) error { return d.write(w, 16) }), "Bulk")

	for _, tt := range []struct {
		table string
		want  int
	}{
		{pursuit.TableCustomers, len(d.customers)},
		{pursuit.TablePlaces, len(d.places)},
		{pursuit.TableContacts, len(d.contacts)},
		{pursuit.TableTechStack, len(d.tech)},
		{pursuit.TableCustomerPlaceRelation, len(d.pgrants)},
		{pursuit.TableCustomerContactRelation, len(d.cgrants)},
		{pursuit.TableCustomerMapping, len(d.mappings)},
	} {
		if n := count(t, s, tt.table); n != int64(tt.want) {
			t.Errorf("Count(%s) = %d, want %d", tt.table, n, tt.want)
		}
	}
	got, err := s.GetContact(ctx, 9)
	ok(t, err, "GetContact 9")
	diff(t, "GetContact 9", d.contacts[8], got)
	gotPlace, err := s.GetPlace(ctx, 30)
	ok(t, err, "GetPlace 30")
	diff(t, "GetPlace 30", d.places[0], gotPlace)
	gotMapping, err := s.FindCustomerMapping(ctx, 1, "acct-3")
	ok(t, err, "FindCustomerMapping")
	diff(t, "FindCustomerMapping", d.mappings[2], gotMapping)
	access, err := s.ContactAccess(ctx, 2, 1)
	ok(t, err, "ContactAccess after Bulk")
	if access != pursuit.AccessMasked {
		t.Fatalf("ContactAccess after Bulk = %q, want masked", access)
	}
	byPlace, err := s.ListContactsByPlace(ctx, 2, pursuit.ListOptions{})
	ok(t, err, "ListContactsByPlace after Bulk")
	diff(t, "ListContactsByPlace after Bulk", d.contacts[7:14], byPlace)

	// Every row is logged once as an insert.
	inserted := map[string]int{}
	for _, c := range changesSince(t, s, 0) {
		if c.Op != pursuit.OpInsert {
			t.Fatalf("first Bulk logged %+v, want only inserts", c)
		}
		inserted[c.Table]++
	}
	diff(t, "inserts logged per table", map[string]int{
		pursuit.TableCustomers: 2, pursuit.TablePlaces: 30, pursuit.TableContacts: 210, pursuit.TableTechStack: 60,
		pursuit.TableCustomerPlaceRelation: 15, pursuit.TableCustomerContactRelation: 105, pursuit.TableCustomerMapping: 30,
	}, inserted)

	// A second Bulk replaces some rows and adds others; each is logged.
	before := lastSeq(t, s)
	c9 := d.contacts[8]
	c9.Title, c9.Email, c9.CreatedAt, c9.VerifiedAt = "Chief Information Officer", "", time.Time{}, time.Time{}
	newC := newContact(3, "New", "Person")
	newC.ContactID, newC.CreatedAt, newC.UpdatedAt = 1000, t0, t0
	p5 := d.places[25] // place 5
	p5.Name, p5.Population = "Renamed", 5
	g := pursuit.CustomerPlaceRelation{CustomerID: 1, PlaceID: 2, AccessType: pursuit.AccessMasked, GrantedAt: t0}
	m := d.mappings[0]
	m.AccountOwner = "Eve"
	ok(t, s.Bulk(ctx, func(w pursuit.BulkWriter) error {
		if err := w.UpsertPlaces(ctx, []pursuit.Place{p5}); err != nil {
			return err
		}
		if err := w.UpsertContacts(ctx, []pursuit.Contact{c9, newC}); err != nil {
			return err
		}
		if err := w.UpsertPlaceGrants(ctx, []pursuit.CustomerPlaceRelation{g}); err != nil {
			return err
		}
		return w.UpsertCustomerMappings(ctx, []pursuit.CustomerMapping{m})
	}), "second Bulk")

	got, err = s.GetContact(ctx, 9)
	ok(t, err, "GetContact 9 after replace")
	if got.CreatedAt.IsZero() || got.UpdatedAt.IsZero() {
		t.Fatalf("Bulk left created_at %v / updated_at %v zero", got.CreatedAt, got.UpdatedAt)
	}
	c9.CreatedAt = got.CreatedAt // set by the store: it was zero
	diff(t, "GetContact 9 after replace", c9, got)
	got, err = s.GetContact(ctx, 1000)
	ok(t, err, "GetContact 1000")
	diff(t, "GetContact 1000", newC, got)
	gotPlace, err = s.GetPlace(ctx, 5)
	ok(t, err, "GetPlace 5")
	diff(t, "GetPlace 5", p5, gotPlace)
	gotGrant, err := s.GetPlaceGrant(ctx, 1, 2)
	ok(t, err, "GetPlaceGrant")
	diff(t, "GetPlaceGrant", g, gotGrant)
	if n := count(t, s, pursuit.TableContacts); n != int64(len(d.contacts)+1) {
		t.Fatalf("contacts = %d after the second Bulk, want %d", n, len(d.contacts)+1)
	}
	want := []change{
		{pursuit.TablePlaces, pursuit.OpUpdate, 5, 0},
		{pursuit.TableContacts, pursuit.OpUpdate, 9, 0},
		{pursuit.TableContacts, pursuit.OpInsert, 1000, 0},
		{pursuit.TableCustomerPlaceRelation, pursuit.OpUpdate, 1, 2},
		{pursuit.TableCustomerMapping, pursuit.OpUpdate, m.CustomerMappingID, 0},
	}
	diff(t, "change_log of the second Bulk", want, changesSince(t, s, before))
}

func testScan(t *testing.T, s pursuit.Store) {
	d := newDataset(12, 3)
	ok(t, s.Bulk(ctx, func(w pursuit.BulkWriter) error { return d.write(w, 5) }), "Bulk")

	var places []pursuit.Place
	ok(t, s.ScanPlaces(ctx, func(p pursuit.Place) error { places = append(places, p); return nil }), "ScanPlaces")
	wantPlaces := make([]pursuit.Place, len(d.places))
	for i, p := range d.places {
		wantPlaces[len(d.places)-1-i] = p // d.places is in reverse key order
	}
	diff(t, "ScanPlaces", wantPlaces, places)

	var customers []pursuit.Customer
	ok(t, s.ScanCustomers(ctx, func(c pursuit.Customer) error { customers = append(customers, c); return nil }), "ScanCustomers")
	diff(t, "ScanCustomers", d.customers, customers)
	var contacts []pursuit.Contact
	ok(t, s.ScanContacts(ctx, func(c pursuit.Contact) error { contacts = append(contacts, c); return nil }), "ScanContacts")
	diff(t, "ScanContacts", d.contacts, contacts)
	lo, hi, err := s.ContactIDBounds(ctx)
	ok(t, err, "ContactIDBounds")
	if lo != d.contacts[0].ContactID || hi != d.contacts[len(d.contacts)-1].ContactID {
		t.Errorf("ContactIDBounds = %d, %d, want %d, %d", lo, hi, d.contacts[0].ContactID, d.contacts[len(d.contacts)-1].ContactID)
	}
	// Two ranges split at an id in the middle give the whole scan.
	mid := d.contacts[len(d.contacts)/2].ContactID
	var parts []pursuit.Contact
	for _, r := range [][2]int64{{lo, mid}, {mid, hi + 1}} {
		n := len(parts)
		ok(t, s.ScanContactsRange(ctx, r[0], r[1], func(c pursuit.Contact) error { parts = append(parts, c); return nil }), "ScanContactsRange")
		if len(parts) == n {
			t.Errorf("ScanContactsRange(%d, %d) returned no contacts", r[0], r[1])
		}
	}
	diff(t, "ScanContactsRange over two halves", d.contacts, parts)
	var tech []pursuit.TechStack
	ok(t, s.ScanTechStack(ctx, func(ts pursuit.TechStack) error { tech = append(tech, ts); return nil }), "ScanTechStack")
	diff(t, "ScanTechStack", d.tech, tech)
	var pg []pursuit.CustomerPlaceRelation
	ok(t, s.ScanPlaceGrants(ctx, func(g pursuit.CustomerPlaceRelation) error { pg = append(pg, g); return nil }), "ScanPlaceGrants")
	diff(t, "ScanPlaceGrants", d.pgrants, pg)
	var cg []pursuit.CustomerContactRelation
	ok(t, s.ScanContactGrants(ctx, func(g pursuit.CustomerContactRelation) error { cg = append(cg, g); return nil }), "ScanContactGrants")
	diff(t, "ScanContactGrants", d.cgrants, cg)
	var ms []pursuit.CustomerMapping
	ok(t, s.ScanCustomerMappings(ctx, func(m pursuit.CustomerMapping) error { ms = append(ms, m); return nil }), "ScanCustomerMappings")
	diff(t, "ScanCustomerMappings", d.mappings, ms)

	var keys []int64
	ok(t, s.ScanKeys(ctx, pursuit.TablePlaces, func(k int64) error { keys = append(keys, k); return nil }), "ScanKeys places")
	var wantKeys []int64
	for _, p := range wantPlaces {
		wantKeys = append(wantKeys, p.PlaceID)
	}
	diff(t, "ScanKeys places", wantKeys, keys)
	keys = nil
	ok(t, s.ScanKeys(ctx, pursuit.TableCustomerContactRelation, func(k int64) error { keys = append(keys, k); return nil }), "ScanKeys grants")
	if len(keys) != len(d.cgrants) {
		t.Fatalf("ScanKeys customer_contact_relation returned %d keys, want %d", len(keys), len(d.cgrants))
	}
	wantCode(t, s.ScanKeys(ctx, "sqlite_master", func(int64) error { return nil }), pursuit.EINVALID, "")
	_, err = s.Count(ctx, "places; DROP TABLE places")
	wantCode(t, err, pursuit.EINVALID, "")

	// Scan stops at the first error of fn and returns it.
	n := 0
	err = s.ScanContacts(ctx, func(pursuit.Contact) error {
		n++
		if n == 5 {
			return errBoom
		}
		return nil
	})
	if !errors.Is(err, errBoom) || n != 5 {
		t.Fatalf("ScanContacts stopped after %d rows with %v, want 5 rows and errBoom", n, err)
	}
}

// testBulkGrantsOfNewContacts pins that the grants and mappings a Bulk
// writes for contacts it inserted itself, moved or not, are tied to the
// contacts where they are: deleting a contact afterwards removes its
// grants and mappings (PostgreSQL fills their contact's place from what
// the Bulk wrote rather than from the table, and skips the per-row
// foreign-key triggers; a wrong place would leave them behind).
func testBulkGrantsOfNewContacts(t *testing.T, s pursuit.Store) {
	cu := newCustomer("acme")
	cu.CustomerID = 1
	p1, p2 := newPlace("One"), newPlace("Two")
	p1.PlaceID, p2.PlaceID, p2.StateAbbr = 1, 2, "TX"
	contact := func(id, place int64) pursuit.Contact {
		c := newContact(place, "C", fmt.Sprint(id))
		c.ContactID = id
		return c
	}
	grant := func(contact int64) pursuit.CustomerContactRelation {
		return pursuit.CustomerContactRelation{CustomerID: 1, ContactID: contact, AccessType: pursuit.AccessFull}
	}
	mapping := func(id, contact int64) pursuit.CustomerMapping {
		return pursuit.CustomerMapping{CustomerMappingID: id, CustomerID: 1, ExternalCRMID: fmt.Sprint("crm-", id), ContactID: contact}
	}
	ts := newTechStack(1, "Tyler")
	ts.TechStackID = 1
	ok(t, s.Bulk(ctx, func(w pursuit.BulkWriter) error {
		return errors.Join(
			w.UpsertCustomers(ctx, []pursuit.Customer{cu}),
			w.UpsertPlaces(ctx, []pursuit.Place{p1, p2}),
			w.UpsertContacts(ctx, []pursuit.Contact{contact(1, 1), contact(2, 2), contact(3, 1)}),
			w.UpsertContacts(ctx, []pursuit.Contact{contact(5, 2), contact(4, 1)}),
			w.UpsertContactGrants(ctx, []pursuit.CustomerContactRelation{grant(1), grant(2), grant(3), grant(4), grant(5)}),
			w.UpsertCustomerMappings(ctx, []pursuit.CustomerMapping{mapping(1, 1), mapping(2, 2), mapping(3, 5)}),
		)
	}), "Bulk of new contacts, their grants and mappings")
	// A second Bulk adds contacts, moves one of them after another table's
	// rows (a separate write), then grants and maps both.
	ok(t, s.Bulk(ctx, func(w pursuit.BulkWriter) error {
		return errors.Join(
			w.UpsertContacts(ctx, []pursuit.Contact{contact(6, 1), contact(7, 1)}),
			w.UpsertTechStack(ctx, []pursuit.TechStack{ts}),
			w.UpsertContacts(ctx, []pursuit.Contact{contact(6, 2)}),
			w.UpsertContactGrants(ctx, []pursuit.CustomerContactRelation{grant(6), grant(7)}),
			w.UpsertCustomerMappings(ctx, []pursuit.CustomerMapping{mapping(6, 6), mapping(7, 7)}),
		)
	}), "Bulk moving a new contact")
	got, err := s.GetContact(ctx, 6)
	ok(t, err, "GetContact 6")
	if got.PlaceID != 2 {
		t.Fatalf("contact 6 at place %d, want 2", got.PlaceID)
	}
	grants, mappings := int64(7), int64(5)
	for _, id := range []int64{2, 5, 6, 1, 7} {
		ok(t, s.DeleteContact(ctx, id), fmt.Sprint("DeleteContact ", id))
		grants--
		mappings-- // each of these contacts has one mapping
		if n := count(t, s, pursuit.TableCustomerContactRelation); n != grants {
			t.Fatalf("contact grants = %d after deleting contact %d, want %d (a grant not tied to its contact)", n, id, grants)
		}
		if n := count(t, s, pursuit.TableCustomerMapping); n != mappings {
			t.Fatalf("mappings = %d after deleting contact %d, want %d (a mapping not tied to its contact)", n, id, mappings)
		}
	}
}
