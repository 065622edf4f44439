package httpapi_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/search"
	"github.com/pursuit-gov/pursuit/titles"
)

var (
	isoStates = []string{"IL", "TX", "NY", "CA"}
	isoTitles = []string{
		"IT Director", "Finance Director", "Chief Information Officer", "Police Chief", "City Clerk",
		"Purchasing Agent", "Superintendent", "Network Administrator", "Budget Analyst", "Mayor",
		"Public Works Director", "Water Plant Operator II", "Librarian", "Planning Director",
	}
	isoWords = []string{"director", "chief", "clerk", "finance", "water", "police", "officer", "analyst", `"public works"`, "title:director", "-director chief", "smith", "network"}
	isoNames = []string{"Smith", "Garcia", "Nguyen", "Johnson", "Okafor", "Rossi", "Kim"}
)

// isoWorld is random data with the store's own answer to "who sees what".
type isoWorld struct {
	places    []pursuit.Place
	contacts  []pursuit.Contact
	customers []int64
	// access[customer][contact id] is the effective access ("" = none).
	access map[int64]map[int64]string
	// placeAccess[customer][place id] is the place grant's access.
	placeAccess map[int64]map[int64]string
	// mappings are every customer's CRM mappings, granted rows or not.
	mappings []pursuit.CustomerMapping
}

func buildIsoWorld(t *testing.T, s pursuit.Store, rng *rand.Rand) *isoWorld {
	ctx := context.Background()
	w := &isoWorld{access: map[int64]map[int64]string{}, placeAccess: map[int64]map[int64]string{}}
	for i := 1; i <= 30; i++ {
		w.places = append(w.places, pursuit.Place{
			PlaceID: int64(i), Name: fmt.Sprintf("Place %d", i), StateAbbr: isoStates[rng.IntN(len(isoStates))],
			PlaceType: pursuit.PlaceTypes[rng.IntN(4)], Population: rng.Int64N(1_000_000), EmailDomain: fmt.Sprintf("p%d.gov", i),
		})
	}
	for i := 1; i <= 400; i++ {
		last := isoNames[rng.IntN(len(isoNames))]
		w.contacts = append(w.contacts, pursuit.Contact{
			ContactID: int64(i), PlaceID: int64(1 + rng.IntN(len(w.places))), Name: fmt.Sprintf("Pat%d %s", i, last),
			LastName: last, Email: fmt.Sprintf("pat%d.%s@p.gov", i, strings.ToLower(last)), Phone: fmt.Sprintf("(555) 555-%04d", i),
			Title: isoTitles[rng.IntN(len(isoTitles))],
		})
	}
	access := []string{pursuit.AccessFull, pursuit.AccessMasked}
	var pg []pursuit.CustomerPlaceRelation
	var cg []pursuit.CustomerContactRelation
	var cust []pursuit.Customer
	for c := int64(1); c <= 5; c++ {
		cust = append(cust, pursuit.Customer{CustomerID: c, Name: fmt.Sprintf("Customer %d", c)})
		w.customers = append(w.customers, c)
		for _, p := range w.places {
			if rng.IntN(100) < 25 {
				pg = append(pg, pursuit.CustomerPlaceRelation{CustomerID: c, PlaceID: p.PlaceID, AccessType: access[rng.IntN(2)]})
			}
		}
		for _, k := range w.contacts {
			if rng.IntN(100) < 8 {
				cg = append(cg, pursuit.CustomerContactRelation{CustomerID: c, ContactID: k.ContactID, AccessType: access[rng.IntN(2)]})
			}
		}
	}
	// CRM mappings of random places and contacts, granted or not: a
	// mapping must never make an ungranted row visible.
	owners := []string{"Bob", "Alice"}
	for _, c := range w.customers {
		for i := 0; i < 25; i++ {
			m := pursuit.CustomerMapping{CustomerMappingID: int64(len(w.mappings) + 1), CustomerID: c,
				ExternalCRMID: fmt.Sprintf("C%d-%d", c, i), AccountOwner: owners[rng.IntN(len(owners))]}
			if rng.IntN(2) == 0 {
				m.PlaceID = int64(1 + rng.IntN(len(w.places)))
			} else {
				m.ContactID = int64(1 + rng.IntN(len(w.contacts)))
			}
			w.mappings = append(w.mappings, m)
		}
	}
	err := s.Bulk(ctx, func(b pursuit.BulkWriter) error {
		return firstErr(b.UpsertCustomers(ctx, cust), b.UpsertPlaces(ctx, w.places), b.UpsertContacts(ctx, w.contacts),
			b.UpsertPlaceGrants(ctx, pg), b.UpsertContactGrants(ctx, cg), b.UpsertCustomerMappings(ctx, w.mappings))
	})
	must(t, err)
	// Ask the store, the system of record, what each customer may see.
	for _, c := range w.customers {
		w.access[c] = map[int64]string{}
		w.placeAccess[c] = map[int64]string{}
		for _, k := range w.contacts {
			a, err := s.ContactAccess(ctx, c, k.ContactID)
			if err != nil && pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
				t.Fatal(err)
			}
			w.access[c][k.ContactID] = a
		}
		for _, p := range w.places {
			a, err := s.PlaceAccess(ctx, c, p.PlaceID)
			if err != nil && pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
				t.Fatal(err)
			}
			w.placeAccess[c][p.PlaceID] = a
		}
	}
	return w
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func (w *isoWorld) place(id int64) pursuit.Place { return w.places[id-1] }

