package search

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// fixture is a small store with two places and three contacts, and an
// index built from it.
type fixture struct {
	t      *testing.T
	s      pursuit.Store
	ix     *Index
	p1, p2 pursuit.Place
	c      [3]pursuit.Contact
	a, b   pursuit.Customer
}

func newFixture(t *testing.T, s pursuit.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, s: s}
	f.a = pursuit.Customer{Name: "Acme", Email: "a@acme.com"}
	f.b = pursuit.Customer{Name: "Bolt", Email: "b@bolt.com"}
	must(t, s.CreateCustomer(ctx, &f.a))
	must(t, s.CreateCustomer(ctx, &f.b))
	f.p1 = pursuit.Place{Name: "Springfield", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "IL", Population: 114000, EmailDomain: "springfield.gov"}
	f.p2 = pursuit.Place{Name: "Shelbyville", PlaceType: pursuit.PlaceTypeCounty, StateAbbr: "TX", Population: 9000, EmailDomain: "shelbyville.gov"}
	must(t, s.CreatePlace(ctx, &f.p1))
	must(t, s.CreatePlace(ctx, &f.p2))
	people := []struct{ first, last, title string }{
		{"Jane", "Doe", "IT Director"}, {"John", "Roe", "Finance Manager"}, {"Ann", "Poe", "Chief Information Officer"},
	}
	for i, p := range people {
		place := f.p1
		if i == 2 {
			place = f.p2
		}
		f.c[i] = pursuit.Contact{PlaceID: place.PlaceID, Name: p.first + " " + p.last, FirstName: p.first, LastName: p.last,
			Email: p.first + "@" + place.EmailDomain, Phone: "(217) 555-0142", Title: p.title}
		must(t, s.CreateContact(ctx, &f.c[i]))
	}
	ix, err := Build(ctx, s, Options{})
	must(t, err)
	f.ix = ix
	return f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// sync applies the change log.
func (f *fixture) sync() {
	f.t.Helper()
	must(f.t, f.ix.Sync(context.Background()))
}

// seen returns the contact ids and access types a customer's search for q
// returns, and checks the total and the state facet agree with them.
func (f *fixture) seen(customerID int64, q string) map[int64]string {
	f.t.Helper()
	res, err := f.ix.SearchContacts(customerID, Request{Q: q, Facets: true})
	must(f.t, err)
	out := map[int64]string{}
	for _, h := range res.Hits {
		out[h.Contact.ContactID] = h.AccessType
		if h.AccessType == pursuit.AccessMasked && h.Contact.Phone == "(217) 555-0142" {
			f.t.Errorf("contact %d masked but phone in the clear", h.Contact.ContactID)
		}
	}
	if res.Total != len(out) {
		f.t.Errorf("Total = %d, hits = %d", res.Total, len(out))
	}
	n := 0
	for _, b := range res.Facets[FacetState] {
		n += b.Count
	}
	if n != len(out) {
		f.t.Errorf("state facet counts %d contacts, hits = %d", n, len(out))
	}
	return out
}

func (f *fixture) places(customerID int64) []int64 {
	f.t.Helper()
	res, err := f.ix.SearchPlaces(customerID, Request{})
	must(f.t, err)
	var ids []int64
	for _, h := range res.Hits {
		ids = append(ids, h.Place.PlaceID)
	}
	return ids
}

func (f *fixture) want(customerID int64, q string, want map[int64]string) {
	f.t.Helper()
	if diff := cmp.Diff(want, f.seen(customerID, q)); diff != "" {
		f.t.Errorf("customer %d q=%q: visible diff (-want +got):\n%s", customerID, q, diff)
	}
}

