package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
)

func testCustomers(t *testing.T, s pursuit.Store) {
	c := newCustomer("acme")
	ok(t, s.CreateCustomer(ctx, &c), "CreateCustomer")
	if c.CustomerID <= 0 {
		t.Fatalf("CreateCustomer assigned ID %d", c.CustomerID)
	}
	if c.CreatedAt.IsZero() || !c.UpdatedAt.Equal(c.CreatedAt) {
		t.Fatalf("CreateCustomer set created_at %v, updated_at %v", c.CreatedAt, c.UpdatedAt)
	}
	got, err := s.GetCustomer(ctx, c.CustomerID)
	ok(t, err, "GetCustomer")
	diff(t, "GetCustomer", c, got)
	utc(t, "GetCustomer", got.CreatedAt, got.UpdatedAt)

	c2 := c
	c2.Name, c2.Email, c2.RevealCredits = "Acme Corp", "", 3
	c2.CreatedAt = time.Time{} // the store keeps the stored one
	ok(t, s.UpdateCustomer(ctx, &c2), "UpdateCustomer")
	if !c2.CreatedAt.Equal(c.CreatedAt) {
		t.Fatalf("UpdateCustomer: created_at = %v, want the stored %v", c2.CreatedAt, c.CreatedAt)
	}
	if c2.UpdatedAt.Before(c.UpdatedAt) {
		t.Fatalf("UpdateCustomer: updated_at went back from %v to %v", c.UpdatedAt, c2.UpdatedAt)
	}
	got, err = s.GetCustomer(ctx, c.CustomerID)
	ok(t, err, "GetCustomer after update")
	diff(t, "GetCustomer after update", c2, got)

	explicit := newCustomer("initech")
	explicit.CustomerID = 4242
	ok(t, s.CreateCustomer(ctx, &explicit), "CreateCustomer with an ID")
	got, err = s.GetCustomer(ctx, 4242)
	ok(t, err, "GetCustomer 4242")
	diff(t, "GetCustomer 4242", explicit, got)
	dup := newCustomer("dup")
	dup.CustomerID = 4242
	wantCode(t, s.CreateCustomer(ctx, &dup), pursuit.ECONFLICT, "")

	list, err := s.ListCustomers(ctx, pursuit.ListOptions{})
	ok(t, err, "ListCustomers")
	diff(t, "ListCustomers", []pursuit.Customer{c2, explicit}, list)

	bad := newCustomer("")
	wantCode(t, s.CreateCustomer(ctx, &bad), pursuit.EINVALID, "name")
	bad = newCustomer("neg")
	bad.RevealCredits = -1
	wantCode(t, s.CreateCustomer(ctx, &bad), pursuit.EINVALID, "reveal_credits")

	missing := newCustomer("ghost")
	missing.CustomerID = 999999
	wantCode(t, s.UpdateCustomer(ctx, &missing), pursuit.ENOTFOUND, "")
	_, err = s.GetCustomer(ctx, 999999)
	wantCode(t, err, pursuit.ENOTFOUND, "")

	ok(t, s.DeleteCustomer(ctx, c.CustomerID), "DeleteCustomer")
	_, err = s.GetCustomer(ctx, c.CustomerID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	wantCode(t, s.DeleteCustomer(ctx, c.CustomerID), pursuit.ENOTFOUND, "")
	if n := count(t, s, pursuit.TableCustomers); n != 1 {
		t.Fatalf("Count customers = %d, want 1", n)
	}
}

func testPlaces(t *testing.T, s pursuit.Store) {
	p := newPlace("Springfield")
	ok(t, s.CreatePlace(ctx, &p), "CreatePlace")
	if p.PlaceID <= 0 || p.CreatedAt.IsZero() {
		t.Fatalf("CreatePlace: id %d, created_at %v", p.PlaceID, p.CreatedAt)
	}
	got, err := s.GetPlace(ctx, p.PlaceID)
	ok(t, err, "GetPlace")
	diff(t, "GetPlace", p, got)
	utc(t, "GetPlace", got.CreatedAt, got.UpdatedAt)

	p2 := p
	p2.Name, p2.PlaceType, p2.StateAbbr, p2.Population = "Springfield USD 186", pursuit.PlaceTypeSchoolDistrict, "IL", 0
	p2.NCESID, p2.GEOID, p2.Website, p2.County = "1737740", "", "", ""
	ok(t, s.UpdatePlace(ctx, &p2), "UpdatePlace")
	got, err = s.GetPlace(ctx, p.PlaceID)
	ok(t, err, "GetPlace after update")
	diff(t, "GetPlace after update", p2, got)

	for _, tt := range []struct {
		name  string
		edit  func(*pursuit.Place)
		field string
	}{
		{"no name", func(p *pursuit.Place) { p.Name = " " }, "name"},
		{"bad type", func(p *pursuit.Place) { p.PlaceType = "village" }, "place_type"},
		{"bad state", func(p *pursuit.Place) { p.StateAbbr = "il" }, "state_abbr"},
		{"negative population", func(p *pursuit.Place) { p.Population = -1 }, "population"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bad := newPlace("Bad")
			tt.edit(&bad)
			wantCode(t, s.CreatePlace(ctx, &bad), pursuit.EINVALID, tt.field)
			bad = p2
			tt.edit(&bad)
			wantCode(t, s.UpdatePlace(ctx, &bad), pursuit.EINVALID, tt.field)
		})
	}

	missing := newPlace("Nowhere")
	missing.PlaceID = 999999
	wantCode(t, s.UpdatePlace(ctx, &missing), pursuit.ENOTFOUND, "")
	ok(t, s.DeletePlace(ctx, p.PlaceID), "DeletePlace")
	_, err = s.GetPlace(ctx, p.PlaceID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	wantCode(t, s.DeletePlace(ctx, p.PlaceID), pursuit.ENOTFOUND, "")
}

func testContacts(t *testing.T, s pursuit.Store) {
	p := mustPlace(t, s, "Springfield")
	q := mustPlace(t, s, "Shelbyville")
	c := newContact(p.PlaceID, "Jane", "Doe")
	ok(t, s.CreateContact(ctx, &c), "CreateContact")
	got, err := s.GetContact(ctx, c.ContactID)
	ok(t, err, "GetContact")
	diff(t, "GetContact", c, got)
	utc(t, "GetContact", got.VerifiedAt, got.CreatedAt, got.UpdatedAt)
	if !got.VerifiedAt.Equal(t0) {
		t.Fatalf("verified_at = %v, want %v", got.VerifiedAt, t0)
	}

	c2 := c
	c2.PlaceID, c2.Title, c2.Department, c2.Phone = q.PlaceID, "Chief Information Officer", "", ""
	c2.VerifiedAt = time.Time{}
	ok(t, s.UpdateContact(ctx, &c2), "UpdateContact")
	got, err = s.GetContact(ctx, c.ContactID)
	ok(t, err, "GetContact after update")
	diff(t, "GetContact after update", c2, got)
	if !got.VerifiedAt.IsZero() {
		t.Fatalf("verified_at = %v after setting it to zero", got.VerifiedAt)
	}

	other := mustContact(t, s, p.PlaceID, "John", "Roe")
	byPlace, err := s.ListContactsByPlace(ctx, p.PlaceID, pursuit.ListOptions{})
	ok(t, err, "ListContactsByPlace")
	diff(t, "ListContactsByPlace", []pursuit.Contact{other}, byPlace)
	byPlace, err = s.ListContactsByPlace(ctx, q.PlaceID, pursuit.ListOptions{})
	ok(t, err, "ListContactsByPlace")
	diff(t, "ListContactsByPlace", []pursuit.Contact{c2}, byPlace)

	orphan := newContact(999999, "No", "Body")
	wantCode(t, s.CreateContact(ctx, &orphan), pursuit.EFOREIGNKEY, "place_id")
	moved := c2
	moved.PlaceID = 999999
	wantCode(t, s.UpdateContact(ctx, &moved), pursuit.EFOREIGNKEY, "place_id")
	bad := newContact(p.PlaceID, "Bad", "Mail")
	bad.Email = "not-an-email"
	wantCode(t, s.CreateContact(ctx, &bad), pursuit.EINVALID, "email")
	bad = newContact(0, "No", "Place")
	wantCode(t, s.CreateContact(ctx, &bad), pursuit.EINVALID, "place_id")

	ok(t, s.DeleteContact(ctx, c.ContactID), "DeleteContact")
	_, err = s.GetContact(ctx, c.ContactID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	wantCode(t, s.DeleteContact(ctx, c.ContactID), pursuit.ENOTFOUND, "")
	missing := newContact(p.PlaceID, "Not", "There")
	missing.ContactID = 999999
	wantCode(t, s.UpdateContact(ctx, &missing), pursuit.ENOTFOUND, "")
}

func testTechStack(t *testing.T, s pursuit.Store) {
	p := mustPlace(t, s, "Springfield")
	ts := newTechStack(p.PlaceID, "Tyler")
	ok(t, s.CreateTechStack(ctx, &ts), "CreateTechStack")
	if ts.TechStackID <= 0 {
		t.Fatalf("CreateTechStack assigned ID %d", ts.TechStackID)
	}
	got, err := s.GetTechStack(ctx, ts.TechStackID)
	ok(t, err, "GetTechStack")
	diff(t, "GetTechStack", ts, got)
	utc(t, "GetTechStack", got.FirstSeen, got.LastSeen)

	ts.LastSeen, ts.Product = t0.Add(240*time.Hour), ""
	ok(t, s.UpdateTechStack(ctx, &ts), "UpdateTechStack")
	got, err = s.GetTechStack(ctx, ts.TechStackID)
	ok(t, err, "GetTechStack after update")
	diff(t, "GetTechStack after update", ts, got)

	other := mustTechStack(t, s, p.PlaceID, "Esri")
	list, err := s.ListTechStackByPlace(ctx, p.PlaceID)
	ok(t, err, "ListTechStackByPlace")
	diff(t, "ListTechStackByPlace", []pursuit.TechStack{ts, other}, list)
	list, err = s.ListTechStack(ctx, pursuit.ListOptions{After: ts.TechStackID})
	ok(t, err, "ListTechStack")
	diff(t, "ListTechStack after the first", []pursuit.TechStack{other}, list)

	orphan := newTechStack(999999, "Oracle")
	wantCode(t, s.CreateTechStack(ctx, &orphan), pursuit.EFOREIGNKEY, "place_id")
	bad := newTechStack(p.PlaceID, "")
	wantCode(t, s.CreateTechStack(ctx, &bad), pursuit.EINVALID, "vendor")

	ok(t, s.DeleteTechStack(ctx, ts.TechStackID), "DeleteTechStack")
	_, err = s.GetTechStack(ctx, ts.TechStackID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	wantCode(t, s.DeleteTechStack(ctx, ts.TechStackID), pursuit.ENOTFOUND, "")
	ts.TechStackID = 999999
	wantCode(t, s.UpdateTechStack(ctx, &ts), pursuit.ENOTFOUND, "")
}

func testCustomerMappings(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	cu2 := mustCustomer(t, s, "globex")
	p := mustPlace(t, s, "Springfield")
	c := mustContact(t, s, p.PlaceID, "Jane", "Doe")

	mp := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "001A000001", PlaceID: p.PlaceID, AccountOwner: "Bob", LastSyncedTime: t0}
	ok(t, s.CreateCustomerMapping(ctx, &mp), "CreateCustomerMapping place")
	mc := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "003A000007", ContactID: c.ContactID, AccountOwner: "Carol"}
	ok(t, s.CreateCustomerMapping(ctx, &mc), "CreateCustomerMapping contact")
	got, err := s.GetCustomerMapping(ctx, mp.CustomerMappingID)
	ok(t, err, "GetCustomerMapping")
	diff(t, "GetCustomerMapping", mp, got)
	utc(t, "GetCustomerMapping", got.LastSyncedTime)
	got, err = s.FindCustomerMapping(ctx, cu.CustomerID, "003A000007")
	ok(t, err, "FindCustomerMapping")
	diff(t, "FindCustomerMapping", mc, got)
	_, err = s.FindCustomerMapping(ctx, cu2.CustomerID, "003A000007")
	wantCode(t, err, pursuit.ENOTFOUND, "")

	// The same CRM id is fine for another customer, not for the same one.
	other := pursuit.CustomerMapping{CustomerID: cu2.CustomerID, ExternalCRMID: "001A000001", PlaceID: p.PlaceID}
	ok(t, s.CreateCustomerMapping(ctx, &other), "CreateCustomerMapping other customer")
	dup := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "001A000001", ContactID: c.ContactID}
	wantCode(t, s.CreateCustomerMapping(ctx, &dup), pursuit.ECONFLICT, "")
	mc2 := mc
	mc2.ExternalCRMID = "001A000001"
	wantCode(t, s.UpdateCustomerMapping(ctx, &mc2), pursuit.ECONFLICT, "")

	list, err := s.ListCustomerMappings(ctx, cu.CustomerID, pursuit.ListOptions{})
	ok(t, err, "ListCustomerMappings")
	diff(t, "ListCustomerMappings", []pursuit.CustomerMapping{mp, mc}, list)
	list, err = s.ListCustomerMappings(ctx, cu.CustomerID, pursuit.ListOptions{After: mp.CustomerMappingID, Limit: 1})
	ok(t, err, "ListCustomerMappings page 2")
	diff(t, "ListCustomerMappings page 2", []pursuit.CustomerMapping{mc}, list)

	// Retarget a mapping from a contact to a place.
	mc.ContactID, mc.PlaceID, mc.LastSyncedTime = 0, p.PlaceID, t0.Add(time.Hour)
	ok(t, s.UpdateCustomerMapping(ctx, &mc), "UpdateCustomerMapping")
	got, err = s.GetCustomerMapping(ctx, mc.CustomerMappingID)
	ok(t, err, "GetCustomerMapping after update")
	diff(t, "GetCustomerMapping after update", mc, got)

	for _, tt := range []struct {
		name  string
		m     pursuit.CustomerMapping
		code  string
		field string
	}{
		{"both targets", pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "x1", PlaceID: p.PlaceID, ContactID: c.ContactID}, pursuit.EINVALID, "place_id"},
		{"no target", pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "x2"}, pursuit.EINVALID, "place_id"},
		{"no crm id", pursuit.CustomerMapping{CustomerID: cu.CustomerID, PlaceID: p.PlaceID}, pursuit.EINVALID, "external_crm_id"},
		{"missing customer", pursuit.CustomerMapping{CustomerID: 999999, ExternalCRMID: "x3", PlaceID: p.PlaceID}, pursuit.EFOREIGNKEY, "customer_id"},
		{"missing place", pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "x4", PlaceID: 999999}, pursuit.EFOREIGNKEY, "place_id"},
		{"missing contact", pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "x5", ContactID: 999999}, pursuit.EFOREIGNKEY, "contact_id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.m
			wantCode(t, s.CreateCustomerMapping(ctx, &m), tt.code, tt.field)
		})
	}

	ok(t, s.DeleteCustomerMapping(ctx, mp.CustomerMappingID), "DeleteCustomerMapping")
	_, err = s.GetCustomerMapping(ctx, mp.CustomerMappingID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	wantCode(t, s.DeleteCustomerMapping(ctx, mp.CustomerMappingID), pursuit.ENOTFOUND, "")
	mp.CustomerMappingID = 999999
	wantCode(t, s.UpdateCustomerMapping(ctx, &mp), pursuit.ENOTFOUND, "")
}

