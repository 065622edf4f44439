package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/search"
)

// step is one request of a scenario and what it must answer.
type step struct {
	name   string
	method string
	path   string
	key    string // "admin", "acme", "beta", "none" or a literal key
	body   any
	status int
	// field, when set, is the error's expected field.
	field string
	check func(t *testing.T, r response)
}

// run sends the steps in order.
func (ts *testServer) run(t *testing.T, keys map[string]string, steps []step) {
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			key, ok := keys[st.key]
			if !ok {
				key = st.key
			}
			r := ts.do(st.method, st.path, key, st.body)
			if r.status != st.status {
				t.Fatalf("%s %s = %d %s, want %d", st.method, st.path, r.status, r.body, st.status)
			}
			if ct := r.header.Get("Content-Type"); r.status != http.StatusNoContent && !strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("Content-Type = %q, want JSON", ct)
			}
			if st.status >= 400 {
				e := r.apiError(t)
				if e.Code == "" || e.Message == "" {
					t.Errorf("error body %s lacks code or message", r.body)
				}
				if st.field != "" && e.Field != st.field {
					t.Errorf("error field = %q, want %q (%s)", e.Field, st.field, r.body)
				}
			}
			if st.check != nil {
				st.check(t, r)
			}
		})
	}
}

func contactIDs(hits []search.ContactHit) []int64 {
	var ids []int64
	for _, h := range hits {
		ids = append(ids, h.Contact.ContactID)
	}
	slices.Sort(ids)
	return ids
}

