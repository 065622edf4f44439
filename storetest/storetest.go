// Package storetest is the conformance suite of pursuit.Store: the one set
// of tests that every store (sqlite, postgres) runs, in the manner of
// riverqueue/river's riverdrivertest. A store's own test file calls
//
//	storetest.Exercise(t, func(t *testing.T) pursuit.Store { return testdb.SQLite(t) })
//
// and adds only the tests that concern its dialect (FTS5, partition
// pruning, …).
//
// The suite pins down the contract the Store documentation leaves open:
//
//   - Create assigns the ID when it is 0 and keeps it otherwise; an ID that
//     is taken is ECONFLICT. Create sets CreatedAt and UpdatedAt to the
//     store's clock; Update sets UpdatedAt and leaves CreatedAt as stored.
//     Both write the values they set back into the caller's struct.
//   - Times come back in UTC with microsecond precision, equal (time.Equal)
//     to what was written; the zero time means NULL and comes back zero.
//   - A missing referenced row is EFOREIGNKEY with Field naming the column
//     ("place_id", "contact_id", "customer_id").
//   - ListOptions.Limit above pursuit.MaxListLimit or negative is EINVALID
//     with Field "limit".
//   - Deleting a place deletes its contacts, tech stack, grants and
//     mappings; deleting a contact its grants and mappings; deleting a
//     customer its grants, mappings and API keys. Every deleted row,
//     cascaded or not, gets a change_log row. contact_reveals, the audit
//     trail, keeps its rows.
//   - change_log covers the seven data tables and api_keys and
//     contact_reveals; relation tables log Key = customer_id and Key2 =
//     contact_id or place_id.
//   - Bulk applies nothing and logs nothing when fn fails.
//   - An id the store chooses is greater than every id the table ever
//     held: ids of customers, places, contacts, tech_stack,
//     customer_mapping, api_keys and contact_reveals are never reused,
//     also after the newest row is deleted or rows were loaded with
//     explicit ids.
//   - Secret creates a secret once; every caller gets the same bytes.
//   - SyncAccountMappings applied twice writes nothing the second time
//     (no change_log row); it reports added, changed and removed rows,
//     prunes only the customer's place mappings absent from the file, and
//     a failing row leaves everything as it was.
//   - Users' emails are unique without regard to case; disabling or
//     deleting a user ends its sessions; a sign-in token is used once,
//     even by concurrent callers; saved searches and lists are scoped to
//     their customer (another customer's is ENOTFOUND), a list takes only
//     contacts the customer can see, and ids of users, saved searches and
//     lists are never reused (web.go).
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
)

// Exercise runs the whole conformance suite. open must return a new,
// migrated, empty store for each call; it is called once per subtest, and
// the store is the test's to use (open should register its Close with
// t.Cleanup).
func Exercise(t *testing.T, open func(t *testing.T) pursuit.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s pursuit.Store)
	}{
		{"MigrateTwice", testMigrateTwice},
		{"Customers", testCustomers},
		{"Places", testPlaces},
		{"Contacts", testContacts},
		{"TechStack", testTechStack},
		{"CustomerMappings", testCustomerMappings},
		{"MappingsByCRMID", testMappingsByCRMID},
		{"SyncAccountMappings", testSyncAccountMappings},
		{"CRMJobs", testCRMJobs},
		{"PlaceGrants", testPlaceGrants},
		{"ContactGrants", testContactGrants},
		{"Paging", testPaging},
		{"Access", testAccess},
		{"APIKeys", testAPIKeys},
		{"Reveals", testReveals},
		{"Events", testEvents},
		{"RankModels", testRankModels},
		{"CascadePlace", testCascadePlace},
		{"CascadeContact", testCascadeContact},
		{"CascadeCustomer", testCascadeCustomer},
		{"ChangeLog", testChangeLog},
		{"ConcurrentWrites", testConcurrentWrites},
		{"BulkInsertAndReplace", testBulkInsertAndReplace},
		{"BulkGrantsOfNewContacts", testBulkGrantsOfNewContacts},
		{"BulkRollback", testBulkRollback},
		{"BulkForeignKey", testBulkForeignKey},
		{"BulkInvalid", testBulkInvalid},
		{"Scan", testScan},
		{"IDsNeverReused", testIDsNeverReused},
		{"BulkIDsAdvance", testBulkIDsAdvance},
		{"Secret", testSecret},
		{"NewColumns", testNewColumns},
		{"FailedWritesLeaveStructs", testFailedWritesLeaveStructs},
		{"BulkErrorsSurface", testBulkErrorsSurface},
		{"TextSearch", testTextSearch},
	}
	tests = append(tests, webTests...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

// ctx is the context of every store call in the suite.
var ctx = context.Background()

// t0 is a fixed time with microseconds, in a non-UTC zone, so round trips
// test both precision and normalisation to UTC.
var t0 = time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.FixedZone("EDT", -4*3600))

// wantCode fails the test unless err carries the code (and, when field is
// not empty, the field).
func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	if got := pursuit.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	if field != "" {
		if got := pursuit.ErrorField(err); got != field {
			t.Fatalf("error field = %q (%v), want %q", got, err, field)
		}
	}
	var e *pursuit.Error
	if errors.As(err, &e) && e.Message == "" {
		t.Fatalf("error %v has an empty Message", err)
	}
}