func testMappingsByCRMID(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	cu2 := mustCustomer(t, s, "globex")
	p := mustPlace(t, s, "Springfield")
	p2 := mustPlace(t, s, "Shelbyville")
	c := mustContact(t, s, p.PlaceID, "Jane", "Doe")
	c2 := mustContact(t, s, p2.PlaceID, "John", "Roe")
	old := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "A", PlaceID: p.PlaceID, AccountOwner: "Bob"}
	ok(t, s.CreateCustomerMapping(ctx, &old), "CreateCustomerMapping")
	seq0, err := s.LastSeq(ctx)
	ok(t, err, "LastSeq")

	// A batch whose last row names a missing place writes nothing.
	rows := []pursuit.CustomerMapping{
		{ExternalCRMID: "A", ContactID: c.ContactID, AccountOwner: "Carol"},
		{ExternalCRMID: "B", PlaceID: p2.PlaceID},
		{ExternalCRMID: "C", PlaceID: 999999},
	}
	_, _, err = s.UpsertCustomerMappingsByCRMID(ctx, cu.CustomerID, rows)
	wantCode(t, err, pursuit.EFOREIGNKEY, "place_id")
	var re *pursuit.RowError
	if !errors.As(err, &re) || re.Row != 2 {
		t.Fatalf("UpsertCustomerMappingsByCRMID error %v, want a RowError of row 2", err)
	}
	got, err := s.FindCustomerMapping(ctx, cu.CustomerID, "A")
	ok(t, err, "FindCustomerMapping A")
	diff(t, "mapping A after the failed batch", old, got)
	_, err = s.FindCustomerMapping(ctx, cu.CustomerID, "B")
	wantCode(t, err, pursuit.ENOTFOUND, "")
	if seq, _ := s.LastSeq(ctx); seq != seq0 {
		t.Errorf("the failed batch logged changes: seq %d -> %d", seq0, seq)
	}
	// An invalid row is named before anything is written.
	_, _, err = s.UpsertCustomerMappingsByCRMID(ctx, cu.CustomerID, []pursuit.CustomerMapping{{ExternalCRMID: "D", PlaceID: p.PlaceID}, {ExternalCRMID: "E"}})
	wantCode(t, err, pursuit.EINVALID, "place_id")
	if !errors.As(err, &re) || re.Row != 1 {
		t.Fatalf("UpsertCustomerMappingsByCRMID error %v, want a RowError of row 1", err)
	}

	rows[2].PlaceID = p2.PlaceID
	created, updated, err := s.UpsertCustomerMappingsByCRMID(ctx, cu.CustomerID, rows)
	ok(t, err, "UpsertCustomerMappingsByCRMID")
	if created != 2 || updated != 1 {
		t.Errorf("created %d, updated %d; want 2 and 1", created, updated)
	}
	if rows[0].CustomerMappingID != old.CustomerMappingID || rows[1].CustomerMappingID == 0 || rows[2].CustomerMappingID == 0 {
		t.Errorf("ids after the upsert: %d %d %d, want %d and two new ones", rows[0].CustomerMappingID, rows[1].CustomerMappingID, rows[2].CustomerMappingID, old.CustomerMappingID)
	}
	for _, r := range rows {
		if r.CustomerID != cu.CustomerID {
			t.Errorf("row %q has customer %d, want %d", r.ExternalCRMID, r.CustomerID, cu.CustomerID)
		}
		got, err := s.FindCustomerMapping(ctx, cu.CustomerID, r.ExternalCRMID)
		ok(t, err, "FindCustomerMapping "+r.ExternalCRMID)
		diff(t, "mapping "+r.ExternalCRMID, r, got)
	}
	if seq, _ := s.LastSeq(ctx); seq <= seq0 {
		t.Errorf("the upsert logged no change (seq %d)", seq)
	}

	// Mappings of a place: of the place itself and of its contacts, the
	// customer's only.
	other := pursuit.CustomerMapping{CustomerID: cu2.CustomerID, ExternalCRMID: "A", PlaceID: p.PlaceID}
	ok(t, s.CreateCustomerMapping(ctx, &other), "CreateCustomerMapping other customer")
	onContact2 := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "F", ContactID: c2.ContactID}
	ok(t, s.CreateCustomerMapping(ctx, &onContact2), "CreateCustomerMapping contact of p2")
	onPlace := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "G", PlaceID: p.PlaceID}
	ok(t, s.CreateCustomerMapping(ctx, &onPlace), "CreateCustomerMapping place p")
	list, err := s.ListCustomerMappingsOfPlace(ctx, cu.CustomerID, p.PlaceID)
	ok(t, err, "ListCustomerMappingsOfPlace")
	diff(t, "ListCustomerMappingsOfPlace p", []pursuit.CustomerMapping{rows[0], onPlace}, list)
	list, err = s.ListCustomerMappingsOfPlace(ctx, cu.CustomerID, p2.PlaceID)
	ok(t, err, "ListCustomerMappingsOfPlace p2")
	diff(t, "ListCustomerMappingsOfPlace p2", []pursuit.CustomerMapping{rows[1], rows[2], onContact2}, list)
}