func TestEntitlements(t *testing.T) {
	ctx := context.Background()
	full, masked := pursuit.AccessFull, pursuit.AccessMasked
	f := newFixture(t, testdb.SQLite(t))
	a, b := f.a.CustomerID, f.b.CustomerID
	c0, c1, c2 := f.c[0].ContactID, f.c[1].ContactID, f.c[2].ContactID

	f.want(a, "", map[int64]string{})

	// A contact grant without its place's grant shows that contact only,
	// and not the place.
	must(t, f.s.PutContactGrant(ctx, &pursuit.CustomerContactRelation{CustomerID: a, ContactID: c2, AccessType: masked}))
	f.sync()
	f.want(a, "", map[int64]string{c2: masked})
	f.want(b, "", map[int64]string{})
	if got := f.places(a); len(got) != 0 {
		t.Errorf("places of a contact-only grant = %v, want none", got)
	}

	// Overlapping grants: the more permissive wins, either way round.
	must(t, f.s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: a, PlaceID: f.p1.PlaceID, AccessType: masked}))
	must(t, f.s.PutContactGrant(ctx, &pursuit.CustomerContactRelation{CustomerID: a, ContactID: c0, AccessType: full}))
	must(t, f.s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: a, PlaceID: f.p2.PlaceID, AccessType: full}))
	f.sync()
	f.want(a, "", map[int64]string{c0: full, c1: masked, c2: full})
	f.want(a, "cio", map[int64]string{c2: full})
	f.want(a, `"chief information officer"`, map[int64]string{c2: full})
	f.want(b, "", map[int64]string{})
	if diff := cmp.Diff([]int64{f.p1.PlaceID, f.p2.PlaceID}, sortIDs(f.places(a))); diff != "" {
		t.Errorf("places diff (-want +got):\n%s", diff)
	}

	// Revoking the place grant keeps the direct grant only.
	must(t, f.s.DeletePlaceGrant(ctx, a, f.p1.PlaceID))
	f.sync()
	f.want(a, "", map[int64]string{c0: full, c2: full})

	// Revoking the direct grant of a contact whose place is still granted
	// leaves the place's access.
	must(t, f.s.DeleteContactGrant(ctx, a, c2))
	f.sync()
	f.want(a, "", map[int64]string{c0: full, c2: full})
	must(t, f.s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: a, PlaceID: f.p2.PlaceID, AccessType: masked}))
	f.sync()
	f.want(a, "", map[int64]string{c0: full, c2: masked})

	// A contact moved to an ungranted place disappears; one moved into a
	// granted place appears.
	moved := f.c[2]
	moved.PlaceID = f.p1.PlaceID
	must(t, f.s.UpdateContact(ctx, &moved))
	f.sync()
	f.want(a, "", map[int64]string{c0: full})
	moved = f.c[1]
	moved.PlaceID = f.p2.PlaceID
	must(t, f.s.UpdateContact(ctx, &moved))
	f.sync()
	f.want(a, "", map[int64]string{c0: full, c1: masked})
	f.want(a, "state", map[int64]string{})

	// Deleting a place takes its contacts, and their grants, with it.
	must(t, f.s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: b, PlaceID: f.p1.PlaceID, AccessType: full}))
	f.sync()
	f.want(b, "", map[int64]string{c0: full, c2: full})
	must(t, f.s.DeletePlace(ctx, f.p1.PlaceID))
	f.sync()
	f.want(b, "", map[int64]string{})
	f.want(a, "", map[int64]string{c1: masked})
	if got := f.places(b); len(got) != 0 {
		t.Errorf("places of b after the delete = %v, want none", got)
	}
	res, err := f.ix.SearchContacts(a, Request{Q: "jane"})
	must(t, err)
	if res.Total != 0 {
		t.Errorf("deleted contact still found: %+v", res.Hits)
	}
}

func sortIDs(ids []int64) []int64 {
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && ids[j] < ids[j-1]; j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
	return ids
}

func TestMappingsAndTechFollow(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, testdb.SQLite(t))
	a := f.a.CustomerID
	must(t, f.s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: a, PlaceID: f.p1.PlaceID, AccessType: pursuit.AccessFull}))
	yes, no := true, false
	m := pursuit.CustomerMapping{CustomerID: a, ExternalCRMID: "crm-1", ContactID: f.c[1].ContactID, AccountOwner: "Bob"}
	must(t, f.s.CreateCustomerMapping(ctx, &m))
	ts := pursuit.TechStack{PlaceID: f.p1.PlaceID, Vendor: "Tyler Technologies", Product: "Munis", Category: "erp"}
	must(t, f.s.CreateTechStack(ctx, &ts))
	f.sync()
	count := func(req Request) int {
		t.Helper()
		res, err := f.ix.SearchContacts(a, req)
		must(t, err)
		return res.Total
	}
	tests := []struct {
		name string
		req  Request
		want int
	}{
		{"mapped", Request{Mapped: &yes}, 1},
		{"unmapped", Request{Mapped: &no}, 1},
		{"owner", Request{AccountOwner: "bob"}, 1},
		{"other owner", Request{AccountOwner: "alice"}, 0},
		{"vendor", Request{Vendors: []string{"tyler technologies"}}, 2},
		{"product", Request{Products: []string{"MUNIS"}}, 2},
		{"category", Request{Categories: []string{"gis"}}, 0},
	}
	for _, tt := range tests {
		if got := count(tt.req); got != tt.want {
			t.Errorf("%s: Total = %d, want %d", tt.name, got, tt.want)
		}
	}
	// A place mapping maps every contact of the place.
	pm := pursuit.CustomerMapping{CustomerID: a, ExternalCRMID: "crm-2", PlaceID: f.p1.PlaceID, AccountOwner: "Alice"}
	must(t, f.s.CreateCustomerMapping(ctx, &pm))
	must(t, f.s.DeleteTechStack(ctx, ts.TechStackID))
	f.sync()
	if got := count(Request{Mapped: &yes}); got != 2 {
		t.Errorf("mapped after place mapping = %d, want 2", got)
	}
	if got := count(Request{AccountOwner: "Alice"}); got != 2 {
		t.Errorf("owner alice after place mapping = %d, want 2", got)
	}
	if got := count(Request{Vendors: []string{"Tyler Technologies"}}); got != 0 {
		t.Errorf("vendor after tech delete = %d, want 0", got)
	}
	must(t, f.s.DeleteCustomerMapping(ctx, pm.CustomerMappingID))
	f.sync()
	if got := count(Request{AccountOwner: "Alice"}); got != 0 {
		t.Errorf("owner alice after mapping delete = %d, want 0", got)
	}
}

