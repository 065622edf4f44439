package storetest

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// sortChanges orders changes for comparing sets whose order the store may
// choose (the rows one cascade deletes).
func sortChanges(cs []change) []change {
	out := append([]change(nil), cs...)
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
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
	return out
}

func testCascadePlace(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	p := mustPlace(t, s, "Springfield")
	keep := mustPlace(t, s, "Shelbyville")
	c1 := mustContact(t, s, p.PlaceID, "Jane", "Doe")
	c2 := mustContact(t, s, p.PlaceID, "John", "Roe")
	kept := mustContact(t, s, keep.PlaceID, "Kept", "Person")
	ts := mustTechStack(t, s, p.PlaceID, "Tyler")
	mustTechStack(t, s, keep.PlaceID, "Esri")
	ok(t, s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: cu.CustomerID, PlaceID: p.PlaceID, AccessType: pursuit.AccessFull}), "PutPlaceGrant")
	ok(t, s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: cu.CustomerID, PlaceID: keep.PlaceID, AccessType: pursuit.AccessFull}), "PutPlaceGrant")
	ok(t, s.PutContactGrant(ctx, &pursuit.CustomerContactRelation{CustomerID: cu.CustomerID, ContactID: c1.ContactID, AccessType: pursuit.AccessMasked}), "PutContactGrant")
	ok(t, s.PutContactGrant(ctx, &pursuit.CustomerContactRelation{CustomerID: cu.CustomerID, ContactID: kept.ContactID, AccessType: pursuit.AccessMasked}), "PutContactGrant")
	mp := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "acct-1", PlaceID: p.PlaceID}
	ok(t, s.CreateCustomerMapping(ctx, &mp), "CreateCustomerMapping place")
	mc := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "lead-2", ContactID: c2.ContactID}
	ok(t, s.CreateCustomerMapping(ctx, &mc), "CreateCustomerMapping contact")
	mk := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "lead-3", ContactID: kept.ContactID}
	ok(t, s.CreateCustomerMapping(ctx, &mk), "CreateCustomerMapping kept")

	before := lastSeq(t, s)
	ok(t, s.DeletePlace(ctx, p.PlaceID), "DeletePlace")

	for _, tt := range []struct {
		table string
		want  int64
	}{
		{pursuit.TablePlaces, 1},
		{pursuit.TableContacts, 1},
		{pursuit.TableTechStack, 1},
		{pursuit.TableCustomerPlaceRelation, 1},
		{pursuit.TableCustomerContactRelation, 1},
		{pursuit.TableCustomerMapping, 1},
		{pursuit.TableCustomers, 1},
	} {
		if n := count(t, s, tt.table); n != tt.want {
			t.Errorf("after DeletePlace: %s has %d rows, want %d", tt.table, n, tt.want)
		}
	}
	_, err := s.GetContact(ctx, c1.ContactID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	_, err = s.GetTechStack(ctx, ts.TechStackID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	_, err = s.GetCustomerMapping(ctx, mc.CustomerMappingID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	_, err = s.GetContact(ctx, kept.ContactID)
	ok(t, err, "GetContact of another place")

	want := []change{
		{pursuit.TablePlaces, pursuit.OpDelete, p.PlaceID, 0},
		{pursuit.TableContacts, pursuit.OpDelete, c1.ContactID, 0},
		{pursuit.TableContacts, pursuit.OpDelete, c2.ContactID, 0},
		{pursuit.TableTechStack, pursuit.OpDelete, ts.TechStackID, 0},
		{pursuit.TableCustomerPlaceRelation, pursuit.OpDelete, cu.CustomerID, p.PlaceID},
		{pursuit.TableCustomerContactRelation, pursuit.OpDelete, cu.CustomerID, c1.ContactID},
		{pursuit.TableCustomerMapping, pursuit.OpDelete, mp.CustomerMappingID, 0},
		{pursuit.TableCustomerMapping, pursuit.OpDelete, mc.CustomerMappingID, 0},
	}
	diff(t, "change_log of DeletePlace", sortChanges(want), sortChanges(changesSince(t, s, before)))
}

func testCascadeContact(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	p := mustPlace(t, s, "Springfield")
	c := mustContact(t, s, p.PlaceID, "Jane", "Doe")
	other := mustContact(t, s, p.PlaceID, "John", "Roe")
	ok(t, s.PutContactGrant(ctx, &pursuit.CustomerContactRelation{CustomerID: cu.CustomerID, ContactID: c.ContactID, AccessType: pursuit.AccessFull}), "PutContactGrant")
	ok(t, s.PutContactGrant(ctx, &pursuit.CustomerContactRelation{CustomerID: cu.CustomerID, ContactID: other.ContactID, AccessType: pursuit.AccessFull}), "PutContactGrant")
	m := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "lead-1", ContactID: c.ContactID}
	ok(t, s.CreateCustomerMapping(ctx, &m), "CreateCustomerMapping")
	r := pursuit.Reveal{CustomerID: cu.CustomerID, ContactID: c.ContactID}
	_, err := s.RevealContact(ctx, &r)
	ok(t, err, "RevealContact")

	before := lastSeq(t, s)
	ok(t, s.DeleteContact(ctx, c.ContactID), "DeleteContact")
	want := []change{
		{pursuit.TableContacts, pursuit.OpDelete, c.ContactID, 0},
		{pursuit.TableCustomerContactRelation, pursuit.OpDelete, cu.CustomerID, c.ContactID},
		{pursuit.TableCustomerMapping, pursuit.OpDelete, m.CustomerMappingID, 0},
	}
	diff(t, "change_log of DeleteContact", sortChanges(want), sortChanges(changesSince(t, s, before)))
	if _, err := s.GetContactGrant(ctx, cu.CustomerID, other.ContactID); err != nil {
		t.Fatalf("another contact's grant went too: %v", err)
	}
	// The reveal audit trail outlives the contact.
	reveals, err := s.ListReveals(ctx, cu.CustomerID, pursuit.ListOptions{})
	ok(t, err, "ListReveals")
	diff(t, "ListReveals after DeleteContact", []pursuit.Reveal{r}, reveals)
}

func testCascadeCustomer(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	other := mustCustomer(t, s, "globex")
	p := mustPlace(t, s, "Springfield")
	c := mustContact(t, s, p.PlaceID, "Jane", "Doe")
	for _, id := range []int64{cu.CustomerID, other.CustomerID} {
		ok(t, s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: id, PlaceID: p.PlaceID, AccessType: pursuit.AccessFull}), "PutPlaceGrant")
		ok(t, s.PutContactGrant(ctx, &pursuit.CustomerContactRelation{CustomerID: id, ContactID: c.ContactID, AccessType: pursuit.AccessFull}), "PutContactGrant")
	}
	m := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "acct-1", PlaceID: p.PlaceID}
	ok(t, s.CreateCustomerMapping(ctx, &m), "CreateCustomerMapping")
	k := pursuit.APIKey{Role: pursuit.RoleCustomer, CustomerID: cu.CustomerID, Name: "k", Prefix: "pk", Hash: []byte("hash-1")}
	ok(t, s.CreateAPIKey(ctx, &k), "CreateAPIKey")

	before := lastSeq(t, s)
	ok(t, s.DeleteCustomer(ctx, cu.CustomerID), "DeleteCustomer")
	want := []change{
		{pursuit.TableCustomers, pursuit.OpDelete, cu.CustomerID, 0},
		{pursuit.TableCustomerPlaceRelation, pursuit.OpDelete, cu.CustomerID, p.PlaceID},
		{pursuit.TableCustomerContactRelation, pursuit.OpDelete, cu.CustomerID, c.ContactID},
		{pursuit.TableCustomerMapping, pursuit.OpDelete, m.CustomerMappingID, 0},
		{pursuit.TableAPIKeys, pursuit.OpDelete, k.APIKeyID, 0},
	}
	diff(t, "change_log of DeleteCustomer", sortChanges(want), sortChanges(changesSince(t, s, before)))
	_, err := s.APIKeyByHash(ctx, k.Hash)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	if _, err := s.GetPlaceGrant(ctx, other.CustomerID, p.PlaceID); err != nil {
		t.Fatalf("another customer's grant went too: %v", err)
	}
	if n := count(t, s, pursuit.TableContacts); n != 1 {
		t.Fatalf("DeleteCustomer deleted contacts: %d left", n)
	}
}