func testPlaceGrants(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	p1 := mustPlace(t, s, "Springfield")
	p2 := mustPlace(t, s, "Shelbyville")
	g1 := pursuit.CustomerPlaceRelation{CustomerID: cu.CustomerID, PlaceID: p1.PlaceID, AccessType: pursuit.AccessMasked, GrantedAt: t0}
	ok(t, s.PutPlaceGrant(ctx, &g1), "PutPlaceGrant")
	g2 := pursuit.CustomerPlaceRelation{CustomerID: cu.CustomerID, PlaceID: p2.PlaceID, AccessType: pursuit.AccessFull}
	ok(t, s.PutPlaceGrant(ctx, &g2), "PutPlaceGrant without granted_at")
	if g2.GrantedAt.IsZero() {
		t.Fatalf("PutPlaceGrant left granted_at zero")
	}
	got, err := s.GetPlaceGrant(ctx, cu.CustomerID, p1.PlaceID)
	ok(t, err, "GetPlaceGrant")
	diff(t, "GetPlaceGrant", g1, got)
	utc(t, "GetPlaceGrant", got.GrantedAt)

	g1.AccessType, g1.GrantedAt = pursuit.AccessFull, t0.Add(time.Minute)
	ok(t, s.PutPlaceGrant(ctx, &g1), "PutPlaceGrant replace")
	list, err := s.ListPlaceGrants(ctx, cu.CustomerID, pursuit.ListOptions{})
	ok(t, err, "ListPlaceGrants")
	diff(t, "ListPlaceGrants", []pursuit.CustomerPlaceRelation{g1, g2}, list)
	list, err = s.ListPlaceGrants(ctx, cu.CustomerID, pursuit.ListOptions{After: p1.PlaceID})
	ok(t, err, "ListPlaceGrants page 2")
	diff(t, "ListPlaceGrants page 2", []pursuit.CustomerPlaceRelation{g2}, list)

	for _, tt := range []struct {
		name  string
		g     pursuit.CustomerPlaceRelation
		code  string
		field string
	}{
		{"bad access", pursuit.CustomerPlaceRelation{CustomerID: cu.CustomerID, PlaceID: p1.PlaceID, AccessType: "admin"}, pursuit.EINVALID, "access_type"},
		{"missing customer", pursuit.CustomerPlaceRelation{CustomerID: 999999, PlaceID: p1.PlaceID, AccessType: pursuit.AccessFull}, pursuit.EFOREIGNKEY, "customer_id"},
		{"missing place", pursuit.CustomerPlaceRelation{CustomerID: cu.CustomerID, PlaceID: 999999, AccessType: pursuit.AccessFull}, pursuit.EFOREIGNKEY, "place_id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := tt.g
			wantCode(t, s.PutPlaceGrant(ctx, &g), tt.code, tt.field)
		})
	}

	ok(t, s.DeletePlaceGrant(ctx, cu.CustomerID, p1.PlaceID), "DeletePlaceGrant")
	_, err = s.GetPlaceGrant(ctx, cu.CustomerID, p1.PlaceID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	wantCode(t, s.DeletePlaceGrant(ctx, cu.CustomerID, p1.PlaceID), pursuit.ENOTFOUND, "")
}

