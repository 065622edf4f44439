package httpapi_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/search"
)

// goInternals are words of Go's own error messages that must never reach
// a client.
var goInternals = []string{"time.Time", "json:", "Go value", "Go struct", "UnmarshalJSON", "int64", "reflect", "cannot unmarshal", "parsing time"}

func checkNoInternals(t *testing.T, r response) {
	t.Helper()
	for _, w := range goInternals {
		if strings.Contains(string(r.body), w) {
			t.Errorf("error body %s shows Go's %q", r.body, w)
		}
	}
}

// TestQueryStrings sends query strings that url.ParseQuery cannot read, or
// that name a filter that does not exist or cannot match, to every route
// that reads query parameters and to one that reads none: each answers 400
// naming the parameter. Before, a bad pair was dropped and the search ran
// without the filter. The right spellings of the same filters answer 200.
func TestQueryStrings(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		f := seed(t, s)
		ts := newTestServer(t, s)
		acme := ts.createKey(pursuit.RoleCustomer, f.acme.CustomerID)
		many := strings.Repeat("state=IL&", 12000) + "q=director"
		place := fmt.Sprintf("/v1/places/%d", f.springfield.PlaceID)
		tests := []struct {
			name, path, key, field string
		}{
			{"bad escape", "/v1/contacts/search?q=%zz", acme, "q"},
			{"trailing percent", "/v1/contacts/search?q=director%", acme, "q"},
			{"semicolon", "/v1/contacts/search?q=director;state=TX", acme, "q"},
			{"bad escape in a filter", "/v1/contacts/search?q=director&state=%G1", acme, "state"},
			{"bad escape in a name", "/v1/contacts/search?q=director&%zz=1", acme, "%zz"},
			{"no name", "/v1/contacts/search?q=director&=TX", acme, "query"},
			{"12,000 parameters", "/v1/contacts/search?" + many, acme, "query"},
			{"NUL in a value", "/v1/contacts/search?q=dir%00ector", acme, "q"},
			{"invalid UTF-8 in a value", "/v1/contacts/search?q=%FFdirector", acme, "q"},
			{"misspelt filter", "/v1/contacts/search?q=director&stat=TX", acme, "stat"},
			{"repeated single-valued", "/v1/contacts/search?q=director&q=clerk", acme, "q"},
			{"repeated limit", "/v1/places/search?limit=1&limit=2", acme, "limit"},
			{"unknown state", "/v1/contacts/search?state=ZZ", acme, "state"},
			{"unknown state on places", "/v1/places/search?state=ZZ", acme, "state"},
			{"unknown place type", "/v1/contacts/search?place_type=castle", acme, "place_type"},
			{"unknown function", "/v1/contacts/search?function=wizardry", acme, "function"},
			{"unknown seniority", "/v1/contacts/search?seniority=boss", acme, "seniority"},
			{"unknown email_status", "/v1/contacts/search?email_status=catch-all", acme, "email_status"},
			{"email_status on places", "/v1/places/search?email_status=bounced", acme, "email_status"},
			{"has_email not a boolean", "/v1/contacts/search?has_email=maybe", acme, "has_email"},
			{"has_phone not a boolean", "/v1/contacts/search?has_phone=2", acme, "has_phone"},
			{"mapped not a boolean", "/v1/places/search?mapped=perhaps", acme, "mapped"},
			{"population bounds crossed", "/v1/places/search?population_min=10&population_max=5", acme, "population_min"},
			{"population not a number", "/v1/places/search?population_min=lots", acme, "population_min"},
			{"verified_since not a date", "/v1/contacts/search?verified_since=yesterday", acme, "verified_since"},
			{"contact filter on places", "/v1/places/search?function=it", acme, "function"},
			{"admin list bad escape", "/v1/admin/places?limit=%zz", ts.admin, "limit"},
			{"admin list semicolon", "/v1/admin/places?after=1;limit=2", ts.admin, "after"},
			{"admin list unknown parameter", "/v1/admin/customers?limt=5", ts.admin, "limt"},
			{"place view bad escape", place + "?contacts_limit=%zz", acme, "contacts_limit"},
			{"accounts bad escape", "/v1/accounts?owner=Bob%", acme, "owner"},
			{"route without parameters", "/v1/me?x=%zz", acme, "x"},
			{"public route", "/healthz?q=%zz", "", "q"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := ts.do("GET", tt.path, tt.key, nil)
				if r.status != 400 {
					t.Fatalf("GET %.80s = %d %s, want 400", tt.path, r.status, r.body)
				}
				e := r.apiError(t)
				if e.Code != pursuit.EINVALID || e.Field != tt.field || e.Message == "" {
					t.Errorf("GET %.80s = %+v, want code %q on %q", tt.path, e, pursuit.EINVALID, tt.field)
				}
				checkNoInternals(t, r)
			})
		}
		// The same filters written right.
		for _, path := range []string{
			"/v1/contacts/search?q=director&state=IL&state=tx",
			"/v1/contacts/search?q=" + url.QueryEscape("director;%") + "&department=" + url.QueryEscape("R&D, Legal"),
			"/v1/contacts/search?q=director&&has_email=true&",
			"/v1/contacts/search?" + strings.Repeat("state=IL&", httpapi.MaxQueryParams-1) + "q=director",
			"/v1/places/search?state=PR&population_min=5&population_max=10",
			"/v1/me",
		} {
			if r := ts.do("GET", path, acme, nil); r.status != 200 {
				t.Errorf("GET %.80s = %d %s, want 200", path, r.status, r.body)
			}
		}
		// A filter that used to vanish now filters: Springfield's IT
		// director is in IL, not TX.
		var res search.ContactResult
		r := ts.do("GET", "/v1/contacts/search?q=director&state=TX", acme, nil)
		r.decode(t, &res)
		if res.Total != 0 {
			t.Errorf("director in TX: %d hits, want 0", res.Total)
		}
	})
}