func TestCustomerRoutes(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		f := seed(t, s)
		ts := newTestServer(t, s)
		keys := map[string]string{
			"admin": ts.admin,
			"acme":  ts.createKey(pursuit.RoleCustomer, f.acme.CustomerID),
			"beta":  ts.createKey(pursuit.RoleCustomer, f.beta.CustomerID),
			"none":  "",
		}
		id := func(n int64) string { return fmt.Sprint(n) }
		ts.run(t, keys, []step{
			{name: "search contacts sees only grants, masked", method: "GET", path: "/v1/contacts/search?q=director&facets=true", key: "acme", status: 200,
				check: func(t *testing.T, r response) {
					var res search.ContactResult
					r.decode(t, &res)
					if diff := cmp.Diff([]int64{f.jane.ContactID, f.bob.ContactID}, contactIDs(res.Hits)); diff != "" {
						t.Errorf("hits diff (-want +got):\n%s", diff)
					}
					for _, h := range res.Hits {
						if h.Contact.Email != pursuit.MaskEmail(h.Contact.Email) && h.AccessType == pursuit.AccessMasked {
							t.Errorf("contact %d email %q is not masked", h.Contact.ContactID, h.Contact.Email)
						}
						if strings.Contains(string(r.body), "jane.doe@") || strings.Contains(string(r.body), "555-0142") && !strings.Contains(string(r.body), "•••-•••-0142") {
							t.Errorf("unmasked PII in %s", r.body)
						}
					}
					if res.Total != 2 || !slices.Equal(res.Facets[search.FacetState], []search.Bucket{{Value: "IL", Count: 2}}) {
						t.Errorf("total %d, state facet %v; want 2, [IL 2]", res.Total, res.Facets[search.FacetState])
					}
				}},
			{name: "search contacts with a full contact grant", method: "GET", path: "/v1/contacts/search?q=chief+information+officer", key: "acme", status: 200,
				check: func(t *testing.T, r response) {
					var res search.ContactResult
					r.decode(t, &res)
					if len(res.Hits) != 1 || res.Hits[0].Contact.Email != f.ann.Email || res.Hits[0].AccessType != pursuit.AccessFull {
						t.Errorf("hits = %+v, want Ann in full", res.Hits)
					}
				}},
			{name: "search filters", method: "GET", path: "/v1/contacts/search?state=IL&function=finance", key: "acme", status: 200,
				check: func(t *testing.T, r response) {
					var res search.ContactResult
					r.decode(t, &res)
					if diff := cmp.Diff([]int64{f.bob.ContactID}, contactIDs(res.Hits)); diff != "" {
						t.Errorf("hits diff (-want +got):\n%s", diff)
					}
				}},
			{name: "email_status filter and facet", method: "GET", path: "/v1/contacts/search?email_status=unverified&facets=true", key: "acme", status: 200,
				check: func(t *testing.T, r response) {
					var res search.ContactResult
					r.decode(t, &res)
					if res.Total == 0 {
						t.Fatal("no unverified contacts found")
					}
					for _, h := range res.Hits {
						if h.Contact.EmailStatus != pursuit.EmailUnverified {
							t.Errorf("hit %d has email_status %q", h.Contact.ContactID, h.Contact.EmailStatus)
						}
					}
					if diff := cmp.Diff([]search.Bucket{{Value: pursuit.EmailUnverified, Count: res.Total}}, res.Facets[search.FacetEmailStatus]); diff != "" {
						t.Errorf("email_status facet diff (-want +got):\n%s", diff)
					}
				}},
			{name: "email_status filter excludes", method: "GET", path: "/v1/contacts/search?email_status=bounced,verified", key: "acme", status: 200,
				check: func(t *testing.T, r response) {
					var res search.ContactResult
					r.decode(t, &res)
					if res.Total != 0 {
						t.Errorf("total %d, want 0: every fixture contact is unverified", res.Total)
					}
				}},
			{name: "other customer sees its own", method: "GET", path: "/v1/contacts/search?q=director+OR+officer", key: "beta", status: 200,
				check: func(t *testing.T, r response) {
					var res search.ContactResult
					r.decode(t, &res)
					for _, h := range res.Hits {
						if h.Contact.ContactID != f.ann.ContactID {
							t.Errorf("beta sees contact %d", h.Contact.ContactID)
						}
					}
				}},
			{name: "bad query syntax", method: "GET", path: `/v1/contacts/search?q=%22unterminated`, key: "acme", status: 400, field: "q"},
			{name: "unknown parameter", method: "GET", path: "/v1/contacts/search?sate=IL", key: "acme", status: 400, field: "sate"},
			{name: "wrong parameter type", method: "GET", path: "/v1/contacts/search?population_min=many", key: "acme", status: 400, field: "population_min"},
			{name: "bad limit", method: "GET", path: "/v1/contacts/search?limit=100000", key: "acme", status: 400, field: "limit"},
			{name: "places search", method: "GET", path: "/v1/places/search?facets=true", key: "acme", status: 200,
				check: func(t *testing.T, r response) {
					var res search.PlaceResult
					r.decode(t, &res)
					if res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].Place.PlaceID != f.springfield.PlaceID {
						t.Errorf("places = %+v, want Springfield only", res)
					}
				}},
			{name: "places search rejects contact filters", method: "GET", path: "/v1/places/search?seniority=director", key: "acme", status: 400, field: "seniority"},
			{name: "get contact masked", method: "GET", path: "/v1/contacts/" + id(f.jane.ContactID), key: "acme", status: 200,
				check: func(t *testing.T, r response) {
					var v httpapi.ContactView
					r.decode(t, &v)
					if v.Contact.Email != "j•••@springfield.gov" || v.Contact.Phone != "•••-•••-0142" || v.AccessType != "masked" || v.Function != "it" || v.Seniority != "director" {
						t.Errorf("contact = %+v", v)
					}
				}},
			{name: "get contact not granted is 404", method: "GET", path: "/v1/contacts/" + id(f.sam.ContactID), key: "acme", status: 404},
			{name: "get contact missing is 404", method: "GET", path: "/v1/contacts/999999", key: "acme", status: 404},
			{name: "get contact bad id", method: "GET", path: "/v1/contacts/abc", key: "acme", status: 400, field: "contact_id"},
			{name: "get place with contacts, tech and mappings", method: "GET", path: "/v1/places/" + id(f.springfield.PlaceID), key: "acme", status: 200,
				check: func(t *testing.T, r response) {
					var v httpapi.PlaceView
					r.decode(t, &v)
					if len(v.Contacts) != 2 || len(v.TechStack) != 1 || len(v.Mappings) != 2 {
						t.Fatalf("place view = %+v", v)
					}
					for _, c := range v.Contacts {
						if c.Contact.Email == f.jane.Email || c.Contact.Email == f.bob.Email {
							t.Errorf("contact %d unmasked in place view", c.Contact.ContactID)
						}
					}
				}},
			{name: "get place through a contact grant only is 404", method: "GET", path: "/v1/places/" + id(f.austinISD.PlaceID), key: "acme", status: 404},
			{name: "get place of another customer is 404", method: "GET", path: "/v1/places/" + id(f.springfield.PlaceID), key: "beta", status: 404},
			{name: "look up by external_crm_id", method: "GET", path: "/v1/mappings/SF-001", key: "acme", status: 200,
				check: func(t *testing.T, r response) {
					var v httpapi.MappingView
					r.decode(t, &v)
					if v.Place == nil || v.Place.PlaceID != f.springfield.PlaceID {
						t.Errorf("mapping view = %+v", v)
					}
				}},
			{name: "look up a contact mapping is masked", method: "GET", path: "/v1/mappings/CT-9", key: "acme", status: 200,
				check: func(t *testing.T, r response) {
					var v httpapi.MappingView
					r.decode(t, &v)
					if v.Contact == nil || v.Contact.Contact.Email != "j•••@springfield.gov" {
						t.Errorf("mapping view = %+v", v)
					}
				}},
			{name: "look up a mapping of an ungranted place is 404", method: "GET", path: "/v1/mappings/TX-1", key: "acme", status: 404},
			{name: "look up another customer's mapping is 404", method: "GET", path: "/v1/mappings/SF-001", key: "beta", status: 404},
			{name: "my accounts", method: "GET", path: "/v1/accounts?owner=Bob", key: "acme", status: 200,
				check: func(t *testing.T, r response) {
					var v httpapi.AccountsView
					r.decode(t, &v)
					if v.Places.Total != 1 || v.Places.Hits[0].Place.PlaceID != f.springfield.PlaceID {
						t.Errorf("places = %+v", v.Places)
					}
					for _, h := range v.Contacts.Hits {
						if h.Contact.PlaceID != f.springfield.PlaceID {
							t.Errorf("contact %d is not Bob's", h.Contact.ContactID)
						}
					}
					if v.Contacts.Total == 0 {
						t.Errorf("no contacts for Bob")
					}
				}},
			{name: "my accounts needs an owner", method: "GET", path: "/v1/accounts", key: "acme", status: 400, field: "owner"},
			{name: "me", method: "GET", path: "/v1/me", key: "acme", status: 200,
				check: func(t *testing.T, r response) {
					var v httpapi.MeView
					r.decode(t, &v)
					if v.Customer.CustomerID != f.acme.CustomerID || v.Customer.RevealCredits != 1 {
						t.Errorf("me = %+v", v)
					}
				}},
			{name: "reveal takes a credit", method: "POST", path: "/v1/contacts/" + id(f.jane.ContactID) + "/reveal", key: "acme", status: 200,
				check: func(t *testing.T, r response) {
					var v httpapi.RevealView
					r.decode(t, &v)
					if v.Contact.Email != f.jane.Email || v.Contact.Phone != f.jane.Phone || !v.Charged || v.RevealCredits != 0 {
						t.Errorf("reveal = %+v", v)
					}
				}},
			{name: "reveal again is free", method: "POST", path: "/v1/contacts/" + id(f.jane.ContactID) + "/reveal", key: "acme", status: 200,
				check: func(t *testing.T, r response) {
					var v httpapi.RevealView
					r.decode(t, &v)
					if v.Contact.Email != f.jane.Email || v.Charged {
						t.Errorf("reveal = %+v", v)
					}
				}},
			{name: "reveal without credits is 402", method: "POST", path: "/v1/contacts/" + id(f.bob.ContactID) + "/reveal", key: "acme", status: 402,
				check: func(t *testing.T, r response) {
					if e := r.apiError(t); e.Code != pursuit.EPAYMENT || !strings.Contains(e.Message, "credits") {
						t.Errorf("error = %+v", e)
					}
				}},
			{name: "reveal a full contact is free", method: "POST", path: "/v1/contacts/" + id(f.ann.ContactID) + "/reveal", key: "acme", status: 200},
			{name: "reveal not granted is 404", method: "POST", path: "/v1/contacts/" + id(f.tom.ContactID) + "/reveal", key: "acme", status: 404},
			{name: "get contact stays masked after reveal", method: "GET", path: "/v1/contacts/" + id(f.jane.ContactID), key: "acme", status: 200,
				check: func(t *testing.T, r response) {
					if strings.Contains(string(r.body), f.jane.Email) {
						t.Errorf("GET shows the revealed email: %s", r.body)
					}
				}},
		})
		reveals, err := s.ListReveals(t.Context(), f.acme.CustomerID, pursuit.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(reveals) != 2 {
			t.Errorf("%d reveal audit rows, want 2 (one charged, one free)", len(reveals))
		}
	})
}

