package transfer

import (
	"context"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// fixture is a small hand-made dataset touching every column, with values
// that need CSV quoting and JSON escaping. Rows are in primary-key order,
// the order a store's Scan methods return them.
type fixture struct {
	customers     []pursuit.Customer
	places        []pursuit.Place
	contacts      []pursuit.Contact
	techStack     []pursuit.TechStack
	placeGrants   []pursuit.CustomerPlaceRelation
	contactGrants []pursuit.CustomerContactRelation
	mappings      []pursuit.CustomerMapping
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func newFixture() fixture {
	t1 := ts("2024-03-01T12:34:56.123456Z")
	t2 := ts("2025-01-02T03:04:05Z")
	return fixture{
		customers: []pursuit.Customer{
			{CustomerID: 1, Name: "Acme GovTech, Inc.", Email: "sales@acme.example", RevealCredits: 100, CreatedAt: t1, UpdatedAt: t2},
			{CustomerID: 2, Name: `Quote "Co"`, RevealCredits: 0, CreatedAt: t1, UpdatedAt: t1},
		},
		places: []pursuit.Place{
			{PlaceID: 1, Name: "City of Springfield", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "IL", County: "Sangamon County",
				Population: 114394, Website: "https://www.springfield.il.us", EmailDomain: "springfield.il.us", GEOID: "1772000",
				AccountOwner: "Bob", FiscalYearStart: 5, CreatedAt: t1, UpdatedAt: t2},
			{PlaceID: 2, Name: "Springfield Public Schools\nDistrict 186", PlaceType: pursuit.PlaceTypeSchoolDistrict, StateAbbr: "IL",
				Population: 0, NCESID: "1737260", FiscalYearStart: 7, CreatedAt: t1, UpdatedAt: t1},
			{PlaceID: 5, Name: "Condado de Doña Ana, \"NM\"", PlaceType: pursuit.PlaceTypeCounty, StateAbbr: "NM", GEOID: "35013", CreatedAt: t2, UpdatedAt: t2},
		},
		contacts: []pursuit.Contact{
			{ContactID: 1, PlaceID: 1, Name: "Jane Doe", FirstName: "Jane", LastName: "Doe", Email: "jdoe@springfield.il.us",
				Phone: "(217) 555-0142", Title: "Chief Information Officer (CIO)", Department: "IT, Innovation",
				AccountOwner: "Bob", VerifiedAt: t2, EmailStatus: pursuit.EmailVerified, CreatedAt: t1, UpdatedAt: t2},
			{ContactID: 2, PlaceID: 1, Name: "José Núñez", Title: "Dir. of IT\r\nand GIS", EmailStatus: pursuit.EmailUnverified, CreatedAt: t1, UpdatedAt: t1},
			{ContactID: 3, PlaceID: 2, Name: "Tab\tand \\ backslash", Department: "Line\nbreak\u2028separator", EmailStatus: pursuit.EmailBounced, CreatedAt: t1, UpdatedAt: t1},
		},
		techStack: []pursuit.TechStack{
			{TechStackID: 1, PlaceID: 1, Vendor: "Tyler Technologies", Product: "Munis", Category: "ERP", FirstSeen: t1, LastSeen: t2},
			{TechStackID: 2, PlaceID: 5, Vendor: "Esri", Category: "GIS"},
		},
		placeGrants: []pursuit.CustomerPlaceRelation{
			{CustomerID: 1, PlaceID: 1, AccessType: pursuit.AccessFull, GrantedAt: t1},
			{CustomerID: 1, PlaceID: 5, AccessType: pursuit.AccessMasked, GrantedAt: t2},
		},
		contactGrants: []pursuit.CustomerContactRelation{
			{CustomerID: 2, ContactID: 3, AccessType: pursuit.AccessMasked, GrantedAt: t1},
		},
		mappings: []pursuit.CustomerMapping{
			{CustomerMappingID: 1, CustomerID: 1, ExternalCRMID: "001A000001", PlaceID: 1, AccountOwner: "Alice", LastSyncedTime: t2},
			{CustomerMappingID: 2, CustomerID: 1, ExternalCRMID: "003A000007", ContactID: 2},
		},
	}
}

// write writes the fixture through w.
func (f fixture) write(t testing.TB, w pursuit.BulkWriter) {
	t.Helper()
	ctx := context.Background()
	for _, err := range []error{
		w.UpsertCustomers(ctx, f.customers),
		w.UpsertPlaces(ctx, f.places),
		w.UpsertContacts(ctx, f.contacts),
		w.UpsertTechStack(ctx, f.techStack),
		w.UpsertPlaceGrants(ctx, f.placeGrants),
		w.UpsertContactGrants(ctx, f.contactGrants),
		w.UpsertCustomerMappings(ctx, f.mappings),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// writeDir writes the fixture to a new directory in format.
func (f fixture) writeDir(t testing.TB, format string) string {
	t.Helper()
	dir := t.TempDir()
	d, err := NewDirWriter(dir, format)
	if err != nil {
		t.Fatal(err)
	}
	f.write(t, d)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}