// TestTenantIsolation runs thousands of random searches, look-ups and
// facet requests for customers with overlapping random grants, and checks
// that no row, count, facet bucket or unmasked email or phone escapes a
// customer's grants.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		rng := rand.New(rand.NewPCG(42, 7))
		w := buildIsoWorld(t, s, rng)
		ts := newTestServer(t, s)
		keys := map[int64]string{}
		// forbidden[c] lists the emails and phones customer c must never
		// see in clear: every contact it does not see in full.
		forbidden := map[int64][]string{}
		for _, c := range w.customers {
			keys[c] = ts.createKey(pursuit.RoleCustomer, c)
			for _, k := range w.contacts {
				if w.access[c][k.ContactID] != pursuit.AccessFull {
					forbidden[c] = append(forbidden[c], k.Email, k.Phone)
				}
			}
		}
		forbiddenSet := map[int64]map[string]bool{}
		for c, list := range forbidden {
			forbiddenSet[c] = map[string]bool{}
			for _, f := range list {
				forbiddenSet[c][f] = true
			}
		}
		// checkLeaks scans the raw body for anything shaped like one of
		// the generated emails or phones, in linear time.
		checkLeaks := func(t *testing.T, c int64, body []byte) {
			t.Helper()
			b := string(body)
			for i := 0; i < len(b); i++ {
				var tok string
				switch {
				case b[i] == '@':
					j := i
					for j > 0 && b[j-1] != '"' && b[j-1] != ' ' {
						j--
					}
					k := i
					for k < len(b) && b[k] != '"' && b[k] != ' ' {
						k++
					}
					tok = b[j:k]
				case strings.HasPrefix(b[i:], "(555) 555-") && i+14 <= len(b):
					tok = b[i : i+14]
				default:
					continue
				}
				if forbiddenSet[c][tok] {
					t.Fatalf("customer %d response contains %q, which it may not see in clear", c, tok)
				}
			}
		}
		checkContact := func(t *testing.T, c int64, got pursuit.Contact, access string) {
			t.Helper()
			want := w.access[c][got.ContactID]
			if want == "" {
				t.Fatalf("customer %d got contact %d, which it was not granted", c, got.ContactID)
			}
			if access != want {
				t.Fatalf("customer %d contact %d access %q, store says %q", c, got.ContactID, access, want)
			}
			orig := w.contacts[got.ContactID-1].Masked(want)
			if got.Email != orig.Email || got.Phone != orig.Phone {
				t.Fatalf("customer %d contact %d email/phone %q %q, want %q %q", c, got.ContactID, got.Email, got.Phone, orig.Email, orig.Phone)
			}
		}
		n := 3000
		if testing.Short() {
			n = 500
		}
		for i := 0; i < n; i++ {
			c := w.customers[rng.IntN(len(w.customers))]
			key := keys[c]
			switch kind := rng.IntN(7); kind {
			case 0, 1: // contacts search with filters, maybe a query
				v := url.Values{"facets": {"true"}, "limit": {"1000"}}
				states := pick(rng, isoStates)
				if len(states) > 0 {
					v.Set("state", strings.Join(states, ","))
				}
				q := ""
				if kind == 1 {
					q = isoWords[rng.IntN(len(isoWords))]
					v.Set("q", q)
				}
				r := ts.do("GET", "/v1/contacts/search?"+v.Encode(), key, nil)
				if r.status != 200 {
					t.Fatalf("search %s = %d %s", v.Encode(), r.status, r.body)
				}
				checkLeaks(t, c, r.body)
				var res search.ContactResult
				r.decode(t, &res)
				// Brute force over what the store says c sees.
				var want []int64
				byState := map[string]int{}
				byFunction := map[string]int{}
				for _, k := range w.contacts {
					p := w.place(k.PlaceID)
					if w.access[c][k.ContactID] == "" || (len(states) > 0 && !slices.Contains(states, p.StateAbbr)) {
						continue
					}
					want = append(want, k.ContactID)
					byState[p.StateAbbr]++
					fn, _ := titles.Classify(k.Title, k.Department)
					byFunction[fn]++
				}
				for _, h := range res.Hits {
					checkContact(t, c, h.Contact, h.AccessType)
					if !slices.Contains(want, h.Contact.ContactID) {
						t.Fatalf("search %s: contact %d is outside the filter", v.Encode(), h.Contact.ContactID)
					}
				}
				sum := 0
				for _, b := range res.Facets[search.FacetState] {
					if b.Count > byState[b.Value] {
						t.Fatalf("customer %d state facet %s = %d, more than the %d it can see", c, b.Value, b.Count, byState[b.Value])
					}
					sum += b.Count
				}
				for _, b := range res.Facets[search.FacetFunction] {
					if b.Count > byFunction[b.Value] {
						t.Fatalf("customer %d function facet %s = %d, more than the %d it can see", c, b.Value, b.Count, byFunction[b.Value])
					}
				}
				if sum != res.Total {
					t.Fatalf("state facet sums to %d, total is %d", sum, res.Total)
				}
				if q == "" {
					if diff := cmp.Diff(want, contactIDs(res.Hits)); diff != "" {
						t.Fatalf("customer %d search %s hits diff (-want +got):\n%s", c, v.Encode(), diff)
					}
					got := map[string]int{}
					for _, b := range res.Facets[search.FacetState] {
						got[b.Value] = b.Count
					}
					if diff := cmp.Diff(byState, got); diff != "" {
						t.Fatalf("customer %d state facet diff (-want +got):\n%s", c, diff)
					}
				}
				if res.Total > len(want) {
					t.Fatalf("total %d > %d visible", res.Total, len(want))
				}
			case 2: // places search
				v := url.Values{"facets": {"true"}, "limit": {"1000"}}
				states := pick(rng, isoStates)
				if len(states) > 0 {
					v.Set("state", strings.Join(states, ","))
				}
				r := ts.do("GET", "/v1/places/search?"+v.Encode(), key, nil)
				if r.status != 200 {
					t.Fatalf("places search = %d %s", r.status, r.body)
				}
				var res search.PlaceResult
				r.decode(t, &res)
				var want, got []int64
				for _, p := range w.places {
					if w.placeAccess[c][p.PlaceID] != "" && (len(states) == 0 || slices.Contains(states, p.StateAbbr)) {
						want = append(want, p.PlaceID)
					}
				}
				for _, h := range res.Hits {
					got = append(got, h.Place.PlaceID)
				}
				slices.Sort(got)
				if diff := cmp.Diff(want, got); diff != "" || res.Total != len(want) {
					t.Fatalf("customer %d places %s (total %d) diff (-want +got):\n%s", c, v.Encode(), res.Total, diff)
				}
			case 3: // get a contact
				id := int64(1 + rng.IntN(len(w.contacts)+5))
				r := ts.do("GET", fmt.Sprintf("/v1/contacts/%d", id), key, nil)
				checkLeaks(t, c, r.body)
				want := ""
				if id <= int64(len(w.contacts)) {
					want = w.access[c][id]
				}
				if want == "" {
					if r.status != 404 {
						t.Fatalf("customer %d GET contact %d = %d, want 404", c, id, r.status)
					}
					continue
				}
				var v httpapi.ContactView
				r.decode(t, &v)
				checkContact(t, c, v.Contact, v.AccessType)
			case 5: // my accounts
				owner := []string{"Bob", "Alice", "Nobody"}[rng.IntN(3)]
				r := ts.do("GET", "/v1/accounts?limit=1000&owner="+owner, key, nil)
				if r.status != 200 {
					t.Fatalf("accounts = %d %s", r.status, r.body)
				}
				checkLeaks(t, c, r.body)
				var v httpapi.AccountsView
				r.decode(t, &v)
				for _, h := range v.Places.Hits {
					if w.placeAccess[c][h.Place.PlaceID] == "" {
						t.Fatalf("customer %d accounts of %s list place %d, which it was not granted", c, owner, h.Place.PlaceID)
					}
				}
				for _, h := range v.Contacts.Hits {
					checkContact(t, c, h.Contact, h.AccessType)
				}
				if owner == "Nobody" && (v.Places.Total != 0 || v.Contacts.Total != 0) {
					t.Fatalf("customer %d has accounts for an owner nobody has", c)
				}
			case 6: // look up a mapping, maybe another customer's
				m := w.mappings[rng.IntN(len(w.mappings))]
				r := ts.do("GET", "/v1/mappings/"+url.PathEscape(m.ExternalCRMID), key, nil)
				checkLeaks(t, c, r.body)
				visible := m.CustomerID == c && ((m.PlaceID != 0 && w.placeAccess[c][m.PlaceID] != "") ||
					(m.ContactID != 0 && w.access[c][m.ContactID] != ""))
				if !visible {
					if r.status != 404 {
						t.Fatalf("customer %d look-up of %s (customer %d, place %d, contact %d) = %d, want 404",
							c, m.ExternalCRMID, m.CustomerID, m.PlaceID, m.ContactID, r.status)
					}
					continue
				}
				var v httpapi.MappingView
				r.decode(t, &v)
				if v.Contact != nil {
					checkContact(t, c, v.Contact.Contact, v.Contact.AccessType)
				}
			case 4: // get a place
				id := int64(1 + rng.IntN(len(w.places)+2))
				r := ts.do("GET", fmt.Sprintf("/v1/places/%d", id), key, nil)
				checkLeaks(t, c, r.body)
				if id > int64(len(w.places)) || w.placeAccess[c][id] == "" {
					if r.status != 404 {
						t.Fatalf("customer %d GET place %d = %d, want 404", c, id, r.status)
					}
					continue
				}
				var v httpapi.PlaceView
				r.decode(t, &v)
				for _, k := range v.Contacts {
					checkContact(t, c, k.Contact, k.AccessType)
					if k.Contact.PlaceID != id {
						t.Fatalf("place %d lists contact %d of place %d", id, k.Contact.ContactID, k.Contact.PlaceID)
					}
				}
			}
		}
	})
}