func testContactGrants(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	p := mustPlace(t, s, "Springfield")
	c1 := mustContact(t, s, p.PlaceID, "Jane", "Doe")
	c2 := mustContact(t, s, p.PlaceID, "John", "Roe")
	g1 := pursuit.CustomerContactRelation{CustomerID: cu.CustomerID, ContactID: c1.ContactID, AccessType: pursuit.AccessFull, GrantedAt: t0}
	ok(t, s.PutContactGrant(ctx, &g1), "PutContactGrant")
	g2 := pursuit.CustomerContactRelation{CustomerID: cu.CustomerID, ContactID: c2.ContactID, AccessType: pursuit.AccessMasked, GrantedAt: t0}
	ok(t, s.PutContactGrant(ctx, &g2), "PutContactGrant")
	got, err := s.GetContactGrant(ctx, cu.CustomerID, c1.ContactID)
	ok(t, err, "GetContactGrant")
	diff(t, "GetContactGrant", g1, got)

	g1.AccessType = pursuit.AccessMasked
	ok(t, s.PutContactGrant(ctx, &g1), "PutContactGrant replace")
	list, err := s.ListContactGrants(ctx, cu.CustomerID, pursuit.ListOptions{})
	ok(t, err, "ListContactGrants")
	diff(t, "ListContactGrants", []pursuit.CustomerContactRelation{g1, g2}, list)
	list, err = s.ListContactGrants(ctx, cu.CustomerID, pursuit.ListOptions{Limit: 1})
	ok(t, err, "ListContactGrants limit 1")
	diff(t, "ListContactGrants limit 1", []pursuit.CustomerContactRelation{g1}, list)

	bad := pursuit.CustomerContactRelation{CustomerID: cu.CustomerID, ContactID: 999999, AccessType: pursuit.AccessFull}
	wantCode(t, s.PutContactGrant(ctx, &bad), pursuit.EFOREIGNKEY, "contact_id")
	bad = pursuit.CustomerContactRelation{CustomerID: 999999, ContactID: c1.ContactID, AccessType: pursuit.AccessFull}
	wantCode(t, s.PutContactGrant(ctx, &bad), pursuit.EFOREIGNKEY, "customer_id")
	bad = pursuit.CustomerContactRelation{CustomerID: cu.CustomerID, ContactID: c1.ContactID, AccessType: ""}
	wantCode(t, s.PutContactGrant(ctx, &bad), pursuit.EINVALID, "access_type")

	ok(t, s.DeleteContactGrant(ctx, cu.CustomerID, c1.ContactID), "DeleteContactGrant")
	_, err = s.GetContactGrant(ctx, cu.CustomerID, c1.ContactID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	wantCode(t, s.DeleteContactGrant(ctx, cu.CustomerID, c1.ContactID), pursuit.ENOTFOUND, "")
}

func testPaging(t *testing.T, s pursuit.Store) {
	var want []pursuit.Place
	for _, name := range []string{"A", "B", "C", "D", "E"} {
		want = append(want, mustPlace(t, s, name))
	}
	var got []pursuit.Place
	after := int64(0)
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatalf("paging did not end after %d pages", pages)
		}
		page, err := s.ListPlaces(ctx, pursuit.ListOptions{After: after, Limit: 2})
		ok(t, err, "ListPlaces")
		if len(page) > 2 {
			t.Fatalf("ListPlaces returned %d rows, limit 2", len(page))
		}
		if len(page) == 0 {
			break
		}
		got = append(got, page...)
		after = page[len(page)-1].PlaceID
	}
	diff(t, "ListPlaces pages", want, got)

	all, err := s.ListPlaces(ctx, pursuit.ListOptions{Limit: pursuit.MaxListLimit})
	ok(t, err, "ListPlaces max limit")
	diff(t, "ListPlaces max limit", want, all)
	_, err = s.ListPlaces(ctx, pursuit.ListOptions{Limit: pursuit.MaxListLimit + 1})
	wantCode(t, err, pursuit.EINVALID, "limit")
	_, err = s.ListContacts(ctx, pursuit.ListOptions{Limit: -1})
	wantCode(t, err, pursuit.EINVALID, "limit")

	cs, err := s.ListContacts(ctx, pursuit.ListOptions{})
	ok(t, err, "ListContacts on an empty table")
	if len(cs) != 0 {
		t.Fatalf("ListContacts on an empty table = %v", cs)
	}
}
