package httpapi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/postgres"
	"github.com/pursuit-gov/pursuit/search"
)

// TestTwoServersOnePostgres runs two API servers, each with its own
// PostgreSQL connection pool and its own index following change_log, on one
// database: a change made through one is searchable through the other once
// the other's index has followed change_log past it. This is how Pursuit scales out: stateless servers over
// PostgreSQL.
func TestTwoServersOnePostgres(t *testing.T) {
	t.Parallel()
	dsn := testdb.PostgresDSN(t)
	ctx := context.Background()
	open := func() pursuit.Store {
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatalf("open postgres: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	dbA, dbB := open(), open()
	if _, err := dbA.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	f := seed(t, dbA)
	a := newTestServer(t, dbA)
	b := newTestServer(t, dbB)
	acmeB := b.createKey(pursuit.RoleCustomer, f.acme.CustomerID)

	// A new contact written through A, at a place Acme holds.
	start := time.Now()
	r := a.do("POST", "/v1/admin/contacts", a.admin, pursuit.Contact{
		PlaceID: f.springfield.PlaceID, Name: "Quinn Vale", Title: "GIS Coordinator", Email: "qvale@springfield.gov",
	})
	if r.status != 201 {
		t.Fatalf("create through A: %d %s", r.status, r.body)
	}
	var c pursuit.Contact
	r.decode(t, &c)
	searchB := func(q string) search.ContactResult {
		var res search.ContactResult
		r := b.do("GET", "/v1/contacts/search?q="+q, acmeB, nil)
		if r.status != 200 {
			t.Fatalf("search through B: %d %s", r.status, r.body)
		}
		r.decode(t, &res)
		return res
	}
	b.caughtUp(t)
	if res := searchB("vale"); res.Total != 1 || res.Hits[0].Contact.ContactID != c.ContactID {
		t.Fatalf("contact %d created through A, searched through B = %+v", c.ContactID, res)
	}
	t.Logf("insert through A searchable through B after %v", time.Since(start))

	// A grant made through A, on a place Acme did not hold.
	start = time.Now()
	r = a.do("PUT", fmt.Sprintf("/v1/admin/customers/%d/place-grants/%d", f.acme.CustomerID, f.travis.PlaceID), a.admin, map[string]string{"access_type": "masked"})
	if r.status != 200 {
		t.Fatalf("grant through A: %d %s", r.status, r.body)
	}
	b.caughtUp(t)
	if res := searchB("commissioner"); res.Total != 1 || res.Hits[0].Contact.ContactID != f.tom.ContactID || res.Hits[0].Contact.Email != pursuit.MaskEmail(f.tom.Email) {
		t.Fatalf("grant made through A, searched through B = %+v", res)
	}
	t.Logf("grant through A visible through B after %v", time.Since(start))

	// An update and a delete through B, seen through A.
	acmeA := a.createKey(pursuit.RoleCustomer, f.acme.CustomerID)
	c.Title = "Chief Data Officer"
	if r := b.do("PUT", fmt.Sprintf("/v1/admin/contacts/%d", c.ContactID), b.admin, c); r.status != 200 {
		t.Fatalf("update through B: %d %s", r.status, r.body)
	}
	a.caughtUp(t)
	var res search.ContactResult
	if a.do("GET", "/v1/contacts/search?q=title:data", acmeA, nil).decode(t, &res); res.Total != 1 {
		t.Fatalf("update through B, searched through A = %+v", res)
	}
	if r := b.do("DELETE", fmt.Sprintf("/v1/admin/contacts/%d", c.ContactID), b.admin, nil); r.status != 204 {
		t.Fatalf("delete through B: %d %s", r.status, r.body)
	}
	a.caughtUp(t)
	if a.do("GET", "/v1/contacts/search?q=vale", acmeA, nil).decode(t, &res); res.Total != 0 {
		t.Fatalf("delete through B, searched through A = %+v", res)
	}
}