// TestBodyInput sends bodies the import would refuse: a NUL or another
// control character, invalid UTF-8, and times that are not RFC 3339. Each
// answers 400 naming the field, with no Go type in the message, and
// nothing is stored, on both stores.
func TestBodyInput(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		f := seed(t, s)
		ts := newTestServer(t, s)
		acme := ts.createKey(pursuit.RoleCustomer, f.acme.CustomerID)
		ctx := context.Background()
		before := map[string]int64{}
		for _, table := range pursuit.DataTables {
			n, err := s.Count(ctx, table)
			must(t, err)
			before[table] = n
		}
		contact := func(extra string) string {
			return fmt.Sprintf(`{"place_id":%d,"name":"Ann Lee"%s}`, f.springfield.PlaceID, extra)
		}
		mappings := fmt.Sprintf("/v1/admin/customers/%d/mappings/bulk", f.acme.CustomerID)
		tests := []struct {
			name, method, path, body, field, want string
		}{
			{"NUL escape in a name", "POST", "/v1/admin/places", `{"name":"Nul\u0000City","place_type":"county","state_abbr":"IL"}`, "name", "control character U+0000"},
			{"raw NUL in a name", "POST", "/v1/admin/places", "{\"name\":\"Springfield\",\"place_type\":\"county\",\"state_abbr\":\"IL\",\"county\":\"a\\u0000b\"}", "county", "control character U+0000"},
			{"escape control in a title", "POST", "/v1/admin/contacts", contact(`,"title":"Director\u001b"`), "title", "control character U+001B"},
			{"NUL in a customer name", "POST", "/v1/admin/customers", `{"name":"Acme\u0000"}`, "name", "control character"},
			{"invalid UTF-8 in a name", "POST", "/v1/admin/contacts", fmt.Sprintf("{\"place_id\":%d,\"name\":\"Bad \xff Byte\"}", f.springfield.PlaceID), "name", "not valid UTF-8"},
			{"invalid UTF-8 in a bulk row", "POST", mappings, fmt.Sprintf("{\"mappings\":[{\"external_crm_id\":\"OK-1\",\"place_id\":%d},{\"external_crm_id\":\"B\xc3AD\",\"place_id\":%d}]}", f.springfield.PlaceID, f.springfield.PlaceID), "mappings[1].external_crm_id", "not valid UTF-8"},
			{"invalid UTF-8 in a field name", "POST", "/v1/admin/customers", "{\"name\":\"Acme\",\"n\xffme\":\"x\"}", "n\ufffdme", "is not a known field"},
			{"invalid UTF-8 in an unknown field", "POST", "/v1/admin/customers", "{\"name\":\"Acme\",\"email\":\"a@b.co\",\"note\":\"\xfe\"}", "note", ""},
			{"time in words", "POST", "/v1/admin/contacts", contact(`,"verified_at":"yesterday"`), "verified_at", "RFC 3339"},
			{"time as a number", "POST", "/v1/admin/contacts", contact(`,"verified_at":12`), "verified_at", "RFC 3339"},
			{"time as a boolean", "POST", "/v1/admin/contacts", contact(`,"verified_at":true`), "verified_at", "RFC 3339"},
			{"time with a bad month", "POST", "/v1/admin/places", `{"name":"X","place_type":"county","state_abbr":"IL","created_at":"2024-13-01T00:00:00Z"}`, "created_at", "RFC 3339"},
			{"time field in another case", "POST", "/v1/admin/contacts", contact(`,"Verified_At":"soon"`), "Verified_At", "RFC 3339"},
			{"time in a PUT", "PUT", fmt.Sprintf("/v1/admin/contacts/%d", f.jane.ContactID), contact(`,"updated_at":[1]`), "updated_at", "RFC 3339"},
			{"string for an integer", "POST", "/v1/admin/contacts", `{"place_id":"12","name":"Ann"}`, "place_id", "must be an integer, not a JSON string"},
			{"unknown state", "POST", "/v1/admin/places", `{"name":"X","place_type":"county","state_abbr":"ZZ"}`, "state_abbr", `"ZZ"`},
			{"unknown state in a filter", "POST", fmt.Sprintf("/v1/admin/customers/%d/grants/by-filter", f.acme.CustomerID), `{"filter":{"states":["IL","ZZ"]},"access_type":"full"}`, "filter.states[1]", `unknown state "ZZ"`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := ts.do(tt.method, tt.path, ts.admin, tt.body)
				if r.status != 400 {
					t.Fatalf("%s %s %q = %d %s, want 400", tt.method, tt.path, tt.body, r.status, r.body)
				}
				e := r.apiError(t)
				if e.Code != pursuit.EINVALID || e.Field != tt.field || !strings.Contains(e.Message, tt.want) {
					t.Errorf("%q: error %+v, want %q on %q saying %q", tt.body, e, pursuit.EINVALID, tt.field, tt.want)
				}
				checkNoInternals(t, r)
			})
		}
		for _, table := range pursuit.DataTables {
			n, err := s.Count(ctx, table)
			must(t, err)
			if n != before[table] {
				t.Errorf("%s: %d rows after the refused requests, %d before", table, n, before[table])
			}
		}
		c, err := s.GetContact(ctx, f.jane.ContactID)
		must(t, err)
		if c.Name != f.jane.Name {
			t.Errorf("jane's name = %q after a refused PUT", c.Name)
		}

		// A look-up key with a NUL answers 400 rather than a database
		// error.
		r := ts.do("GET", "/v1/mappings/SF%00-001", acme, nil)
		if e := r.apiError(t); r.status != 400 || e.Field != "external_crm_id" {
			t.Errorf("look-up of a key with a NUL = %d %s, want 400 on external_crm_id", r.status, r.body)
		}
		// Tab, line feed and carriage return are text.
		r = ts.do("POST", "/v1/admin/contacts", ts.admin, contact(`,"title":"Director\tof IT\r\nand GIS"`))
		if r.status != 201 {
			t.Errorf("a title with a tab and a CRLF = %d %s, want 201", r.status, r.body)
		}
	})
}