func TestInvalidRequests(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	neg := int64(-5)
	tests := []struct {
		req   Request
		field string
	}{
		{Request{Q: `"unclosed`}, "q"},
		{Request{Q: "titel:cio"}, "q"},
		{Request{States: []string{"New York"}}, "state"},
		{Request{States: []string{"ZZ"}}, "state"},
		{Request{States: []string{"NY", "xx"}}, "state"},
		{Request{PlaceTypes: []string{"castle"}}, "place_type"},
		{Request{Functions: []string{"wizardry"}}, "function"},
		{Request{Seniorities: []string{"boss"}}, "seniority"},
		{Request{Limit: MaxLimit + 1}, "limit"},
		{Request{Cursor: "not-a-cursor"}, "cursor"},
		{Request{PopulationMin: new(int64(10)), PopulationMax: &neg}, "population_min"},
	}
	for _, tt := range tests {
		_, err := f.ix.SearchContacts(f.a.CustomerID, tt.req)
		if pursuit.ErrorCode(err) != pursuit.EINVALID || pursuit.ErrorField(err) != tt.field {
			t.Errorf("SearchContacts(%+v) = %v, want EINVALID on %q", tt.req, err, tt.field)
		}
		// Validate, run before an index exists, says the same; only the
		// index can judge a cursor.
		verr := tt.req.ValidateContacts()
		if tt.field == "cursor" {
			if verr != nil {
				t.Errorf("ValidateContacts(%+v) = %v, want nil: the cursor is the index's to check", tt.req, verr)
			}
		} else if pursuit.ErrorCode(verr) != pursuit.EINVALID || pursuit.ErrorField(verr) != tt.field {
			t.Errorf("ValidateContacts(%+v) = %v, want EINVALID on %q", tt.req, verr, tt.field)
		}
	}
	for _, st := range pursuit.StateAbbrs {
		for _, v := range []string{st, strings.ToLower(st), " " + st + " "} {
			if err := (Request{States: []string{v}}).ValidateContacts(); err != nil {
				t.Errorf("state %q: %v", v, err)
			}
		}
	}
	if err := (Request{Seniorities: []string{"staff"}}).ValidatePlaces(); pursuit.ErrorField(err) != "seniority" {
		t.Errorf("ValidatePlaces with a contact filter = %v, want EINVALID on seniority", err)
	}
	_, err := f.ix.SearchPlaces(f.a.CustomerID, Request{Functions: []string{"it"}})
	if pursuit.ErrorField(err) != "function" {
		t.Errorf("SearchPlaces with a contact filter = %v, want EINVALID on function", err)
	}
	// A cursor of one search is refused by another.
	must(t, f.s.PutPlaceGrant(context.Background(), &pursuit.CustomerPlaceRelation{CustomerID: f.a.CustomerID, PlaceID: f.p1.PlaceID, AccessType: pursuit.AccessFull}))
	f.sync()
	res, err := f.ix.SearchContacts(f.a.CustomerID, Request{Limit: 1})
	must(t, err)
	if res.NextCursor == "" {
		t.Fatal("no NextCursor with 2 hits and limit 1")
	}
	_, err = f.ix.SearchContacts(f.a.CustomerID, Request{Limit: 1, Q: "jane", Cursor: res.NextCursor})
	if pursuit.ErrorField(err) != "cursor" {
		t.Errorf("foreign cursor = %v, want EINVALID on cursor", err)
	}
}