func testChangeLog(t *testing.T, s pursuit.Store) {
	start := lastSeq(t, s)
	cu := mustCustomer(t, s, "acme")
	p := mustPlace(t, s, "Springfield")
	c := mustContact(t, s, p.PlaceID, "Jane", "Doe")
	ts := mustTechStack(t, s, p.PlaceID, "Tyler")
	pg := pursuit.CustomerPlaceRelation{CustomerID: cu.CustomerID, PlaceID: p.PlaceID, AccessType: pursuit.AccessMasked}
	ok(t, s.PutPlaceGrant(ctx, &pg), "PutPlaceGrant")
	pg.AccessType = pursuit.AccessFull
	ok(t, s.PutPlaceGrant(ctx, &pg), "PutPlaceGrant replace")
	cg := pursuit.CustomerContactRelation{CustomerID: cu.CustomerID, ContactID: c.ContactID, AccessType: pursuit.AccessMasked}
	ok(t, s.PutContactGrant(ctx, &cg), "PutContactGrant")
	m := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "acct-1", PlaceID: p.PlaceID}
	ok(t, s.CreateCustomerMapping(ctx, &m), "CreateCustomerMapping")
	p.Population++
	ok(t, s.UpdatePlace(ctx, &p), "UpdatePlace")
	c.Title = "CIO"
	ok(t, s.UpdateContact(ctx, &c), "UpdateContact")
	ts.Category = "gis"
	ok(t, s.UpdateTechStack(ctx, &ts), "UpdateTechStack")
	m.AccountOwner = "Dana"
	ok(t, s.UpdateCustomerMapping(ctx, &m), "UpdateCustomerMapping")
	cu.Name = "Acme Corp"
	ok(t, s.UpdateCustomer(ctx, &cu), "UpdateCustomer")
	k := pursuit.APIKey{Role: pursuit.RoleAdmin, Name: "ops", Hash: []byte("hash-1")}
	ok(t, s.CreateAPIKey(ctx, &k), "CreateAPIKey")
	ok(t, s.RevokeAPIKey(ctx, k.APIKeyID, t0), "RevokeAPIKey")
	r := pursuit.Reveal{CustomerID: cu.CustomerID, ContactID: c.ContactID}
	_, err := s.RevealContact(ctx, &r)
	ok(t, err, "RevealContact")
	ok(t, s.DeleteContactGrant(ctx, cu.CustomerID, c.ContactID), "DeleteContactGrant")
	ok(t, s.DeletePlaceGrant(ctx, cu.CustomerID, p.PlaceID), "DeletePlaceGrant")
	ok(t, s.DeleteCustomerMapping(ctx, m.CustomerMappingID), "DeleteCustomerMapping")
	ok(t, s.DeleteTechStack(ctx, ts.TechStackID), "DeleteTechStack")
	ok(t, s.DeleteContact(ctx, c.ContactID), "DeleteContact")

	// Failed writes log nothing.
	bad := newContact(999999, "No", "Body")
	wantCode(t, s.CreateContact(ctx, &bad), pursuit.EFOREIGNKEY, "place_id")
	wantCode(t, s.DeleteContact(ctx, c.ContactID), pursuit.ENOTFOUND, "")

	want := []change{
		{pursuit.TableCustomers, pursuit.OpInsert, cu.CustomerID, 0},
		{pursuit.TablePlaces, pursuit.OpInsert, p.PlaceID, 0},
		{pursuit.TableContacts, pursuit.OpInsert, c.ContactID, 0},
		{pursuit.TableTechStack, pursuit.OpInsert, ts.TechStackID, 0},
		{pursuit.TableCustomerPlaceRelation, pursuit.OpInsert, cu.CustomerID, p.PlaceID},
		{pursuit.TableCustomerPlaceRelation, pursuit.OpUpdate, cu.CustomerID, p.PlaceID},
		{pursuit.TableCustomerContactRelation, pursuit.OpInsert, cu.CustomerID, c.ContactID},
		{pursuit.TableCustomerMapping, pursuit.OpInsert, m.CustomerMappingID, 0},
		{pursuit.TablePlaces, pursuit.OpUpdate, p.PlaceID, 0},
		{pursuit.TableContacts, pursuit.OpUpdate, c.ContactID, 0},
		{pursuit.TableTechStack, pursuit.OpUpdate, ts.TechStackID, 0},
		{pursuit.TableCustomerMapping, pursuit.OpUpdate, m.CustomerMappingID, 0},
		{pursuit.TableCustomers, pursuit.OpUpdate, cu.CustomerID, 0},
		{pursuit.TableAPIKeys, pursuit.OpInsert, k.APIKeyID, 0},
		{pursuit.TableAPIKeys, pursuit.OpUpdate, k.APIKeyID, 0},
		{pursuit.TableCustomers, pursuit.OpUpdate, cu.CustomerID, 0}, // the reveal credit
		{pursuit.TableReveals, pursuit.OpInsert, r.RevealID, 0},
		{pursuit.TableCustomerContactRelation, pursuit.OpDelete, cu.CustomerID, c.ContactID},
		{pursuit.TableCustomerPlaceRelation, pursuit.OpDelete, cu.CustomerID, p.PlaceID},
		{pursuit.TableCustomerMapping, pursuit.OpDelete, m.CustomerMappingID, 0},
		{pursuit.TableTechStack, pursuit.OpDelete, ts.TechStackID, 0},
		{pursuit.TableContacts, pursuit.OpDelete, c.ContactID, 0},
	}
	diff(t, "change_log", want, changesSince(t, s, start))

	all, err := s.Changes(ctx, start, 0)
	ok(t, err, "Changes with limit 0")
	if len(all) == 0 || len(all) > pursuit.DefaultListLimit {
		t.Fatalf("Changes with limit 0 returned %d rows", len(all))
	}
	page, err := s.Changes(ctx, start, 3)
	ok(t, err, "Changes limit 3")
	if len(page) != 3 {
		t.Fatalf("Changes limit 3 returned %d rows", len(page))
	}
	rest, err := s.Changes(ctx, page[2].Seq, 1000)
	ok(t, err, "Changes after page")
	if len(rest) != len(want)-3 {
		t.Fatalf("Changes after the first page returned %d rows, want %d", len(rest), len(want)-3)
	}
	if got := lastSeq(t, s); got != rest[len(rest)-1].Seq {
		t.Fatalf("LastSeq = %d, want the last change's seq %d", got, rest[len(rest)-1].Seq)
	}
	now := time.Now()
	if at := rest[len(rest)-1].ChangedAt; at.Before(now.Add(-time.Hour)) || at.After(now.Add(time.Hour)) {
		t.Fatalf("changed_at = %v, not near now %v", at, now)
	}
	utc(t, "changed_at", rest[len(rest)-1].ChangedAt)
}