// TestUnknownQueryParameters sends every route, without a key, first a
// parameter no route knows, then each parameter openapi.json documents for
// it. The unknown one answers 400 naming it on every route, also on those
// that take no parameters (before, they ignored it); a documented one
// passes the query check and meets the key check (401), or on a public
// route is served. So the document lists exactly what a route accepts
// from a client that never misspells.
func TestUnknownQueryParameters(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, testdb.SQLite(t))
	public := map[string]bool{"GET /healthz": true, "GET /readyz": true, "GET /v1/openapi.json": true}
	for _, pattern := range ts.srv.Patterns() {
		method, path, _ := strings.Cut(pattern, " ")
		for _, name := range []string{"{customer_id}", "{place_id}", "{contact_id}", "{customer_mapping_id}", "{tech_stack_id}",
			"{api_key_id}", "{saved_search_id}", "{job_id}", "{external_crm_id}", "{endpoint_id}", "{delivery_id}"} {
			path = strings.ReplaceAll(path, name, "1")
		}
		if strings.Contains(path, "{") {
			t.Fatalf("%s: a path parameter this test does not fill", pattern)
		}
		r := ts.do(method, path+"?zz_unknown=1", "", nil)
		if r.status != 400 {
			t.Errorf("%s with zz_unknown: status %d, want 400: %s", pattern, r.status, r.body)
			continue
		}
		if e := r.apiError(t); e.Code != pursuit.EINVALID || e.Field != "zz_unknown" {
			t.Errorf("%s with zz_unknown: error %+v, want invalid naming zz_unknown", pattern, e)
		}
		for _, p := range httpapi.DocumentedQueryParams()[pattern] {
			r := ts.do(method, path+"?"+url.QueryEscape(p)+"=1", "", nil)
			want := 401
			if public[pattern] {
				want = r.status // served; it must only not be a query error
				if r.status == 400 {
					want = 200
				}
			}
			if r.status != want {
				t.Errorf("%s?%s=1 without a key: status %d, want %d: %s", pattern, p, r.status, want, r.body)
			}
		}
	}
}