func TestAdminRoutes(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		f := seed(t, s)
		ts := newTestServer(t, s)
		acmeKey := ts.createKey(pursuit.RoleCustomer, f.acme.CustomerID)
		keys := map[string]string{"admin": ts.admin, "acme": acmeKey, "none": ""}
		id := func(n int64) string { return fmt.Sprint(n) }
		var created pursuit.Customer
		var place pursuit.Place
		var contact pursuit.Contact
		var tech pursuit.TechStack
		var newKey httpapi.CreatedKey
		cpath := func() string { return "/v1/admin/customers/" + id(created.CustomerID) }
		steps := []step{
			{name: "create customer", method: "POST", path: "/v1/admin/customers", key: "admin", body: map[string]any{"name": "Gamma", "email": "g@gamma.example", "reveal_credits": 5}, status: 201,
				check: func(t *testing.T, r response) { r.decode(t, &created) }},
			{name: "create customer needs a name", method: "POST", path: "/v1/admin/customers", key: "admin", body: map[string]any{"email": "x@y.example"}, status: 400, field: "name"},
			{name: "create customer bad email", method: "POST", path: "/v1/admin/customers", key: "admin", body: map[string]any{"name": "X", "email": "nope"}, status: 400, field: "email"},
			{name: "list customers", method: "GET", path: "/v1/admin/customers?limit=2", key: "admin", status: 200,
				check: func(t *testing.T, r response) {
					var p httpapi.Page[pursuit.Customer]
					r.decode(t, &p)
					if len(p.Items) != 2 || p.NextAfter == 0 {
						t.Errorf("page = %+v", p)
					}
				}},
			{name: "list customers bad limit", method: "GET", path: "/v1/admin/customers?limit=0", key: "admin", status: 400, field: "limit"},
			{name: "get customer missing", method: "GET", path: "/v1/admin/customers/99999", key: "admin", status: 404},
		}
		ts.run(t, keys, steps)
		ts.run(t, keys, []step{
			{name: "get customer", method: "GET", path: cpath(), key: "admin", status: 200},
			{name: "patch customer", method: "PATCH", path: cpath(), key: "admin", body: map[string]any{"reveal_credits": 9}, status: 200,
				check: func(t *testing.T, r response) {
					var c pursuit.Customer
					r.decode(t, &c)
					if c.RevealCredits != 9 || c.Name != "Gamma" {
						t.Errorf("customer = %+v", c)
					}
				}},
			{name: "patch customer negative credits", method: "PATCH", path: cpath(), key: "admin", body: map[string]any{"reveal_credits": -1}, status: 400, field: "reveal_credits"},
			{name: "create place", method: "POST", path: "/v1/admin/places", key: "admin", body: pursuit.Place{Name: "Round Rock ISD", PlaceType: "school_district", StateAbbr: "TX", Population: 50000}, status: 201,
				check: func(t *testing.T, r response) { r.decode(t, &place) }},
			{name: "create place bad state", method: "POST", path: "/v1/admin/places", key: "admin", body: map[string]any{"name": "X", "place_type": "county", "state_abbr": "Texas"}, status: 400, field: "state_abbr"},
			{name: "create place bad type", method: "POST", path: "/v1/admin/places", key: "admin", body: map[string]any{"name": "X", "place_type": "kingdom", "state_abbr": "TX"}, status: 400, field: "place_type"},
		})
		ts.run(t, keys, []step{
			{name: "create contact", method: "POST", path: "/v1/admin/contacts", key: "admin", body: pursuit.Contact{PlaceID: place.PlaceID, Name: "Rita Ray", Email: "rita@rrisd.net", Phone: "512-555-0123", Title: "Director of Technology"}, status: 201,
				check: func(t *testing.T, r response) { r.decode(t, &contact) }},
			{name: "create contact unknown place", method: "POST", path: "/v1/admin/contacts", key: "admin", body: pursuit.Contact{PlaceID: 987654, Name: "X"}, status: 409, field: "place_id"},
			{name: "create tech stack", method: "POST", path: "/v1/admin/tech-stack", key: "admin", body: pursuit.TechStack{PlaceID: place.PlaceID, Vendor: "PowerSchool", Product: "SIS", Category: "Student Information"}, status: 201,
				check: func(t *testing.T, r response) { r.decode(t, &tech) }},
			{name: "get place", method: "GET", path: "/v1/admin/places/" + id(place.PlaceID), key: "admin", status: 200},
			{name: "list places", method: "GET", path: "/v1/admin/places", key: "admin", status: 200,
				check: func(t *testing.T, r response) {
					var p httpapi.Page[pursuit.Place]
					r.decode(t, &p)
					if len(p.Items) != 5 {
						t.Errorf("%d places, want 5", len(p.Items))
					}
				}},
			{name: "list contacts", method: "GET", path: "/v1/admin/contacts?after=0&limit=3", key: "admin", status: 200},
			{name: "list tech stack", method: "GET", path: "/v1/admin/tech-stack", key: "admin", status: 200},
		})
		place.Population = 60000
		contact.Title = "Chief Technology Officer"
		tech.Product = "PowerSchool SIS"
		ts.run(t, keys, []step{
			{name: "update place", method: "PUT", path: "/v1/admin/places/" + id(place.PlaceID), key: "admin", body: place, status: 200},
			{name: "update place id mismatch", method: "PUT", path: "/v1/admin/places/" + id(f.travis.PlaceID), key: "admin", body: place, status: 400, field: "place_id"},
			{name: "update contact", method: "PUT", path: "/v1/admin/contacts/" + id(contact.ContactID), key: "admin", body: contact, status: 200},
			{name: "get contact", method: "GET", path: "/v1/admin/contacts/" + id(contact.ContactID), key: "admin", status: 200,
				check: func(t *testing.T, r response) {
					var c pursuit.Contact
					r.decode(t, &c)
					if c.Title != "Chief Technology Officer" || c.Email != "rita@rrisd.net" {
						t.Errorf("contact = %+v (admin sees it unmasked)", c)
					}
				}},
			{name: "update tech stack", method: "PUT", path: "/v1/admin/tech-stack/" + id(tech.TechStackID), key: "admin", body: tech, status: 200},
			{name: "get tech stack", method: "GET", path: "/v1/admin/tech-stack/" + id(tech.TechStackID), key: "admin", status: 200},
			{name: "grant a place", method: "PUT", path: cpath() + "/place-grants/" + id(f.springfield.PlaceID), key: "admin", body: map[string]string{"access_type": "full"}, status: 200},
			{name: "grant a place bad access", method: "PUT", path: cpath() + "/place-grants/" + id(f.springfield.PlaceID), key: "admin", body: map[string]string{"access_type": "all"}, status: 400, field: "access_type"},
			{name: "grant a missing place", method: "PUT", path: cpath() + "/place-grants/777777", key: "admin", body: map[string]string{"access_type": "full"}, status: 409},
			{name: "grant a contact", method: "PUT", path: cpath() + "/contact-grants/" + id(f.tom.ContactID), key: "admin", body: map[string]string{"access_type": "masked"}, status: 200},
			{name: "list place grants", method: "GET", path: cpath() + "/place-grants", key: "admin", status: 200,
				check: func(t *testing.T, r response) {
					var p httpapi.Page[pursuit.CustomerPlaceRelation]
					r.decode(t, &p)
					if len(p.Items) != 1 {
						t.Errorf("grants = %+v", p)
					}
				}},
			{name: "list contact grants", method: "GET", path: cpath() + "/contact-grants", key: "admin", status: 200},
			{name: "revoke contact grant", method: "DELETE", path: cpath() + "/contact-grants/" + id(f.tom.ContactID), key: "admin", status: 204},
			{name: "revoke contact grant again", method: "DELETE", path: cpath() + "/contact-grants/" + id(f.tom.ContactID), key: "admin", status: 404},
			{name: "revoke place grant", method: "DELETE", path: cpath() + "/place-grants/" + id(f.springfield.PlaceID), key: "admin", status: 204},
			{name: "bulk grants", method: "POST", path: cpath() + "/grants/bulk", key: "admin",
				body: map[string]any{"place_grants": []map[string]any{{"place_id": f.travis.PlaceID, "access_type": "masked"}, {"place_id": f.shelbyville.PlaceID, "access_type": "full"}},
					"contact_grants": []map[string]any{{"contact_id": f.ann.ContactID, "access_type": "full"}}}, status: 200,
				check: func(t *testing.T, r response) {
					var res httpapi.BulkResult
					r.decode(t, &res)
					if res != (httpapi.BulkResult{PlaceGrants: 2, ContactGrants: 1}) {
						t.Errorf("result = %+v", res)
					}
				}},
			{name: "bulk grants names the bad row", method: "POST", path: cpath() + "/grants/bulk", key: "admin",
				body: map[string]any{"place_grants": []map[string]any{{"place_id": f.travis.PlaceID, "access_type": "masked"}, {"place_id": f.shelbyville.PlaceID, "access_type": "nope"}}}, status: 400, field: "place_grants[1].access_type"},
			{name: "bulk grants unknown field in a row", method: "POST", path: cpath() + "/grants/bulk", key: "admin",
				body: `{"place_grants":[{"place_id":1,"access":"full"}]}`, status: 400, field: "access"},
			{name: "bulk grants missing place is atomic", method: "POST", path: cpath() + "/grants/bulk", key: "admin",
				body: map[string]any{"place_grants": []map[string]any{{"place_id": place.PlaceID, "access_type": "masked"}, {"place_id": 888888, "access_type": "full"}}}, status: 409},
			{name: "grant by filter dry run", method: "POST", path: cpath() + "/grants/by-filter", key: "admin",
				body: map[string]any{"filter": map[string]any{"states": []string{"TX"}, "place_types": []string{"school_district"}}, "access_type": "masked", "dry_run": true}, status: 200,
				check: func(t *testing.T, r response) {
					var res httpapi.GrantByFilterResult
					r.decode(t, &res)
					if res.Matched != 2 || res.Granted != 0 {
						t.Errorf("result = %+v, want 2 matched (Austin ISD, Round Rock ISD), none granted", res)
					}
				}},
			{name: "grant by filter", method: "POST", path: cpath() + "/grants/by-filter", key: "admin",
				body: map[string]any{"filter": map[string]any{"states": []string{"TX"}, "place_types": []string{"school_district"}, "vendors": []string{"powerschool"}}, "access_type": "masked"}, status: 200,
				check: func(t *testing.T, r response) {
					var res httpapi.GrantByFilterResult
					r.decode(t, &res)
					if res.Matched != 1 || res.Granted != 1 {
						t.Errorf("result = %+v, want Round Rock ISD granted", res)
					}
				}},
			{name: "grant by filter needs a condition", method: "POST", path: cpath() + "/grants/by-filter", key: "admin",
				body: map[string]any{"filter": map[string]any{}, "access_type": "masked"}, status: 400, field: "filter"},
			{name: "grant by filter bad place type", method: "POST", path: cpath() + "/grants/by-filter", key: "admin",
				body: map[string]any{"filter": map[string]any{"place_types": []string{"kingdom"}}, "access_type": "masked"}, status: 400, field: "filter.place_types[0]"},
			{name: "bulk mappings", method: "POST", path: cpath() + "/mappings/bulk", key: "admin",
				body: map[string]any{"mappings": []map[string]any{{"external_crm_id": "A-1", "place_id": place.PlaceID, "account_owner": "Bob"}, {"external_crm_id": "A-2", "contact_id": contact.ContactID, "account_owner": "Bob", "last_synced_time": "2026-01-02T03:04:05Z"}}}, status: 200,
				check: func(t *testing.T, r response) {
					var res httpapi.MappingsResult
					r.decode(t, &res)
					if res != (httpapi.MappingsResult{Created: 2}) {
						t.Errorf("result = %+v", res)
					}
				}},
			{name: "bulk mappings upsert", method: "POST", path: cpath() + "/mappings/bulk", key: "admin",
				body: map[string]any{"mappings": []map[string]any{{"external_crm_id": "A-1", "place_id": place.PlaceID, "account_owner": "Carol"}}}, status: 200,
				check: func(t *testing.T, r response) {
					var res httpapi.MappingsResult
					r.decode(t, &res)
					if res != (httpapi.MappingsResult{Updated: 1}) {
						t.Errorf("result = %+v", res)
					}
				}},
			{name: "bulk mappings both targets", method: "POST", path: cpath() + "/mappings/bulk", key: "admin",
				body: map[string]any{"mappings": []map[string]any{{"external_crm_id": "A-3", "place_id": place.PlaceID, "contact_id": contact.ContactID}}}, status: 400, field: "mappings[0].place_id"},
			{name: "bulk mappings bad time", method: "POST", path: cpath() + "/mappings/bulk", key: "admin",
				body: map[string]any{"mappings": []map[string]any{{"external_crm_id": "A-3", "place_id": place.PlaceID, "last_synced_time": "yesterday"}}}, status: 400, field: "mappings[0].last_synced_time"},
			// One transaction: the missing place of the second row
			// leaves A-1's owner Carol (the list below checks it).
			{name: "bulk mappings missing place", method: "POST", path: cpath() + "/mappings/bulk", key: "admin",
				body: map[string]any{"mappings": []map[string]any{{"external_crm_id": "A-1", "place_id": place.PlaceID, "account_owner": "Dave"}, {"external_crm_id": "A-9", "place_id": 999999}}}, status: 409, field: "mappings[1].place_id"},
			{name: "list mappings", method: "GET", path: cpath() + "/mappings", key: "admin", status: 200,
				check: func(t *testing.T, r response) {
					var p httpapi.Page[pursuit.CustomerMapping]
					r.decode(t, &p)
					if len(p.Items) != 2 || p.Items[0].AccountOwner != "Carol" {
						t.Errorf("mappings = %+v", p.Items)
					}
				}},
			{name: "create api key", method: "POST", path: "/v1/admin/api-keys", key: "admin", body: map[string]any{"role": "customer", "customer_id": created.CustomerID, "name": "gamma prod"}, status: 201,
				check: func(t *testing.T, r response) {
					r.decode(t, &newKey)
					if !strings.HasPrefix(newKey.Key, "pk_") || len(newKey.Key) != 46 || !strings.HasPrefix(newKey.Key, newKey.Prefix) {
						t.Errorf("key = %+v", newKey)
					}
				}},
			{name: "create api key bad role", method: "POST", path: "/v1/admin/api-keys", key: "admin", body: map[string]any{"role": "root"}, status: 400, field: "role"},
			{name: "create customer key needs customer", method: "POST", path: "/v1/admin/api-keys", key: "admin", body: map[string]any{"role": "customer"}, status: 400, field: "customer_id"},
			{name: "list api keys hides hashes", method: "GET", path: "/v1/admin/api-keys", key: "admin", status: 200,
				check: func(t *testing.T, r response) {
					if strings.Contains(string(r.body), "hash") || strings.Contains(string(r.body), newKey.Key) {
						t.Errorf("key listing leaks: %s", r.body)
					}
				}},
		})
		ts.run(t, keys, []step{
			{name: "new key works", method: "GET", path: "/v1/me", key: newKey.Key, status: 200},
			{name: "revoke api key", method: "DELETE", path: "/v1/admin/api-keys/" + id(newKey.APIKeyID), key: "admin", status: 204},
			{name: "revoked key is 401", method: "GET", path: "/v1/me", key: newKey.Key, status: 401},
			{name: "delete tech stack", method: "DELETE", path: "/v1/admin/tech-stack/" + id(tech.TechStackID), key: "admin", status: 204},
			{name: "delete contact", method: "DELETE", path: "/v1/admin/contacts/" + id(contact.ContactID), key: "admin", status: 204},
			{name: "delete place", method: "DELETE", path: "/v1/admin/places/" + id(place.PlaceID), key: "admin", status: 204},
			{name: "get deleted place", method: "GET", path: "/v1/admin/places/" + id(place.PlaceID), key: "admin", status: 404},
			{name: "delete customer", method: "DELETE", path: cpath(), key: "admin", status: 204},
			{name: "customer key on admin route is 403", method: "GET", path: "/v1/admin/customers", key: "acme", status: 403},
		})
	})
}