func testConcurrentWrites(t *testing.T, s pursuit.Store) {
	p := mustPlace(t, s, "Springfield")
	const workers, each = 6, 15
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				c := newContact(p.PlaceID, fmt.Sprintf("W%d", w), fmt.Sprintf("N%d", i))
				if err := s.CreateContact(ctx, &c); err != nil {
					errs <- err
					return
				}
				if _, err := s.GetContact(ctx, c.ContactID); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent CreateContact: %v", err)
	}
	if n := count(t, s, pursuit.TableContacts); n != workers*each {
		t.Fatalf("contacts = %d, want %d", n, workers*each)
	}
	cs := changesSince(t, s, 0)
	if len(cs) != 1+workers*each {
		t.Fatalf("change_log has %d rows, want %d", len(cs), 1+workers*each)
	}
}

var errBoom = errors.New("boom")

func testBulkRollback(t *testing.T, s pursuit.Store) {
	mustPlace(t, s, "Existing")
	before := lastSeq(t, s)
	err := s.Bulk(ctx, func(w pursuit.BulkWriter) error {
		ps := []pursuit.Place{newPlace("A"), newPlace("B")}
		ps[0].PlaceID, ps[1].PlaceID = 100, 101
		if err := w.UpsertPlaces(ctx, ps); err != nil {
			return err
		}
		c := newContact(100, "Jane", "Doe")
		c.ContactID = 1
		if err := w.UpsertContacts(ctx, []pursuit.Contact{c}); err != nil {
			return err
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("Bulk = %v, want the error fn returned", err)
	}
	if n := count(t, s, pursuit.TablePlaces); n != 1 {
		t.Fatalf("places = %d after a rolled-back Bulk, want 1", n)
	}
	if n := count(t, s, pursuit.TableContacts); n != 0 {
		t.Fatalf("contacts = %d after a rolled-back Bulk, want 0", n)
	}
	if got := lastSeq(t, s); got != before {
		t.Fatalf("LastSeq = %d after a rolled-back Bulk, want %d", got, before)
	}
	if cs := changesSince(t, s, before); len(cs) != 0 {
		t.Fatalf("a rolled-back Bulk logged %v", cs)
	}
	// The store still works, and still logs, after the rollback.
	mustPlace(t, s, "After")
	if cs := changesSince(t, s, before); len(cs) != 1 {
		t.Fatalf("changes after rollback = %v, want one insert", cs)
	}
}

func testBulkForeignKey(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	// placeOne writes place 1, for the rows that reference it.
	placeOne := func(w pursuit.BulkWriter) error {
		p := newPlace("A")
		p.PlaceID = 1
		return w.UpsertPlaces(ctx, []pursuit.Place{p})
	}
	for _, tt := range []struct {
		name  string
		fn    func(w pursuit.BulkWriter) error
		field string
	}{
		{"contact of a missing place", func(w pursuit.BulkWriter) error {
			if err := placeOne(w); err != nil {
				return err
			}
			c1, c2 := newContact(1, "Jane", "Doe"), newContact(77, "John", "Roe")
			c1.ContactID, c2.ContactID = 1, 2
			return w.UpsertContacts(ctx, []pursuit.Contact{c1, c2})
		}, "place_id"},
		{"tech stack of a missing place", func(w pursuit.BulkWriter) error {
			ts := newTechStack(77, "Tyler")
			ts.TechStackID = 1
			return w.UpsertTechStack(ctx, []pursuit.TechStack{ts})
		}, "place_id"},
		{"grant to a missing customer", func(w pursuit.BulkWriter) error {
			if err := placeOne(w); err != nil {
				return err
			}
			return w.UpsertPlaceGrants(ctx, []pursuit.CustomerPlaceRelation{{CustomerID: 999999, PlaceID: 1, AccessType: pursuit.AccessFull}})
		}, "customer_id"},
		{"grant of a missing contact", func(w pursuit.BulkWriter) error {
			return w.UpsertContactGrants(ctx, []pursuit.CustomerContactRelation{{CustomerID: cu.CustomerID, ContactID: 5, AccessType: pursuit.AccessFull}})
		}, "contact_id"},
		{"mapping of a missing place", func(w pursuit.BulkWriter) error {
			return w.UpsertCustomerMappings(ctx, []pursuit.CustomerMapping{{CustomerMappingID: 1, CustomerID: cu.CustomerID, ExternalCRMID: "x", PlaceID: 5}})
		}, "place_id"},
		{"new mappings of a missing customer", func(w pursuit.BulkWriter) error {
			if err := placeOne(w); err != nil {
				return err
			}
			return w.UpsertCustomerMappings(ctx, []pursuit.CustomerMapping{
				{CustomerMappingID: 1, CustomerID: cu.CustomerID, ExternalCRMID: "x", PlaceID: 1},
				{CustomerMappingID: 2, CustomerID: 999999, ExternalCRMID: "y", PlaceID: 1}})
		}, "customer_id"},
		{"new tech stack after a missing customer's mapping", func(w pursuit.BulkWriter) error {
			if err := placeOne(w); err != nil {
				return err
			}
			if err := w.UpsertCustomerMappings(ctx, []pursuit.CustomerMapping{{CustomerMappingID: 1, CustomerID: 999998, ExternalCRMID: "x", PlaceID: 1}}); err != nil {
				return err
			}
			ts := newTechStack(1, "Tyler")
			ts.TechStackID = 1
			return w.UpsertTechStack(ctx, []pursuit.TechStack{ts})
		}, "customer_id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := lastSeq(t, s)
			err := s.Bulk(ctx, tt.fn)
			wantCode(t, err, pursuit.EFOREIGNKEY, tt.field)
			if n := count(t, s, pursuit.TablePlaces); n != 0 {
				t.Fatalf("places = %d after a failed Bulk", n)
			}
			if got := lastSeq(t, s); got != before {
				t.Fatalf("LastSeq = %d after a failed Bulk, want %d", got, before)
			}
		})
	}
}

func testBulkInvalid(t *testing.T, s pursuit.Store) {
	err := s.Bulk(ctx, func(w pursuit.BulkWriter) error {
		p := newPlace("A")
		p.PlaceID, p.StateAbbr = 1, "Illinois"
		return w.UpsertPlaces(ctx, []pursuit.Place{p})
	})
	wantCode(t, err, pursuit.EINVALID, "state_abbr")
	err = s.Bulk(ctx, func(w pursuit.BulkWriter) error {
		return w.UpsertPlaces(ctx, []pursuit.Place{newPlace("no id")})
	})
	wantCode(t, err, pursuit.EINVALID, "place_id")
	if n := count(t, s, pursuit.TablePlaces); n != 0 {
		t.Fatalf("places = %d after failed Bulk calls", n)
	}
}
