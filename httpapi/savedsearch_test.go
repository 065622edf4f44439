package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/search"
)

// TestSavedSearches creates, reads, runs, changes and deletes a saved
// search through the API on both stores; checks that a bad query is refused
// naming the parameter, and that another customer's saved search answers
// exactly like a missing one.
func TestSavedSearches(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		ctx := context.Background()
		tx := pursuit.Place{Name: "City of Austin", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "TX"}
		must(t, s.CreatePlace(ctx, &tx))
		ny := pursuit.Place{Name: "City of Albany", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "NY"}
		must(t, s.CreatePlace(ctx, &ny))
		for i, p := range []pursuit.Place{tx, tx, tx, ny} {
			c := pursuit.Contact{PlaceID: p.PlaceID, Name: fmt.Sprintf("Pat Finance%d", i), Title: "Finance Director", Email: fmt.Sprintf("p%d@x.gov", i)}
			must(t, s.CreateContact(ctx, &c))
		}
		a := pursuit.Customer{Name: "A"}
		must(t, s.CreateCustomer(ctx, &a))
		b := pursuit.Customer{Name: "B"}
		must(t, s.CreateCustomer(ctx, &b))
		for _, p := range []pursuit.Place{tx, ny} {
			must(t, s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: a.CustomerID, PlaceID: p.PlaceID, AccessType: pursuit.AccessMasked}))
		}
		ts := newTestServer(t, s)
		ka := ts.createKey(pursuit.RoleCustomer, a.CustomerID)
		kb := ts.createKey(pursuit.RoleCustomer, b.CustomerID)

		for _, bad := range []struct{ query, want string }{
			{"q=finance&stat=TX", "parameter stat"},
			{"q=finance&limit=5", "limit"},
			{"q=finance&cursor=abc", "cursor"},
			{"population_min=ten", "parameter population_min"},
			{"q=%zz", "parameter"},
		} {
			r := ts.do("POST", "/v1/saved-searches", ka, map[string]any{"name": "bad", "query": bad.query})
			e := r.apiError(t)
			if r.status != 400 || e.Field != "query" || !strings.Contains(e.Message, bad.want) {
				t.Errorf("query %q: %d %+v, want 400 on query naming %q", bad.query, r.status, e, bad.want)
			}
		}
		r := ts.do("POST", "/v1/saved-searches", ka, map[string]any{"name": "Texas finance", "query": "?q=finance+director&state=TX", "alert": "daily"})
		if r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		var ss pursuit.SavedSearch
		r.decode(t, &ss)
		if ss.Query != "q=finance+director&state=TX" || ss.Alert != "daily" || ss.CustomerID != a.CustomerID || ss.UserID != 0 {
			t.Fatalf("created %+v", ss)
		}
		if r := ts.do("POST", "/v1/saved-searches", ka, map[string]any{"name": "Texas finance", "query": "q=x"}); r.status != 409 {
			t.Errorf("duplicate name: %d %s", r.status, r.body)
		}
		path := fmt.Sprintf("/v1/saved-searches/%d", ss.SavedSearchID)

		// Results: the saved search, run for its customer, paged.
		var res search.ContactResult
		r = ts.do("GET", path+"/results?limit=2", ka, nil)
		if r.status != 200 {
			t.Fatalf("results: %d %s", r.status, r.body)
		}
		r.decode(t, &res)
		if res.Total != 3 || len(res.Hits) != 2 || res.NextCursor == "" {
			t.Fatalf("results: total %d, %d hits, cursor %q; want 3, 2, a cursor", res.Total, len(res.Hits), res.NextCursor)
		}
		r = ts.do("GET", path+"/results?limit=2&cursor="+res.NextCursor, ka, nil)
		r.decode(t, &res)
		if len(res.Hits) != 1 {
			t.Fatalf("second page: %d hits", len(res.Hits))
		}
		if r := ts.do("GET", path+"/results?state=NY", ka, nil); r.status != 400 {
			t.Errorf("results with a filter: %d, want 400", r.status)
		}

		// Another customer: the same 404 as a missing id.
		missing := fmt.Sprintf("/v1/saved-searches/%d", ss.SavedSearchID+100)
		for _, m := range []string{"GET", "PATCH", "DELETE"} {
			var body any
			if m == "PATCH" {
				body = map[string]any{"name": "stolen"}
			}
			rb := ts.do(m, path, kb, body)
			rm := ts.do(m, missing, kb, body)
			if rb.status != 404 || rm.status != 404 || rb.apiError(t).Code != rm.apiError(t).Code {
				t.Errorf("%s other customer's: %d %s; missing: %d %s", m, rb.status, rb.body, rm.status, rm.body)
			}
		}
		if r := ts.do("GET", path+"/results", kb, nil); r.status != 404 {
			t.Errorf("other customer's results: %d", r.status)
		}
		var list struct{ Items []pursuit.SavedSearch }
		ts.do("GET", "/v1/saved-searches", kb, nil).decode(t, &list)
		if len(list.Items) != 0 {
			t.Errorf("customer B lists %+v", list.Items)
		}

		// PATCH changes only what it names.
		r = ts.do("PATCH", path, ka, map[string]any{"query": "q=finance&state=NY"})
		if r.status != 200 {
			t.Fatalf("patch: %d %s", r.status, r.body)
		}
		r.decode(t, &ss)
		if ss.Name != "Texas finance" || ss.Query != "q=finance&state=NY" || ss.Alert != "daily" {
			t.Fatalf("patched %+v", ss)
		}
		if r := ts.do("PATCH", path, ka, map[string]any{"alert": "weekly"}); r.status != 400 || r.apiError(t).Field != "alert" {
			t.Errorf("bad alert: %d %s", r.status, r.body)
		}
		ts.do("GET", path+"/results", ka, nil).decode(t, &res)
		if res.Total != 1 {
			t.Errorf("after patch: total %d, want 1", res.Total)
		}
		ts.do("GET", "/v1/saved-searches", ka, nil).decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].SavedSearchID != ss.SavedSearchID {
			t.Errorf("list = %+v", list.Items)
		}
		if r := ts.do("DELETE", path, ka, nil); r.status != 204 {
			t.Errorf("delete: %d", r.status)
		}
		if r := ts.do("GET", path, ka, nil); r.status != 404 {
			t.Errorf("after delete: %d", r.status)
		}
	})
}