func TestSearchSeesAdminWrites(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		f := seed(t, s)
		ts := newTestServer(t, s)
		acme := ts.createKey(pursuit.RoleCustomer, f.acme.CustomerID)
		r := ts.do("POST", "/v1/admin/contacts", ts.admin, pursuit.Contact{PlaceID: f.springfield.PlaceID, Name: "Zed Quill", Title: "Zookeeper", Email: "zq@springfield.gov"})
		if r.status != 201 {
			t.Fatalf("create contact: %d %s", r.status, r.body)
		}
		took := ts.caughtUp(t)
		var res search.ContactResult
		if ts.do("GET", "/v1/contacts/search?q=zookeeper", acme, nil).decode(t, &res); res.Total != 1 || res.Hits[0].Contact.Email != "z•••@springfield.gov" {
			t.Fatalf("new contact searched = %+v, want it once, masked", res)
		}
		t.Logf("searchable after %v", took)
		r = ts.do("DELETE", fmt.Sprintf("/v1/admin/customers/%d/place-grants/%d", f.acme.CustomerID, f.springfield.PlaceID), ts.admin, nil)
		if r.status != 204 {
			t.Fatalf("revoke: %d %s", r.status, r.body)
		}
		ts.caughtUp(t)
		if ts.do("GET", "/v1/contacts/search?q=zookeeper", acme, nil).decode(t, &res); res.Total != 0 {
			t.Fatalf("search after the grant was revoked = %+v, want nothing", res)
		}
	})
}