// pick returns a random subset of list (possibly empty).
func pick(rng *rand.Rand, list []string) []string {
	var out []string
	for _, s := range list {
		if rng.IntN(3) == 0 {
			out = append(out, s)
		}
	}
	return out
}

// TestSearchCursorPaging pages through every customer's contacts and
// places with small pages: the pages together hold each visible row exactly
// once.
func TestSearchCursorPaging(t *testing.T) {
	s := testdb.SQLite(t)
	w := buildIsoWorld(t, s, rand.New(rand.NewPCG(3, 4)))
	ts := newTestServer(t, s)
	for _, c := range w.customers {
		key := ts.createKey(pursuit.RoleCustomer, c)
		var want, got []int64
		for _, k := range w.contacts {
			if w.access[c][k.ContactID] != "" {
				want = append(want, k.ContactID)
			}
		}
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > len(want) {
				t.Fatalf("customer %d: more pages than rows", c)
			}
			var res search.ContactResult
			r := ts.do("GET", "/v1/contacts/search?limit=7&cursor="+url.QueryEscape(cursor), key, nil)
			if r.status != 200 {
				t.Fatalf("page %d: %d %s", pages, r.status, r.body)
			}
			r.decode(t, &res)
			if res.Total != len(want) {
				t.Fatalf("customer %d page %d total %d, want %d", c, pages, res.Total, len(want))
			}
			for _, h := range res.Hits {
				got = append(got, h.Contact.ContactID)
			}
			if res.NextCursor == "" {
				break
			}
			cursor = res.NextCursor
		}
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("customer %d paged contacts diff (-want +got):\n%s", c, diff)
		}
	}
	r := ts.do("GET", "/v1/contacts/search?cursor=garbage", ts.createKey(pursuit.RoleCustomer, 1), nil)
	if r.status != 400 || r.apiError(t).Field != "cursor" {
		t.Errorf("bad cursor = %d %s, want 400 naming cursor", r.status, r.body)
	}
}