// ok fails the test on a non-nil error.
func ok(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// diff fails the test when got differs from want.
func diff(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("%s: diff (-want +got):\n%s", what, d)
	}
}

// utc fails the test unless every time is in UTC (or zero).
func utc(t *testing.T, what string, ts ...time.Time) {
	t.Helper()
	for i, v := range ts {
		if !v.IsZero() && v.Location() != time.UTC {
			t.Fatalf("%s: time %d is in %v, want UTC", what, i, v.Location())
		}
		if v.Nanosecond()%1000 != 0 {
			t.Fatalf("%s: time %d = %v has sub-microsecond digits", what, i, v)
		}
	}
}

func newCustomer(name string) pursuit.Customer {
	return pursuit.Customer{Name: name, Email: "sales@" + name + ".example", RevealCredits: 10}
}

func newPlace(name string) pursuit.Place {
	return pursuit.Place{
		Name: name, PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "IL",
		County: "Sangamon County", Population: 114394, Website: "www.springfield.il.us",
		EmailDomain: "springfield.il.us", GEOID: "1772000", AccountOwner: "Bob",
	}
}

func newContact(placeID int64, first, last string) pursuit.Contact {
	return pursuit.Contact{
		PlaceID: placeID, Name: first + " " + last, FirstName: first, LastName: last,
		Email: first + "." + last + "@springfield.il.us", Phone: "(217) 555-0142",
		Title: "IT Director", Department: "Information Technology", AccountOwner: "Alice",
		VerifiedAt: t0, EmailStatus: pursuit.EmailVerified,
	}
}

func newTechStack(placeID int64, vendor string) pursuit.TechStack {
	return pursuit.TechStack{
		PlaceID: placeID, Vendor: vendor, Product: vendor + " Cloud", Category: "erp",
		FirstSeen: t0, LastSeen: t0.Add(48 * time.Hour),
	}
}

func mustCustomer(t *testing.T, s pursuit.Store, name string) pursuit.Customer {
	t.Helper()
	c := newCustomer(name)
	ok(t, s.CreateCustomer(ctx, &c), "CreateCustomer")
	return c
}

func mustPlace(t *testing.T, s pursuit.Store, name string) pursuit.Place {
	t.Helper()
	p := newPlace(name)
	ok(t, s.CreatePlace(ctx, &p), "CreatePlace")
	return p
}

func mustContact(t *testing.T, s pursuit.Store, placeID int64, first, last string) pursuit.Contact {
	t.Helper()
	c := newContact(placeID, first, last)
	ok(t, s.CreateContact(ctx, &c), "CreateContact")
	return c
}

func mustTechStack(t *testing.T, s pursuit.Store, placeID int64, vendor string) pursuit.TechStack {
	t.Helper()
	ts := newTechStack(placeID, vendor)
	ok(t, s.CreateTechStack(ctx, &ts), "CreateTechStack")
	return ts
}

func lastSeq(t *testing.T, s pursuit.Store) int64 {
	t.Helper()
	n, err := s.LastSeq(ctx)
	ok(t, err, "LastSeq")
	return n
}

func count(t *testing.T, s pursuit.Store, table string) int64 {
	t.Helper()
	n, err := s.Count(ctx, table)
	ok(t, err, "Count "+table)
	return n
}

// change is a change_log row without its Seq and ChangedAt, for comparing.
type change struct {
	Table string
	Op    string
	Key   int64
	Key2  int64
}

// changesSince returns the change_log rows after seq, checking that Seq is
// strictly increasing and ChangedAt set.
func changesSince(t *testing.T, s pursuit.Store, seq int64) []change {
	t.Helper()
	var out []change
	for {
		cs, err := s.Changes(ctx, seq, 1000)
		ok(t, err, "Changes")
		if len(cs) == 0 {
			return out
		}
		for _, c := range cs {
			if c.Seq <= seq {
				t.Fatalf("change seq %d after seq %d: not strictly increasing", c.Seq, seq)
			}
			if c.ChangedAt.IsZero() {
				t.Fatalf("change %d has no changed_at", c.Seq)
			}
			seq = c.Seq
			out = append(out, change{c.Table, c.Op, c.Key, c.Key2})
		}
	}
}

func testMigrateTwice(t *testing.T, s pursuit.Store) {
	applied, err := s.Migrate(ctx)
	ok(t, err, "Migrate again")
	if len(applied) != 0 {
		t.Fatalf("Migrate on a current schema applied %v, want nothing", applied)
	}
	applied, err = s.Migrate(ctx)
	ok(t, err, "Migrate a third time")
	if len(applied) != 0 {
		t.Fatalf("Migrate on a current schema applied %v, want nothing", applied)
	}
	if k := s.Kind(); k != "sqlite" && k != "postgres" {
		t.Fatalf("Kind() = %q, want sqlite or postgres", k)
	}
	for _, table := range pursuit.DataTables {
		if n := count(t, s, table); n != 0 {
			t.Fatalf("new store has %d rows in %s", n, table)
		}
	}
	if n := lastSeq(t, s); n != 0 {
		t.Fatalf("LastSeq of a new store = %d, want 0", n)
	}
}
